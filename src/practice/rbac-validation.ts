// Defaulting and validation of rbac.authorization.k8s.io/v1 objects with kube-apiserver's field
// paths and messages (pkg/apis/rbac/validation): rules need verbs and either resources with API
// groups or non-resource URLs (cluster roles only); bindings need a valid roleRef, which can never
// change, and subjects of a known kind.

import type { StatusCause } from './status.js';
import type { ResourceInfo } from './resources.js';
import type { KObject } from './store.js';
import { RBAC_GROUP } from './rbac.js';
import { isPlainObject } from './patch.js';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

export function isRbac(res: Pick<ResourceInfo, 'group'>): boolean {
  return res.group === RBAC_GROUP;
}

/** path.IsValidPathSegmentName: what RBAC object names must satisfy (colons are fine). */
export function pathSegmentNameErrors(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const out: string[] = [];
  for (const c of ['/', '%']) if (name.includes(c)) out.push(`may not contain '${c}'`);
  return out;
}

/** Go's %#v of a value, as field.Invalid prints it. */
function goValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[]string{${v.map((x) => JSON.stringify(String(x))).join(', ')}}`;
  return String(v);
}

const invalid = (field: string, value: unknown, detail: string): StatusCause => ({ reason: 'FieldValueInvalid', message: `Invalid value: ${goValue(value)}: ${detail}`, field });
const required = (field: string, detail = ''): StatusCause => ({ reason: 'FieldValueRequired', message: `Required value${detail ? `: ${detail}` : ''}`, field });
const notSupported = (field: string, value: unknown, supported: string[]): StatusCause => ({
  reason: 'FieldValueNotSupported',
  message: `Unsupported value: ${goValue(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
  field,
});

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
const rec = (v: unknown): Record<string, unknown> => (isPlainObject(v) ? (v as Record<string, unknown>) : {});

/** v1 defaults: roleRef.apiGroup and the apiGroup of User and Group subjects. */
export function defaultRbac(res: Pick<ResourceInfo, 'group' | 'plural'>, obj: KObject): void {
  if (!isRbac(res) || !res.plural.endsWith('bindings')) return;
  if (isPlainObject(obj.roleRef)) {
    const ref = obj.roleRef as Record<string, unknown>;
    if (!ref.apiGroup) ref.apiGroup = RBAC_GROUP;
  }
  if (Array.isArray(obj.subjects)) {
    for (const s of obj.subjects as Record<string, unknown>[]) {
      if (!isPlainObject(s) || s.apiGroup) continue;
      if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = RBAC_GROUP;
    }
  }
}

function ruleCauses(rule: Record<string, unknown>, namespaced: boolean, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  const verbs = strings(rule.verbs);
  const urls = strings(rule.nonResourceURLs);
  if (verbs.length === 0) out.push(required(`${path}.verbs`, 'verbs must contain at least one value'));
  if (urls.length > 0) {
    if (namespaced) out.push(invalid(`${path}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'));
    if (strings(rule.apiGroups).length || strings(rule.resources).length || strings(rule.resourceNames).length) {
      out.push(invalid(`${path}.nonResourceURLs`, urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return out;
  }
  if (strings(rule.apiGroups).length === 0) out.push(required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if (strings(rule.resources).length === 0) out.push(required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return out;
}

function subjectCauses(s: Record<string, unknown>, namespaced: boolean, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  const name = typeof s.name === 'string' ? s.name : '';
  const apiGroup = typeof s.apiGroup === 'string' ? s.apiGroup : '';
  if (!name) out.push(required(`${path}.name`));
  switch (s.kind) {
    case 'ServiceAccount':
      if (name && !(DNS1123_SUBDOMAIN.test(name) && name.length <= 253)) out.push(invalid(`${path}.name`, name, SUBDOMAIN_MESSAGE));
      if (apiGroup) out.push(notSupported(`${path}.apiGroup`, apiGroup, ['']));
      if (!namespaced && !s.namespace) out.push(required(`${path}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) out.push(notSupported(`${path}.apiGroup`, apiGroup, [RBAC_GROUP]));
      break;
    default:
      out.push(notSupported(`${path}.kind`, s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return out;
}

function roleRefText(ref: Record<string, unknown>): string {
  return `rbac.RoleRef{APIGroup:${JSON.stringify(String(ref.apiGroup ?? ''))}, Kind:${JSON.stringify(String(ref.kind ?? ''))}, Name:${JSON.stringify(String(ref.name ?? ''))}}`;
}

/** The validation errors of an RBAC object (none for other kinds); `old` on update. */
export function rbacCauses(res: Pick<ResourceInfo, 'group' | 'plural' | 'namespaced'>, obj: KObject, old: KObject | undefined): StatusCause[] {
  if (!isRbac(res)) return [];
  const out: StatusCause[] = [];
  if (res.plural === 'roles' || res.plural === 'clusterroles') {
    if (obj.rules !== undefined && obj.rules !== null && !Array.isArray(obj.rules)) out.push({ reason: 'FieldValueTypeInvalid', message: 'Invalid value: "object": rules must be of type array', field: 'rules' });
    (Array.isArray(obj.rules) ? obj.rules : []).forEach((r, i) => out.push(...ruleCauses(rec(r), res.namespaced, `rules[${i}]`)));
    return out;
  }
  const ref = rec(obj.roleRef);
  const kinds = res.plural === 'clusterrolebindings' ? ['ClusterRole'] : ['Role', 'ClusterRole'];
  if (ref.apiGroup !== RBAC_GROUP) out.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC_GROUP]));
  if (!kinds.includes(String(ref.kind ?? ''))) out.push(notSupported('roleRef.kind', ref.kind ?? '', kinds));
  const refName = typeof ref.name === 'string' ? ref.name : '';
  if (!refName) out.push(required('roleRef.name'));
  else for (const m of pathSegmentNameErrors(refName)) out.push(invalid('roleRef.name', refName, m));
  (Array.isArray(obj.subjects) ? obj.subjects : []).forEach((s, i) => out.push(...subjectCauses(rec(s), res.namespaced, `subjects[${i}]`)));
  if (old) {
    const before = rec(old.roleRef);
    if (before.apiGroup !== ref.apiGroup || before.kind !== ref.kind || before.name !== ref.name) out.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${roleRefText(ref)}: cannot change roleRef`, field: 'roleRef' });
  }
  return out;
}
