// The state one command's network activity shares: the mesh, the clock, dice, and the
// access-log lines the proxies write along the way.

import { type AccessLogFields, formatAccessLog } from './accessLog.js';
import { serviceEndpoints, serviceIp } from './dns.js';
import { accessLogEnabled } from './meshPolicy.js';
import { connectionAllowed, peerAt } from './networkPolicy.js';
import type { Dice } from './random.js';
import type { AccessLogRecord, MeshPod, MeshState } from './types.js';

export interface Net {
  state: MeshState;
  client: MeshPod;
  /** Traffic from the istio-proxy container itself is not intercepted. */
  intercepted: boolean;
  dice: Dice;
  now: Date;
  /** curl's --max-time, if any. */
  maxTimeMs?: number;
  /** Proxy hops taken so far by the current request (to stop a routing loop). */
  hops: number;
  logs: AccessLogRecord[];
  /** Virtual milliseconds since the command started. */
  clockMs: number;
}

export function startTime(net: Net, offsetMs: number): Date {
  return new Date(net.now.getTime() + net.clockMs + offsetMs);
}

/** Append one line to a proxy's access log, when that proxy logs. */
export function writeAccessLog(net: Net, pod: MeshPod, fields: AccessLogFields): void {
  if (!accessLogEnabled(net.state, pod)) return;
  net.logs.push({
    namespace: pod.namespace,
    pod: pod.name,
    container: 'istio-proxy',
    line: formatAccessLog(fields, net.state.meshConfig.accessLogEncoding ?? 'TEXT'),
  });
}

/** A gateway pod (router-mode proxy) in any namespace; without the flag, the Istio namespace's istio=egressgateway pods. */
export function isGatewayPod(state: MeshState, pod: MeshPod): boolean {
  return pod.gateway ?? (pod.namespace === state.istioNamespace && pod.labels.istio === 'egressgateway');
}

export const address = (ip: string, port: number): string => `${ip}:${port}`;

/**
 * kube-proxy for a connection to a service's cluster IP: DNAT to one ready endpoint on the
 * target port, 'refused' when the service has no such port or no ready endpoint, undefined when
 * the address is no service's.
 */
export function serviceDnat(net: Net, target: { ip: string; port: number }): { ip: string; port: number } | 'refused' | undefined {
  const service = net.state.services.find((s) => serviceIp(s) === target.ip);
  if (!service) return undefined;
  const port = service.ports.find((p) => p.port === target.port);
  const endpoints = serviceEndpoints(net.state, service);
  if (!port || endpoints.length === 0) return 'refused';
  const endpoint = endpoints[net.dice.int(0, endpoints.length - 1)];
  return { ip: endpoint.ip, port: port.targetPort };
}

/**
 * A policy-enforcing CNI drops a connection the NetworkPolicies do not allow: the sender's connect
 * times out. Checked where the target is a pod or an outside address (after kube-proxy's DNAT).
 */
export function droppedByPolicy(net: Net, fromAddress: string, target: { ip: string; port: number }): boolean {
  const fromIp = fromAddress.slice(0, fromAddress.lastIndexOf(':'));
  return !connectionAllowed(net.state, peerAt(net.state, fromIp), peerAt(net.state, target.ip), target.port).allowed;
}
