// Who may do what. The practice admin (the cluster's own token) is in system:masters and may do
// everything except what the `deny` knob lists; every other user (ServiceAccount tokens) is
// authorized by RBAC evaluation of the stored Roles and bindings, as kube-apiserver does.

import { errors, qualifiedResource, ApiError } from './status.js';
import { authorize as rbacAuthorize, rulesFor, type Attributes, type Decision, type Policy, type UserInfo } from './rbac.js';
import type { PracticeKnobs } from './types.js';
import { checkRbacWrite } from './rbac-escalation.js';
import type { ResourceInfo } from './resources.js';
import type { KObject } from './store.js';

export type { Attributes } from './rbac.js';

export const PRACTICE_USER = 'practice-learner';

export interface RequestUser extends UserInfo {
  /** The practice admin: allowed everything but the deny knob. */
  admin: boolean;
  uid?: string;
  extra?: Record<string, string[]>;
}

export const ADMIN_USER: RequestUser = { name: PRACTICE_USER, groups: ['system:masters', 'system:authenticated'], admin: true };

export function isDenied(deny: PracticeKnobs['deny'], a: Attributes): boolean {
  if (!a.resourceRequest) return false;
  const full = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  return deny.some(
    (d) => (d.verb === '*' || d.verb === a.verb) && (d.group === '*' || d.group === a.group) && (d.resource === '*' || d.resource === full || (!a.subresource && d.resource === a.resource)),
  );
}

/** kube-apiserver's 403 for a request the authorizers did not allow. */
export function forbidden(user: UserInfo, a: Attributes, reason = ''): ApiError {
  const why = reason ? `: ${reason}` : '';
  if (!a.resourceRequest) {
    return errors.forbidden(`forbidden: User "${user.name}" cannot ${a.verb} path "${a.path}"${why}`, undefined, '', '');
  }
  const full = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const subject = a.name ? `${qualifiedResource(a.resource, a.group)} "${a.name}"` : qualifiedResource(a.resource, a.group);
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const message = `${subject} is forbidden: User "${user.name}" cannot ${a.verb} resource "${full}" in API group "${a.group}" ${scope}${why}`;
  return errors.forbidden(message, a.name, a.group, a.resource);
}

export class Authorizer {
  constructor(
    private readonly policy: Policy,
    private readonly knobs: () => PracticeKnobs,
  ) {}

  authorize(user: RequestUser, a: Attributes): Decision {
    if (user.admin) {
      // The reviews themselves stay allowed: they are how a denial is found out.
      const review = a.resourceRequest && (a.group === 'authorization.k8s.io' || a.group === 'authentication.k8s.io') && a.resource.startsWith('self');
      if (!review && isDenied(this.knobs().deny, a)) return { allowed: false, reason: '' };
      const rbac = rbacAuthorize(this.policy, user, a);
      return { allowed: true, reason: rbac.allowed ? rbac.reason : '' };
    }
    return rbacAuthorize(this.policy, user, a);
  }

  /** Throws the 403 unless allowed. */
  require(user: RequestUser, a: Attributes): void {
    const d = this.authorize(user, a);
    if (!d.allowed) throw forbidden(user, a, d.reason);
  }

  /** Refuses an RBAC object that would grant the user more than they hold (no-op for the admin). */
  checkWrite(user: RequestUser, res: ResourceInfo, obj: KObject): void {
    if (user.admin || res.group !== 'rbac.authorization.k8s.io') return;
    const why = checkRbacWrite(this.policy, user, { plural: res.plural, namespace: obj.metadata.namespace, object: obj as unknown as Parameters<typeof checkRbacWrite>[2]['object'] });
    if (why) throw errors.forbidden(`${qualifiedResource(res.plural, res.group)} "${obj.metadata.name}" is forbidden: ${why}`, obj.metadata.name, res.group, res.plural);
  }

  /** Answers a SelfSubjectAccessReview (the body as posted). */
  reviewAccess(user: RequestUser, body: Record<string, unknown>): Record<string, unknown> {
    const spec = (body.spec ?? {}) as Record<string, unknown>;
    const ra = spec.resourceAttributes as Record<string, string> | undefined;
    const na = spec.nonResourceAttributes as Record<string, string> | undefined;
    let attrs: Attributes | undefined;
    if (ra) attrs = { verb: ra.verb ?? '', resourceRequest: true, group: ra.group ?? '', resource: ra.resource ?? '', subresource: ra.subresource || undefined, namespace: ra.namespace || undefined, name: ra.name || undefined };
    else if (na) attrs = { verb: na.verb ?? '', resourceRequest: false, group: '', resource: '', path: na.path ?? '' };
    if (ra && na) {
      const message = 'Invalid value: "object": cannot be specified in combination with resourceAttributes';
      throw errors.invalid('SelfSubjectAccessReview', 'authorization.k8s.io', '', `SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: ${message}`, [{ reason: 'FieldValueInvalid', message, field: 'spec.nonResourceAttributes' }]);
    }
    if (!attrs) throw errors.invalid('SelfSubjectAccessReview', 'authorization.k8s.io', '', 'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified', [{ reason: 'FieldValueInvalid', message: 'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified', field: 'spec.resourceAttributes' }]);
    const d = this.authorize(user, attrs);
    const status: Record<string, unknown> = { allowed: d.allowed };
    if (d.reason) status.reason = d.reason;
    return { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status };
  }

  /** Answers a SelfSubjectRulesReview: the rules of the user's bindings in spec.namespace. */
  reviewRules(user: RequestUser, body: Record<string, unknown>): Record<string, unknown> {
    const spec = (body.spec ?? {}) as Record<string, unknown>;
    const namespace = typeof spec.namespace === 'string' ? spec.namespace : '';
    if (!namespace) throw errors.badRequest('no namespace on request');
    const deny = this.knobs().deny;
    let status: Record<string, unknown>;
    if (user.admin) {
      status = {
        resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
        nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
        incomplete: deny.length > 0,
        ...(deny.length > 0 ? { evaluationError: 'some permissions are denied in this practice cluster; ask with a SelfSubjectAccessReview' } : {}),
      };
    } else {
      const r = rulesFor(this.policy, user, namespace);
      status = { resourceRules: r.resourceRules, nonResourceRules: r.nonResourceRules, incomplete: false, ...(r.error ? { evaluationError: r.error } : {}) };
    }
    return { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status };
  }
}

/** `kubectl auth whoami`: authentication.k8s.io/v1 SelfSubjectReview. */
export function selfSubjectReview(user: RequestUser): Record<string, unknown> {
  const userInfo: Record<string, unknown> = { username: user.name, groups: user.groups };
  if (user.uid) userInfo.uid = user.uid;
  if (user.extra) userInfo.extra = user.extra;
  return { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, status: { userInfo } };
}
