// The resources the practice API serves: built-in kinds plus the Istio kinds from the schema
// module. One ResourceInfo per group+plural; every served version maps to the same stored objects.

import type { IstioKind } from '../schema/index.js';

export interface ResourceInfo {
  group: string; // '' for core
  versions: string[]; // served, most preferred first
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  verbs: string[];
  categories: string[];
  subresources: string[]; // 'status', 'log', 'exec', 'scale', 'token'
  istio: boolean;
  /** Only 'create' is served and nothing is stored (reviews). */
  virtual?: boolean;
}

const CRUD = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function builtin(group: string, kind: string, plural: string, opts: Partial<ResourceInfo> = {}): ResourceInfo {
  return {
    group,
    versions: ['v1'],
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    shortNames: [],
    namespaced: true,
    verbs: CRUD,
    categories: [],
    subresources: [],
    istio: false,
    ...opts,
  };
}

export const BUILTIN_RESOURCES: ResourceInfo[] = [
  builtin('', 'Namespace', 'namespaces', { namespaced: false, shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['status'] }),
  builtin('', 'Pod', 'pods', { shortNames: ['po'], categories: ['all'], subresources: ['status', 'log', 'exec'] }),
  builtin('', 'Service', 'services', { shortNames: ['svc'], categories: ['all'], subresources: ['status'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] }),
  builtin('', 'ServiceAccount', 'serviceaccounts', { shortNames: ['sa'], subresources: ['token'] }),
  builtin('', 'ConfigMap', 'configmaps', { shortNames: ['cm'] }),
  builtin('', 'Secret', 'secrets'),
  builtin('', 'Event', 'events', { shortNames: ['ev'] }),
  builtin('', 'Endpoints', 'endpoints', { shortNames: ['ep'], singular: 'endpoints' }),
  builtin('discovery.k8s.io', 'EndpointSlice', 'endpointslices'),
  builtin('apps', 'Deployment', 'deployments', { shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'] }),
  builtin('apps', 'ReplicaSet', 'replicasets', { shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'] }),
  builtin('apps', 'DaemonSet', 'daemonsets', { shortNames: ['ds'], categories: ['all'], subresources: ['status'] }),
  builtin('networking.k8s.io', 'NetworkPolicy', 'networkpolicies', { shortNames: ['netpol'] }),
  builtin('apiextensions.k8s.io', 'CustomResourceDefinition', 'customresourcedefinitions', { namespaced: false, shortNames: ['crd', 'crds'], verbs: ['get', 'list', 'watch'], categories: ['api-extensions'] }),
  builtin('rbac.authorization.k8s.io', 'Role', 'roles'),
  builtin('rbac.authorization.k8s.io', 'RoleBinding', 'rolebindings'),
  builtin('rbac.authorization.k8s.io', 'ClusterRole', 'clusterroles', { namespaced: false }),
  builtin('rbac.authorization.k8s.io', 'ClusterRoleBinding', 'clusterrolebindings', { namespaced: false }),
  builtin('authentication.k8s.io', 'SelfSubjectReview', 'selfsubjectreviews', { namespaced: false, verbs: ['create'], virtual: true }),
  builtin('authorization.k8s.io', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', { namespaced: false, verbs: ['create'], virtual: true }),
  builtin('authorization.k8s.io', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', { namespaced: false, verbs: ['create'], virtual: true }),
];

/** kube-style version priority: GA > beta > alpha, then by number (v1 > v1beta2 > v1beta1 > v1alpha3). */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0];
    const stage = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [stage, Number(m[1]), Number(m[3] ?? 0)];
  };
  const [sa, ma, na] = rank(a);
  const [sb, mb, nb] = rank(b);
  return sb - sa || mb - ma || nb - na;
}

export function istioResource(k: IstioKind): ResourceInfo {
  return {
    group: k.group,
    versions: [...k.versions].sort(compareVersions),
    kind: k.kind,
    listKind: `${k.kind}List`,
    plural: k.plural,
    singular: k.singular,
    shortNames: k.shortNames,
    namespaced: k.namespaced,
    verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
    // networking-istio-io, telemetry-istio-io, security-istio-io; the Gateway API's CRDs say gateway-api.
    categories: k.group === 'gateway.networking.k8s.io' ? ['gateway-api'] : ['istio-io', k.group.replace(/\./g, '-')],
    subresources: ['status'],
    istio: true,
  };
}

export class ResourceRegistry {
  private resources: ResourceInfo[];

  constructor(istioKinds: IstioKind[]) {
    this.resources = [...BUILTIN_RESOURCES, ...istioKinds.map(istioResource)];
  }

  get all(): ResourceInfo[] {
    return this.resources;
  }

  /** Serves exactly these custom kinds of one group (none: the group's CRDs are uninstalled), as installing CRDs would. */
  serveGroup(group: string, kinds: IstioKind[]): void {
    this.resources = [...this.resources.filter((r) => r.group !== group), ...kinds.filter((k) => k.group === group).map(istioResource)];
  }

  /** Groups with their versions, most preferred first ('' is the core group). */
  groups(): { name: string; versions: string[] }[] {
    const byGroup = new Map<string, Set<string>>();
    for (const r of this.all) {
      const set = byGroup.get(r.group) ?? new Set<string>();
      r.versions.forEach((v) => set.add(v));
      byGroup.set(r.group, set);
    }
    return [...byGroup].map(([name, set]) => ({ name, versions: [...set].sort(compareVersions) }));
  }

  inGroupVersion(group: string, version: string): ResourceInfo[] {
    return this.all.filter((r) => r.group === group && r.versions.includes(version));
  }

  find(group: string, version: string, plural: string): ResourceInfo | undefined {
    return this.all.find((r) => r.group === group && r.plural === plural && r.versions.includes(version));
  }

  byKind(group: string, kind: string): ResourceInfo | undefined {
    return this.all.find((r) => r.group === group && r.kind === kind);
  }
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function joinApiVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}
