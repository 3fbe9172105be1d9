// The verbs and resources the lessons use, checked with SelfSubjectAccessReviews so a learner
// hears which permission is missing before a step fails halfway.

import type { Lang } from './lang.js';
import type { KubeRest } from './rest.js';

export interface Permission {
  verb: string;
  group: string; // '' for the core group
  resource: string;
  subresource?: string;
  namespace?: string; // absent: cluster-scoped
  /** The one object asked about, when the lessons touch only that one (a Role may grant just it). */
  name?: string;
}

const WRITE = ['get', 'list', 'create', 'patch', 'delete'];

/**
 * Everything the lessons, the pre-flight fixes and reset do. With `gateway: 'own'` (a class
 * learner with their own gateway) the Istio namespace's logs are not needed: the proof is in the
 * learner's own gateway's log.
 */
export function lessonPermissions(clientNamespace: string, istioNamespace: string, gateway?: 'own' | 'shared'): Permission[] {
  const inClient = (group: string, resources: string[], verbs: string[]): Permission[] =>
    resources.flatMap((resource) => verbs.map((verb) => ({ verb, group, resource, namespace: clientNamespace })));
  return [
    ...inClient('networking.istio.io', ['serviceentries', 'gateways', 'destinationrules', 'virtualservices', 'sidecars'], WRITE),
    ...inClient('apps', ['deployments'], WRITE),
    ...inClient('', ['services', 'serviceaccounts'], WRITE),
    ...inClient('', ['pods'], ['get', 'list']),
    { verb: 'create', group: '', resource: 'pods', subresource: 'exec', namespace: clientNamespace },
    { verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: clientNamespace },
    { verb: 'list', group: '', resource: 'pods', namespace: istioNamespace },
    ...(gateway === 'own' ? [] : [{ verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: istioNamespace }]),
    // The reads name their object: the mesh config, the client and Istio namespaces.
    { verb: 'get', group: '', resource: 'configmaps', namespace: istioNamespace, name: 'istio' },
    { verb: 'list', group: 'telemetry.istio.io', resource: 'telemetries', namespace: istioNamespace },
    { verb: 'get', group: '', resource: 'namespaces', name: clientNamespace },
    ...(istioNamespace !== clientNamespace ? [{ verb: 'get', group: '', resource: 'namespaces', name: istioNamespace }] : []),
  ];
}

/** "create gateways.networking.istio.io in default", "get pods/log in istio-system". Pure. */
export function describePermission(p: Permission): string {
  const resource = `${p.resource}${p.subresource ? `/${p.subresource}` : ''}${p.group ? `.${p.group}` : ''}`;
  return `${p.verb} ${resource}${p.namespace ? ` in ${p.namespace}` : ''}`;
}

/** Group missing permissions by resource: "create, patch, delete gateways.networking.istio.io in default". Pure. */
export function summarizeMissing(missing: Permission[], lang?: Lang): string[] {
  const byResource = new Map<string, string[]>();
  for (const p of missing) {
    const key =
      lang === 'zh'
        ? `${p.resource}${p.subresource ? `/${p.subresource}` : ''}${p.group ? `.${p.group}` : ''}${p.namespace ? `（命名空间 ${p.namespace}）` : ''}`
        : describePermission({ ...p, verb: '' }).trim();
    byResource.set(key, [...(byResource.get(key) ?? []), p.verb]);
  }
  return [...byResource].map(([resource, verbs]) => `${verbs.join(', ')} ${resource}`);
}

interface Review {
  status?: { allowed?: boolean; denied?: boolean; reason?: string };
}

/** Which of `permissions` the current user lacks (checked a few at a time). */
export async function missingPermissions(rest: KubeRest, permissions: Permission[], signal?: AbortSignal, concurrency = 6): Promise<Permission[]> {
  const allowed: boolean[] = new Array(permissions.length).fill(false);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < permissions.length) {
      const i = next++;
      const p = permissions[i];
      const review = await rest.json<Review>({
        method: 'POST',
        path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { verb: p.verb, group: p.group, resource: p.resource, subresource: p.subresource, namespace: p.namespace, name: p.name } },
        },
        signal,
        action: rest.where.lang === 'zh' ? '检查权限（SelfSubjectAccessReview）' : 'check permissions (SelfSubjectAccessReview)',
      });
      allowed[i] = review.status?.allowed === true;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, permissions.length) }, worker));
  return permissions.filter((_, i) => !allowed[i]);
}
