// TLS originated by the application (curl https://...): proxies only see the SNI and route the
// encrypted stream (SNI passthrough). Each proxy logs one TCP line when the connection closes.
// Plain HTTP on a port the sidecar has no HTTP listener for is proxied the same way, as TCP.

import type { AccessLogFields } from './accessLog.js';
import { clusterName, externalCluster, pickDestination, resolveCluster, type UpstreamCluster } from './cluster.js';
import type { Resolved } from './dns.js';
import { byteLength, type HttpRequest, type HttpResponse } from './http.js';
import { deliverHttp, gatewayServicePort, LOOP_LIMIT } from './httpPath.js';
import { CLUSTER_EGRESS_IP, isPrivateAddress, originListens, originRespond } from './internet.js';
import { findServiceEntryPort, gatewayServers, gatewayTlsFilterChains, lookupTlsRoute, pickFilterChain, serviceEntryEndpoint } from './istioConfig.js';
import { outboundPolicy, sidecarView } from './meshPolicy.js';
import { address, droppedByPolicy, isGatewayPod, type Net, serviceDnat, startTime, writeAccessLog } from './net.js';
import type { MeshPod } from './types.js';

export type TlsHop =
  | { kind: 'established'; response: HttpResponse; upBytes: number; downBytes: number; durationMs: number }
  | { kind: 'refused' }
  | { kind: 'timeout' }
  | { kind: 'reset' } // closed during the handshake
  | { kind: 'plaintext' } // the far end answered in plain HTTP: "wrong version number"
  | { kind: 'abandoned' };

/** Opens a connection to ip:port and carries the request over it. */
type TcpDeliver = (net: Net, req: HttpRequest, target: { ip: string; port: number }, fromAddress: string) => TlsHop;

const CLIENT_HELLO_BYTES = 517;
const CONNECT_TIMEOUT_MS = 10_000;

interface TcpLogBase {
  startTime: Date;
  downstreamLocalAddress: string;
  downstreamRemoteAddress: string;
  requestedServerName: string | undefined;
}

function logTcp(net: Net, pod: MeshPod, base: TcpLogBase, rest: Partial<AccessLogFields>): void {
  writeAccessLog(net, pod, { bytesReceived: 0, bytesSent: 0, durationMs: 0, responseCode: 0, ...base, ...rest });
}

/** What a connection captured by the client's sidecar starts with: its log fields and the sidecar's view of the mesh. */
function sidecarTcpStart(net: Net, dst: { ip: string; port: number }, sni: string | undefined) {
  const pod = net.client;
  const ns = pod.namespace;
  const base: TcpLogBase = {
    startTime: startTime(net, 0),
    downstreamLocalAddress: address(dst.ip, dst.port),
    downstreamRemoteAddress: address(pod.ip, net.dice.ephemeralPort()),
    requestedServerName: sni,
  };
  return { pod, ns, base, originalDst: { ip: dst.ip, port: dst.port }, view: sidecarView(net.state, ns) };
}

/** An HTTPS connection from the client container, captured by its sidecar. */
export function sidecarTls(net: Net, req: HttpRequest, dst: { ip: string; port: number }, resolved: Resolved): TlsHop {
  const sni = req.host;
  const { pod, ns, base, originalDst, view } = sidecarTcpStart(net, dst, sni);
  if (resolved.kind === 'service') {
    const cluster = resolveCluster(view, ns, { host: resolved.fqdn, port: dst.port }, dst.port, originalDst);
    return forwardTcp(net, pod, req, cluster, base, undefined);
  }
  const entry = findServiceEntryPort(view, ns, sni, dst.port);
  if (entry?.protocol === 'http') {
    // The port is declared HTTP, so the sidecar's HTTP codec reads the ClientHello and answers 400.
    writeAccessLog(net, pod, {
      ...base, requestedServerName: undefined, method: undefined, responseCode: 400, responseFlags: 'DPE',
      responseCodeDetails: 'http1.codec_error', bytesReceived: CLIENT_HELLO_BYTES, bytesSent: 11, durationMs: 0,
    });
    return { kind: 'plaintext' };
  }
  if (entry) {
    const route = entry.protocol === 'tcp' ? undefined : lookupTlsRoute(view, ns, sni, 'mesh', dst.port);
    if (route) {
      const dest = pickDestination(route, net.dice);
      const cluster: UpstreamCluster = dest ? resolveCluster(view, ns, dest, dst.port, originalDst) : { kind: 'not-found' };
      return forwardTcp(net, pod, req, cluster, base, route.routeName);
    }
    const cluster = externalCluster(clusterName(dst.port, undefined, sni), sni, dst.port, entry.resolution, serviceEntryEndpoint(entry.entry), originalDst);
    return forwardTcp(net, pod, req, cluster, base, undefined);
  }
  if (outboundPolicy(net.state, ns) === 'ALLOW_ANY') {
    return forwardTcp(net, pod, req, { kind: 'address', name: 'PassthroughCluster', ip: dst.ip, port: dst.port }, base, undefined);
  }
  return forwardTcp(net, pod, req, { kind: 'empty', name: 'BlackHoleCluster' }, base, undefined);
}

/**
 * Plain HTTP from the client container to a port without an HTTP listener in its sidecar: a TCP
 * proxy to the ServiceEntry's cluster, or passthrough / blackhole by the outbound policy.
 */
export function sidecarPlainTcp(net: Net, req: HttpRequest, dst: { ip: string; port: number }, resolved: Resolved): TlsHop {
  const { pod, ns, base, originalDst, view } = sidecarTcpStart(net, dst, undefined);
  if (resolved.kind === 'service') {
    const cluster = resolveCluster(view, ns, { host: resolved.fqdn, port: dst.port }, dst.port, originalDst);
    return forwardTcp(net, pod, req, cluster, base, undefined, deliverPlainTcp);
  }
  const entry = findServiceEntryPort(view, ns, req.host, dst.port);
  if (entry) {
    const cluster = externalCluster(clusterName(dst.port, undefined, req.host), req.host, dst.port, entry.resolution, serviceEntryEndpoint(entry.entry), originalDst);
    return forwardTcp(net, pod, req, cluster, base, undefined, deliverPlainTcp);
  }
  const cluster: UpstreamCluster = outboundPolicy(net.state, ns) === 'ALLOW_ANY'
    ? { kind: 'address', name: 'PassthroughCluster', ip: dst.ip, port: dst.port }
    : { kind: 'empty', name: 'BlackHoleCluster' };
  return forwardTcp(net, pod, req, cluster, base, undefined, deliverPlainTcp);
}

/** A plain HTTP exchange seen as a TCP connection. */
function deliverPlainTcp(net: Net, req: HttpRequest, target: { ip: string; port: number }, fromAddress: string): TlsHop {
  const hop = deliverHttp(net, req, target, fromAddress);
  if (hop.kind !== 'response') return hop;
  return {
    kind: 'established',
    response: hop.response,
    upBytes: requestBytes(req) - 22,
    downBytes: responseBytes(hop.response) - 22,
    durationMs: hop.response.serverMs + net.dice.int(1, 3),
  };
}

function forwardTcp(
  net: Net,
  pod: MeshPod,
  req: HttpRequest,
  cluster: UpstreamCluster,
  base: TcpLogBase,
  routeName: string | undefined,
  deliver: TcpDeliver = deliverTls,
): TlsHop {
  if (cluster.kind === 'not-found') {
    logTcp(net, pod, base, { responseFlags: 'NC', routeName });
    return { kind: 'reset' };
  }
  if (cluster.kind === 'empty' || (cluster.kind === 'service' && cluster.endpoints.length === 0)) {
    logTcp(net, pod, base, { responseFlags: 'UH', upstreamCluster: cluster.name, routeName });
    return { kind: 'reset' };
  }
  let target: { ip: string; port: number };
  if (cluster.kind === 'service') {
    const endpoint = cluster.endpoints[net.dice.int(0, cluster.endpoints.length - 1)];
    target = { ip: endpoint.ip, port: cluster.targetPort };
  } else target = { ip: cluster.ip, port: cluster.port };
  const upstreamLocal = address(pod.ip, net.dice.ephemeralPort());
  const hop = deliver(net, req, target, upstreamLocal);
  const common = { upstreamHost: address(target.ip, target.port), upstreamCluster: cluster.name, upstreamLocalAddress: upstreamLocal, routeName };
  switch (hop.kind) {
    case 'established': {
      const durationMs = hop.durationMs + net.dice.int(1, 2);
      logTcp(net, pod, base, { ...common, bytesReceived: hop.upBytes, bytesSent: hop.downBytes, durationMs });
      return { ...hop, durationMs };
    }
    case 'plaintext':
      logTcp(net, pod, base, { ...common, bytesReceived: CLIENT_HELLO_BYTES, bytesSent: 11, durationMs: net.dice.int(1, 4) });
      return hop;
    case 'reset':
      logTcp(net, pod, base, { ...common, bytesReceived: CLIENT_HELLO_BYTES, durationMs: net.dice.int(1, 4) });
      return hop;
    case 'abandoned':
      logTcp(net, pod, base, { ...common, bytesReceived: CLIENT_HELLO_BYTES, durationMs: net.maxTimeMs ?? 0 });
      return hop;
    case 'refused':
    case 'timeout': {
      if (hop.kind === 'timeout' && net.maxTimeMs !== undefined && net.maxTimeMs < CONNECT_TIMEOUT_MS) {
        logTcp(net, pod, base, { ...common, durationMs: net.maxTimeMs, responseFlags: 'DC' });
        return { kind: 'abandoned' };
      }
      const why = hop.kind === 'refused' ? 'Connection_refused' : 'Connection_timed_out';
      logTcp(net, pod, base, {
        ...common, responseFlags: 'UF', upstreamTransportFailureReason: `delayed_connect_error:_${why}`,
        durationMs: hop.kind === 'refused' ? net.dice.int(1, 4) : CONNECT_TIMEOUT_MS,
      });
      return { kind: 'reset' }; // the proxy accepted the connection, then closes it
    }
  }
}

/** Open a TLS connection to whatever listens at ip:port and, once established, send the request through it. */
export function deliverTls(net: Net, req: HttpRequest, target: { ip: string; port: number }, fromAddress: string): TlsHop {
  const pod = net.state.pods.find((p) => p.ip === target.ip);
  if (pod) {
    if (droppedByPolicy(net, fromAddress, target)) return { kind: 'timeout' };
    if (pod.ready && isGatewayPod(net.state, pod)) return gatewayTls(net, req, pod, target.port, fromAddress);
    return { kind: 'refused' };
  }
  const dnat = serviceDnat(net, target);
  if (dnat === 'refused') return { kind: 'refused' };
  if (dnat) return deliverTls(net, req, dnat, fromAddress);
  if (isPrivateAddress(target.ip) || droppedByPolicy(net, fromAddress, target)) return { kind: 'timeout' };
  if (originListens(target.port, true)) {
    const response = originRespond(req, { now: startTime(net, 0), dice: net.dice, clientIp: CLUSTER_EGRESS_IP });
    const handshakeMs = net.dice.int(40, 120);
    if (net.maxTimeMs !== undefined && response.serverMs + handshakeMs > net.maxTimeMs) return { kind: 'abandoned' };
    return {
      kind: 'established',
      response,
      upBytes: CLIENT_HELLO_BYTES + 126 + net.dice.int(0, 40) + requestBytes(req),
      downBytes: 4300 + net.dice.int(0, 400) + responseBytes(response),
      durationMs: response.serverMs + handshakeMs,
    };
  }
  return originListens(target.port, false) ? { kind: 'plaintext' } : { kind: 'timeout' };
}

function requestBytes(req: HttpRequest): number {
  const head = `${req.method} ${req.pathAndQuery} HTTP/1.1\r\nHost: ${req.authority}\r\n` + req.headers.map(([n, v]) => `${n}: ${v}\r\n`).join('') + '\r\n';
  return byteLength(head) + byteLength(req.body) + 22;
}

function responseBytes(res: HttpResponse): number {
  const head = `HTTP/1.1 ${res.status}\r\n` + res.headers.map(([n, v]) => `${n}: ${v}\r\n`).join('') + '\r\n';
  return byteLength(head) + byteLength(res.body) + 22;
}

const TLS_SERVER_PROTOCOLS = new Set(['TLS', 'HTTPS']);

function gatewayTls(net: Net, req: HttpRequest, pod: MeshPod, listenPort: number, fromAddress: string): TlsHop {
  net.hops += 1;
  net.clockMs += 1;
  const servicePort = gatewayServicePort(net, pod, listenPort);
  const servers = gatewayServers(net.state, pod, servicePort);
  if (servers.length === 0) return { kind: 'refused' };
  const sni = req.host;
  const base: TcpLogBase = {
    startTime: startTime(net, 0),
    downstreamLocalAddress: address(pod.ip, listenPort),
    downstreamRemoteAddress: fromAddress,
    requestedServerName: sni,
  };
  if (net.hops > LOOP_LIMIT) {
    logTcp(net, pod, base, { responseFlags: 'UO' });
    return { kind: 'reset' };
  }
  const chain = pickFilterChain(gatewayTlsFilterChains(net.state, pod.namespace, servers, servicePort), sni);
  if (chain) {
    const dest = pickDestination(chain.choice, net.dice);
    const cluster: UpstreamCluster = dest
      ? resolveCluster(net.state, pod.namespace, dest, servicePort, { ip: pod.ip, port: listenPort })
      : { kind: 'not-found' };
    return forwardTcp(net, pod, req, cluster, base, chain.choice.routeName);
  }
  if (servers.every((s) => !TLS_SERVER_PROTOCOLS.has(s.protocol))) return { kind: 'plaintext' }; // an HTTP listener
  logTcp(net, pod, base, { responseFlags: 'NR', responseCodeDetails: 'filter_chain_not_found' });
  return { kind: 'reset' };
}
