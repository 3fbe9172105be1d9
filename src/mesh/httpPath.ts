// Plain HTTP through the mesh: the client's sidecar, the egress gateway, and whatever answers at
// the far end. Each proxy decides like Envoy with Istio's config would, and logs its line.

import type { AccessLogFields } from './accessLog.js';
import { pickDestination, resolveCluster, clusterName, externalCluster, type UpstreamCluster } from './cluster.js';
import type { Resolved } from './dns.js';
import { envoyRequestHeaders, envoyResponse, localReply, type TraceIds } from './envoyHttp.js';
import { byteLength, getHeader, type HttpRequest, type HttpResponse, removeHeader, setHeader } from './http.js';
import { CLUSTER_EGRESS_IP, isPrivateAddress, originListens, originRespond } from './internet.js';
import {
  findServiceEntryPort,
  gatewayServers,
  lookupGatewayHttpRoute,
  lookupHttpRoute,
  serviceEntryEndpoint,
  upstreamTls,
  type HttpRouteLookup,
  type RouteChoice,
} from './istioConfig.js';
import { hostMatches } from './istioHosts.js';
import { clientCredential, presentCertificate, serverVerifies } from './mtlsServer.js';
import { outboundPolicy, sidecarView } from './meshPolicy.js';
import { address, droppedByPolicy, isGatewayPod, type Net, serviceDnat, startTime, writeAccessLog } from './net.js';
import type { MeshPod, MeshState } from './types.js';

/** What the next hop did with an HTTP request. */
export type HttpHop =
  | { kind: 'response'; response: HttpResponse } // response.serverMs: time until the response, from this hop's view
  | { kind: 'refused' } // nothing listens (RST to the SYN)
  | { kind: 'timeout' } // SYN dropped: connect times out
  | { kind: 'reset' } // connection reset after the request was sent
  | { kind: 'abandoned' }; // the client (curl --max-time) gave up first

/** A proxy loop (resolution NONE through the gateway) is cut after this many hops. */
export const LOOP_LIMIT = 8;

const CONNECT_TIMEOUT_MS = 10_000; // Istio's default connectTimeout

export interface ProxyIdentity {
  pod: MeshPod;
  /** The configuration this proxy has (a sidecar's may be narrowed by a Sidecar's egress hosts). */
  view: MeshState;
  serverName: 'envoy' | 'istio-envoy';
  peerId: string;
  /** The gateway sets X-Forwarded-For from the downstream address; sidecars on outbound do not. */
  edge: boolean;
}

export function sidecarIdentity(pod: MeshPod, state: MeshState): ProxyIdentity {
  return { pod, view: sidecarView(state, pod.namespace), serverName: 'envoy', edge: false, peerId: `sidecar~${pod.ip}~${pod.name}.${pod.namespace}~${pod.namespace}.svc.cluster.local` };
}

export function gatewayIdentity(pod: MeshPod, state: MeshState): ProxyIdentity {
  return { pod, view: state, serverName: 'istio-envoy', edge: true, peerId: `router~${pod.ip}~${pod.name}.${pod.namespace}~${pod.namespace}.svc.cluster.local` };
}

const pathOf = (req: HttpRequest): string => req.pathAndQuery.split('?')[0];
/** Envoy routes HTTP by the Host header, not by where the connection goes. */
const authorityHost = (req: HttpRequest): string => req.authority.replace(/:\d+$/, '').toLowerCase();

/** Fields every HTTP log line of one request at one proxy shares. */
export interface HttpLogBase {
  startTime: Date;
  method: string;
  path: string;
  protocol: string;
  userAgent?: string;
  requestId: string;
  authority: string;
  xForwardedFor?: string;
  downstreamLocalAddress: string;
  downstreamRemoteAddress: string;
  bytesReceived: number;
}

export function httpLogBase(net: Net, req: HttpRequest, requestId: string, downstreamLocal: string, downstreamRemote: string, xff?: string): HttpLogBase {
  return {
    startTime: startTime(net, 0),
    method: req.method,
    path: req.pathAndQuery,
    protocol: req.protocol ?? 'HTTP/1.1',
    userAgent: getHeader(req.headers, 'user-agent'),
    requestId,
    authority: req.authority,
    xForwardedFor: xff,
    downstreamLocalAddress: downstreamLocal,
    downstreamRemoteAddress: downstreamRemote,
    bytesReceived: byteLength(req.body),
  };
}

export function logHttp(net: Net, pod: MeshPod, base: HttpLogBase, rest: Partial<AccessLogFields> & { responseCode: number; bytesSent: number; durationMs: number }): void {
  writeAccessLog(net, pod, { ...base, ...rest });
}

// ---- the client's sidecar ---------------------------------------------------------------------

/** A request from the client container, captured by its sidecar (iptables sends every outbound connection there). */
export function sidecarHttp(net: Net, req: HttpRequest, dst: { ip: string; port: number }, resolved: Resolved): HttpHop {
  const pod = net.client;
  const ns = pod.namespace;
  const proxy = sidecarIdentity(pod, net.state);
  const view = proxy.view;
  const requestId = getHeader(req.headers, 'x-request-id') ?? net.dice.uuid();
  const base = httpLogBase(net, req, requestId, address(dst.ip, dst.port), address(pod.ip, net.dice.ephemeralPort()));
  const host = authorityHost(req);
  const routingHost = resolved.kind === 'service' && host === req.host ? resolved.fqdn : host;
  const originalDst = { ip: dst.ip, port: dst.port };

  const lookup = lookupHttpRoute(view, ns, routingHost, { binding: 'mesh', ...matchInput(dst.port, req) });
  if (lookup.kind !== 'none') return routeByVirtualService(net, proxy, req, requestId, base, lookup, dst.port, originalDst);

  if (resolved.kind === 'service' && routingHost === resolved.fqdn) {
    const cluster = resolveCluster(view, ns, { host: resolved.fqdn, port: dst.port }, dst.port, originalDst);
    return forwardHttp(net, proxy, req, requestId, base, cluster, 'default', `${resolved.fqdn}:${dst.port}/*`);
  }
  const entry = findServiceEntryPort(view, ns, routingHost, dst.port);
  if (entry && (entry.protocol === 'http' || entry.protocol === 'sniff')) {
    const cluster = externalCluster(clusterName(dst.port, undefined, routingHost), routingHost, dst.port, entry.resolution, serviceEntryEndpoint(entry.entry), originalDst);
    return forwardHttp(net, proxy, req, requestId, base, cluster, 'default', `${routingHost}:${dst.port}/*`);
  }
  if (outboundPolicy(net.state, ns) === 'ALLOW_ANY') {
    const cluster: UpstreamCluster = { kind: 'address', name: 'PassthroughCluster', ip: dst.ip, port: dst.port };
    return forwardHttp(net, proxy, req, requestId, base, cluster, 'allow_any', undefined);
  }
  // REGISTRY_ONLY and nothing in the registry: the `block_all` route answers 502 itself. A direct
  // response picks no upstream, so Envoy logs the cluster as `-` (BlackHoleCluster is the TCP case).
  const response = localReply(502, '', proxy.serverName, startTime(net, 0));
  logHttp(net, pod, base, {
    responseCode: 502, responseCodeDetails: 'direct_response', bytesSent: 0, durationMs: 0,
    routeName: 'block_all',
  });
  return { kind: 'response', response };
}

function matchInput(port: number, req: HttpRequest) {
  return { port, path: pathOf(req), method: req.method, headers: (name: string) => getHeader(req.headers, name) };
}

function routeByVirtualService(
  net: Net,
  proxy: ProxyIdentity,
  req: HttpRequest,
  requestId: string,
  base: HttpLogBase,
  lookup: Exclude<HttpRouteLookup, { kind: 'none' }>,
  port: number,
  originalDst: { ip: string; port: number },
): HttpHop {
  if (lookup.kind === 'no-route') return routeNotFound(net, proxy, base);
  const { choice } = lookup;
  const actions = choice.actions ?? {};
  const routeName = choice.routeName;
  if (actions.directResponse) {
    const { status, body } = actions.directResponse;
    logHttp(net, proxy.pod, base, { responseCode: status, responseCodeDetails: 'direct_response', bytesSent: byteLength(body), durationMs: 0, routeName });
    return { kind: 'response', response: localReply(status, body, proxy.serverName, base.startTime) };
  }
  const rolls = (percent: number): boolean => net.dice.int(0, 9999) < percent * 100;
  const delayMs = actions.delay && rolls(actions.delay.percent) ? actions.delay.ms : 0;
  if (delayMs > 0 && net.maxTimeMs !== undefined && delayMs > net.maxTimeMs) {
    logHttp(net, proxy.pod, base, { responseCode: 0, responseFlags: 'DI,DC', responseCodeDetails: 'downstream_remote_disconnect', bytesSent: 0, durationMs: net.maxTimeMs, routeName });
    return { kind: 'abandoned' };
  }
  if (actions.abort && rolls(actions.abort.percent)) {
    const body = 'fault filter abort';
    logHttp(net, proxy.pod, base, {
      responseCode: actions.abort.status, responseFlags: delayMs > 0 ? 'DI,FI' : 'FI', responseCodeDetails: 'fault_filter_abort',
      bytesSent: byteLength(body), durationMs: delayMs, routeName,
    });
    return { kind: 'response', response: { ...localReply(actions.abort.status, body, proxy.serverName, base.startTime), serverMs: delayMs } };
  }
  const dest = pickDestination(choice, net.dice);
  const cluster: UpstreamCluster = dest ? resolveCluster(proxy.view, proxy.pod.namespace, dest, port, originalDst) : { kind: 'not-found' };
  const decorator = dest ? `${dest.host}:${dest.port ?? port}/*` : undefined;
  return forwardHttp(net, proxy, applyRequestActions(req, choice), requestId, base, cluster, routeName, decorator, { delayMs, timeoutMs: actions.timeoutMs });
}

/** Rewrites and header edits a route makes to the request it forwards. */
function applyRequestActions(req: HttpRequest, choice: RouteChoice): HttpRequest {
  const actions = choice.actions ?? {};
  let out = req;
  if (actions.rewrite?.uri !== undefined) {
    const prefix = choice.matchedUriPrefix ?? pathOf(req);
    out = { ...out, pathAndQuery: actions.rewrite.uri + out.pathAndQuery.slice(prefix.length) };
  }
  if (actions.rewrite?.authority !== undefined) out = { ...out, authority: actions.rewrite.authority };
  let headers = out.headers;
  for (const name of actions.removeHeaders ?? []) headers = removeHeader(headers, name);
  for (const [name, value] of actions.setHeaders ?? []) headers = setHeader(headers, name, value);
  for (const [name, value] of actions.addHeaders ?? []) headers = [...headers, [name, value]];
  return { ...out, headers };
}

function routeNotFound(net: Net, proxy: ProxyIdentity, base: HttpLogBase): HttpHop {
  logHttp(net, proxy.pod, base, { responseCode: 404, responseFlags: 'NR', responseCodeDetails: 'route_not_found', bytesSent: 0, durationMs: 0 });
  return { kind: 'response', response: localReply(404, '', proxy.serverName, base.startTime) };
}

// ---- forwarding, shared by sidecar and gateway ---------------------------------------------------

export function forwardHttp(
  net: Net,
  proxy: ProxyIdentity,
  req: HttpRequest,
  requestId: string,
  base: HttpLogBase,
  cluster: UpstreamCluster,
  routeName: string | undefined,
  decorator: string | undefined,
  timing: { delayMs?: number; timeoutMs?: number } = {},
): HttpHop {
  const now = base.startTime;
  const delayMs = timing.delayMs ?? 0;
  const delayFlag = delayMs > 0 ? 'DI' : undefined;
  const withDelay = (flags: string | undefined): string | undefined => (delayFlag ? (flags ? `${delayFlag},${flags}` : delayFlag) : flags);
  if (cluster.kind === 'not-found') {
    logHttp(net, proxy.pod, base, { responseCode: 503, responseFlags: 'NC', responseCodeDetails: 'cluster_not_found', bytesSent: 0, durationMs: 0, routeName });
    return { kind: 'response', response: localReply(503, '', proxy.serverName, now) };
  }
  let target: { ip: string; port: number };
  if (cluster.kind === 'empty' || (cluster.kind === 'service' && cluster.endpoints.length === 0)) {
    const body = 'no healthy upstream';
    logHttp(net, proxy.pod, base, {
      responseCode: 503, responseFlags: 'UH', responseCodeDetails: 'no_healthy_upstream', bytesSent: byteLength(body), durationMs: 0,
      upstreamCluster: cluster.name, routeName,
    });
    return { kind: 'response', response: localReply(503, body, proxy.serverName, now) };
  }
  if (cluster.kind === 'service') {
    const endpoint = cluster.endpoints[net.dice.int(0, cluster.endpoints.length - 1)];
    target = { ip: endpoint.ip, port: cluster.targetPort };
  } else {
    target = { ip: cluster.ip, port: cluster.port };
  }
  const upstreamLocal = address(proxy.pod.ip, net.dice.ephemeralPort());
  const upstreamReq = envoyRequestHeaders(req, {
    requestId,
    trace: traceIds(net, req),
    decorator,
    peerId: proxy.peerId,
    forwardedFor: proxy.edge ? base.downstreamRemoteAddress.split(':')[0] : undefined,
    internal: proxy.edge,
  });
  // Istio speaks HTTP/2 to a service port declared http2/grpc (the egress gateway's port 80 is `http2`).
  const servicePortName = cluster.kind === 'service' ? cluster.service.ports.find((p) => p.port === cluster.port)?.name ?? '' : '';
  upstreamReq.protocol = /^(http2|grpc)(-|$)/.test(servicePortName) ? 'HTTP/2' : 'HTTP/1.1';
  // The DestinationRule's client TLS for this cluster: Istio mutual TLS (to the egress gateway), or
  // TLS originated by this proxy (SIMPLE, to the external host); otherwise plain text.
  delete upstreamReq.mtls;
  delete upstreamReq.clientCert;
  // The port this hop connects to (the origin tells plain HTTP on its HTTPS port by it).
  upstreamReq.port = cluster.kind === 'service' ? cluster.port : target.port;
  const [, clusterPort, clusterSubset, clusterHost] = cluster.name.split('|');
  // The DestinationRule lookup's second tier is the service's namespace: a ServiceEntry's for an external host.
  const ruleNamespace = cluster.kind === 'service' ? cluster.service.namespace : clusterHost ? findServiceEntryPort(proxy.view, proxy.pod.namespace, clusterHost, Number(clusterPort))?.entry.namespace : undefined;
  const tls = clusterHost ? upstreamTls(proxy.view, proxy.pod.namespace, clusterHost, Number(clusterPort), clusterSubset || undefined, ruleNamespace) : undefined;
  if (tls?.mode === 'ISTIO_MUTUAL') {
    upstreamReq.mtls = { sni: tls.sni ?? `${clusterPort}_.${clusterSubset}_.${clusterHost}` };
    upstreamReq.protocol = 'HTTP/2'; // istio mTLS negotiates h2 by ALPN
  } else if (tls?.mode === 'SIMPLE') upstreamReq.scheme = 'https';
  const common = { upstreamHost: address(target.ip, target.port), upstreamCluster: cluster.name, upstreamLocalAddress: upstreamLocal, routeName };
  if (tls?.mode === 'MUTUAL') {
    // TLS originated with a client certificate from the Secret credentialName names (SDS, the proxy's namespace).
    const cred = tls.credentialName ? clientCredential(proxy.view, proxy.pod.namespace, tls.credentialName) : undefined;
    const failure = !cred
      ? 'TLS error: Secret is not supplied by SDS'
      : cred.ca && !serverVerifies(clusterHost, cred.ca)
        ? 'TLS error: 268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED'
        : undefined;
    if (failure) return tlsConnectFailure(net, proxy, base, common, failure);
    upstreamReq.scheme = 'https';
    const presented = presentCertificate(cred!.cert!);
    if (presented) upstreamReq.clientCert = presented;
  }
  const hop = deliverHttp(net, upstreamReq, target, upstreamLocal);

  switch (hop.kind) {
    case 'response': {
      if (timing.timeoutMs !== undefined && hop.response.serverMs > timing.timeoutMs) {
        const body = 'upstream request timeout';
        const durationMs = delayMs + timing.timeoutMs + net.dice.int(0, 2);
        logHttp(net, proxy.pod, base, {
          ...common, responseCode: 504, responseFlags: withDelay('UT'), responseCodeDetails: 'response_timeout', bytesSent: byteLength(body), durationMs,
        });
        return { kind: 'response', response: { ...localReply(504, body, proxy.serverName, now), serverMs: durationMs } };
      }
      const upstreamMs = hop.response.serverMs + net.dice.int(0, 2);
      const durationMs = delayMs + upstreamMs + 1;
      const response = { ...envoyResponse(hop.response, proxy.serverName, upstreamMs), serverMs: durationMs };
      logHttp(net, proxy.pod, base, {
        ...common, responseCode: response.status, responseFlags: delayFlag, responseCodeDetails: 'via_upstream', bytesSent: byteLength(response.body),
        durationMs, upstreamServiceTimeMs: upstreamMs,
      });
      return { kind: 'response', response };
    }
    case 'abandoned':
      logHttp(net, proxy.pod, base, {
        ...common, responseCode: 0, responseFlags: 'DC', responseCodeDetails: 'downstream_remote_disconnect', bytesSent: 0,
        durationMs: net.maxTimeMs ?? 0,
      });
      return hop;
    case 'refused':
    case 'timeout': {
      const why = hop.kind === 'refused' ? 'Connection_refused' : 'Connection_timed_out';
      if (hop.kind === 'timeout' && net.maxTimeMs !== undefined && net.maxTimeMs < 3 * CONNECT_TIMEOUT_MS) {
        logHttp(net, proxy.pod, base, { ...common, responseCode: 0, responseFlags: 'DC', responseCodeDetails: 'downstream_remote_disconnect', bytesSent: 0, durationMs: net.maxTimeMs });
        return { kind: 'abandoned' };
      }
      const body = `upstream connect error or disconnect/reset before headers. retried and the latest reset reason: remote connection failure, transport failure reason: delayed connect error: ${why.replaceAll('_', ' ')}`;
      const durationMs = hop.kind === 'refused' ? net.dice.int(30, 90) : 3 * CONNECT_TIMEOUT_MS + net.dice.int(0, 20);
      logHttp(net, proxy.pod, base, {
        ...common, responseCode: 503, responseFlags: 'UF,URX', // Envoy joins flags in its table's order: UF before URX
        responseCodeDetails: `upstream_reset_before_response_started{remote_connection_failure|delayed_connect_error:_${why}}`,
        upstreamTransportFailureReason: `delayed_connect_error:_${why}`, bytesSent: byteLength(body), durationMs,
      });
      return { kind: 'response', response: { ...localReply(503, body, proxy.serverName, now), serverMs: durationMs } };
    }
    case 'reset': {
      const body = 'upstream connect error or disconnect/reset before headers. reset reason: connection termination';
      const durationMs = net.dice.int(1, 5);
      logHttp(net, proxy.pod, base, {
        ...common, responseCode: 503, responseFlags: 'UC',
        responseCodeDetails: 'upstream_reset_before_response_started{connection_termination}', bytesSent: byteLength(body), durationMs,
      });
      return { kind: 'response', response: { ...localReply(503, body, proxy.serverName, now), serverMs: durationMs } };
    }
  }
}

/** The TLS handshake to the upstream failed (or could not start): Envoy retries, then answers 503 UF,URX. */
function tlsConnectFailure(net: Net, proxy: ProxyIdentity, base: HttpLogBase, common: Partial<AccessLogFields>, failure: string): HttpHop {
  // Envoy's access log writes the failure reason with spaces as underscores.
  const reason = failure.replaceAll(' ', '_');
  const body = `upstream connect error or disconnect/reset before headers. retried and the latest reset reason: remote connection failure, transport failure reason: ${failure}`;
  const durationMs = net.dice.int(3, 12);
  logHttp(net, proxy.pod, base, {
    ...common, responseCode: 503, responseFlags: 'UF,URX',
    responseCodeDetails: `upstream_reset_before_response_started{remote_connection_failure|${reason}}`,
    upstreamTransportFailureReason: reason, bytesSent: byteLength(body), durationMs,
  });
  return { kind: 'response', response: { ...localReply(503, body, proxy.serverName, base.startTime), serverMs: durationMs } };
}

function traceIds(net: Net, req: HttpRequest): TraceIds {
  return { traceId: getHeader(req.headers, 'x-b3-traceid') ?? net.dice.hex(32), spanId: net.dice.hex(16) };
}

// ---- the far end of a connection -------------------------------------------------------------

/** Hand a request to whatever listens at ip:port (a pod, a ClusterIP, or the internet). */
export function deliverHttp(net: Net, req: HttpRequest, target: { ip: string; port: number }, fromAddress: string): HttpHop {
  const pod = net.state.pods.find((p) => p.ip === target.ip);
  if (pod) {
    if (droppedByPolicy(net, fromAddress, target)) return { kind: 'timeout' };
    if (!pod.ready) return { kind: 'refused' };
    if (isGatewayPod(net.state, pod)) return gatewayHttp(net, req, pod, target.port, fromAddress);
    return { kind: 'refused' };
  }
  const dnat = serviceDnat(net, target);
  if (dnat === 'refused') return { kind: 'refused' };
  if (dnat) return deliverHttp(net, req, dnat, fromAddress);
  if (isPrivateAddress(target.ip) || droppedByPolicy(net, fromAddress, target)) return { kind: 'timeout' };
  if (!originListens(target.port, false)) return originListens(target.port, true) ? respondFromOrigin(net, req) : { kind: 'timeout' };
  return respondFromOrigin(net, req);
}

function respondFromOrigin(net: Net, req: HttpRequest): HttpHop {
  const response = originRespond(req, { now: startTime(net, 0), dice: net.dice, clientIp: CLUSTER_EGRESS_IP });
  if (net.maxTimeMs !== undefined && response.serverMs > net.maxTimeMs) return { kind: 'abandoned' };
  return { kind: 'response', response };
}

// ---- a gateway pod (istio-system's egress gateway, or a learner's own) -----------------------

/** The service port a gateway pod's listener port belongs to (80 for 8080, 443 for 8443). */
export function gatewayServicePort(net: Net, pod: MeshPod, listenPort: number): number {
  for (const service of net.state.services) {
    if (service.namespace !== pod.namespace) continue;
    const selector = Object.entries(service.selector);
    if (selector.length === 0 || !selector.every(([k, v]) => pod.labels[k] === v)) continue;
    const port = service.ports.find((p) => p.targetPort === listenPort);
    if (port) return port.port;
  }
  return listenPort;
}

const HTTP_SERVER_PROTOCOLS = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB']);

function gatewayHttp(net: Net, req: HttpRequest, pod: MeshPod, listenPort: number, fromAddress: string): HttpHop {
  net.hops += 1;
  net.clockMs += 1;
  const servicePort = gatewayServicePort(net, pod, listenPort);
  const servers = gatewayServers(net.state, pod, servicePort);
  if (servers.length === 0) return { kind: 'refused' }; // no Gateway server on this port: no listener
  // Istio mutual TLS from a sidecar lands on an HTTPS server with tls.mode ISTIO_MUTUAL whose hosts
  // match the SNI; plain HTTP on an HTTP server. Anything else finds no filter chain: reset.
  const httpServers = req.mtls
    ? servers.filter((s) => s.protocol === 'HTTPS' && s.tlsMode === 'ISTIO_MUTUAL' && s.hosts.some((h) => hostMatches(h.host, req.mtls!.sni)))
    : servers.filter((s) => HTTP_SERVER_PROTOCOLS.has(s.protocol));
  if (httpServers.length === 0) return { kind: 'reset' }; // a TLS listener does not speak plain HTTP, nor a filter chain another SNI

  const proxy = gatewayIdentity(pod, net.state);
  const requestId = getHeader(req.headers, 'x-request-id') ?? net.dice.uuid();
  const priorXff = getHeader(req.headers, 'x-forwarded-for');
  const remoteIp = fromAddress.split(':')[0];
  const base = { ...httpLogBase(net, req, requestId, address(pod.ip, listenPort), fromAddress, priorXff ? `${priorXff}, ${remoteIp}` : remoteIp), ...(req.mtls ? { requestedServerName: req.mtls.sni } : {}) };

  if (net.hops > LOOP_LIMIT) {
    // The request has been going round in circles; Envoy's circuit breakers give out.
    const body = 'upstream connect error or disconnect/reset before headers. reset reason: overflow';
    logHttp(net, pod, base, { responseCode: 503, responseFlags: 'UO', responseCodeDetails: 'upstream_reset_before_response_started{overflow}', bytesSent: byteLength(body), durationMs: 0 });
    return { kind: 'response', response: localReply(503, body, proxy.serverName, base.startTime) };
  }

  const lookup = lookupGatewayHttpRoute(net.state, pod.namespace, httpServers, authorityHost(req), matchInput(servicePort, req));
  if (lookup.kind === 'no-route') return routeNotFound(net, proxy, base);
  return routeByVirtualService(net, proxy, req, requestId, base, lookup, servicePort, { ip: pod.ip, port: listenPort });
}
