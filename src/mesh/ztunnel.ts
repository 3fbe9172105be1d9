// ztunnel, ambient mode's node proxy: it carries the connections of ambient pods (HBONE on port
// 15008 to a waypoint or an ambient pod, plain TCP elsewhere) and writes one line per connection
// in its own format, not Envoy's:
//   <time>\tinfo\taccess\tconnection complete\tsrc.addr=… src.workload="…" … dst.addr=… dst.hbone_addr=… direction="outbound" bytes_sent=… bytes_recv=… duration="…ms"

import type { Net } from './net.js';
import type { MeshPod, MeshState } from './types.js';

export const HBONE_PORT = 15008;
const TRUST_DOMAIN = 'cluster.local';

/** The ztunnel pod that carries a pod's traffic (one node: the ready one in the Istio namespace). */
export function ztunnelPod(state: MeshState): MeshPod | undefined {
  return state.pods.find((p) => p.ztunnel && p.ready && p.namespace === state.istioNamespace);
}

export function spiffeId(pod: MeshPod): string {
  return `spiffe://${TRUST_DOMAIN}/ns/${pod.namespace}/sa/${pod.serviceAccount ?? 'default'}`;
}

export interface ZtunnelConnection {
  start: Date;
  src: MeshPod;
  srcAddr: string; // ip:port the pod connected from
  /** Where ztunnel connected: the peer's HBONE port (ip:15008), or the destination itself for plain TCP. */
  dstAddr: string;
  /** The destination inside the HBONE tunnel (a service VIP or pod address and port); absent for plain TCP. */
  hboneAddr?: string;
  /** The service ztunnel resolved the destination to (a Service's FQDN or a ServiceEntry host). */
  service?: string;
  /** The workload at the far end of the tunnel (a waypoint, an ambient pod). */
  dstWorkload?: MeshPod;
  bytesSent: number;
  bytesRecv: number;
  durationMs: number;
  /** ztunnel's error when the connection failed ("connection timed out", ...). */
  error?: string;
}

/** ztunnel's timestamp: RFC 3339 with microseconds. */
function ztunnelTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function formatZtunnelLine(c: ZtunnelConnection): string {
  const fields: string[] = [
    `src.addr=${c.srcAddr}`,
    `src.workload="${c.src.name}"`,
    `src.namespace="${c.src.namespace}"`,
    `src.identity="${spiffeId(c.src)}"`,
    `dst.addr=${c.dstAddr}`,
  ];
  if (c.hboneAddr) fields.push(`dst.hbone_addr=${c.hboneAddr}`);
  if (c.service) fields.push(`dst.service="${c.service}"`);
  if (c.dstWorkload) {
    fields.push(`dst.workload="${c.dstWorkload.name}"`, `dst.namespace="${c.dstWorkload.namespace}"`, `dst.identity="${spiffeId(c.dstWorkload)}"`);
  }
  fields.push('direction="outbound"', `bytes_sent=${c.bytesSent}`, `bytes_recv=${c.bytesRecv}`, `duration="${c.durationMs}ms"`);
  if (c.error) fields.push(`error="${c.error}"`);
  const level = c.error ? 'error' : 'info';
  return `${ztunnelTime(c.start)}\t${level}\taccess\tconnection complete\t${fields.join(' ')}`;
}

/** Append one line to the log of the ztunnel that carries the connection (ztunnel always logs its connections). */
export function writeZtunnelLog(net: Net, c: ZtunnelConnection): void {
  const z = ztunnelPod(net.state);
  if (!z) return;
  net.logs.push({ namespace: z.namespace, pod: z.name, container: 'istio-proxy', line: formatZtunnelLine(c) });
}
