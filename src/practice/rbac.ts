// RBAC evaluation as kube-apiserver's RBAC authorizer does it: ClusterRoleBindings first, then the
// RoleBindings of the request's namespace; a rule allows when verb, API group, resource (with
// subresource), resource name, or non-resource URL match. Pure: the policy comes in as plain objects.

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface Subject {
  kind: string; // User | Group | ServiceAccount
  apiGroup?: string;
  name: string;
  namespace?: string;
}

export interface RoleRef {
  apiGroup?: string;
  kind: string; // Role | ClusterRole
  name: string;
}

export interface Binding {
  metadata: { name: string; namespace?: string };
  subjects?: Subject[];
  roleRef: RoleRef;
}

export interface RoleObject {
  metadata: { name: string; namespace?: string };
  rules?: PolicyRule[];
}

/** Read access to the RBAC objects, as the authorizer's listers give it. */
export interface Policy {
  clusterRoleBindings(): Binding[];
  roleBindings(namespace: string): Binding[];
  clusterRole(name: string): RoleObject | undefined;
  role(namespace: string, name: string): RoleObject | undefined;
}

export interface UserInfo {
  name: string;
  groups: string[];
}

/** What a request asks for, as kube's RequestInfo and authorizer.Attributes describe it. */
export interface Attributes {
  verb: string;
  resourceRequest: boolean;
  group: string;
  resource: string; // plural
  subresource?: string;
  namespace?: string;
  name?: string;
  path?: string; // non-resource requests
}

export interface Decision {
  allowed: boolean;
  /** "RBAC: allowed by RoleBinding ..." when allowed; the resolution errors otherwise (may be ''). */
  reason: string;
}

export const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return { name: `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'] };
}

const has = (list: string[] | undefined, v: string): boolean => !!list && list.includes(v);

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return has(rule.verbs, '*') || has(rule.verbs, verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return has(rule.apiGroups, '*') || has(rule.apiGroups, group);
}

/** "pods/log" in a rule matches the log subresource; "*" everything; "*\/log" every resource's log. */
export function resourceMatches(rule: PolicyRule, resource: string, subresource: string | undefined): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true;
    if (subresource && r === `*/${subresource}`) return true;
  }
  return false;
}

/** An empty resourceNames list matches every name; a list matches only named requests. */
export function resourceNameMatches(rule: PolicyRule, name: string | undefined): boolean {
  if (!rule.resourceNames || rule.resourceNames.length === 0) return true;
  return name !== undefined && name !== '' && rule.resourceNames.includes(name);
}

/** "/apis/*" matches every path below /apis/; "*" every path. */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

export function ruleAllows(a: Attributes, rule: PolicyRule): boolean {
  if (a.resourceRequest) {
    return verbMatches(rule, a.verb) && apiGroupMatches(rule, a.group) && resourceMatches(rule, a.resource, a.subresource) && resourceNameMatches(rule, a.name);
  }
  return verbMatches(rule, a.verb) && nonResourceURLMatches(rule, a.path ?? '');
}

/** Whether a binding subject names this user; a ServiceAccount subject without namespace means the binding's. */
export function subjectMatches(subject: Subject, user: UserInfo, bindingNamespace: string | undefined): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace || bindingNamespace;
      if (!ns) return false;
      return user.name === `${SERVICE_ACCOUNT_PREFIX}${ns}:${subject.name}`;
    }
    default:
      return false;
  }
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} "${s.name}/${s.namespace || bindingNamespace}"`;
  return `${s.kind} "${s.name}"`;
}

/** "ClusterRoleBinding "x" of ClusterRole "y" to Group "z"", as kube names the source of a rule. */
export function describeBinding(b: Binding, s: Subject, clusterScoped: boolean): string {
  const name = clusterScoped ? b.metadata.name : `${b.metadata.name}/${b.metadata.namespace}`;
  return `${clusterScoped ? 'ClusterRoleBinding' : 'RoleBinding'} "${name}" of ${b.roleRef.kind} "${b.roleRef.name}" to ${describeSubject(s, clusterScoped ? '' : b.metadata.namespace ?? '')}`;
}

type Visitor = (source: string | undefined, rule: PolicyRule | undefined, error: string | undefined) => boolean; // false: stop

function rulesOf(policy: Policy, ref: RoleRef, bindingNamespace: string | undefined): { rules?: PolicyRule[]; error?: string } {
  if (ref.kind === 'ClusterRole') {
    const r = policy.clusterRole(ref.name);
    return r ? { rules: r.rules ?? [] } : { error: `clusterrole.${RBAC_GROUP} "${ref.name}" not found` };
  }
  if (ref.kind === 'Role' && bindingNamespace) {
    const r = policy.role(bindingNamespace, ref.name);
    return r ? { rules: r.rules ?? [] } : { error: `role.${RBAC_GROUP} "${ref.name}" not found` };
  }
  return { error: `unsupported role reference kind: "${ref.kind}"` };
}

/** Visits every rule that applies to the user in `namespace` ('' = cluster-wide rules only). */
export function visitRulesFor(policy: Policy, user: UserInfo, namespace: string, visit: Visitor): void {
  for (const b of policy.clusterRoleBindings()) {
    const s = (b.subjects ?? []).find((x) => subjectMatches(x, user, ''));
    if (!s) continue;
    const { rules, error } = rulesOf(policy, b.roleRef, undefined);
    if (error) {
      if (!visit(undefined, undefined, error)) return;
      continue;
    }
    const source = describeBinding(b, s, true);
    for (const r of rules ?? []) if (!visit(source, r, undefined)) return;
  }
  if (!namespace) return;
  for (const b of policy.roleBindings(namespace)) {
    const s = (b.subjects ?? []).find((x) => subjectMatches(x, user, namespace));
    if (!s) continue;
    const { rules, error } = rulesOf(policy, b.roleRef, namespace);
    if (error) {
      if (!visit(undefined, undefined, error)) return;
      continue;
    }
    const source = describeBinding(b, s, false);
    for (const r of rules ?? []) if (!visit(source, r, undefined)) return;
  }
}

export function authorize(policy: Policy, user: UserInfo, a: Attributes): Decision {
  let reason = '';
  let allowed = false;
  const errs: string[] = [];
  visitRulesFor(policy, user, a.namespace ?? '', (source, rule, error) => {
    if (rule && ruleAllows(a, rule)) {
      allowed = true;
      reason = `RBAC: allowed by ${source}`;
      return false;
    }
    if (error) errs.push(error);
    return true;
  });
  if (allowed) return { allowed, reason };
  return { allowed: false, reason: errs.length ? `RBAC: ${aggregate(errs)}` : '' };
}

/** utilerrors.NewAggregate's text: one error as is, several in brackets. */
function aggregate(errs: string[]): string {
  const unique = [...new Set(errs)];
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

export interface RulesForUser {
  resourceRules: { verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }[];
  nonResourceRules: { verbs: string[]; nonResourceURLs?: string[] }[];
  /** The resolution errors (missing roles), as the review's evaluationError. */
  error?: string;
}

/** What SelfSubjectRulesReview answers: every rule of the user's bindings in `namespace`. */
export function rulesFor(policy: Policy, user: UserInfo, namespace: string): RulesForUser {
  const out: RulesForUser = { resourceRules: [], nonResourceRules: [] };
  const errs: string[] = [];
  visitRulesFor(policy, user, namespace, (_source, rule, error) => {
    if (error) errs.push(error);
    if (!rule) return true;
    if (rule.resources?.length) {
      out.resourceRules.push(compact({ verbs: rule.verbs ?? [], apiGroups: rule.apiGroups, resources: rule.resources, resourceNames: rule.resourceNames }));
    }
    if (rule.nonResourceURLs?.length) out.nonResourceRules.push({ verbs: rule.verbs ?? [], nonResourceURLs: rule.nonResourceURLs });
    return true;
  });
  if (errs.length) out.error = aggregate(errs);
  return out;
}

function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0 && v !== o.verbs))) as T;
}
