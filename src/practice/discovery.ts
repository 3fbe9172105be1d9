// Legacy (non-aggregated) discovery documents. kubectl asks for the aggregated form first and
// falls back to these when the answer's content type is plain application/json.

import { joinApiVersion, type ResourceRegistry } from './resources.js';

export const KUBE_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.2',
  gitCommit: '67a30c0adcf52bd3f56ff0893ce19966be12991f',
  gitTreeState: 'clean',
  buildDate: '2025-02-12T21:19:47Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function apiVersions(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroupList(registry: ResourceRegistry): unknown {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry
      .groups()
      .filter((g) => g.name !== '')
      .map((g) => apiGroup(g.name, g.versions)),
  };
}

export function apiGroup(name: string, versions: string[]): Record<string, unknown> {
  return {
    name,
    versions: versions.map((v) => ({ groupVersion: joinApiVersion(name, v), version: v })),
    preferredVersion: { groupVersion: joinApiVersion(name, versions[0]), version: versions[0] },
  };
}

export function apiGroupDoc(registry: ResourceRegistry, group: string): unknown | undefined {
  const g = registry.groups().find((x) => x.name === group);
  if (!g || group === '') return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g.name, g.versions) };
}

export function apiResourceList(registry: ResourceRegistry, group: string, version: string): unknown | undefined {
  const resources = registry.inGroupVersion(group, version);
  if (resources.length === 0) return undefined;
  const out: Record<string, unknown>[] = [];
  for (const r of resources) {
    const entry: Record<string, unknown> = {
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
    };
    if (r.shortNames.length) entry.shortNames = r.shortNames;
    if (r.categories.length) entry.categories = r.categories;
    out.push(entry);
    for (const sub of r.subresources) {
      const verbs = sub === 'exec' ? ['create', 'get'] : sub === 'log' ? ['get'] : sub === 'token' ? ['create'] : ['get', 'patch', 'update'];
      const subKind = sub === 'exec' ? 'PodExecOptions' : sub === 'log' ? 'Pod' : sub === 'scale' ? 'Scale' : sub === 'token' ? 'TokenRequest' : r.kind;
      const s: Record<string, unknown> = { name: `${r.plural}/${sub}`, singularName: '', namespaced: r.namespaced, kind: subKind, verbs };
      if (sub === 'scale') {
        s.group = 'autoscaling';
        s.version = 'v1';
      }
      if (sub === 'token') {
        s.group = 'authentication.k8s.io';
        s.version = 'v1';
      }
      out.push(s);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: joinApiVersion(group, version), resources: out };
}
