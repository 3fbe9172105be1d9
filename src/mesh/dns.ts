// Name resolution inside a pod: kube-dns search paths for cluster services, public DNS otherwise.

import { resolvePublicName } from './internet.js';
import { stableHash } from './random.js';
import { CLUSTER_DOMAIN } from './istioHosts.js';
import type { MeshPod, MeshService, MeshState } from './types.js';

export type Resolved =
  | { kind: 'service'; service: MeshService; fqdn: string; ip: string }
  | { kind: 'pod'; pod: MeshPod; ip: string }
  | { kind: 'external'; ip: string }
  | { kind: 'loopback'; ip: string }
  | { kind: 'nxdomain' };

export function serviceFqdn(service: MeshService): string {
  return `${service.name}.${service.namespace}.${CLUSTER_DOMAIN}`;
}

export function serviceIp(service: MeshService): string {
  if (service.clusterIP) return service.clusterIP;
  const h = stableHash(`${service.namespace}/${service.name}`);
  return `10.96.${(h >>> 8) & 255}.${1 + (h % 254)}`;
}

export function findServiceByFqdn(state: MeshState, fqdn: string): MeshService | undefined {
  return state.services.find((s) => serviceFqdn(s) === fqdn.toLowerCase());
}

/** Resolve `host` as a pod in `namespace` would (search path `<ns>.svc.cluster.local svc.cluster.local cluster.local`). */
export function resolveInPod(state: MeshState, namespace: string, host: string): Resolved {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.startsWith('127.')) return { kind: 'loopback', ip: name === 'localhost' ? '127.0.0.1' : name };
  const candidates = [`${name}.${namespace}.${CLUSTER_DOMAIN}`, `${name}.${CLUSTER_DOMAIN}`, `${name}.cluster.local`, name];
  for (const fqdn of candidates) {
    const service = findServiceByFqdn(state, fqdn);
    if (service) return { kind: 'service', service, fqdn: serviceFqdn(service), ip: serviceIp(service) };
  }
  if (name.endsWith('.cluster.local')) return { kind: 'nxdomain' };
  const byIp = state.services.find((s) => serviceIp(s) === name);
  if (byIp) return { kind: 'service', service: byIp, fqdn: serviceFqdn(byIp), ip: name };
  const pod = state.pods.find((p) => p.ip === name);
  if (pod) return { kind: 'pod', pod, ip: name };
  const ip = resolvePublicName(name);
  return ip ? { kind: 'external', ip } : { kind: 'nxdomain' };
}

/** Ready pods behind a service. */
export function serviceEndpoints(state: MeshState, service: MeshService): MeshPod[] {
  const selector = Object.entries(service.selector);
  if (selector.length === 0) return [];
  return state.pods.filter((p) => p.ready && p.namespace === service.namespace && selector.every(([k, v]) => p.labels[k] === v));
}
