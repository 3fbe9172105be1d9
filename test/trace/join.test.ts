// The trace join (pure): lines as the practice cluster's model writes them, in Istio's default
// TEXT format; two client pods sending at the same time are never joined.
import { describe, expect, it } from 'vitest';
import type { LogLine, MeshFacts } from '../../src/cluster/port.js';
import { joinTrace, parseCluster, sidecarDeciders, traceComplete, type TraceInput } from '../../src/trace/index.js';
import { seedObjects } from '../fixtures/seed.js';

const T0 = Date.parse('2026-12-07T05:28:24.000Z');
const A = { pod: 'curl-aaaa-11111', ip: '10.244.0.13' };
const B = { pod: 'curl-bbbb-22222', ip: '10.244.0.14' };
const GW = 'istio-egressgateway-zqd87lc8jm-84vn7';

const line = (pod: string, text: string): LogLine => ({ pod, container: 'istio-proxy', text, receivedAt: T0 + 1500 });
const at = (ms: number) => new Date(T0 + ms).toISOString();

function httpSidecar(who: typeof A, id: string, port: number, ms = 48): LogLine {
  return line(who.pod, `[${at(ms)}] "GET /headers HTTP/1.1" 200 - via_upstream - "-" 0 574 434 433 "-" "curl/8.16.0" "${id}" "httpbin.org" "10.244.0.12:8080" outbound|80|cnn|istio-egressgateway.istio-system.svc.cluster.local ${who.ip}:${port} 44.207.188.95:80 ${who.ip}:52758 - -`);
}
function httpGateway(who: typeof A, id: string, port: number, ms = 49): LogLine {
  return line(GW, `[${at(ms)}] "GET /headers HTTP/2" 200 - via_upstream - "-" 0 574 433 432 "${who.ip}" "curl/8.16.0" "${id}" "httpbin.org" "44.207.188.95:80" outbound|80||httpbin.org 10.244.0.12:40967 10.244.0.12:8080 ${who.ip}:${port} - -`);
}
function tlsSidecar(who: typeof A, port: number, ms = 64): LogLine {
  return line(who.pod, `[${at(ms)}] "- - -" 0 - - - "-" 776 5219 145 - "-" "-" "-" "-" "10.244.0.12:8443" outbound|443|cnn|istio-egressgateway.istio-system.svc.cluster.local ${who.ip}:${port} 110.242.70.57:443 ${who.ip}:42251 www.baidu.com -`);
}
function tlsGateway(who: typeof A, port: number, bytes: number, ms = 65): LogLine {
  return line(GW, `[${at(ms)}] "- - -" 0 - - - "-" 776 ${bytes} 144 - "-" "-" "-" "-" "110.242.70.57:443" outbound|443||www.baidu.com 10.244.0.12:59472 10.244.0.12:8443 ${who.ip}:${port} www.baidu.com -`);
}

const objects = (part: 'http' | 'https'): MeshFacts['objects'] => seedObjects(part).map((o) => ({ kind: o.kind, name: o.metadata.name, namespace: 'default', spec: o.spec }));
const facts = (part: 'http' | 'https', extra: Partial<MeshFacts> = {}): TraceInput['facts'] => ({ objects: objects(part), accessLogging: 'on', clientHasSidecar: true, outboundPolicy: 'ALLOW_ANY', ...extra });

function input(over: Partial<TraceInput> & { request: TraceInput['request'] }): TraceInput {
  return { sidecarLines: [], gatewayLines: [], gatewayNamespace: 'istio-system', clientNamespace: 'default', settled: true, ...over };
}

const httpRequest = (who: typeof A, id?: string) => ({ ...(id ? { requestId: id } : {}), clientPod: who.pod, clientIp: who.ip, host: 'httpbin.org', port: 80, tls: false, startedAt: T0, finishedAt: T0 + 500, outcome: 'HTTP 200' });
const tlsRequest = (who: typeof A) => ({ clientPod: who.pod, clientIp: who.ip, host: 'www.baidu.com', port: 443, tls: true, startedAt: T0, finishedAt: T0 + 500, outcome: 'HTTP 200' });

describe('joinTrace: HTTP by x-request-id', () => {
  it('lights all four hops and names the objects that decided each', () => {
    const trace = joinTrace(input({ request: httpRequest(A, 'id-a'), sidecarLines: [httpSidecar(A, 'id-a', 34842)], gatewayLines: [httpGateway(A, 'id-a', 34842)], facts: facts('http') }));
    expect(trace.hops.map((h) => [h.id, h.lit])).toEqual([['client', true], ['sidecar', true], ['gateway', true], ['external', true]]);
    expect(trace.joinedBy).toBe('request-id');
    const [, sidecar, gateway, external] = trace.hops;
    expect(sidecar.fields).toMatchObject({ responseCode: 200, upstreamCluster: 'outbound|80|cnn|istio-egressgateway.istio-system.svc.cluster.local', bytesReceived: 0, bytesSent: 574, durationMs: 434 });
    expect(sidecar.decidedBy).toEqual([
      { kind: 'VirtualService', name: 'direct-cnn-through-egress-gateway', namespace: 'default', part: 'http[0]' },
      { kind: 'DestinationRule', name: 'egressgateway-for-cnn', namespace: 'default', part: 'subset cnn' },
    ]);
    expect(gateway.name).toBe(GW);
    expect(gateway.decidedBy).toEqual([
      { kind: 'Gateway', name: 'istio-egressgateway', namespace: 'default', part: 'server 80/HTTP' },
      { kind: 'VirtualService', name: 'direct-cnn-through-egress-gateway', namespace: 'default', part: 'http[1]' },
      { kind: 'ServiceEntry', name: 'cnn', namespace: 'default', part: 'resolution DNS' },
    ]);
    expect(external.fields).toEqual({ upstreamHost: '44.207.188.95:80', responseCode: 200 });
    expect(traceComplete(trace)).toBe(true);
  });

  it("two pods sending at once: each trace has its own pod's lines, never the other's", () => {
    const sidecarLines = [httpSidecar(A, 'id-a', 1001), httpSidecar(B, 'id-b', 2002)];
    const gatewayLines = [httpGateway(B, 'id-b', 2002), httpGateway(A, 'id-a', 1001)];
    const a = joinTrace(input({ request: httpRequest(A, 'id-a'), sidecarLines, gatewayLines, facts: facts('http') }));
    const b = joinTrace(input({ request: httpRequest(B, 'id-b'), sidecarLines, gatewayLines, facts: facts('http') }));
    expect(a.hops[1].line?.pod).toBe(A.pod);
    expect(a.hops[2].line?.text).toContain('"id-a"');
    expect(b.hops[1].line?.pod).toBe(B.pod);
    expect(b.hops[2].line?.text).toContain('"id-b"');
  });

  it("another pod's line with the same x-request-id is not joined", () => {
    const trace = joinTrace(input({ request: httpRequest(A, 'same'), sidecarLines: [httpSidecar(B, 'same', 2002)], gatewayLines: [httpGateway(B, 'same', 2002)], facts: facts('http') }));
    expect(trace.hops[1]).toMatchObject({ lit: false, why: 'no-line' });
    expect(trace.hops[2]).toMatchObject({ lit: false, why: 'no-line' });
  });

  it('says "waiting" while the logs are still followed, and "no line" once settled', () => {
    const request = httpRequest(A, 'id-a');
    const following = joinTrace(input({ request, sidecarLines: [httpSidecar(A, 'id-a', 1001)], settled: false, facts: facts('http') }));
    expect(following.settled).toBe(false);
    expect(following.hops[2]).toMatchObject({ lit: false, why: 'waiting' });
    const settled = joinTrace(input({ request, sidecarLines: [httpSidecar(A, 'id-a', 1001)], settled: true, facts: facts('http') }));
    expect(settled.hops[2]).toMatchObject({ lit: false, why: 'no-line' });
  });

  it("access log off for the client's sidecar: the gateway logged the pod's request, the sidecar nothing", () => {
    const trace = joinTrace(input({ request: httpRequest(A, 'id-a'), gatewayLines: [httpGateway(A, 'id-a', 1001)], facts: facts('http') }));
    expect(trace.hops[1]).toMatchObject({ lit: false, why: 'log-off' });
    expect(trace.hops[2].lit).toBe(true);
    const following = joinTrace(input({ request: httpRequest(A, 'id-a'), gatewayLines: [httpGateway(A, 'id-a', 1001)], facts: facts('http'), settled: false }));
    expect(following.hops[1]).toMatchObject({ lit: false, why: 'waiting' });
  });

  it("access log off for the gateway: its hop is dim for that reason", () => {
    const trace = joinTrace(input({ request: httpRequest(A, 'id-a'), sidecarLines: [httpSidecar(A, 'id-a', 1001)], facts: facts('http', { accessLogging: 'off' }) }));
    expect(trace.hops[2]).toMatchObject({ lit: false, why: 'log-off' });
  });
});

describe('joinTrace: TLS passthrough by source address, SNI and time', () => {
  it("two pods' connections at the same moment to the same SNI are told apart by the sidecar's source port", () => {
    const sidecarLines = [tlsSidecar(A, 34484), tlsSidecar(B, 40001)];
    const gatewayLines = [tlsGateway(B, 40001, 9999), tlsGateway(A, 34484, 5219)];
    const a = joinTrace(input({ request: tlsRequest(A), sidecarLines, gatewayLines, facts: facts('https') }));
    const b = joinTrace(input({ request: tlsRequest(B), sidecarLines, gatewayLines, facts: facts('https') }));
    expect(a.joinedBy).toBe('address');
    expect(a.hops[2].fields?.bytesSent).toBe(5219);
    expect(a.hops[2].line?.text).toContain(`${A.ip}:34484`);
    expect(b.hops[2].fields?.bytesSent).toBe(9999);
    expect(b.hops[2].line?.text).toContain(`${B.ip}:40001`);
    expect(a.hops[1].decidedBy).toEqual([
      { kind: 'VirtualService', name: 'direct-cnn-through-egress-gateway', namespace: 'default', part: 'tls[0]' },
      { kind: 'DestinationRule', name: 'egressgateway-for-cnn', namespace: 'default', part: 'subset cnn' },
    ]);
    expect(a.hops[2].decidedBy[0]).toEqual({ kind: 'Gateway', name: 'istio-egressgateway', namespace: 'default', part: 'server 443/TLS PASSTHROUGH' });
    expect(a.hops[2].decidedBy[1]).toMatchObject({ kind: 'VirtualService', part: 'tls[1]' });
    expect(a.hops[3]).toMatchObject({ lit: true, fields: { upstreamHost: '110.242.70.57:443' } });
  });

  it("a connection from another source port of the same pod is another request: not joined", () => {
    const trace = joinTrace(input({ request: tlsRequest(A), sidecarLines: [tlsSidecar(A, 34484)], gatewayLines: [tlsGateway(A, 50000, 1)], facts: facts('https') }));
    expect(trace.hops[2].lit).toBe(false);
  });

  it('lines outside the time window are older requests', () => {
    const trace = joinTrace(input({ request: tlsRequest(A), sidecarLines: [tlsSidecar(A, 34484, -60_000)], facts: facts('https') }));
    expect(trace.hops[1]).toMatchObject({ lit: false, why: 'no-line' });
  });

  it('without the sidecar line, the gateway line is joined by the client IP, SNI and time', () => {
    const trace = joinTrace(input({ request: tlsRequest(A), gatewayLines: [tlsGateway(B, 40001, 1), tlsGateway(A, 34484, 2)], facts: facts('https') }));
    expect(trace.joinedBy).toBe('time');
    expect(trace.hops[2].fields?.bytesSent).toBe(2);
  });
});

describe('joinTrace: a bypassed request', () => {
  it('no gateway hop: the sidecar sent it straight to the host, and the host is lit from the sidecar', () => {
    const direct = line(A.pod, `[${at(23)}] "GET /headers HTTP/1.1" 200 - via_upstream - "-" 0 467 217 216 "-" "curl/8.16.0" "id-d" "httpbin.org" "44.207.188.95:80" PassthroughCluster ${A.ip}:52386 44.207.188.95:80 ${A.ip}:55163 - allow_any`);
    const trace = joinTrace(input({ request: httpRequest(A, 'id-d'), sidecarLines: [direct], facts: facts('http') }));
    expect(trace.hops[1]).toMatchObject({ lit: true, decidedBy: [{ kind: 'MeshConfig', name: 'outboundTrafficPolicy', part: 'ALLOW_ANY' }] });
    expect(trace.hops[2]).toMatchObject({ lit: false, why: 'bypassed' });
    expect(trace.hops[3]).toMatchObject({ lit: true, fields: { upstreamHost: '44.207.188.95:80', responseCode: 200 } });
    expect(traceComplete(trace)).toBe(true);
  });

  it('no sidecar: nothing captured the request', () => {
    const trace = joinTrace(input({ request: httpRequest(A, 'id-x'), facts: facts('http', { clientHasSidecar: false }) }));
    expect(trace.hops[1]).toMatchObject({ lit: false, why: 'no-sidecar' });
    expect(trace.hops[2]).toMatchObject({ lit: false, why: 'bypassed' });
  });

  it('REGISTRY_ONLY: the sidecar answered itself (block_all), the request reached nothing beyond it', () => {
    const blocked = line(A.pod, `[${at(23)}] "GET /headers HTTP/1.1" 502 - direct_response - "-" 0 0 0 - "-" "curl/8.16.0" "id-r" "httpbin.org" "-" - - 44.207.188.95:80 ${A.ip}:55163 - block_all`);
    const trace = joinTrace(input({ request: httpRequest(A, 'id-r'), sidecarLines: [blocked], facts: facts('http', { objects: [{ kind: 'Sidecar', name: 'registry-only', namespace: 'default', spec: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } } }] }) }));
    expect(trace.hops[1].decidedBy).toEqual([{ kind: 'Sidecar', name: 'registry-only', namespace: 'default', part: 'REGISTRY_ONLY' }]);
    expect(trace.hops[2]).toMatchObject({ lit: false, why: 'not-reached' });
    expect(trace.hops[3]).toMatchObject({ lit: false, why: 'not-reached' });
  });
});

describe('joinTrace: a request that fails at a hop', () => {
  it('503 NC at the sidecar (the subset is not visible): the sidecar hop carries the flag, the later hops were not reached', () => {
    const nc = line(A.pod, `[${at(23)}] "GET /headers HTTP/1.1" 503 NC cluster_not_found - "-" 0 0 0 - "-" "curl/8.16.0" "id-nc" "httpbin.org" "-" - - 44.207.188.95:80 ${A.ip}:55163 - -`);
    const trace = joinTrace(input({ request: { ...httpRequest(A, 'id-nc'), outcome: 'HTTP 503' }, sidecarLines: [nc], facts: facts('http') }));
    expect(trace.hops[1]).toMatchObject({ lit: true, fields: { responseCode: 503, responseFlags: 'NC', responseCodeDetails: 'cluster_not_found' } });
    expect(trace.hops[2]).toMatchObject({ lit: false, why: 'not-reached' });
    expect(trace.hops[3]).toMatchObject({ lit: false, why: 'not-reached' });
  });

  it('404 NR at the gateway: lit with its flag, the host not reached', () => {
    const nr = line(GW, `[${at(49)}] "GET /headers HTTP/2" 404 NR route_not_found - "-" 0 0 0 - "${A.ip}" "curl/8.16.0" "id-nr" "httpbin.org" "-" - - 10.244.0.12:8080 ${A.ip}:1001 - -`);
    const trace = joinTrace(input({ request: httpRequest(A, 'id-nr'), sidecarLines: [httpSidecar(A, 'id-nr', 1001)], gatewayLines: [nr], facts: facts('http') }));
    expect(trace.hops[2]).toMatchObject({ lit: true, fields: { responseCode: 404, responseFlags: 'NR' } });
    expect(trace.hops[3]).toMatchObject({ lit: false, why: 'not-reached' });
  });
});

describe('decisions from route names and clusters', () => {
  it('parses Envoy cluster names', () => {
    expect(parseCluster('outbound|80|cnn|istio-egressgateway.istio-system.svc.cluster.local')).toEqual({ direction: 'outbound', port: 80, subset: 'cnn', host: 'istio-egressgateway.istio-system.svc.cluster.local' });
    expect(parseCluster('PassthroughCluster')).toBeUndefined();
  });

  it("an http route's name in the log names the VirtualService rule exactly", () => {
    const vs = { kind: 'VirtualService', name: 'named', namespace: 'default', spec: { hosts: ['httpbin.org'], http: [{ name: 'first', route: [] }, { name: 'to-gateway', route: [] }] } };
    const d = sidecarDeciders({ routeName: 'to-gateway', upstreamCluster: 'outbound|80||httpbin.org' }, { objects: [vs], host: 'httpbin.org', tls: false, port: 80, clientNamespace: 'default', gatewayNamespace: 'istio-system' });
    expect(d[0]).toEqual({ kind: 'VirtualService', name: 'named', namespace: 'default', part: 'http[1] "to-gateway"' });
  });
});
