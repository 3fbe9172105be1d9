// Traces as joinTrace makes them from the practice cluster's lines: one through the gateway, one bypassed.
import type { Trace } from '../../src/trace/index.js';

const SIDECAR_LINE = '[2026-12-07T05:28:24.048Z] "GET /headers HTTP/1.1" 200 - via_upstream - "-" 0 574 434 433 "-" "curl/8.16.0" "id-a" "httpbin.org" "10.244.0.12:8080" outbound|80|cnn|istio-egressgateway.istio-system.svc.cluster.local 10.244.0.13:34842 44.207.188.95:80 10.244.0.13:52758 - -';
const GATEWAY_LINE = '[2026-12-07T05:28:24.049Z] "GET /headers HTTP/2" 200 - via_upstream - "-" 0 574 433 432 "10.244.0.13" "curl/8.16.0" "id-a" "httpbin.org" "44.207.188.95:80" outbound|80||httpbin.org 10.244.0.12:40967 10.244.0.12:8080 10.244.0.13:34842 - -';

export function gatewayTrace(): Trace {
  return {
    protocol: 'http',
    host: 'httpbin.org',
    requestId: 'egress-tutorial-6f1c2d7e-0b9a-4c1e-9d3f-2a5b8c7d6e4f',
    clientPod: 'curl-qph5nl6jxf-wdd7g',
    clientIp: '10.244.0.13',
    clientNamespace: 'default',
    joinedBy: 'request-id',
    outcome: 'HTTP 200',
    settled: true,
    hops: [
      { id: 'client', name: 'curl-qph5nl6jxf-wdd7g', lit: true, decidedBy: [] },
      {
        id: 'sidecar',
        name: 'curl-qph5nl6jxf-wdd7g',
        lit: true,
        line: { pod: 'curl-qph5nl6jxf-wdd7g', container: 'istio-proxy', text: SIDECAR_LINE, receivedAt: 0 },
        fields: { responseCode: 200, responseCodeDetails: 'via_upstream', upstreamCluster: 'outbound|80|cnn|istio-egressgateway.istio-system.svc.cluster.local', upstreamHost: '10.244.0.12:8080', bytesReceived: 0, bytesSent: 574, durationMs: 434, protocol: 'HTTP/1.1', authority: 'httpbin.org' },
        decidedBy: [
          { kind: 'VirtualService', name: 'direct-cnn-through-egress-gateway', namespace: 'default', part: 'http[0]' },
          { kind: 'DestinationRule', name: 'egressgateway-for-cnn', namespace: 'default', part: 'subset cnn' },
        ],
      },
      {
        id: 'gateway',
        name: 'istio-egressgateway-zqd87lc8jm-84vn7',
        lit: true,
        line: { pod: 'istio-egressgateway-zqd87lc8jm-84vn7', container: 'istio-proxy', text: GATEWAY_LINE, receivedAt: 0 },
        fields: { responseCode: 200, responseCodeDetails: 'via_upstream', upstreamCluster: 'outbound|80||httpbin.org', upstreamHost: '44.207.188.95:80', bytesReceived: 0, bytesSent: 574, durationMs: 433, protocol: 'HTTP/2', authority: 'httpbin.org' },
        decidedBy: [
          { kind: 'Gateway', name: 'istio-egressgateway', namespace: 'default', part: 'server 80/HTTP' },
          { kind: 'VirtualService', name: 'direct-cnn-through-egress-gateway', namespace: 'default', part: 'http[1]' },
          { kind: 'ServiceEntry', name: 'cnn', namespace: 'default', part: 'resolution DNS' },
        ],
      },
      { id: 'external', name: 'httpbin.org', lit: true, fields: { upstreamHost: '44.207.188.95:80', responseCode: 200 }, decidedBy: [] },
    ],
  };
}

export function bypassedTrace(): Trace {
  const t = gatewayTrace();
  t.hops[2] = { id: 'gateway', name: '', lit: false, why: 'bypassed', decidedBy: [] };
  t.hops[1] = { ...t.hops[1], fields: { ...t.hops[1].fields, upstreamCluster: 'PassthroughCluster', routeName: 'allow_any' }, decidedBy: [{ kind: 'MeshConfig', name: 'outboundTrafficPolicy', part: 'ALLOW_ANY' }] };
  delete t.joinedBy;
  return t;
}
