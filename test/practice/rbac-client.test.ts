// ServiceAccount tokens and RBAC through real client-node: learners confined to their namespace,
// the TokenRequest API, and many learners at once without cross-talk.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { createServer } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, Exec, KubeConfig, KubernetesObjectApi, Log, PatchStrategy, RbacAuthorizationV1Api, Watch, type V1Status } from '@kubernetes/client-node';
import { call, caOf, start, waitFor } from './helpers.js';
import { kubeconfigYaml } from '../../src/practice/kubeconfig.js';
import type { PracticeCluster } from '../../src/practice/types.js';

const SA = 'egress-tutorial-learner';
const user = (ns: string) => `system:serviceaccount:${ns}:${SA}`;

function learnerRole(ns: string) {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: SA, namespace: ns },
    rules: [
      { apiGroups: [''], resources: ['pods', 'services', 'configmaps'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'create', 'patch', 'delete'] },
      { apiGroups: ['networking.istio.io'], resources: ['*'], verbs: ['*'] },
    ],
  };
}

/** What `class setup` does for one learner, as the practice admin. */
async function setUpLearner(cluster: PracticeCluster, ns: string, withPod = false): Promise<void> {
  const post = async (path: string, body: unknown) => {
    const r = await call(cluster, path, { method: 'POST', body });
    if (r.status !== 201) throw new Error(`${path}: ${r.status} ${r.text}`);
  };
  await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'istio-injection': 'enabled' } } });
  await post(`/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SA } });
  await post(`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, learnerRole(ns));
  await post(`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: SA },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: SA },
    subjects: [{ kind: 'ServiceAccount', name: SA, namespace: ns }],
  });
  if (withPod) {
    await post(`/apis/apps/v1/namespaces/${ns}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'curl' },
      spec: { selector: { matchLabels: { app: 'curl' } }, template: { metadata: { labels: { app: 'curl' } }, spec: { containers: [{ name: 'curl', image: 'curlimages/curl', command: ['sleep', 'infinity'] }] } } },
    });
  }
}

async function tokenFor(cluster: PracticeCluster, ns: string, spec: Record<string, unknown> = {}): Promise<string> {
  const r = await call(cluster, `/api/v1/namespaces/${ns}/serviceaccounts/${SA}/token`, { method: 'POST', body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec } });
  if (r.status !== 201) throw new Error(`token: ${r.status} ${r.text}`);
  return r.json.status.token;
}

function learnerConfig(cluster: PracticeCluster, token: string, ns: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigYaml(cluster.url, token, caOf(cluster), ns));
  return kc;
}

function execIn(kc: KubeConfig, ns: string, pod: string, argv: string[]): Promise<{ status: V1Status; out: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  return new Promise((resolve, reject) => {
    new Exec(kc)
      .exec(ns, pod, 'curl', argv, stdout, new PassThrough(), null, false, (status) => setImmediate(() => resolve({ status, out })))
      .catch(reject);
  });
}

let cluster: PracticeCluster;
beforeAll(async () => {
  cluster = await start();
  await setUpLearner(cluster, 'learner-01', true);
  await setUpLearner(cluster, 'learner-02', true);
});
afterAll(async () => {
  await cluster.stop();
});

describe('the TokenRequest API', () => {
  it('issues a token with the default hour, the API audience and the ServiceAccount in its claims', async () => {
    const before = Date.now();
    const r = await call(cluster, `/api/v1/namespaces/learner-01/serviceaccounts/${SA}/token`, { method: 'POST', body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} } });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: { name: SA, namespace: 'learner-01' }, spec: { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 3600, boundObjectRef: null } });
    const expires = Date.parse(r.json.status.expirationTimestamp);
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3600_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3600_000);
    const claims = JSON.parse(Buffer.from(r.json.status.token.split('.')[1], 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ sub: user('learner-01'), aud: ['https://kubernetes.default.svc.cluster.local'], 'kubernetes.io': { namespace: 'learner-01', serviceaccount: { name: SA } } });
    // Two requests never give the same token.
    expect(await tokenFor(cluster, 'learner-01')).not.toBe(r.json.status.token);
  });

  it('answers 404 for a ServiceAccount that does not exist and 422 for a too short or too long expiry', async () => {
    const missing = await call(cluster, '/api/v1/namespaces/learner-01/serviceaccounts/nobody/token', { method: 'POST', body: { spec: {} } });
    expect(missing.status).toBe(404);
    expect(missing.json.message).toBe('serviceaccounts "nobody" not found');
    const short = await call(cluster, `/api/v1/namespaces/learner-01/serviceaccounts/${SA}/token`, { method: 'POST', body: { spec: { expirationSeconds: 599 } } });
    expect(short.status).toBe(422);
    expect(short.json.message).toBe('TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes');
    const long = await call(cluster, `/api/v1/namespaces/learner-01/serviceaccounts/${SA}/token`, { method: 'POST', body: { spec: { expirationSeconds: 2 ** 32 + 1 } } });
    expect(long.json.message).toContain('may not specify a duration larger than 2^32 seconds');
    const get = await call(cluster, `/api/v1/namespaces/learner-01/serviceaccounts/${SA}/token`);
    expect(get.status).toBe(405);
  });

  it('authenticates a token as the ServiceAccount with its groups, and 401s unknown, foreign-audience and unbound tokens', async () => {
    const token = await tokenFor(cluster, 'learner-01');
    const who = await call(cluster, '/apis/authentication.k8s.io/v1/selfsubjectreviews', { method: 'POST', token, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
    expect(who.status).toBe(201);
    expect(who.json.status.userInfo).toMatchObject({ username: user('learner-01'), groups: ['system:serviceaccounts', 'system:serviceaccounts:learner-01', 'system:authenticated'] });
    expect((await call(cluster, '/api/v1/namespaces/learner-01/pods', { token: `${token}x` })).status).toBe(401);
    expect((await call(cluster, '/api/v1/namespaces/learner-01/pods', { token: 'not-a-token' })).status).toBe(401);
    const vault = await tokenFor(cluster, 'learner-01', { audiences: ['vault'] });
    expect((await call(cluster, '/api/v1/namespaces/learner-01/pods', { token: vault })).status).toBe(401);
  });

  it('binds a token to a pod: it stops working when the pod is gone', async () => {
    const pod = (await call(cluster, '/api/v1/namespaces/learner-01/pods')).json.items[0];
    const wrongSa = await call(cluster, `/api/v1/namespaces/learner-01/serviceaccounts/${SA}/token`, { method: 'POST', body: { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: pod.metadata.name } } } });
    expect(wrongSa.status).toBe(400);
    expect(wrongSa.json.message).toBe(`cannot bind token for serviceaccount "${SA}" to pod running with different serviceaccount name.`);
    const deployment = await call(cluster, '/apis/apps/v1/namespaces/learner-01/deployments/curl', {
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: { spec: { template: { spec: { serviceAccountName: SA } } } },
    });
    expect(deployment.status).toBe(200);
    const bound = await waitFor('a pod running as the learner', async () => (await call(cluster, '/api/v1/namespaces/learner-01/pods')).json.items.find((p: any) => p.spec.serviceAccountName === SA && !p.metadata.deletionTimestamp)); // eslint-disable-line @typescript-eslint/no-explicit-any
    const token = await tokenFor(cluster, 'learner-01', { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: bound.metadata.name } });
    expect((await call(cluster, '/api/v1/namespaces/learner-01/pods', { token })).status).toBe(200);
    expect((await call(cluster, `/api/v1/namespaces/learner-01/pods/${bound.metadata.name}`, { method: 'DELETE' })).status).toBe(200);
    expect((await call(cluster, '/api/v1/namespaces/learner-01/pods', { token })).status).toBe(401);
    const kindless = await call(cluster, `/api/v1/namespaces/learner-01/serviceaccounts/${SA}/token`, { method: 'POST', body: { spec: { boundObjectRef: { kind: 'Deployment', apiVersion: 'apps/v1', name: 'curl' } } } });
    expect(kindless.json.message).toBe('cannot bind token for object of type apps/v1, Kind=Deployment');
  });

  it('fills a service-account-token Secret with a token that lasts until the Secret is deleted', async () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token', metadata: { name: 'learner-token', annotations: { 'kubernetes.io/service-account.name': SA } } };
    expect((await call(cluster, '/api/v1/namespaces/learner-01/secrets', { method: 'POST', body: secret })).status).toBe(201);
    const filled = (await call(cluster, '/api/v1/namespaces/learner-01/secrets/learner-token')).json;
    expect(filled.metadata.annotations['kubernetes.io/service-account.uid']).toBe((await call(cluster, `/api/v1/namespaces/learner-01/serviceaccounts/${SA}`)).json.metadata.uid);
    expect(Buffer.from(filled.data.namespace, 'base64').toString()).toBe('learner-01');
    expect(Buffer.from(filled.data['ca.crt'], 'base64').toString()).toBe(caOf(cluster));
    const token = Buffer.from(filled.data.token, 'base64').toString();
    expect(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())).toMatchObject({ iss: 'kubernetes/serviceaccount', sub: user('learner-01'), 'kubernetes.io/serviceaccount/secret.name': 'learner-token' });
    expect((await call(cluster, '/api/v1/namespaces/learner-01/pods', { token })).status).toBe(200);
    expect((await call(cluster, '/api/v1/namespaces/learner-01/secrets/learner-token', { method: 'DELETE' })).status).toBe(200);
    expect((await call(cluster, '/api/v1/namespaces/learner-01/pods', { token })).status).toBe(401);
  });

  it('remembers tokens in the state file (hashes only), so a restarted cluster still accepts them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'practice-tokens-'));
    const file = join(dir, 'state.json');
    try {
      const a = await start({ stateFile: file });
      await setUpLearner(a, 'learner-09');
      const token = await tokenFor(a, 'learner-09');
      await a.stop();
      const saved = await readFile(file, 'utf8');
      expect(saved).not.toContain(token.split('.')[2]);
      expect(JSON.parse(saved).tokens).toHaveLength(1);
      const b = await start({ stateFile: file });
      try {
        // Same address, certificate and admin token: kubeconfigs handed out before still work.
        expect(b.url).toBe(a.url);
        expect(b.kubeconfig()).toBe(a.kubeconfig());
        const kc = learnerConfig(a, token, 'learner-09');
        expect((await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'learner-09' })).items).toEqual([]);
        const r = await call(b, '/api/v1/namespaces/learner-09/pods', { token });
        expect(r.status).toBe(200);
        expect((await call(b, '/api/v1/namespaces/learner-01/pods', { token })).status).toBe(403);
      } finally {
        await b.stop();
      }
      // The saved port taken by something else: a random one, the rest unchanged.
      const blocker = createServer();
      await new Promise<void>((r) => blocker.listen(Number(new URL(a.url).port), '127.0.0.1', () => r()));
      const c = await start({ stateFile: file });
      try {
        expect(c.url).not.toBe(a.url);
        expect(c.token).toBe(a.token);
        expect((await call(c, '/api/v1/namespaces/learner-09/pods', { token })).status).toBe(200);
      } finally {
        await c.stop();
        await new Promise((r) => blocker.close(r));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a learner kubeconfig with client-node', () => {
  it('lists, watches, reads logs and execs in the own namespace', async () => {
    const kc = learnerConfig(cluster, await tokenFor(cluster, 'learner-02'), 'learner-02');
    const core = kc.makeApiClient(CoreV1Api);
    const pod = await waitFor('a Running pod', async () => (await core.listNamespacedPod({ namespace: 'learner-02' })).items.find((p) => p.status?.phase === 'Running'));
    const events: string[] = [];
    const watch = await new Watch(kc).watch('/api/v1/namespaces/learner-02/pods', {}, (type) => events.push(type), () => undefined);
    await waitFor('a watch event', () => (events.length ? true : undefined));
    watch.abort();
    const r = await execIn(kc, 'learner-02', pod.metadata?.name ?? '', ['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', 'http://httpbin.org/get']);
    expect(r.status.status).toBe('Success');
    expect(r.out).toBe('200');
    const logOut = new PassThrough();
    let logged = '';
    logOut.on('data', (c: Buffer) => (logged += c.toString('utf8')));
    await new Log(kc).log('learner-02', pod.metadata?.name ?? '', 'istio-proxy', logOut, { tailLines: 5 });
    await waitFor('log text', () => (logged.length ? true : undefined));
    // Server-side apply of an Istio kind in the own namespace, through discovery as the learner.
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const se = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'httpbin', namespace: 'learner-02' }, spec: { hosts: ['httpbin.org'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'DNS' } };
    await expect(objects.patch(se, undefined, undefined, 'egress-tutorial', true, PatchStrategy.ServerSideApply)).resolves.toMatchObject({ metadata: { name: 'httpbin' } });
  });

  it('is refused everything in another namespace with kube-apiserver\'s 403 message', async () => {
    const kc = learnerConfig(cluster, await tokenFor(cluster, 'learner-01'), 'learner-01');
    const core = kc.makeApiClient(CoreV1Api);
    const e = await core.listNamespacedPod({ namespace: 'learner-02' }).catch((x) => x);
    expect(e.code).toBe(403);
    expect(JSON.parse(e.body)).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Forbidden',
      code: 403,
      details: { kind: 'pods' },
      message: `pods is forbidden: User "${user('learner-01')}" cannot list resource "pods" in API group "" in the namespace "learner-02"`,
    });
    const pod = (await call(cluster, '/api/v1/namespaces/learner-02/pods')).json.items[0];
    const exec = execIn(kc, 'learner-02', pod.metadata.name, ['ls']);
    await expect(exec).rejects.toBeDefined();
    const logs = await call(cluster, `/api/v1/namespaces/learner-02/pods/${pod.metadata.name}/log?container=curl`, { token: kc.getCurrentUser()?.token });
    expect(logs.json.message).toBe(`pods "${pod.metadata.name}" is forbidden: User "${user('learner-01')}" cannot get resource "pods/log" in API group "" in the namespace "learner-02"`);
    const watch = await call(cluster, '/api/v1/namespaces/learner-02/configmaps?watch=true', { token: kc.getCurrentUser()?.token });
    expect(watch.status).toBe(403);
    expect(watch.json.message).toContain('cannot watch resource "configmaps"');
    const write = await call(cluster, '/api/v1/namespaces/learner-02/configmaps', { method: 'POST', token: kc.getCurrentUser()?.token, body: { metadata: { name: 'x' } } });
    expect(write.json.message).toBe(`configmaps is forbidden: User "${user('learner-01')}" cannot create resource "configmaps" in API group "" in the namespace "learner-02"`);
    const namespaces = await core.listNamespace().catch((x) => x);
    expect(namespaces.code).toBe(403);
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const escalate = await rbac.createNamespacedRoleBinding({ namespace: 'learner-01', body: { metadata: { name: 'x' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'ServiceAccount', name: SA }] } }).catch((x) => x);
    expect(escalate.code).toBe(403);
  });

  it('leaves learners to their RoleBindings when the deny knob restricts the practice admin', async () => {
    const token = await tokenFor(cluster, 'learner-01');
    cluster.setKnobs({ deny: [{ verb: 'list', group: '', resource: 'pods' }] });
    try {
      expect((await call(cluster, '/api/v1/namespaces/learner-01/pods')).status).toBe(403);
      expect((await call(cluster, '/api/v1/namespaces/learner-01/pods', { token })).status).toBe(200);
    } finally {
      cluster.setKnobs({ deny: [] });
    }
  });

  it('needs both get and create on pods/exec for a WebSocket exec', async () => {
    const role = learnerRole('learner-02');
    role.rules[2] = { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] };
    expect((await call(cluster, `/apis/rbac.authorization.k8s.io/v1/namespaces/learner-02/roles/${SA}`, { method: 'PUT', body: role })).status).toBe(200);
    try {
      const kc = learnerConfig(cluster, await tokenFor(cluster, 'learner-02'), 'learner-02');
      const pod = (await call(cluster, '/api/v1/namespaces/learner-02/pods')).json.items[0];
      const r = await call(cluster, `/api/v1/namespaces/learner-02/pods/${pod.metadata.name}/exec?command=ls&container=curl`, { token: kc.getCurrentUser()?.token, accept: 'application/json' });
      expect(r.status).toBe(403);
      expect(r.json.message).toContain('cannot get resource "pods/exec"');
      await expect(execIn(kc, 'learner-02', pod.metadata.name, ['ls'])).rejects.toBeDefined();
    } finally {
      expect((await call(cluster, `/apis/rbac.authorization.k8s.io/v1/namespaces/learner-02/roles/${SA}`, { method: 'PUT', body: learnerRole('learner-02') })).status).toBe(200);
    }
  });

  it('answers SelfSubjectAccessReview and SelfSubjectRulesReview for the calling learner', async () => {
    const token = await tokenFor(cluster, 'learner-01');
    const ask = (resourceAttributes: Record<string, string>) =>
      call(cluster, '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { method: 'POST', token, body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes } } });
    const yes = await ask({ verb: 'create', group: 'networking.istio.io', resource: 'gateways', namespace: 'learner-01' });
    expect(yes.json.status).toEqual({ allowed: true, reason: `RBAC: allowed by RoleBinding "${SA}/learner-01" of Role "${SA}" to ServiceAccount "${SA}/learner-01"` });
    expect((await ask({ verb: 'create', group: 'networking.istio.io', resource: 'gateways', namespace: 'learner-02' })).json.status).toEqual({ allowed: false });
    expect((await ask({ verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: 'learner-01' })).json.status.allowed).toBe(true);
    const rules = await call(cluster, '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { method: 'POST', token, body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'learner-01' } } });
    expect(rules.status).toBe(201);
    expect(rules.json.status.resourceRules).toContainEqual({ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] });
    expect(rules.json.status.incomplete).toBe(false);
    const noNs = await call(cluster, '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { method: 'POST', token, body: { spec: {} } });
    expect(noNs.status).toBe(400);
  });
});

describe('RBAC objects through the API', () => {
  it('validates Roles and bindings and keeps roleRef immutable', async () => {
    const rbac = new KubeConfig();
    rbac.loadFromString(cluster.kubeconfig());
    const api = rbac.makeApiClient(RbacAuthorizationV1Api);
    const bad = await api.createNamespacedRole({ namespace: 'learner-01', body: { metadata: { name: 'bad' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: [] }] } }).catch((x) => x);
    expect(bad.code).toBe(422);
    expect(JSON.parse(bad.body).message).toBe('Role.rbac.authorization.k8s.io "bad" is invalid: rules[0].verbs: Required value: verbs must contain at least one value');
    const move = await api.patchNamespacedRoleBinding({ namespace: 'learner-01', name: SA, body: [{ op: 'replace', path: '/roleRef/name', value: 'admin' }] }).catch((x) => x);
    expect(move.code).toBe(422);
    expect(JSON.parse(move.body).message).toContain('roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"admin"}: cannot change roleRef');
    const cr = await api.createClusterRole({ body: { metadata: { name: 'egress-tutorial:reader' }, rules: [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }] } });
    expect(cr.metadata?.name).toBe('egress-tutorial:reader');
    const listed = await api.listClusterRoleBinding();
    expect(listed.items.map((b) => b.metadata?.name)).toEqual(expect.arrayContaining(['cluster-admin', 'system:basic-user', 'system:discovery']));
    await api.deleteClusterRole({ name: 'egress-tutorial:reader' });
  });

  it('refuses Roles and bindings that grant more than the writer holds (escalation prevention)', async () => {
    await setUpLearner(cluster, 'lead');
    const grant = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'lead-admin' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' }, subjects: [{ kind: 'ServiceAccount', name: SA }] };
    expect((await call(cluster, '/apis/rbac.authorization.k8s.io/v1/namespaces/lead/rolebindings', { method: 'POST', body: grant })).status).toBe(201);
    const token = await tokenFor(cluster, 'lead');
    const post = (kind: string, body: Record<string, unknown>) =>
      call(cluster, `/apis/rbac.authorization.k8s.io/v1/namespaces/lead/${kind}`, { method: 'POST', token, body: { apiVersion: 'rbac.authorization.k8s.io/v1', ...body } });
    const held = await post('roles', { kind: 'Role', metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] }] });
    expect(held.status).toBe(201);
    const more = await post('roles', { kind: 'Role', metadata: { name: 'node-reader' }, rules: [{ apiGroups: [''], resources: ['nodes', 'pods'], verbs: ['get', 'list'] }] });
    expect(more.status).toBe(403);
    expect(more.json.message).toBe(
      `roles.rbac.authorization.k8s.io "node-reader" is forbidden: user "${user('lead')}" (groups=["system:serviceaccounts" "system:serviceaccounts:lead" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["nodes"], Verbs:["get" "list"]}`,
    );
    const view = await post('rolebindings', { kind: 'RoleBinding', metadata: { name: 'view' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:serviceaccounts:lead' }] });
    expect(view.status).toBe(201);
    const root = await post('rolebindings', { kind: 'RoleBinding', metadata: { name: 'root' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'ServiceAccount', name: SA }] });
    expect(root.status).toBe(403);
    expect(root.json.message).toContain('is attempting to grant RBAC permissions not currently held:\n{APIGroups:["*"], Resources:["*"], Verbs:["*"]}');
  });

  it('aggregates a ClusterRole labelled aggregate-to-edit into edit (and admin), and takes it out again', async () => {
    await setUpLearner(cluster, 'editor');
    await call(cluster, `/apis/rbac.authorization.k8s.io/v1/namespaces/editor/rolebindings/${SA}`, { method: 'DELETE' });
    const bind = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'edit' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'ServiceAccount', name: SA }] };
    expect((await call(cluster, '/apis/rbac.authorization.k8s.io/v1/namespaces/editor/rolebindings', { method: 'POST', body: bind })).status).toBe(201);
    const token = await tokenFor(cluster, 'editor');
    const gateways = '/apis/networking.istio.io/v1/namespaces/editor/gateways';
    expect((await call(cluster, '/api/v1/namespaces/editor/pods', { token })).status).toBe(200);
    expect((await call(cluster, gateways, { token })).status).toBe(403);
    const istioEdit = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'istio-edit', labels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } }, rules: [{ apiGroups: ['networking.istio.io'], resources: ['*'], verbs: ['*'] }] };
    expect((await call(cluster, '/apis/rbac.authorization.k8s.io/v1/clusterroles', { method: 'POST', body: istioEdit })).status).toBe(201);
    expect((await call(cluster, gateways, { token })).status).toBe(200);
    const admin = (await call(cluster, '/apis/rbac.authorization.k8s.io/v1/clusterroles/admin')).json;
    expect(admin.rules).toContainEqual({ apiGroups: ['networking.istio.io'], resources: ['*'], verbs: ['*'] });
    expect(admin.metadata.managedFields.map((m: { manager: string }) => m.manager)).toContain('clusterrole-aggregation-controller');
    expect((await call(cluster, '/apis/rbac.authorization.k8s.io/v1/clusterroles/istio-edit', { method: 'DELETE' })).status).toBe(200);
    expect((await call(cluster, gateways, { token })).status).toBe(403);
  });

  it('takes effect at once when a RoleBinding is deleted or added', async () => {
    const token = await tokenFor(cluster, 'learner-01');
    const path = '/api/v1/namespaces/learner-01/configmaps';
    expect((await call(cluster, path, { token })).status).toBe(200);
    const binding = (await call(cluster, `/apis/rbac.authorization.k8s.io/v1/namespaces/learner-01/rolebindings/${SA}`)).json;
    expect((await call(cluster, `/apis/rbac.authorization.k8s.io/v1/namespaces/learner-01/rolebindings/${SA}`, { method: 'DELETE' })).status).toBe(200);
    expect((await call(cluster, path, { token })).status).toBe(403);
    delete binding.metadata.resourceVersion;
    delete binding.metadata.uid;
    delete binding.metadata.managedFields;
    expect((await call(cluster, '/apis/rbac.authorization.k8s.io/v1/namespaces/learner-01/rolebindings', { method: 'POST', body: binding })).status).toBe(201);
    expect((await call(cluster, path, { token })).status).toBe(200);
  });
});

describe('many learners at once', () => {
  it('serves 30 learners listing and exec-ing in parallel, each in their own namespace only', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `class-${String(i + 1).padStart(2, '0')}`);
    await Promise.all(names.map((ns) => setUpLearner(cluster, ns, true)));
    const tokens = await Promise.all(names.map((ns) => tokenFor(cluster, ns)));
    const started = Date.now();
    const results = await Promise.all(
      names.map(async (ns, i) => {
        const kc = learnerConfig(cluster, tokens[i], ns);
        const core = kc.makeApiClient(CoreV1Api);
        const pod = await waitFor(`a Running pod in ${ns}`, async () => (await core.listNamespacedPod({ namespace: ns })).items.find((p) => p.status?.phase === 'Running'), 20_000);
        const neighbour = names[(i + 1) % names.length];
        const refused = await core.listNamespacedPod({ namespace: neighbour }).catch((e) => e.code);
        const whoami = await call(cluster, '/apis/authentication.k8s.io/v1/selfsubjectreviews', { method: 'POST', token: tokens[i], body: { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1' } });
        const r = await execIn(kc, ns, pod.metadata?.name ?? '', ['sh', '-c', `echo ${ns}`]);
        return { ns, pod: pod.metadata?.namespace, refused, who: whoami.json.status.userInfo.username, out: r.out.trim(), status: r.status.status };
      }),
    );
    const elapsed = Date.now() - started;
    for (const r of results) {
      expect(r).toEqual({ ns: r.ns, pod: r.ns, refused: 403, who: user(r.ns), out: r.ns, status: 'Success' });
    }
    expect(elapsed).toBeLessThan(20_000);
  }, 60_000);
});
