// What a request asks for, worked out from method and URL alone as kube-apiserver's
// RequestInfoFactory does, before any routing: authorization happens first, so a forbidden user
// gets 403 even for a resource the server does not serve.

import type { Attributes } from './rbac.js';

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);
const PATH_SEGMENT_INVALID = /[/%]/;

function methodVerb(method: string): string {
  switch (method) {
    case 'POST':
      return 'create';
    case 'GET':
    case 'HEAD':
      return 'get';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return '';
  }
}

/** The name an exact `metadata.name=` field selector asks for, as kube uses for list/watch. */
function fieldSelectorName(selector: string | null): string | undefined {
  if (!selector) return undefined;
  const terms = selector.split(',').map((t) => t.trim()).filter(Boolean);
  for (const t of terms) {
    const m = /^metadata\.name(==?)(.*)$/.exec(t);
    if (m && !t.includes('!=')) {
      const name = m[2];
      if (name && name !== '.' && name !== '..' && !PATH_SEGMENT_INVALID.test(name)) return name;
    }
  }
  return undefined;
}

export function requestAttributes(method: string, pathname: string, query: URLSearchParams): Attributes {
  const nonResource: Attributes = { verb: method.toLowerCase(), resourceRequest: false, group: '', resource: '', path: pathname };
  let parts = pathname.split('/').filter((s) => s !== '');
  try {
    parts = parts.map(decodeURIComponent);
  } catch {
    return nonResource;
  }
  if (parts.length < 3 || (parts[0] !== 'api' && parts[0] !== 'apis')) return nonResource;
  let rest = parts.slice(1);
  let group = '';
  if (parts[0] === 'apis') {
    if (rest.length < 3) return nonResource;
    group = rest[0];
    rest = rest.slice(1);
  }
  rest = rest.slice(1); // the version
  let verb: string;
  if (rest[0] === 'watch' || rest[0] === 'proxy') {
    verb = rest[0];
    rest = rest.slice(1);
    if (rest.length === 0) return { ...nonResource, resourceRequest: true, verb };
  } else verb = methodVerb(method);
  let namespace: string | undefined;
  if (rest[0] === 'namespaces') {
    if (rest.length > 1) {
      namespace = rest[1];
      if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2])) rest = rest.slice(2);
    }
  }
  const a: Attributes = { verb, resourceRequest: true, group, resource: rest[0] ?? '', namespace };
  if (rest.length >= 2) a.name = rest[1];
  if (rest.length >= 3 && verb !== 'proxy') a.subresource = rest[2];
  if (!a.name && verb === 'get') {
    const watch = query.get('watch');
    a.verb = watch === 'true' || watch === '1' ? 'watch' : 'list';
    a.name = fieldSelectorName(query.get('fieldSelector'));
  }
  if (!a.name && a.verb === 'delete') a.verb = 'deletecollection';
  return a;
}
