// RBAC evaluation, request attributes and RBAC validation, as kube-apiserver does them. Pure.
import { describe, expect, it } from 'vitest';
import { authorize, rulesFor, serviceAccountUser, type Attributes, type Binding, type Policy, type RoleObject, type Subject } from '../../src/practice/rbac.js';
import { requestAttributes } from '../../src/practice/request-info.js';
import { rbacCauses, defaultRbac } from '../../src/practice/rbac-validation.js';
import { bootstrapPolicy } from '../../src/practice/rbac-bootstrap.js';
import { aggregatedRules } from '../../src/practice/rbac-aggregation.js';
import { forbidden } from '../../src/practice/authz.js';
import type { KObject } from '../../src/practice/store.js';

const G = 'rbac.authorization.k8s.io';
const learner = serviceAccountUser('learner-01', 'egress-tutorial-learner');
const other = serviceAccountUser('learner-02', 'egress-tutorial-learner');
const sa = (name: string, namespace?: string): Subject => ({ kind: 'ServiceAccount', name, ...(namespace ? { namespace } : {}) });

/** The bootstrap policy after the aggregation controller filled admin, edit and view. */
function bootstrapped(): KObject[] {
  const all = bootstrapPolicy();
  for (const name of ['view', 'edit', 'admin']) {
    const role = all.find((o) => o.metadata.name === name && o.kind === 'ClusterRole');
    if (role) role.rules = aggregatedRules(role, all.filter((o) => o.kind === 'ClusterRole'));
  }
  return all;
}

function policy(objs: { roles?: RoleObject[]; clusterRoles?: RoleObject[]; bindings?: Binding[]; clusterBindings?: Binding[] }, withBootstrap = true): Policy {
  const boot = withBootstrap ? bootstrapped() : [];
  const clusterRoles = [...boot.filter((o) => o.kind === 'ClusterRole').map((o) => o as unknown as RoleObject), ...(objs.clusterRoles ?? [])];
  const clusterBindings = [...boot.filter((o) => o.kind === 'ClusterRoleBinding').map((o) => o as unknown as Binding), ...(objs.clusterBindings ?? [])];
  return {
    clusterRoleBindings: () => clusterBindings,
    roleBindings: (ns) => (objs.bindings ?? []).filter((b) => b.metadata.namespace === ns),
    clusterRole: (name) => clusterRoles.find((r) => r.metadata.name === name),
    role: (ns, name) => (objs.roles ?? []).find((r) => r.metadata.namespace === ns && r.metadata.name === name),
  };
}

const res = (verb: string, resource: string, namespace?: string, more: Partial<Attributes> = {}): Attributes => ({ verb, resourceRequest: true, group: '', resource, namespace, ...more });
const path = (p: string, verb = 'get'): Attributes => ({ verb, resourceRequest: false, group: '', resource: '', path: p });

const role = (namespace: string, name: string, rules: RoleObject['rules']): RoleObject => ({ metadata: { name, namespace }, rules });
const binding = (namespace: string, name: string, kind: 'Role' | 'ClusterRole', roleName: string, subjects: Subject[]): Binding => ({ metadata: { name, namespace }, roleRef: { apiGroup: G, kind, name: roleName }, subjects });

const LEARNER_POLICY = policy({
  roles: [
    role('learner-01', 'learner', [
      { apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create'] },
      { apiGroups: ['networking.istio.io'], resources: ['*'], verbs: ['*'] },
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['egress-tutorial-progress'], verbs: ['get', 'update', 'patch'] },
    ]),
  ],
  bindings: [binding('learner-01', 'learner', 'Role', 'learner', [sa('egress-tutorial-learner')])],
});

describe('RBAC rule evaluation', () => {
  const allowed = (a: Attributes, user = learner, p = LEARNER_POLICY) => authorize(p, user, a).allowed;

  it('allows the verbs a Role lists in its namespace and names the binding', () => {
    expect(authorize(LEARNER_POLICY, learner, res('list', 'pods', 'learner-01'))).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "learner/learner-01" of Role "learner" to ServiceAccount "egress-tutorial-learner/learner-01"',
    });
    expect(allowed(res('watch', 'pods', 'learner-01'))).toBe(true);
    expect(allowed(res('get', 'services', 'learner-01', { name: 'x' }))).toBe(true);
  });

  it('denies verbs the rule does not list: get is not list, list is not watch', () => {
    expect(allowed(res('delete', 'pods', 'learner-01'))).toBe(false);
    expect(allowed(res('create', 'pods', 'learner-01'))).toBe(false);
    const onlyGet = policy({ roles: [role('n', 'r', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }])], bindings: [binding('n', 'b', 'Role', 'r', [{ kind: 'User', apiGroup: G, name: 'u' }])] });
    const u = { name: 'u', groups: ['system:authenticated'] };
    expect(allowed(res('get', 'pods', 'n', { name: 'p' }), u, onlyGet)).toBe(true);
    expect(allowed(res('list', 'pods', 'n'), u, onlyGet)).toBe(false);
    expect(allowed(res('watch', 'pods', 'n'), u, onlyGet)).toBe(false);
  });

  it('never applies a RoleBinding outside its namespace, nor to another ServiceAccount', () => {
    expect(allowed(res('list', 'pods', 'learner-02'))).toBe(false);
    expect(allowed(res('list', 'pods'))).toBe(false);
    expect(allowed(res('list', 'pods', 'learner-01'), other)).toBe(false);
    expect(allowed(res('list', 'pods', 'learner-01'), serviceAccountUser('learner-01', 'default'))).toBe(false);
  });

  it('matches API groups exactly or by *', () => {
    expect(allowed(res('create', 'gateways', 'learner-01', { group: 'networking.istio.io' }))).toBe(true);
    expect(allowed(res('create', 'telemetries', 'learner-01', { group: 'telemetry.istio.io' }))).toBe(false);
    expect(allowed(res('list', 'deployments', 'learner-01', { group: 'apps' }))).toBe(false);
    expect(allowed(res('list', 'pods', 'learner-01', { group: 'apps' }))).toBe(false);
  });

  it('treats subresources as their own resources: pods does not grant pods/log, pods/log does not grant pods', () => {
    expect(allowed(res('get', 'pods', 'learner-01', { name: 'p', subresource: 'log' }))).toBe(true);
    expect(allowed(res('create', 'pods', 'learner-01', { name: 'p', subresource: 'exec' }))).toBe(true);
    expect(allowed(res('get', 'services', 'learner-01', { name: 's', subresource: 'status' }))).toBe(false);
    const logOnly = policy({ roles: [role('n', 'r', [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get', 'list'] }])], bindings: [binding('n', 'b', 'Role', 'r', [sa('x')])] });
    const x = serviceAccountUser('n', 'x');
    expect(allowed(res('list', 'pods', 'n'), x, logOnly)).toBe(false);
    const star = policy({ roles: [role('n', 'r', [{ apiGroups: [''], resources: ['*/log'], verbs: ['get'] }])], bindings: [binding('n', 'b', 'Role', 'r', [sa('x')])] });
    expect(allowed(res('get', 'pods', 'n', { name: 'p', subresource: 'log' }), x, star)).toBe(true);
    expect(allowed(res('get', 'pods', 'n', { name: 'p' }), x, star)).toBe(false);
  });

  it('limits a rule with resourceNames to those names, and never to a list without a name', () => {
    expect(allowed(res('get', 'configmaps', 'learner-01', { name: 'egress-tutorial-progress' }))).toBe(true);
    expect(allowed(res('update', 'configmaps', 'learner-01', { name: 'egress-tutorial-progress' }))).toBe(true);
    expect(allowed(res('get', 'configmaps', 'learner-01', { name: 'other' }))).toBe(false);
    expect(allowed(res('list', 'configmaps', 'learner-01'))).toBe(false);
    expect(allowed(res('create', 'configmaps', 'learner-01'))).toBe(false);
  });

  it('applies a ClusterRole bound by a RoleBinding in that namespace only', () => {
    const p = policy({ bindings: [binding('learner-01', 'view', 'ClusterRole', 'view', [sa('egress-tutorial-learner')])] });
    expect(allowed(res('list', 'pods', 'learner-01'), learner, p)).toBe(true);
    expect(allowed(res('list', 'pods', 'learner-02'), learner, p)).toBe(false);
    expect(allowed(res('list', 'pods'), learner, p)).toBe(false);
    expect(allowed(res('list', 'namespaces'), learner, p)).toBe(false);
    expect(authorize(p, learner, res('list', 'pods', 'learner-01')).reason).toBe('RBAC: allowed by RoleBinding "view/learner-01" of ClusterRole "view" to ServiceAccount "egress-tutorial-learner/learner-01"');
  });

  it('gives cluster-scoped and all-namespace access only through a ClusterRoleBinding', () => {
    const p = policy({ clusterBindings: [{ metadata: { name: 'readers' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'view' }, subjects: [sa('egress-tutorial-learner', 'learner-01')] }] });
    expect(allowed(res('list', 'namespaces'), learner, p)).toBe(true);
    expect(allowed(res('list', 'pods'), learner, p)).toBe(true);
    expect(allowed(res('list', 'pods', 'learner-02'), learner, p)).toBe(true);
    expect(authorize(p, learner, res('list', 'pods')).reason).toBe('RBAC: allowed by ClusterRoleBinding "readers" of ClusterRole "view" to ServiceAccount "egress-tutorial-learner/learner-01"');
    // A ClusterRoleBinding's ServiceAccount subject without a namespace matches nobody.
    const noNs = policy({ clusterBindings: [{ metadata: { name: 'readers' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'view' }, subjects: [sa('egress-tutorial-learner')] }] });
    expect(allowed(res('list', 'pods'), learner, noNs)).toBe(false);
  });

  it('matches Group subjects: every ServiceAccount of a namespace, every authenticated user', () => {
    const p = policy({ roles: [role('shared', 'r', [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }])], bindings: [binding('shared', 'b', 'Role', 'r', [{ kind: 'Group', apiGroup: G, name: 'system:serviceaccounts:learner-01' }])] });
    expect(allowed(res('list', 'pods', 'shared'), learner, p)).toBe(true);
    expect(allowed(res('list', 'pods', 'shared'), other, p)).toBe(false);
    expect(authorize(p, learner, res('list', 'pods', 'shared')).reason).toBe('RBAC: allowed by RoleBinding "b/shared" of Role "r" to Group "system:serviceaccounts:learner-01"');
  });

  it('matches verbs and resources by *', () => {
    const p = policy({ roles: [role('n', 'r', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }])], bindings: [binding('n', 'b', 'Role', 'r', [sa('x')])] });
    const x = serviceAccountUser('n', 'x');
    expect(allowed(res('deletecollection', 'pods', 'n'), x, p)).toBe(true);
    expect(allowed(res('create', 'pods', 'n', { subresource: 'exec', name: 'p' }), x, p)).toBe(true);
    expect(allowed(res('get', 'deployments', 'n', { group: 'apps', name: 'd' }), x, p)).toBe(true);
    expect(allowed(res('get', 'deployments', 'm', { group: 'apps', name: 'd' }), x, p)).toBe(false);
  });

  it('allows discovery, /version and /openapi to every authenticated user, other paths to nobody', () => {
    for (const p of ['/api', '/api/v1', '/apis', '/apis/networking.istio.io/v1', '/version', '/openapi/v3', '/openapi/v3/api/v1', '/healthz']) {
      expect(allowed(path(p)), p).toBe(true);
    }
    expect(allowed(path('/metrics'))).toBe(false);
    expect(allowed(path('/api', 'post'))).toBe(false);
    expect(authorize(LEARNER_POLICY, learner, path('/version')).reason).toBe('RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"');
    const none = policy({}, false);
    expect(allowed(path('/version'), learner, none)).toBe(false);
  });

  it('allows the self reviews to every authenticated user (system:basic-user)', () => {
    expect(allowed(res('create', 'selfsubjectaccessreviews', undefined, { group: 'authorization.k8s.io' }))).toBe(true);
    expect(allowed(res('create', 'selfsubjectrulesreviews', undefined, { group: 'authorization.k8s.io' }))).toBe(true);
    expect(allowed(res('create', 'subjectaccessreviews', undefined, { group: 'authorization.k8s.io' }))).toBe(false);
  });

  it('says which role is missing when a binding points at nothing', () => {
    const p = policy({ bindings: [binding('n', 'b', 'Role', 'gone', [sa('x')])] });
    expect(authorize(p, serviceAccountUser('n', 'x'), res('list', 'pods', 'n'))).toEqual({ allowed: false, reason: 'RBAC: role.rbac.authorization.k8s.io "gone" not found' });
    const both = policy({ bindings: [binding('n', 'b', 'Role', 'gone', [sa('x')]), binding('n', 'c', 'ClusterRole', 'gone2', [sa('x')])] });
    expect(authorize(both, serviceAccountUser('n', 'x'), res('list', 'pods', 'n')).reason).toBe('RBAC: [role.rbac.authorization.k8s.io "gone" not found, clusterrole.rbac.authorization.k8s.io "gone2" not found]');
  });

  it('lists the rules of a namespace for SelfSubjectRulesReview', () => {
    const r = rulesFor(LEARNER_POLICY, learner, 'learner-01');
    expect(r.resourceRules).toContainEqual({ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] });
    expect(r.resourceRules).toContainEqual({ verbs: ['get', 'update', 'patch'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['egress-tutorial-progress'] });
    expect(r.resourceRules).toContainEqual({ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] });
    expect(r.nonResourceRules).toContainEqual(expect.objectContaining({ verbs: ['get'], nonResourceURLs: expect.arrayContaining(['/api/*', '/version']) }));
    const elsewhere = rulesFor(LEARNER_POLICY, learner, 'learner-02');
    expect(elsewhere.resourceRules.some((x) => x.resources?.includes('pods'))).toBe(false);
  });
});

describe('403 messages', () => {
  it('are kube-apiserver\'s, for resources in a namespace, at the cluster scope, named objects and paths', () => {
    expect(forbidden(learner, res('list', 'pods', 'learner-02')).message).toBe('pods is forbidden: User "system:serviceaccount:learner-01:egress-tutorial-learner" cannot list resource "pods" in API group "" in the namespace "learner-02"');
    expect(forbidden(learner, res('get', 'gateways', 'x', { group: 'networking.istio.io', name: 'gw' })).message).toBe('gateways.networking.istio.io "gw" is forbidden: User "system:serviceaccount:learner-01:egress-tutorial-learner" cannot get resource "gateways" in API group "networking.istio.io" in the namespace "x"');
    expect(forbidden(learner, res('create', 'pods', 'x', { name: 'p', subresource: 'exec' })).message).toBe('pods "p" is forbidden: User "system:serviceaccount:learner-01:egress-tutorial-learner" cannot create resource "pods/exec" in API group "" in the namespace "x"');
    expect(forbidden(learner, res('list', 'namespaces')).message).toBe('namespaces is forbidden: User "system:serviceaccount:learner-01:egress-tutorial-learner" cannot list resource "namespaces" in API group "" at the cluster scope');
    expect(forbidden(learner, path('/metrics')).message).toBe('forbidden: User "system:serviceaccount:learner-01:egress-tutorial-learner" cannot get path "/metrics"');
    expect(forbidden(learner, res('list', 'pods', 'n'), 'RBAC: role.rbac.authorization.k8s.io "gone" not found').message).toMatch(/in the namespace "n": RBAC: role\.rbac\.authorization\.k8s\.io "gone" not found$/);
    expect(forbidden(learner, res('list', 'pods', 'n')).toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods is forbidden: User "system:serviceaccount:learner-01:egress-tutorial-learner" cannot list resource "pods" in API group "" in the namespace "n"',
      reason: 'Forbidden',
      details: { kind: 'pods' },
      code: 403,
    });
    expect(forbidden(learner, path('/metrics')).toStatus().details).toEqual({});
  });
});

describe('request attributes', () => {
  const q = (s = '') => new URLSearchParams(s);
  it('work out verb, resource, namespace and name from the URL as kube-apiserver does', () => {
    expect(requestAttributes('GET', '/api/v1/namespaces/a/pods', q())).toMatchObject({ verb: 'list', resourceRequest: true, group: '', resource: 'pods', namespace: 'a' });
    expect(requestAttributes('GET', '/api/v1/namespaces/a/pods', q('watch=true'))).toMatchObject({ verb: 'watch', resource: 'pods' });
    expect(requestAttributes('GET', '/api/v1/watch/namespaces/a/pods', q())).toMatchObject({ verb: 'watch', resource: 'pods', namespace: 'a' });
    expect(requestAttributes('GET', '/api/v1/namespaces/a/pods/p', q())).toMatchObject({ verb: 'get', name: 'p' });
    expect(requestAttributes('GET', '/api/v1/namespaces/a/pods/p/log', q())).toMatchObject({ verb: 'get', name: 'p', subresource: 'log' });
    expect(requestAttributes('GET', '/api/v1/namespaces/a/pods/p/exec', q('command=ls'))).toMatchObject({ verb: 'get', subresource: 'exec' });
    expect(requestAttributes('POST', '/api/v1/namespaces/a/serviceaccounts/s/token', q())).toMatchObject({ verb: 'create', resource: 'serviceaccounts', name: 's', subresource: 'token' });
    expect(requestAttributes('DELETE', '/apis/apps/v1/namespaces/a/deployments', q())).toMatchObject({ verb: 'deletecollection', group: 'apps', resource: 'deployments' });
    expect(requestAttributes('DELETE', '/apis/apps/v1/namespaces/a/deployments/d', q())).toMatchObject({ verb: 'delete', name: 'd' });
    expect(requestAttributes('PATCH', '/apis/networking.istio.io/v1/namespaces/a/gateways/g', q())).toMatchObject({ verb: 'patch', group: 'networking.istio.io', resource: 'gateways', name: 'g' });
    expect(requestAttributes('GET', '/api/v1/pods', q())).toMatchObject({ verb: 'list', resource: 'pods', namespace: undefined });
  });

  it('puts a Namespace\'s own name in the namespace attribute, so a RoleBinding can grant reading it', () => {
    expect(requestAttributes('GET', '/api/v1/namespaces/a', q())).toMatchObject({ verb: 'get', resource: 'namespaces', name: 'a', namespace: 'a' });
    expect(requestAttributes('GET', '/api/v1/namespaces', q())).toMatchObject({ verb: 'list', resource: 'namespaces', namespace: undefined });
    expect(requestAttributes('PUT', '/api/v1/namespaces/a/status', q())).toMatchObject({ verb: 'update', resource: 'namespaces', name: 'a', subresource: 'status' });
  });

  it('takes the name of an exact metadata.name field selector for list and watch', () => {
    expect(requestAttributes('GET', '/api/v1/namespaces/a/configmaps', q('fieldSelector=metadata.name%3Dprogress&watch=true'))).toMatchObject({ verb: 'watch', name: 'progress' });
    expect(requestAttributes('GET', '/api/v1/namespaces/a/configmaps', q('fieldSelector=metadata.name!%3Dprogress'))).toMatchObject({ verb: 'list', name: undefined });
  });

  it('treats discovery and other paths as non-resource requests', () => {
    expect(requestAttributes('GET', '/api', q())).toMatchObject({ resourceRequest: false, verb: 'get', path: '/api' });
    expect(requestAttributes('GET', '/api/v1', q())).toMatchObject({ resourceRequest: false, path: '/api/v1' });
    expect(requestAttributes('GET', '/apis/apps/v1', q())).toMatchObject({ resourceRequest: false, path: '/apis/apps/v1' });
    expect(requestAttributes('GET', '/openapi/v3/api/v1', q())).toMatchObject({ resourceRequest: false });
    expect(requestAttributes('POST', '/version', q())).toMatchObject({ resourceRequest: false, verb: 'post' });
  });
});

describe('RBAC validation', () => {
  const roleRes = { group: G, plural: 'roles', namespaced: true };
  const crRes = { group: G, plural: 'clusterroles', namespaced: false };
  const rbRes = { group: G, plural: 'rolebindings', namespaced: true };
  const crbRes = { group: G, plural: 'clusterrolebindings', namespaced: false };
  const obj = (kind: string, body: Record<string, unknown>): KObject => ({ apiVersion: `${G}/v1`, kind, metadata: { name: 'x', namespace: 'n' }, ...body });

  it('requires verbs, and API groups and resources for resource rules', () => {
    expect(rbacCauses(roleRes, obj('Role', { rules: [{ resources: ['pods'] }] }), undefined)).toEqual([
      { reason: 'FieldValueRequired', message: 'Required value: verbs must contain at least one value', field: 'rules[0].verbs' },
      { reason: 'FieldValueRequired', message: 'Required value: resource rules must supply at least one api group', field: 'rules[0].apiGroups' },
    ]);
    expect(rbacCauses(roleRes, obj('Role', { rules: [{ apiGroups: [''], verbs: ['get'] }] }), undefined).map((c) => c.field)).toEqual(['rules[0].resources']);
    expect(rbacCauses(roleRes, obj('Role', { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }), undefined)).toEqual([]);
  });

  it('allows non-resource URLs in ClusterRoles only, never mixed with resources', () => {
    expect(rbacCauses(crRes, obj('ClusterRole', { rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }] }), undefined)).toEqual([]);
    expect(rbacCauses(roleRes, obj('Role', { rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }] }), undefined)[0].message).toBe('Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs');
    expect(rbacCauses(crRes, obj('ClusterRole', { rules: [{ nonResourceURLs: ['/x'], resources: ['pods'], verbs: ['get'] }] }), undefined)[0].message).toBe('Invalid value: []string{"/x"}: rules cannot apply to both regular resources and non-resource URLs');
  });

  it('checks roleRef and subjects of bindings, after the v1 defaults', () => {
    const rb = obj('RoleBinding', { roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'u' }, { kind: 'ServiceAccount', name: 'sa' }] });
    defaultRbac(rbRes, rb);
    expect(rb.roleRef).toEqual({ kind: 'Role', name: 'r', apiGroup: G });
    expect(rb.subjects).toEqual([{ kind: 'User', name: 'u', apiGroup: G }, { kind: 'ServiceAccount', name: 'sa' }]);
    expect(rbacCauses(rbRes, rb, undefined)).toEqual([]);
    expect(rbacCauses(rbRes, obj('RoleBinding', { roleRef: { apiGroup: G, kind: 'Secret', name: 'r' } }), undefined)[0]).toEqual({ reason: 'FieldValueNotSupported', message: 'Unsupported value: "Secret": supported values: "Role", "ClusterRole"', field: 'roleRef.kind' });
    expect(rbacCauses(crbRes, obj('ClusterRoleBinding', { roleRef: { apiGroup: G, kind: 'Role', name: 'r' } }), undefined)[0].message).toBe('Unsupported value: "Role": supported values: "ClusterRole"');
    expect(rbacCauses(rbRes, obj('RoleBinding', { roleRef: { apiGroup: G, kind: 'Role' } }), undefined)).toEqual([{ reason: 'FieldValueRequired', message: 'Required value', field: 'roleRef.name' }]);
    expect(rbacCauses(crbRes, obj('ClusterRoleBinding', { roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: 'sa' }] }), undefined)).toEqual([{ reason: 'FieldValueRequired', message: 'Required value', field: 'subjects[0].namespace' }]);
    expect(rbacCauses(rbRes, obj('RoleBinding', { roleRef: { apiGroup: G, kind: 'Role', name: 'r' }, subjects: [{ kind: 'Robot', name: 'r2' }] }), undefined)[0].message).toBe('Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"');
    expect(rbacCauses(rbRes, obj('RoleBinding', { roleRef: { apiGroup: G, kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'Bad_Name' }] }), undefined)[0].field).toBe('subjects[0].name');
  });

  it('refuses to change roleRef on update', () => {
    const old = obj('RoleBinding', { roleRef: { apiGroup: G, kind: 'Role', name: 'a' } });
    const next = obj('RoleBinding', { roleRef: { apiGroup: G, kind: 'Role', name: 'b' } });
    expect(rbacCauses(rbRes, next, old)).toEqual([{ reason: 'FieldValueInvalid', message: 'Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"b"}: cannot change roleRef', field: 'roleRef' }]);
    expect(rbacCauses(rbRes, old, old)).toEqual([]);
  });
});

describe('the token registry', () => {
  it('forgets a token at its expiry, keeps hashes only, and restores live ones', async () => {
    const { TokenRegistry, tokenHash } = await import('../../src/practice/tokens.js');
    let now = Date.parse('2026-01-01T00:00:00Z');
    const reg = new TokenRegistry(() => now);
    const changes: number[] = [];
    reg.onChange(() => changes.push(now));
    const { token, expires } = reg.issue({ namespace: 'n', serviceAccount: 'sa', serviceAccountUid: 'u1', audiences: ['a'], expirationSeconds: 600 });
    expect(expires.toISOString()).toBe('2026-01-01T00:10:00.000Z');
    expect(changes).toHaveLength(1);
    expect(reg.lookup(token)).toMatchObject({ namespace: 'n', serviceAccount: 'sa', serviceAccountUid: 'u1' });
    expect(reg.lookup(token.slice(0, -1))).toBeUndefined();
    const saved = reg.snapshot();
    expect(saved).toEqual([expect.objectContaining({ hash: tokenHash(token) })]);
    expect(JSON.stringify(saved)).not.toContain(token.split('.')[2]);
    const again = new TokenRegistry(() => now);
    again.restore(saved);
    expect(again.lookup(token)?.serviceAccount).toBe('sa');
    now += 600_000;
    expect(reg.lookup(token)).toBeUndefined();
    expect(reg.snapshot()).toEqual([]);
    const late = new TokenRegistry(() => now);
    late.restore(saved);
    expect(late.lookup(token)).toBeUndefined();
  });
});

describe('escalation prevention', () => {
  it('lets a user write only rules they hold, or bind with the bind verb', async () => {
    const { checkRbacWrite } = await import('../../src/practice/rbac-escalation.js');
    expect(checkRbacWrite(LEARNER_POLICY, learner, { plural: 'roles', namespace: 'learner-01', object: { rules: [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }] } })).toBeUndefined();
    expect(checkRbacWrite(LEARNER_POLICY, learner, { plural: 'roles', namespace: 'learner-02', object: { rules: [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }] } })).toContain('{APIGroups:[""], Resources:["pods/log"], Verbs:["get"]}');
    expect(checkRbacWrite(LEARNER_POLICY, learner, { plural: 'roles', namespace: 'learner-01', object: { rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['egress-tutorial-progress', 'other'], verbs: ['get'] }] } })).toMatch(
      /not currently held:\n\{APIGroups:\[""\], Resources:\["configmaps"\], ResourceNames:\["other"\], Verbs:\["get"\]\}$/,
    );
    expect(checkRbacWrite(LEARNER_POLICY, learner, { plural: 'clusterroles', object: { rules: [{ nonResourceURLs: ['/version'], verbs: ['get'] }, { nonResourceURLs: ['/metrics'], verbs: ['get'] }] } })).toMatch(/\{NonResourceURLs:\["\/metrics"\], Verbs:\["get"\]\}$/);
    const binder = policy({
      roles: [role('n', 'binder', [{ apiGroups: [G], resources: ['clusterroles'], resourceNames: ['cluster-admin'], verbs: ['bind'] }])],
      bindings: [binding('n', 'b', 'Role', 'binder', [sa('x')])],
    });
    const x = serviceAccountUser('n', 'x');
    expect(checkRbacWrite(binder, x, { plural: 'rolebindings', namespace: 'n', object: { roleRef: { kind: 'ClusterRole', name: 'cluster-admin' } } })).toBeUndefined();
    expect(checkRbacWrite(binder, x, { plural: 'rolebindings', namespace: 'n', object: { roleRef: { kind: 'ClusterRole', name: 'admin' } } })).toContain('not currently held');
    expect(checkRbacWrite(binder, x, { plural: 'rolebindings', namespace: 'n', object: { roleRef: { kind: 'Role', name: 'missing' } } })).toContain('role.rbac.authorization.k8s.io "missing" not found');
  });
});

describe('ClusterRole aggregation', () => {
  it('fills admin ⊇ edit ⊇ view from the roles their selectors match, without repeats', () => {
    const all = bootstrapped();
    const rulesOf = (n: string) => (all.find((o) => o.metadata.name === n)?.rules ?? []) as unknown[];
    expect(rulesOf('view').length).toBeGreaterThan(0);
    for (const r of rulesOf('view')) expect(rulesOf('edit')).toContainEqual(r);
    for (const r of rulesOf('edit')) expect(rulesOf('admin')).toContainEqual(r);
    expect(rulesOf('view')).not.toContainEqual(expect.objectContaining({ resources: ['pods/exec', 'secrets'] }));
    const extra: KObject = { apiVersion: `${G}/v1`, kind: 'ClusterRole', metadata: { name: 'istio-edit', labels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } }, rules: [{ apiGroups: ['networking.istio.io'], resources: ['*'], verbs: ['*'] }] };
    const edit = all.find((o) => o.metadata.name === 'edit') as KObject;
    expect(aggregatedRules(edit, [...all, extra])).toContainEqual({ apiGroups: ['networking.istio.io'], resources: ['*'], verbs: ['*'] });
    expect(aggregatedRules(all.find((o) => o.metadata.name === 'view') as KObject, [...all, extra])).not.toContainEqual({ apiGroups: ['networking.istio.io'], resources: ['*'], verbs: ['*'] });
  });
});
