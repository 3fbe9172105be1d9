// An ambient pod's connection: no sidecar; istio-cni redirects it to the node's ztunnel, which
// opens it on the pod's behalf (plain TCP to a destination outside the mesh) and logs it.

import type { Resolved } from './dns.js';
import { byteLength, type HttpRequest, type HttpResponse } from './http.js';
import { deliverHttp, type HttpHop } from './httpPath.js';
import { findServiceEntryPort } from './istioConfig.js';
import { address, type Net, startTime } from './net.js';
import { deliverTls, type TlsHop } from './tlsPath.js';
import { writeZtunnelLog, ztunnelPod } from './ztunnel.js';

/** Whether ztunnel carries this command's connections. */
export function viaZtunnel(net: Net): boolean {
  return !net.intercepted && net.client.ambient === true && ztunnelPod(net.state) !== undefined;
}

/** Bytes of a request on the wire (request line, headers, body), as ztunnel counts them. */
function requestBytes(req: HttpRequest): number {
  const head = `${req.method} ${req.pathAndQuery} HTTP/1.1\r\nHost: ${req.authority}\r\n${req.headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
  return byteLength(head) + byteLength(req.body);
}

function responseBytes(res: HttpResponse): number {
  const head = `HTTP/1.1 ${res.status}\r\n${res.headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
  return byteLength(head) + byteLength(res.body);
}

/** The service ztunnel knows the destination as: a Service's FQDN, or a ServiceEntry's host. */
function serviceName(net: Net, req: HttpRequest, resolved: Resolved): string | undefined {
  if (resolved.kind === 'service') return resolved.fqdn;
  const entry = findServiceEntryPort(net.state, net.client.namespace, req.host, req.port);
  return entry ? req.host : undefined;
}

/** Plain HTTP from an ambient pod: ztunnel connects to the destination as L4 passthrough. */
export function ztunnelHttp(net: Net, req: HttpRequest, dst: { ip: string; port: number }, resolved: Resolved, fromAddress: string): HttpHop {
  const start = startTime(net, 0);
  const hop = deliverHttp(net, req, dst, fromAddress);
  const ok = hop.kind === 'response';
  writeZtunnelLog(net, {
    start,
    src: net.client,
    srcAddr: fromAddress,
    dstAddr: address(dst.ip, dst.port),
    service: serviceName(net, req, resolved),
    bytesSent: ok || hop.kind === 'reset' ? requestBytes(req) : 0,
    bytesRecv: ok ? responseBytes(hop.response) : 0,
    durationMs: ok ? hop.response.serverMs + net.dice.int(1, 3) : net.dice.int(0, 2),
    error: hop.kind === 'refused' ? 'io error: Connection refused (os error 111)' : hop.kind === 'timeout' ? 'connection timed out' : undefined,
  });
  return hop;
}

/** TLS from an ambient pod: ztunnel passes the bytes through (it never reads the TLS inside). */
export function ztunnelTls(net: Net, req: HttpRequest, dst: { ip: string; port: number }, resolved: Resolved, fromAddress: string): TlsHop {
  const start = startTime(net, 0);
  const hop = deliverTls(net, req, dst, fromAddress);
  const ok = hop.kind === 'established';
  writeZtunnelLog(net, {
    start,
    src: net.client,
    srcAddr: fromAddress,
    dstAddr: address(dst.ip, dst.port),
    service: serviceName(net, req, resolved),
    bytesSent: ok ? hop.upBytes : 0,
    bytesRecv: ok ? hop.downBytes : 0,
    durationMs: ok ? hop.durationMs + net.dice.int(1, 3) : net.dice.int(0, 2),
    error: hop.kind === 'refused' ? 'io error: Connection refused (os error 111)' : hop.kind === 'timeout' ? 'connection timed out' : undefined,
  });
  return hop;
}
