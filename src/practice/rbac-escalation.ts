// RBAC's escalation prevention (kube's ConfirmNoEscalation and BindingAuthorized): a user may write
// a Role only with rules they already hold there (or with the `escalate` verb), and bind a role
// only when they hold its rules (or have `bind` on it). The practice admin is exempt (system:masters).

import { authorize, RBAC_GROUP, type Attributes, type PolicyRule, type Policy, type RoleObject, type UserInfo } from './rbac.js';

interface Atomic {
  apiGroup?: string;
  resource?: string;
  resourceName?: string;
  nonResourceURL?: string;
  verb: string;
}

function atomize(rules: PolicyRule[]): Atomic[] {
  const out: Atomic[] = [];
  for (const r of rules) {
    for (const verb of r.verbs ?? []) {
      for (const url of r.nonResourceURLs ?? []) out.push({ nonResourceURL: url, verb });
      for (const apiGroup of r.apiGroups ?? []) {
        for (const resource of r.resources ?? []) {
          if (r.resourceNames?.length) for (const resourceName of r.resourceNames) out.push({ apiGroup, resource, resourceName, verb });
          else out.push({ apiGroup, resource, verb });
        }
      }
    }
  }
  return out;
}

function covered(policy: Policy, user: UserInfo, namespace: string, a: Atomic): boolean {
  let attrs: Attributes;
  if (a.nonResourceURL !== undefined) attrs = { verb: a.verb, resourceRequest: false, group: '', resource: '', path: a.nonResourceURL };
  else {
    const [resource, subresource] = (a.resource ?? '').split('/', 2);
    attrs = { verb: a.verb, resourceRequest: true, group: a.apiGroup ?? '', resource, subresource, name: a.resourceName, namespace: namespace || undefined };
  }
  return authorize(policy, user, attrs).allowed;
}

const quoted = (xs: string[]): string => `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`;

/** rbacv1helpers.CompactString of the missing rules, merged by verb as kube's CompactRules does. */
function describeMissing(missing: Atomic[]): string {
  const merged = new Map<string, { base: Atomic; verbs: string[] }>();
  for (const m of missing) {
    const key = JSON.stringify([m.apiGroup, m.resource, m.resourceName, m.nonResourceURL]);
    const e = merged.get(key) ?? { base: m, verbs: [] };
    e.verbs.push(m.verb);
    merged.set(key, e);
  }
  const lines = [...merged.values()].map(({ base, verbs }) => {
    const parts: string[] = [];
    if (base.apiGroup !== undefined) parts.push(`APIGroups:${quoted([base.apiGroup])}`);
    if (base.resource !== undefined) parts.push(`Resources:${quoted([base.resource])}`);
    if (base.resourceName !== undefined) parts.push(`ResourceNames:${quoted([base.resourceName])}`);
    if (base.nonResourceURL !== undefined) parts.push(`NonResourceURLs:${quoted([base.nonResourceURL])}`);
    parts.push(`Verbs:${quoted(verbs)}`);
    return `{${parts.join(', ')}}`;
  });
  return [...new Set(lines)].sort().join('\n');
}

/** undefined when the user holds every rule; otherwise kube's sentence (after "is forbidden: "). */
export function escalationError(policy: Policy, user: UserInfo, namespace: string, rules: PolicyRule[]): string | undefined {
  const missing = atomize(rules).filter((a) => !covered(policy, user, namespace, a));
  if (!missing.length) return undefined;
  return `user ${JSON.stringify(user.name)} (groups=${quoted(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${describeMissing(missing)}`;
}

export interface RbacWrite {
  plural: string; // roles | clusterroles | rolebindings | clusterrolebindings
  namespace?: string;
  object: { rules?: PolicyRule[]; roleRef?: { kind?: string; name?: string } };
}

/** The reason a write of an RBAC object is refused, or undefined when it is allowed. */
export function checkRbacWrite(policy: Policy, user: UserInfo, w: RbacWrite): string | undefined {
  const ns = w.namespace ?? '';
  const can = (verb: string, resource: string, name: string | undefined): boolean =>
    authorize(policy, user, { verb, resourceRequest: true, group: RBAC_GROUP, resource, namespace: ns || undefined, name }).allowed;
  if (w.plural === 'roles' || w.plural === 'clusterroles') {
    if (can('escalate', w.plural, undefined)) return undefined;
    return escalationError(policy, user, ns, w.object.rules ?? []);
  }
  const ref = w.object.roleRef ?? {};
  const roleResource = ref.kind === 'Role' ? 'roles' : 'clusterroles';
  if (can('bind', roleResource, ref.name)) return undefined;
  let role: RoleObject | undefined;
  if (ref.kind === 'Role') role = ns ? policy.role(ns, ref.name ?? '') : undefined;
  else role = policy.clusterRole(ref.name ?? '');
  if (!role) return `user ${JSON.stringify(user.name)} (groups=${quoted(user.groups)}) is attempting to grant RBAC permissions not currently held: ${roleResource.slice(0, -1)}.${RBAC_GROUP} ${JSON.stringify(ref.name ?? '')} not found`;
  return escalationError(policy, user, ns, role.rules ?? []);
}
