// Which Telemetry turned a proxy's access log off, resolved as pilot layers them (root namespace,
// then the pod's namespace, then selectors picking the pod); and the trace's dim hop naming it.
import { describe, expect, it } from 'vitest';
import type { FactObject, LogLine } from '../../src/cluster/port.js';
import { proxyAccessLog } from '../../src/trace/accessLog.js';
import { joinTrace, traceText, type TraceInput } from '../../src/trace/index.js';

const CLIENT = { namespace: 'default', labels: { app: 'curl' } };
const telemetry = (namespace: string, name: string, accessLogging: unknown[], selector?: Record<string, string>, created = '2026-12-07T05:00:00Z'): FactObject => ({
  kind: 'Telemetry',
  name,
  namespace,
  spec: { ...(selector ? { selector: { matchLabels: selector } } : {}), accessLogging },
  created,
});
const OFF = [{ disabled: true }];
const ENVOY = [{ providers: [{ name: 'envoy' }] }];
const ENVOY_OFF = [{ providers: [{ name: 'envoy' }], disabled: true }];

describe('proxyAccessLog', () => {
  it('mesh config alone decides when no Telemetry has accessLogging', () => {
    expect(proxyAccessLog({ objects: [], meshAccessLog: 'on' }, 'istio-system', CLIENT)).toEqual({ state: 'on' });
    expect(proxyAccessLog({ objects: [], meshAccessLog: 'off' }, 'istio-system', CLIENT)).toEqual({ state: 'off', by: { kind: 'MeshConfig' } });
    expect(proxyAccessLog({ objects: [], meshAccessLog: 'unknown' }, 'istio-system', CLIENT)).toEqual({ state: 'unknown' });
  });

  it('a mesh-wide Telemetry in the root namespace turns it off for every proxy; the namespace one overrides it', () => {
    const mesh = telemetry('istio-system', 'mesh-default', ENVOY_OFF);
    expect(proxyAccessLog({ objects: [mesh], meshAccessLog: 'on' }, 'istio-system', CLIENT)).toEqual({ state: 'off', by: { kind: 'Telemetry', name: 'mesh-default', namespace: 'istio-system' } });
    expect(proxyAccessLog({ objects: [mesh, telemetry('default', 'ns-logs', ENVOY)], meshAccessLog: 'on' }, 'istio-system', CLIENT)).toEqual({ state: 'on' });
  });

  it('a selector that picks the client pod overrides the namespace-wide one; one that does not pick it counts for nothing', () => {
    const ns = telemetry('default', 'ns-logs', ENVOY);
    const curl = telemetry('default', 'quiet-curl', OFF, { app: 'curl' });
    const other = telemetry('default', 'quiet-sleep', OFF, { app: 'sleep' });
    expect(proxyAccessLog({ objects: [ns, curl], meshAccessLog: 'on' }, 'istio-system', CLIENT)).toEqual({ state: 'off', by: { kind: 'Telemetry', name: 'quiet-curl', namespace: 'default' } });
    expect(proxyAccessLog({ objects: [ns, other], meshAccessLog: 'on' }, 'istio-system', CLIENT)).toEqual({ state: 'on' });
  });

  it("another namespace's Telemetry never reaches the client's proxy (only the root namespace's does)", () => {
    expect(proxyAccessLog({ objects: [telemetry('learner-2', 'quiet', OFF)], meshAccessLog: 'on' }, 'istio-system', CLIENT)).toEqual({ state: 'on' });
  });

  it('disabled without providers means the default provider: off when mesh config logs, whatever it is otherwise', () => {
    const quiet = telemetry('default', 'quiet', OFF);
    expect(proxyAccessLog({ objects: [quiet], meshAccessLog: 'on' }, 'istio-system', CLIENT)).toEqual({ state: 'off', by: { kind: 'Telemetry', name: 'quiet', namespace: 'default' } });
    // Mesh config unread: either way the proxy is silent and this Telemetry is the last word.
    expect(proxyAccessLog({ objects: [quiet], meshAccessLog: 'unknown' }, 'istio-system', CLIENT)).toEqual({ state: 'off', by: { kind: 'Telemetry', name: 'quiet', namespace: 'default' } });
  });

  it('the later of two selecting Telemetries (by creation time) has the last word', () => {
    const older = telemetry('default', 'a-on', ENVOY, { app: 'curl' }, '2026-12-07T05:00:00Z');
    const newer = telemetry('default', 'b-off', ENVOY_OFF, { app: 'curl' }, '2026-12-07T06:00:00Z');
    expect(proxyAccessLog({ objects: [newer, older], meshAccessLog: 'off' }, 'istio-system', CLIENT)).toEqual({ state: 'off', by: { kind: 'Telemetry', name: 'b-off', namespace: 'default' } });
  });

  it('unknown when the namespace whose Telemetry counts could not be read', () => {
    expect(proxyAccessLog({ objects: [], meshAccessLog: 'on', unreadable: ['istio-system'] }, 'istio-system', CLIENT)).toEqual({ state: 'unknown' });
  });
});

const T0 = Date.parse('2026-12-07T05:28:24.000Z');
const POD = 'curl-aaaa-11111';
const IP = '10.244.0.13';
const GW = 'istio-egressgateway-zqd87lc8jm-84vn7';
const gatewayLine: LogLine = {
  pod: GW,
  container: 'istio-proxy',
  receivedAt: T0 + 1500,
  text: `[${new Date(T0 + 49).toISOString()}] "GET /headers HTTP/2" 200 - via_upstream - "-" 0 574 433 432 "${IP}" "curl/8.16.0" "id-a" "httpbin.org" "44.207.188.95:80" outbound|80||httpbin.org 10.244.0.12:40967 10.244.0.12:8080 ${IP}:1001 - -`,
};
const input = (objects: FactObject[], over: Partial<TraceInput> = {}): TraceInput => ({
  request: { requestId: 'id-a', clientPod: POD, clientIp: IP, host: 'httpbin.org', port: 80, tls: false, startedAt: T0, finishedAt: T0 + 500, outcome: 'HTTP 200' },
  sidecarLines: [],
  gatewayLines: [gatewayLine],
  facts: { objects, accessLogging: 'on', clientHasSidecar: true, outboundPolicy: 'ALLOW_ANY', meshAccessLog: 'on', clientPods: [{ name: POD, labels: { app: 'curl' }, ip: IP }], gatewayPods: [{ name: GW, labels: { istio: 'egressgateway' } }] },
  gatewayNamespace: 'istio-system',
  clientNamespace: 'default',
  istioNamespace: 'istio-system',
  settled: true,
  ...over,
});

describe('the trace names the Telemetry that silenced the client sidecar', () => {
  it('the dim hop says "access log off for this proxy (Telemetry NS/NAME)", in both languages', () => {
    const trace = joinTrace(input([telemetry('default', 'quiet-curl', OFF, { app: 'curl' })]));
    expect(trace.hops[1]).toMatchObject({ lit: false, why: 'log-off', logOffBy: { kind: 'Telemetry', name: 'quiet-curl', namespace: 'default' } });
    expect(traceText(trace, 'en', 200)).toContain('2/4 client sidecar curl-aaaa-11111 · no evidence: access log off for this proxy (Telemetry default/quiet-curl)');
    expect(traceText(trace, 'zh', 200)).toContain('2/4 客户端 sidecar curl-aaaa-11111 · 没有证据：这个代理的访问日志已关闭（Telemetry default/quiet-curl）');
  });

  it('known from the objects at once, while the logs are still followed (no "waiting")', () => {
    const trace = joinTrace(input([telemetry('istio-system', 'mesh-default', OFF)], { gatewayLines: [], settled: false }));
    expect(trace.hops[1]).toMatchObject({ why: 'log-off', logOffBy: { kind: 'Telemetry', name: 'mesh-default', namespace: 'istio-system' } });
  });

  it('a Telemetry for other pods: the sidecar logs, so a missing line is just missing (not "log off")', () => {
    const trace = joinTrace(input([telemetry('default', 'quiet-sleep', OFF, { app: 'sleep' })]));
    expect(trace.hops[1]).toMatchObject({ lit: false, why: 'no-line' });
    expect(trace.hops[1].logOffBy).toBeUndefined();
  });

  it('the gateway silenced by a Telemetry in the Istio namespace: its dim hop names it', () => {
    const sidecar: LogLine = { pod: POD, container: 'istio-proxy', receivedAt: T0 + 1500, text: `[${new Date(T0 + 48).toISOString()}] "GET /headers HTTP/1.1" 200 - via_upstream - "-" 0 574 434 433 "-" "curl/8.16.0" "id-a" "httpbin.org" "10.244.0.12:8080" outbound|80|cnn|istio-egressgateway.istio-system.svc.cluster.local ${IP}:1001 44.207.188.95:80 ${IP}:52758 - -` };
    const trace = joinTrace(input([telemetry('istio-system', 'quiet-gateway', OFF, { istio: 'egressgateway' })], { sidecarLines: [sidecar], gatewayLines: [] }));
    expect(trace.hops[1].lit).toBe(true);
    expect(trace.hops[2]).toMatchObject({ why: 'log-off', logOffBy: { kind: 'Telemetry', name: 'quiet-gateway', namespace: 'istio-system' } });
    expect(traceText(trace, 'en', 200)).toContain('access log off for this proxy (Telemetry istio-system/quiet-gateway)');
  });
});
