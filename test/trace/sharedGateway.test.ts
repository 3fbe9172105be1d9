// On a gateway several namespaces share, the trace names the Gateway that really answers: the
// oldest of those claiming the host and port on that gateway workload, with the merged routes of
// every VirtualService bound to them (IST0145); or says that another namespace's may answer.
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import type { FactObject, LogLine } from '../../src/cluster/port.js';
import { joinTrace, traceText, type TraceInput } from '../../src/trace/index.js';
import { answeringGateway, type SharedGatewayInput } from '../../src/trace/sharedGateway.js';

const gateway = (namespace: string, created: string, host = 'httpbin.org', selector: Record<string, string> = { istio: 'egressgateway' }): FactObject => ({
  kind: 'Gateway',
  name: 'istio-egressgateway',
  namespace,
  created,
  spec: { selector, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [host] }] },
});
const virtualService = (namespace: string, created: string, routeName?: string): FactObject => ({
  kind: 'VirtualService',
  name: 'direct-httpbin',
  namespace,
  created,
  spec: {
    hosts: ['httpbin.org'],
    gateways: ['istio-egressgateway', 'mesh'],
    http: [
      { match: [{ gateways: ['mesh'], port: 80 }], route: [{ destination: { host: 'istio-egressgateway.istio-system.svc.cluster.local', port: { number: 80 } } }] },
      { ...(routeName ? { name: routeName } : {}), match: [{ gateways: ['istio-egressgateway'], port: 80 }], route: [{ destination: { host: 'httpbin.org', port: { number: 80 } } }] },
    ],
  },
});
const OLD = '2026-12-07T05:00:00Z';
const NEW = '2026-12-07T06:00:00Z';
const base = (over: Partial<SharedGatewayInput>): SharedGatewayInput => ({ objects: [], gatewayLabels: { istio: 'egressgateway' }, gatewayNamespace: 'istio-system', clientNamespace: 'learner-2', host: 'httpbin.org', port: 80, tls: false, ...over });

describe('answeringGateway', () => {
  it("the other namespace's older Gateway answers, with its VirtualService's route; the learner's own is named as losing the host", () => {
    const a = answeringGateway(base({ objects: [gateway('learner-2', NEW), virtualService('learner-2', NEW)], others: [gateway('default', OLD), virtualService('default', OLD)] }));
    expect(a?.gateway).toEqual({ kind: 'Gateway', name: 'istio-egressgateway', namespace: 'default', part: 'server 80/HTTP', also: ['learner-2/istio-egressgateway'], claim: 'httpbin.org:80' });
    expect(a?.rule).toEqual({ kind: 'VirtualService', name: 'direct-httpbin', namespace: 'default', part: 'http[1]' });
  });

  it('the learner\'s own Gateway is the oldest: it answers and the newer one is named', () => {
    const a = answeringGateway(base({ objects: [gateway('learner-2', OLD), virtualService('learner-2', OLD)], others: [gateway('default', NEW), virtualService('default', NEW)] }));
    expect(a?.gateway).toMatchObject({ namespace: 'learner-2', also: ['default/istio-egressgateway'] });
    expect(a?.rule).toMatchObject({ namespace: 'learner-2' });
  });

  it('the logged route name picks the rule exactly, in the merged order (oldest first)', () => {
    const a = answeringGateway(base({ objects: [gateway('learner-2', NEW), virtualService('learner-2', NEW, 'to-httpbin')], others: [gateway('default', OLD), virtualService('default', OLD, 'to-httpbin')], routeName: 'to-httpbin' }));
    expect(a?.rule).toEqual({ kind: 'VirtualService', name: 'direct-httpbin', namespace: 'default', part: 'http[1] "to-httpbin"' });
  });

  it('a Gateway whose selector does not pick this gateway workload, or for another host, is no claimant', () => {
    const a = answeringGateway(base({ objects: [gateway('learner-2', NEW), virtualService('learner-2', NEW)], others: [gateway('default', OLD, 'httpbin.org', { istio: 'other-gateway' }), gateway('team-b', OLD, 'edition.cnn.com')] }));
    expect(a?.gateway).toEqual({ kind: 'Gateway', name: 'istio-egressgateway', namespace: 'learner-2', part: 'server 80/HTTP' });
  });

  it('other namespaces could not be listed, on a shared gateway: says another may be the one answering', () => {
    const a = answeringGateway(base({ objects: [gateway('learner-2', NEW), virtualService('learner-2', NEW)], othersUnreadable: true }));
    expect(a?.gateway).toMatchObject({ namespace: 'learner-2', mayBeOther: true });
    // The learner's own gateway (its own namespace): nobody else's Gateway can be there to answer.
    const own = answeringGateway(base({ objects: [gateway('learner-2', NEW)], othersUnreadable: true, gatewayNamespace: 'learner-2' }));
    expect(own?.gateway.mayBeOther).toBeUndefined();
  });

  it('TLS passthrough: the oldest TLS server keeps the SNI host, its VirtualService\'s tls route answers', () => {
    const tlsGateway = (namespace: string, created: string): FactObject => ({ kind: 'Gateway', name: 'istio-egressgateway', namespace, created, spec: { selector: { istio: 'egressgateway' }, servers: [{ port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: ['www.baidu.com'], tls: { mode: 'PASSTHROUGH' } }] } });
    const tlsVs = (namespace: string, created: string): FactObject => ({ kind: 'VirtualService', name: 'direct-baidu', namespace, created, spec: { hosts: ['www.baidu.com'], gateways: ['istio-egressgateway', 'mesh'], tls: [{ match: [{ gateways: ['mesh'], port: 443, sniHosts: ['www.baidu.com'] }], route: [{ destination: { host: 'istio-egressgateway.istio-system.svc.cluster.local', port: { number: 443 } } }] }, { match: [{ gateways: ['istio-egressgateway'], port: 443, sniHosts: ['www.baidu.com'] }], route: [{ destination: { host: 'www.baidu.com', port: { number: 443 } } }] }] } });
    const a = answeringGateway(base({ host: 'www.baidu.com', port: 443, tls: true, objects: [tlsGateway('learner-2', NEW), tlsVs('learner-2', NEW)], others: [tlsGateway('default', OLD), tlsVs('default', OLD)] }));
    expect(a?.gateway).toEqual({ kind: 'Gateway', name: 'istio-egressgateway', namespace: 'default', part: 'server 443/TLS PASSTHROUGH', also: ['learner-2/istio-egressgateway'], claim: 'www.baidu.com:443' });
    expect(a?.rule).toEqual({ kind: 'VirtualService', name: 'direct-baidu', namespace: 'default', part: 'tls[1]' });
  });
});

describe('the trace on a shared gateway', () => {
  const T0 = Date.parse('2026-12-07T05:28:24.000Z');
  const IP = '10.244.0.14';
  const GW = 'istio-egressgateway-zqd87lc8jm-84vn7';
  const gatewayLine: LogLine = { pod: GW, container: 'istio-proxy', receivedAt: T0 + 1500, text: `[${new Date(T0 + 49).toISOString()}] "GET /headers HTTP/2" 200 - via_upstream - "-" 0 574 433 432 "${IP}" "curl/8.16.0" "id-b" "httpbin.org" "44.207.188.95:80" outbound|80||httpbin.org 10.244.0.12:40967 10.244.0.12:8080 ${IP}:1001 - -` };
  const input = (facts: Partial<NonNullable<TraceInput['facts']>>): TraceInput => ({
    request: { requestId: 'id-b', clientPod: 'curl-bbbb', clientIp: IP, host: 'httpbin.org', port: 80, tls: false, startedAt: T0, finishedAt: T0 + 500, outcome: 'HTTP 200' },
    sidecarLines: [],
    gatewayLines: [gatewayLine],
    facts: { objects: [gateway('learner-2', NEW), virtualService('learner-2', NEW)], accessLogging: 'on', clientHasSidecar: true, outboundPolicy: 'ALLOW_ANY', gatewayPods: [{ name: GW, labels: { istio: 'egressgateway', app: 'istio-egressgateway' } }], ...facts },
    gatewayNamespace: 'istio-system',
    clientNamespace: 'learner-2',
    settled: true,
  });

  it('names the Gateway that answers, not the one the learner wrote, and the ones that lose the host (en, zh)', () => {
    const trace = joinTrace(input({ others: [gateway('default', OLD), virtualService('default', OLD)] }));
    expect(trace.hops[2].decidedBy.slice(0, 2)).toEqual([
      { kind: 'Gateway', name: 'istio-egressgateway', namespace: 'default', part: 'server 80/HTTP', also: ['learner-2/istio-egressgateway'], claim: 'httpbin.org:80' },
      { kind: 'VirtualService', name: 'direct-httpbin', namespace: 'default', part: 'http[1]' },
    ]);
    const en = traceText(trace, 'en', 200);
    expect(en).toContain('decided by Gateway istio-egressgateway server 80/HTTP -n default');
    expect(en).toContain('the oldest Gateway for httpbin.org:80 on this gateway answers (IST0145); also claimed by learner-2/istio-egressgateway');
    expect(traceText(trace, 'zh', 200)).toContain('这个网关上 httpbin.org:80 由最早的 Gateway 应答（IST0145）；同样声明它的还有 learner-2/istio-egressgateway');
  });

  it('others not listable: names the visible Gateway and says another namespace\'s may be answering', () => {
    const trace = joinTrace(input({ others: [], othersUnreadable: true }));
    expect(trace.hops[2].decidedBy[0]).toMatchObject({ namespace: 'learner-2', mayBeOther: true });
    expect(traceText(trace, 'en', 200)).toContain("another namespace's Gateway may be the one answering (Gateways of other namespaces cannot be listed)");
    for (const line of traceText(trace, 'zh', 80).split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(80);
  });
});
