// An ambient pod's connection: no sidecar; istio-cni redirects it to the node's ztunnel, which
// opens it on the pod's behalf (plain TCP to a destination outside the mesh) and logs it.

import type { Resolved } from './dns.js';
import { byteLength, type HttpRequest, type HttpResponse } from './http.js';
import { deliverHttp, type HttpHop } from './httpPath.js';
import { findServiceEntryPort } from './istioConfig.js';
import { address, type Net, startTime } from './net.js';
import { deliverTls, type TlsHop } from './tlsPath.js';
import { autoAllocatedVip, hboneAddress, waypointFor, waypointHttp, waypointPods, type WaypointRef } from './waypoint.js';
import { writeZtunnelLog, ztunnelPod } from './ztunnel.js';
import type { ServiceEntryPort } from './istioConfig.js';

/** A ServiceEntry host:port that uses a waypoint, as ztunnel sees it (with the entry's allocated VIP). */
export interface WaypointBound {
  entry: ServiceEntryPort;
  ref: WaypointRef;
  vip: string;
}

/** Whether ztunnel sends host:port to a waypoint: a visible ServiceEntry labelled istio.io/use-waypoint. */
export function waypointBound(net: Net, req: HttpRequest): WaypointBound | undefined {
  if (req.scheme !== 'http') return undefined; // TLS through a waypoint is not modelled: ztunnel passes it through
  const entry = findServiceEntryPort(net.state, net.client.namespace, req.host, req.port);
  if (!entry) return undefined;
  const ref = waypointFor(net.state, entry.entry);
  return ref ? { entry, ref, vip: autoAllocatedVip(entry.entry, req.host) } : undefined;
}

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

/** ztunnel's line for an L4 passthrough connection, however it ended. */
function logPassthrough(
  net: Net,
  req: HttpRequest,
  dst: { ip: string; port: number },
  resolved: Resolved,
  fromAddress: string,
  start: Date,
  done: { kind: string; bytesSent: number; bytesRecv: number; durationMs?: number },
): void {
  writeZtunnelLog(net, {
    start,
    src: net.client,
    srcAddr: fromAddress,
    dstAddr: address(dst.ip, dst.port),
    service: serviceName(net, req, resolved),
    bytesSent: done.bytesSent,
    bytesRecv: done.bytesRecv,
    durationMs: done.durationMs !== undefined ? done.durationMs + net.dice.int(1, 3) : net.dice.int(0, 2),
    error: done.kind === 'refused' ? 'io error: Connection refused (os error 111)' : done.kind === 'timeout' ? 'connection timed out' : undefined,
  });
}

/** Plain HTTP from an ambient pod: ztunnel connects to the destination as L4 passthrough. */
export function ztunnelHttp(net: Net, req: HttpRequest, dst: { ip: string; port: number }, resolved: Resolved, fromAddress: string): HttpHop {
  const start = startTime(net, 0);
  const bound = waypointBound(net, req);
  if (bound) return viaWaypoint(net, req, bound, fromAddress);
  const hop = deliverHttp(net, req, dst, fromAddress);
  const ok = hop.kind === 'response';
  logPassthrough(net, req, dst, resolved, fromAddress, start, {
    kind: hop.kind,
    bytesSent: ok || hop.kind === 'reset' ? requestBytes(req) : 0,
    bytesRecv: ok ? responseBytes(hop.response) : 0,
    ...(ok ? { durationMs: hop.response.serverMs } : {}),
  });
  return hop;
}

/** TLS from an ambient pod: ztunnel passes the bytes through (it never reads the TLS inside). */
export function ztunnelTls(net: Net, req: HttpRequest, dst: { ip: string; port: number }, resolved: Resolved, fromAddress: string): TlsHop {
  const start = startTime(net, 0);
  const hop = deliverTls(net, req, dst, fromAddress);
  const ok = hop.kind === 'established';
  logPassthrough(net, req, dst, resolved, fromAddress, start, {
    kind: hop.kind,
    bytesSent: ok ? hop.upBytes : 0,
    bytesRecv: ok ? hop.downBytes : 0,
    ...(ok ? { durationMs: hop.durationMs } : {}),
  });
  return hop;
}

/**
 * ztunnel's HBONE hop to the waypoint: one ztunnel line (dst.addr the waypoint's 15008, the VIP
 * inside the tunnel); the waypoint's Envoy does the rest and logs its own line. No waypoint pod:
 * ztunnel has nowhere to send it and closes the connection (curl 56).
 */
function viaWaypoint(net: Net, req: HttpRequest, bound: WaypointBound, fromAddress: string): HttpHop {
  const start = startTime(net, 0);
  const pods = waypointPods(net.state, bound.ref);
  const host = req.host;
  if (pods.length === 0) {
    writeZtunnelLog(net, {
      start, src: net.client, srcAddr: fromAddress, dstAddr: address(bound.vip, req.port), service: host,
      bytesSent: 0, bytesRecv: 0, durationMs: 0, error: `no healthy upstream: waypoint ${bound.ref.namespace}/${bound.ref.name} has no ready endpoints`,
    });
    return { kind: 'reset' };
  }
  const waypoint = pods[net.dice.int(0, pods.length - 1)];
  const hop = waypointHttp(net, req, waypoint, bound.ref, bound.entry, bound.vip, fromAddress);
  const ok = hop.kind === 'response';
  writeZtunnelLog(net, {
    start,
    src: net.client,
    srcAddr: fromAddress,
    dstAddr: hboneAddress(waypoint),
    hboneAddr: address(bound.vip, req.port),
    service: host,
    dstWorkload: waypoint,
    bytesSent: requestBytes(req),
    bytesRecv: ok ? responseBytes(hop.response) : 0,
    durationMs: ok ? hop.response.serverMs + net.dice.int(1, 3) : net.dice.int(0, 2),
  });
  return hop;
}
