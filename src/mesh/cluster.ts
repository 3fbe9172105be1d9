// Envoy clusters: where a route's destination leads, as the proxy of a given namespace sees it.

import { findServiceByFqdn, serviceEndpoints, serviceFqdn } from './dns.js';
import { resolvePublicName } from './internet.js';
import { type Destination, findServiceEntryPort, type RouteChoice, serviceEntryEndpoint, findSubset } from './istioConfig.js';
import type { Dice } from './random.js';
import type { MeshPod, MeshService, MeshState } from './types.js';

export type UpstreamCluster =
  | { kind: 'not-found' } // the route names a cluster the proxy does not have (NC)
  | { kind: 'empty'; name: string } // no healthy endpoint (UH): BlackHoleCluster, or a DNS name that does not resolve
  | { kind: 'service'; name: string; service: MeshService; port: number; targetPort: number; endpoints: MeshPod[] }
  | { kind: 'address'; name: string; ip: string; port: number }; // external host, or passthrough

/** `outbound|<port>|<subset>|<host>`: the name Istio gives a proxy's outbound cluster. */
export function clusterName(port: number, subset: string | undefined, host: string): string {
  return `outbound|${port}|${subset ?? ''}|${host}`;
}

/** Pick one of a route's destinations by weight. */
export function pickDestination(choice: RouteChoice, dice: Dice): Destination | undefined {
  const weighted = choice.destinations.filter((d) => d.weight > 0);
  const pool = weighted.length > 0 ? weighted : choice.destinations;
  const total = pool.reduce((sum, d) => sum + Math.max(d.weight, 0), 0);
  if (pool.length <= 1 || total === 0) return pool[0]?.destination;
  let roll = dice.int(1, total);
  for (const d of pool) {
    roll -= d.weight;
    if (roll <= 0) return d.destination;
  }
  return pool[pool.length - 1].destination;
}

/**
 * The cluster a destination names, as seen by a proxy in `proxyNamespace`. `originalDst` is where
 * the downstream connection was addressed: the upstream of a `resolution: NONE` entry.
 */
export function resolveCluster(
  state: MeshState,
  proxyNamespace: string,
  dest: Destination,
  requestPort: number,
  originalDst: { ip: string; port: number },
): UpstreamCluster {
  const service = findServiceByFqdn(state, dest.host);
  if (service) {
    const port = dest.port ?? (service.ports.length === 1 ? service.ports[0].port : requestPort);
    const servicePort = service.ports.find((p) => p.port === port);
    if (!servicePort) return { kind: 'not-found' };
    const subsetLabels = dest.subset ? findSubset(state, proxyNamespace, serviceFqdn(service), dest.subset, service.namespace) : {};
    if (!subsetLabels) return { kind: 'not-found' };
    return {
      kind: 'service',
      name: clusterName(port, dest.subset, serviceFqdn(service)),
      service,
      port,
      targetPort: servicePort.targetPort,
      // A subset's cluster holds only the endpoints carrying its labels.
      endpoints: serviceEndpoints(state, service).filter((pod) => Object.entries(subsetLabels).every(([k, v]) => pod.labels[k] === v)),
    };
  }
  const port = dest.port ?? requestPort;
  const entry = findServiceEntryPort(state, proxyNamespace, dest.host, port);
  if (!entry) return { kind: 'not-found' };
  if (dest.subset && !findSubset(state, proxyNamespace, dest.host, dest.subset, entry.entry.namespace)) return { kind: 'not-found' };
  const name = clusterName(port, dest.subset, dest.host);
  return externalCluster(name, dest.host, port, entry.resolution, serviceEntryEndpoint(entry.entry), originalDst);
}

/** The cluster of a ServiceEntry host:port (no VirtualService). */
export function externalCluster(
  name: string,
  host: string,
  port: number,
  resolution: string,
  endpoint: string | undefined,
  originalDst: { ip: string; port: number },
): UpstreamCluster {
  // resolution NONE: an ORIGINAL_DST cluster, so the upstream is wherever the connection was going.
  if (resolution === 'NONE') return { kind: 'address', name, ip: originalDst.ip, port: originalDst.port };
  const ip = resolvePublicName(endpoint ?? host);
  if (!ip) return { kind: 'empty', name };
  return { kind: 'address', name, ip, port };
}
