// RBAC as the practice cluster models it: everything is allowed except what the `deny` knob lists.

import { errors, qualifiedResource } from './status.js';
import type { PracticeKnobs } from './types.js';

export const PRACTICE_USER = 'practice-learner';

export interface Attributes {
  verb: string;
  group: string;
  resource: string; // plural
  subresource?: string;
  namespace?: string;
  name?: string;
}

export function isDenied(deny: PracticeKnobs['deny'], a: Attributes): boolean {
  const full = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  return deny.some(
    (d) => (d.verb === '*' || d.verb === a.verb) && (d.group === '*' || d.group === a.group) && (d.resource === '*' || d.resource === full || (!a.subresource && d.resource === a.resource)),
  );
}

export function forbidden(a: Attributes) {
  const full = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const subject = a.name ? `${qualifiedResource(a.resource, a.group)} "${a.name}"` : qualifiedResource(a.resource, a.group);
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const message = `${subject} is forbidden: User "${PRACTICE_USER}" cannot ${a.verb} resource "${full}" in API group "${a.group}" ${scope}`;
  return errors.forbidden(message, a.name, a.group, a.resource);
}

/** Answers a SelfSubjectAccessReview (the body as posted). */
export function reviewAccess(deny: PracticeKnobs['deny'], body: Record<string, unknown>): Record<string, unknown> {
  const spec = (body.spec ?? {}) as Record<string, unknown>;
  const ra = spec.resourceAttributes as Record<string, string> | undefined;
  let allowed = true;
  let reason = '';
  if (ra) {
    const attrs: Attributes = { verb: ra.verb ?? '', group: ra.group ?? '', resource: ra.resource ?? '', subresource: ra.subresource || undefined, namespace: ra.namespace || undefined, name: ra.name || undefined };
    allowed = !isDenied(deny, attrs);
    reason = allowed ? 'RBAC: allowed by ClusterRoleBinding "practice-admin" of ClusterRole "cluster-admin" to User "practice-learner"' : '';
  }
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec,
    status: allowed ? { allowed: true, reason } : { allowed: false, denied: false },
  };
}

export function reviewRules(deny: PracticeKnobs['deny'], body: Record<string, unknown>): Record<string, unknown> {
  return {
    kind: 'SelfSubjectRulesReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: body.spec ?? {},
    status: {
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: deny.length > 0,
      ...(deny.length > 0 ? { evaluationError: 'some permissions are denied in this practice cluster; ask with a SelfSubjectAccessReview' } : {}),
    },
  };
}
