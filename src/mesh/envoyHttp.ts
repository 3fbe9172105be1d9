// What Envoy does to HTTP messages it proxies, and the replies it makes up itself.

import { byteLength, type Header, type HttpRequest, type HttpResponse, httpDate } from './http.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/**
 * A response as an Envoy HTTP/1.1 listener sends it downstream: header names lower-cased,
 * hop-by-hop headers dropped, `server` overwritten, `x-envoy-upstream-service-time` set.
 */
export function envoyResponse(upstream: HttpResponse, serverName: string, upstreamServiceMs: number): HttpResponse {
  const headers: Header[] = [];
  let sawServer = false;
  for (const [name, value] of upstream.headers) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || lower === 'x-envoy-upstream-service-time') continue;
    if (lower === 'server') {
      headers.push(['server', serverName]);
      sawServer = true;
    } else headers.push([lower, value]);
  }
  if (!sawServer) headers.push(['server', serverName]);
  headers.push(['x-envoy-upstream-service-time', String(upstreamServiceMs)]);
  return { ...upstream, version: 'HTTP/1.1', headers };
}

/** A reply Envoy generates itself (route_not_found, cluster_not_found, no_healthy_upstream, ...). */
export function localReply(status: number, body: string, serverName: string, now: Date): HttpResponse {
  const headers: Header[] = [['content-length', String(byteLength(body))]];
  if (body !== '') headers.push(['content-type', 'text/plain']);
  headers.push(['date', httpDate(now)], ['server', serverName]);
  return { version: 'HTTP/1.1', status, headers, body, serverMs: 0 };
}

export interface TraceIds {
  traceId: string;
  spanId: string;
}

/** Headers a proxy adds to a request it forwards (as httpbin's /headers shows them). */
export function envoyRequestHeaders(
  req: HttpRequest,
  opts: { requestId: string; trace: TraceIds; decorator?: string; peerId: string; forwardedFor?: string; internal?: boolean },
): HttpRequest {
  const drop = new Set(['x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'x-envoy-attempt-count', 'x-envoy-decorator-operation', 'x-envoy-peer-metadata-id', 'x-request-id', 'x-forwarded-proto', 'x-forwarded-for', 'x-envoy-internal']);
  const headers: Header[] = req.headers.filter(([n]) => !drop.has(n.toLowerCase()));
  const previousXff = req.headers.find(([n]) => n.toLowerCase() === 'x-forwarded-for')?.[1];
  headers.push(['x-forwarded-proto', 'http'], ['x-request-id', opts.requestId]);
  if (opts.forwardedFor) headers.push(['x-forwarded-for', previousXff ? `${previousXff}, ${opts.forwardedFor}` : opts.forwardedFor]);
  if (opts.internal) headers.push(['x-envoy-internal', 'true']);
  if (opts.decorator) headers.push(['x-envoy-decorator-operation', opts.decorator]);
  headers.push(
    ['x-envoy-peer-metadata-id', opts.peerId],
    ['x-envoy-attempt-count', '1'],
    ['x-b3-traceid', opts.trace.traceId],
    ['x-b3-spanid', opts.trace.spanId],
    ['x-b3-sampled', '0'],
  );
  return { ...req, headers };
}
