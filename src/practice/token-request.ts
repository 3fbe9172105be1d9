// POST .../serviceaccounts/NAME/token: the TokenRequest API as kube-apiserver answers it
// (pkg/registry/core/serviceaccount/storage/token.go): the ServiceAccount must exist, the
// expiry defaults to an hour and must be 10 minutes to 2^32 seconds, audiences default to the API
// server's, and a token bound to a Pod or Secret lives only as long as that object.

import type { Api, Target } from './api.js';
import { ApiError, errors, type StatusCause } from './status.js';
import { API_AUDIENCE, type BoundObject, type TokenRegistry } from './tokens.js';
import { isPlainObject } from './patch.js';

const KIND = 'TokenRequest';
const GROUP = 'authentication.k8s.io';
const DEFAULT_EXPIRATION = 3600;

function invalidRequest(name: string, causes: StatusCause[]): ApiError {
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  return errors.invalid(KIND, GROUP, name, `${KIND}.${GROUP} "${name}" is invalid: ${list.length === 1 ? list[0] : `[${list.join(', ')}]`}`, causes);
}

export function createToken(api: Api, tokens: TokenRegistry, t: Target, body: unknown): Record<string, unknown> {
  if (!isPlainObject(body)) throw errors.badRequest('the body of the request must be a TokenRequest object');
  const b = body as Record<string, unknown>;
  const name = t.name ?? '';
  const namespace = t.namespace ?? '';
  const meta = (isPlainObject(b.metadata) ? b.metadata : {}) as Record<string, unknown>;
  if (meta.name && meta.name !== name) throw invalidRequest(name, [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(meta.name)}: must match the service account name if specified`, field: 'metadata.name' }]);
  if (meta.namespace && meta.namespace !== namespace) throw invalidRequest(name, [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(meta.namespace)}: must match the service account namespace if specified`, field: 'metadata.namespace' }]);
  const sa = api.get({ res: t.res, version: 'v1', namespace, name });

  const spec = (isPlainObject(b.spec) ? b.spec : {}) as Record<string, unknown>;
  const audiences = Array.isArray(spec.audiences) && spec.audiences.length ? spec.audiences.map(String) : [API_AUDIENCE];
  const expirationSeconds = spec.expirationSeconds === undefined || spec.expirationSeconds === null ? DEFAULT_EXPIRATION : Number(spec.expirationSeconds);
  if (!Number.isInteger(expirationSeconds)) throw errors.badRequest('spec.expirationSeconds must be an integer number of seconds');
  const causes: StatusCause[] = [];
  if (expirationSeconds < 600) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${expirationSeconds}: may not specify a duration less than 10 minutes`, field: 'spec.expirationSeconds' });
  if (expirationSeconds > 2 ** 32) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${expirationSeconds}: may not specify a duration larger than 2^32 seconds`, field: 'spec.expirationSeconds' });
  if (causes.length) throw invalidRequest('', causes);

  let bound: BoundObject | undefined;
  const ref = isPlainObject(spec.boundObjectRef) ? (spec.boundObjectRef as Record<string, string>) : undefined;
  if (ref) {
    const apiVersion = ref.apiVersion ?? '';
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    const version = apiVersion.includes('/') ? apiVersion.split('/')[1] : apiVersion;
    const plural = ref.kind === 'Pod' ? 'pods' : ref.kind === 'Secret' ? 'secrets' : undefined;
    if (group !== '' || !plural) throw errors.badRequest(`cannot bind token for object of type ${group}/${version}, Kind=${ref.kind ?? ''}`);
    const res = api.registry.find('', 'v1', plural);
    if (!res) throw errors.badRequest(`cannot bind token for object of type /${version}, Kind=${ref.kind}`);
    const obj = api.get({ res, version: 'v1', namespace, name: ref.name ?? '' });
    if (ref.kind === 'Pod' && (obj.spec as Record<string, unknown> | undefined)?.serviceAccountName !== name) {
      throw errors.badRequest(`cannot bind token for serviceaccount "${name}" to pod running with different serviceaccount name.`);
    }
    if (ref.uid && ref.uid !== obj.metadata.uid) {
      throw errors.conflict(ref.kind, '', ref.name ?? '', `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
    }
    bound = { kind: ref.kind as BoundObject['kind'], name: obj.metadata.name, uid: obj.metadata.uid ?? '' };
  }

  const created = new Date();
  const issued = tokens.issue({ namespace, serviceAccount: name, serviceAccountUid: sa.metadata.uid ?? '', audiences, expirationSeconds, bound });
  const stamp = (d: Date): string => d.toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    kind: KIND,
    apiVersion: `${GROUP}/v1`,
    metadata: { name, namespace, creationTimestamp: stamp(created) },
    spec: { audiences, expirationSeconds, boundObjectRef: bound ? { kind: bound.kind, apiVersion: 'v1', name: bound.name, uid: bound.uid } : null },
    status: { token: issued.token, expirationTimestamp: stamp(issued.expires) },
  };
}
