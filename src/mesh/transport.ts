// One request as curl makes it from the client container: resolve, connect (captured by the
// sidecar or not), and what curl ends up with: a response, or one of its error codes.

import { resolveInPod } from './dns.js';
import type { HttpRequest, HttpResponse } from './http.js';
import { deliverHttp, sidecarHttp } from './httpPath.js';
import { address, type Net } from './net.js';
import { connectionAllowed, KUBE_DNS, peerAt } from './networkPolicy.js';
import { isHttpListenerPort } from './istioConfig.js';
import { deliverTls, sidecarPlainTcp, sidecarTls } from './tlsPath.js';
import { viaZtunnel, waypointBound, ztunnelHttp, ztunnelTls } from './ambientPath.js';

export type Exchange =
  | { kind: 'response'; response: HttpResponse; remoteIp: string; remotePort: number; elapsedMs: number }
  | { kind: 'error'; code: number; message: string; remoteIp?: string; remotePort?: number; elapsedMs: number; stage: 'resolve' | 'connect' | 'tls' | 'transfer' };

/** The OpenSSL build curl reports in TLS errors. */
export const OPENSSL_VERSION = 'OpenSSL/3.5.4';

const KERNEL_CONNECT_TIMEOUT_MS = 134_000; // Linux gives up on SYN retries after about this long

const RESOLVER_GIVES_UP_MS = 10_000; // glibc: 5 s per try, 2 tries

export function exchange(net: Net, req: HttpRequest, connectTimeoutMs?: number): Exchange {
  // A NetworkPolicy that isolates the pod's egress without allowing kube-dns on UDP 53: queries are dropped.
  if (!/^[\d.]+$/.test(req.host) && req.host !== 'localhost' && !connectionAllowed(net.state, peerAt(net.state, net.client.ip), KUBE_DNS, 53, 'UDP').allowed) {
    if (net.maxTimeMs !== undefined && net.maxTimeMs < RESOLVER_GIVES_UP_MS) {
      return { kind: 'error', code: 28, message: `Resolving timed out after ${net.maxTimeMs} milliseconds`, elapsedMs: net.maxTimeMs, stage: 'resolve' };
    }
    return { kind: 'error', code: 6, message: `Could not resolve host: ${req.host}`, elapsedMs: RESOLVER_GIVES_UP_MS + net.dice.int(0, 20), stage: 'resolve' };
  }
  const resolved = resolveInPod(net.state, net.client.namespace, req.host);
  if (resolved.kind === 'nxdomain') {
    return { kind: 'error', code: 6, message: `Could not resolve host: ${req.host}`, elapsedMs: net.dice.int(1, 20), stage: 'resolve' };
  }
  // Ambient's DNS proxy answers a ServiceEntry host with the address Istio allocated it.
  const remoteIp = (viaZtunnel(net) ? waypointBound(net, req)?.vip : undefined) ?? resolved.ip;
  const remotePort = req.port;
  const dst = { ip: remoteIp, port: remotePort };
  const failConnect = (timedOut: boolean): Exchange => {
    const limit = Math.min(connectTimeoutMs ?? Infinity, net.maxTimeMs ?? Infinity);
    if (timedOut && Number.isFinite(limit)) {
      const ms = limit + net.dice.int(0, 2);
      return { kind: 'error', code: 28, message: `Failed to connect to ${req.host} port ${remotePort} after ${ms} ms: Timeout was reached`, remoteIp, remotePort, elapsedMs: ms, stage: 'connect' };
    }
    const ms = timedOut ? KERNEL_CONNECT_TIMEOUT_MS + net.dice.int(0, 999) : net.dice.int(0, 3);
    return { kind: 'error', code: 7, message: `Failed to connect to ${req.host} port ${remotePort} after ${ms} ms: Couldn't connect to server`, remoteIp, remotePort, elapsedMs: ms, stage: 'connect' };
  };
  const abandoned = (): Exchange => {
    const ms = (net.maxTimeMs ?? 0) + net.dice.int(0, 2);
    return { kind: 'error', code: 28, message: `Operation timed out after ${ms} milliseconds with 0 bytes received`, remoteIp, remotePort, elapsedMs: ms, stage: 'transfer' };
  };
  if (resolved.kind === 'loopback') return failConnect(false);

  const fromAddress = address(net.client.ip, net.dice.ephemeralPort());
  if (req.scheme === 'http' && net.intercepted && !isHttpListenerPort(net.state, net.client.namespace, remotePort)) {
    const hop = sidecarPlainTcp(net, req, dst, resolved);
    switch (hop.kind) {
      case 'established':
        return { kind: 'response', response: hop.response, remoteIp, remotePort, elapsedMs: hop.durationMs + net.dice.int(1, 3) };
      case 'abandoned': return abandoned();
      default:
        // The sidecar accepted the connection and then closed it.
        return { kind: 'error', code: 56, message: 'Recv failure: Connection reset by peer', remoteIp, remotePort, elapsedMs: net.dice.int(1, 5), stage: 'transfer' };
    }
  }
  if (req.scheme === 'http') {
    const hop = net.intercepted ? sidecarHttp(net, req, dst, resolved) : viaZtunnel(net) ? ztunnelHttp(net, req, dst, resolved, fromAddress) : deliverHttp(net, req, dst, fromAddress);
    switch (hop.kind) {
      case 'response': {
        const elapsedMs = hop.response.serverMs + net.dice.int(1, 3);
        return { kind: 'response', response: hop.response, remoteIp, remotePort, elapsedMs };
      }
      case 'refused': return failConnect(false);
      case 'timeout': return failConnect(true);
      case 'abandoned': return abandoned();
      case 'reset':
        return { kind: 'error', code: 56, message: 'Recv failure: Connection reset by peer', remoteIp, remotePort, elapsedMs: net.dice.int(1, 5), stage: 'transfer' };
    }
  }
  const hop = net.intercepted ? sidecarTls(net, req, dst, resolved) : viaZtunnel(net) ? ztunnelTls(net, req, dst, resolved, fromAddress) : deliverTls(net, req, dst, fromAddress);
  switch (hop.kind) {
    case 'established':
      return { kind: 'response', response: hop.response, remoteIp, remotePort, elapsedMs: hop.durationMs + net.dice.int(1, 3) };
    case 'refused': return failConnect(false);
    case 'timeout': return failConnect(true);
    case 'abandoned': return abandoned();
    case 'reset':
      return { kind: 'error', code: 35, message: `OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to ${req.host}:${remotePort} `, remoteIp, remotePort, elapsedMs: net.dice.int(2, 20), stage: 'tls' };
    case 'plaintext':
      return { kind: 'error', code: 35, message: `${OPENSSL_VERSION}: error:0A00010B:SSL routines::wrong version number`, remoteIp, remotePort, elapsedMs: net.dice.int(2, 20), stage: 'tls' };
  }
}
