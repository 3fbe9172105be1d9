// `kubectl --as` / `--as-group`: the Impersonate-* headers, as kube-apiserver's impersonation
// filter handles them. The caller needs the `impersonate` verb on users, groups or
// serviceaccounts (the practice admin has it); the request then runs as the impersonated user.

import type { IncomingMessage } from 'node:http';
import type { Authorizer, RequestUser } from './authz.js';
import { SERVICE_ACCOUNT_PREFIX, type Attributes } from './rbac.js';
import { errors } from './status.js';

const impersonate = (resource: string, name: string, namespace?: string, group = ''): Attributes => ({ verb: 'impersonate', resourceRequest: true, group, resource, name, namespace });

export function impersonated(authorizer: Authorizer, user: RequestUser, req: IncomingMessage): RequestUser {
  const h = req.headersDistinct;
  const name = h['impersonate-user']?.[0];
  const groups = (h['impersonate-group'] ?? []).flatMap((g) => g.split(',').map((x) => x.trim())).filter(Boolean);
  const uid = h['impersonate-uid']?.[0];
  const extraKeys = Object.keys(h).filter((k) => k.startsWith('impersonate-extra-'));
  if (name === undefined) {
    if (groups.length || uid || extraKeys.length) throw errors.internal('requested impersonation of groups, uid or extra without impersonating a user');
    return user;
  }
  let outGroups = [...groups];
  if (name.startsWith(SERVICE_ACCOUNT_PREFIX)) {
    const [namespace, sa] = name.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
    authorizer.require(user, impersonate('serviceaccounts', sa ?? '', namespace));
    if (!groups.length) outGroups = ['system:serviceaccounts', `system:serviceaccounts:${namespace}`];
  } else authorizer.require(user, impersonate('users', name));
  for (const g of groups) authorizer.require(user, impersonate('groups', g));
  if (uid) authorizer.require(user, impersonate('uids', uid, undefined, 'authentication.k8s.io'));
  const extra: Record<string, string[]> = {};
  for (const k of extraKeys) {
    const key = decodeURIComponent(k.slice('impersonate-extra-'.length));
    for (const v of h[k] ?? []) authorizer.require(user, impersonate(`userextras/${key}`, v, undefined, 'authentication.k8s.io'));
    extra[key] = h[k] ?? [];
  }
  if (name !== 'system:anonymous' && !outGroups.includes('system:authenticated') && !outGroups.includes('system:unauthenticated')) outGroups.push('system:authenticated');
  return { name, groups: outGroups, admin: outGroups.includes('system:masters'), ...(uid ? { uid } : {}), ...(extraKeys.length ? { extra } : {}) };
}
