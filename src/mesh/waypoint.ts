// An egress waypoint (ambient mode): a ServiceEntry labelled istio.io/use-waypoint sends its
// host's traffic from ambient pods through that waypoint. ztunnel tunnels the connection to the
// waypoint over HBONE (port 15008); the waypoint's Envoy applies the AuthorizationPolicies that
// target the ServiceEntry (or the waypoint's Gateway), logs its line and sends the request out.
// Policies that select workloads (spec.selector) are not applied here: upstream's warning that a
// waypoint enforces only policy attached to it, and only for traffic that passes it.

import { clusterName, externalCluster } from './cluster.js';
import { localReply } from './envoyHttp.js';
import { byteLength, getHeader, type HttpRequest } from './http.js';
import { forwardHttp, httpLogBase, logHttp, type HttpHop, type ProxyIdentity } from './httpPath.js';
import { serviceEntryEndpoint, type ServiceEntryPort } from './istioConfig.js';
import { address, type Net } from './net.js';
import { stableHash } from './random.js';
import { asArray, asRecord, asStrings } from './specValues.js';
import type { IstioObject, MeshPod, MeshState } from './types.js';
import { HBONE_PORT, spiffeId } from './ztunnel.js';

export const USE_WAYPOINT = 'istio.io/use-waypoint';
export const USE_WAYPOINT_NAMESPACE = 'istio.io/use-waypoint-namespace';

export interface WaypointRef {
  namespace: string;
  name: string;
}

/** The waypoint a ServiceEntry uses: its own label, else its namespace's; "none" opts out. */
export function waypointFor(state: MeshState, entry: IstioObject): WaypointRef | undefined {
  const nsLabels = state.namespaces?.find((n) => n.name === entry.namespace)?.labels ?? {};
  const labels = entry.labels ?? {};
  const name = labels[USE_WAYPOINT] ?? nsLabels[USE_WAYPOINT];
  if (!name || name === 'none') return undefined;
  const namespace = labels[USE_WAYPOINT_NAMESPACE] ?? nsLabels[USE_WAYPOINT_NAMESPACE] ?? entry.namespace;
  return { namespace, name };
}

/** The waypoint's Ready pods (the Deployment istiod made for its Gateway). */
export function waypointPods(state: MeshState, ref: WaypointRef): MeshPod[] {
  return state.pods.filter((p) => p.ready && p.namespace === ref.namespace && p.waypoint === ref.name);
}

/** The address Istio allocates a ServiceEntry host (240.240.0.0/16), which ambient's DNS proxy answers. */
export function autoAllocatedVip(entry: IstioObject, host: string): string {
  const h = stableHash(`${entry.namespace}/${entry.name}/${host}`);
  return `240.240.${(h >>> 8) & 255}.${1 + (h % 254)}`;
}

export function waypointIdentity(pod: MeshPod, state: MeshState): ProxyIdentity {
  return { pod, view: state, serverName: 'istio-envoy', edge: false, peerId: `waypoint~${pod.ip}~${pod.name}.${pod.namespace}~${pod.namespace}.svc.cluster.local` };
}

// ---- AuthorizationPolicy at the waypoint ------------------------------------------------------

interface TargetRef {
  group?: string;
  kind?: string;
  name?: string;
}

/** Policies attached to this waypoint for this ServiceEntry: targetRefs to the entry, or to the waypoint's Gateway. */
function attachedPolicies(state: MeshState, entry: IstioObject, ref: WaypointRef): IstioObject[] {
  return state.objects.filter((o) => {
    if (o.kind !== 'AuthorizationPolicy') return false;
    const refs = [...asArray(o.spec.targetRefs), ...(o.spec.targetRef ? [o.spec.targetRef] : [])].map((r) => asRecord(r) as TargetRef);
    return refs.some((r) =>
      (r.kind === 'ServiceEntry' && (r.group ?? 'networking.istio.io') === 'networking.istio.io' && r.name === entry.name && o.namespace === entry.namespace) ||
      (r.kind === 'Gateway' && r.group === 'gateway.networking.k8s.io' && r.name === ref.name && o.namespace === ref.namespace),
    );
  });
}

const matchValue = (patterns: string[], value: string): boolean =>
  patterns.some((p) => p === '*' || p === value || (p.endsWith('*') && value.startsWith(p.slice(0, -1))) || (p.startsWith('*') && value.endsWith(p.slice(1))));

interface RequestFacts {
  principal: string;
  namespace: string;
  method: string;
  path: string;
  host: string;
  port: number;
}

function ruleMatches(rule: Record<string, unknown>, f: RequestFacts): boolean {
  const froms = asArray(rule.from).map((x) => asRecord(asRecord(x).source));
  const tos = asArray(rule.to).map((x) => asRecord(asRecord(x).operation));
  const fromOk = froms.length === 0 || froms.some((s) => fieldOk(s.principals, f.principal.replace(/^spiffe:\/\//, '')) && fieldOk(s.namespaces, f.namespace) && notOk(s.notPrincipals, f.principal.replace(/^spiffe:\/\//, '')) && notOk(s.notNamespaces, f.namespace));
  const toOk = tos.length === 0 || tos.some((o) => fieldOk(o.methods, f.method) && fieldOk(o.paths, f.path) && fieldOk(o.hosts, f.host) && fieldOk(o.ports, String(f.port)) && notOk(o.notMethods, f.method) && notOk(o.notPaths, f.path));
  return fromOk && toOk;
}

const fieldOk = (v: unknown, value: string): boolean => (v === undefined ? true : matchValue(asStrings(v), value));
const notOk = (v: unknown, value: string): boolean => (v === undefined ? true : !matchValue(asStrings(v), value));

/** Envoy's RBAC filter: DENY policies first, then ALLOW (when any exists, one rule must match). */
export function authorize(policies: IstioObject[], f: RequestFacts): { allowed: true } | { allowed: false; details: string } {
  const byAction = (a: string) => policies.filter((p) => (typeof p.spec.action === 'string' ? p.spec.action : 'ALLOW') === a);
  for (const p of byAction('DENY')) {
    const i = asArray(p.spec.rules).findIndex((r) => ruleMatches(asRecord(r), f));
    if (i >= 0) return { allowed: false, details: `rbac_access_denied_matched_policy[ns[${p.namespace}]-policy[${p.name}]-rule[${i}]]` };
  }
  const allows = byAction('ALLOW');
  if (allows.length === 0) return { allowed: true };
  const matched = allows.some((p) => asArray(p.spec.rules).some((r) => ruleMatches(asRecord(r), f)));
  return matched ? { allowed: true } : { allowed: false, details: 'rbac_access_denied_matched_policy[none]' };
}

// ---- the waypoint's HTTP listener -------------------------------------------------------------

/**
 * Plain HTTP arriving at the waypoint through ztunnel's HBONE tunnel, for ServiceEntry host:port.
 * `vip` is the entry's allocated address the client connected to.
 */
export function waypointHttp(net: Net, req: HttpRequest, waypoint: MeshPod, ref: WaypointRef, entry: ServiceEntryPort, vip: string, fromAddress: string): HttpHop {
  net.hops += 1;
  net.clockMs += 1;
  const proxy = waypointIdentity(waypoint, net.state);
  const requestId = getHeader(req.headers, 'x-request-id') ?? net.dice.uuid();
  const base = httpLogBase(net, req, requestId, address(vip, req.port), fromAddress);
  const host = req.host;
  const decision = authorize(attachedPolicies(net.state, entry.entry, ref), {
    principal: spiffeId(net.client),
    namespace: net.client.namespace,
    method: req.method,
    path: req.pathAndQuery.split('?')[0],
    host: req.authority,
    port: req.port,
  });
  const routeName = 'default';
  if (!decision.allowed) {
    const body = 'RBAC: access denied';
    logHttp(net, waypoint, base, { responseCode: 403, responseCodeDetails: decision.details, bytesSent: byteLength(body), durationMs: 0, routeName });
    return { kind: 'response', response: localReply(403, body, proxy.serverName, base.startTime) };
  }
  const cluster = externalCluster(clusterName(req.port, undefined, host), host, req.port, entry.resolution, serviceEntryEndpoint(entry.entry), { ip: vip, port: req.port });
  return forwardHttp(net, proxy, req, requestId, base, cluster, routeName, `${host}:${req.port}/*`);
}

/** Where ztunnel opens the HBONE tunnel to the waypoint. */
export const hboneAddress = (pod: MeshPod): string => address(pod.ip, HBONE_PORT);
