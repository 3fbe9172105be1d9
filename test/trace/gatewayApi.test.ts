// The Gateway API objects that decide a hop (pure): lessons 10 and 11's objects as the client
// namespace holds them, the fields the practice cluster's proxies log, and the gateway a trace
// follows for a lesson whose logs step proves another gateway than the course's.
import { describe, expect, it } from 'vitest';
import type { FactObject, LogLine } from '../../src/cluster/port.js';
import { traceGateway } from '../../src/engine/gateway.js';
import { defaultLessonsDir, loadLessonSet } from '../../src/lesson/index.js';
import type { ExecStep, Lesson } from '../../src/lesson/model.js';
import {
  deniedBy,
  deployedGatewayName,
  gatewayApiGatewayDeciders,
  gatewayApiSidecarDecider,
  gatewayDeciders,
  joinTrace,
  parseRouteName,
  sidecarDeciders,
  traceText,
  type DecideContext,
  type TraceInput,
} from '../../src/trace/index.js';

const { set } = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system' });
const lesson = (id: string): Lesson => set!.lessons.find((l) => l.id === id)!;
const GROUP = 'gateway.networking.k8s.io';
const GW_LABELS = { 'gateway.networking.k8s.io/gateway-name': 'cnn-egress-gateway', 'gateway.networking.k8s.io/gateway-class-name': 'istio' };

/** A lesson's applied objects as facts: the Istio ones and the Gateway API ones, apart. */
function objectsOf(...ids: string[]): { objects: FactObject[]; gatewayApi: FactObject[] } {
  const all = ids.flatMap((id) => lesson(id).steps.flatMap((s) => (s.kind === 'apply' ? s.manifests.flatMap((m) => m.objects) : [])));
  const facts = all.map((o, i) => ({ kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace ?? 'default', spec: (o.spec ?? {}) as Record<string, unknown>, created: new Date(Date.UTC(2026, 11, 7, 5, 0, i)).toISOString() }));
  const api = (o: (typeof all)[number]) => o.apiVersion.startsWith(`${GROUP}/`);
  return { objects: facts.filter((_, i) => !api(all[i]) && all[i].kind !== 'Pod' && all[i].kind !== 'Deployment'), gatewayApi: facts.filter((_, i) => api(all[i])) };
}

function ctx(ids: string[], tls: boolean, over: Partial<DecideContext> = {}): DecideContext {
  const { objects, gatewayApi } = objectsOf(...ids);
  return { objects, gatewayApi, host: tls ? 'www.baidu.com' : 'httpbin.org', tls, port: tls ? 443 : 80, clientNamespace: 'default', gatewayNamespace: 'default', gatewayLabels: GW_LABELS, ...over };
}

const HTTP_SIDECAR = { routeName: 'default.direct-cnn-to-egress-gateway.0', upstreamCluster: 'outbound|80||cnn-egress-gateway-istio.default.svc.cluster.local', upstreamHost: '10.244.0.15:80' };
const HTTP_GATEWAY = { routeName: 'default.forward-cnn-from-egress-gateway.0', upstreamCluster: 'outbound|80||httpbin.org', upstreamHost: '44.207.188.95:80' };
const TLS_SIDECAR = { upstreamCluster: 'outbound|443||cnn-egress-gateway-istio.default.svc.cluster.local', upstreamHost: '10.244.0.16:443', sni: 'www.baidu.com' };
const TLS_GATEWAY = { upstreamCluster: 'outbound|443||www.baidu.com', upstreamHost: '110.242.70.57:443', sni: 'www.baidu.com' };

describe('parseRouteName', () => {
  it('splits <ns>.<route>.<rule>: a namespace has no dot, a route name may', () => {
    expect(parseRouteName('default.direct-cnn-to-egress-gateway.0')).toEqual({ namespace: 'default', route: 'direct-cnn-to-egress-gateway', rule: 0 });
    expect(parseRouteName('learner-2.cnn.example.com.12')).toEqual({ namespace: 'learner-2', route: 'cnn.example.com', rule: 12 });
  });
  it('is undefined for what istiod does not write', () => {
    for (const name of [undefined, '', '-', 'allow_any', 'default.route', 'default..0', '.route.0', 'default.route.x']) expect(parseRouteName(name)).toBeUndefined();
  });
});

describe('lesson 10: HTTPRoutes', () => {
  it('the sidecar hop: the HTTPRoute on the ServiceEntry, by the logged route name', () => {
    expect(gatewayApiSidecarDecider(HTTP_SIDECAR, ctx(['10-gateway-api-http'], false))).toEqual({ kind: 'HTTPRoute', group: GROUP, name: 'direct-cnn-to-egress-gateway', namespace: 'default', part: 'rules[0]' });
    expect(sidecarDeciders(HTTP_SIDECAR, ctx(['10-gateway-api-http'], false))).toEqual([{ kind: 'HTTPRoute', group: GROUP, name: 'direct-cnn-to-egress-gateway', namespace: 'default', part: 'rules[0]' }]);
  });

  it('the gateway hop: the Gateway listener, the HTTPRoute bound to it, the ServiceEntry', () => {
    expect(gatewayDeciders(HTTP_GATEWAY, ctx(['10-gateway-api-http'], false))).toEqual([
      { kind: 'Gateway', group: GROUP, name: 'cnn-egress-gateway', namespace: 'default', part: 'listener http 80/HTTP' },
      { kind: 'HTTPRoute', group: GROUP, name: 'forward-cnn-from-egress-gateway', namespace: 'default', part: 'rules[0]' },
      { kind: 'ServiceEntry', name: 'cnn', namespace: 'default', part: 'resolution DNS' },
    ]);
  });

  it("lesson 4's objects left in place name nothing on the gateway istiod deployed (their Gateway selects another gateway)", () => {
    const c = ctx(['04-http-egress-gateway', '10-gateway-api-http'], false);
    expect(c.objects.some((o) => o.kind === 'Gateway' && o.name === 'istio-egressgateway')).toBe(true);
    expect(gatewayDeciders(HTTP_GATEWAY, c).map((d) => `${d.kind} ${d.name}`)).toEqual(['Gateway cnn-egress-gateway', 'HTTPRoute forward-cnn-from-egress-gateway', 'ServiceEntry cnn']);
    expect(sidecarDeciders(HTTP_SIDECAR, c)[0]).toMatchObject({ kind: 'HTTPRoute', name: 'direct-cnn-to-egress-gateway' });
  });

  it("the course's gateway is no Gateway's: Istio's objects decide as before", () => {
    const c = ctx(['04-http-egress-gateway', '10-gateway-api-http'], false, { gatewayNamespace: 'istio-system', gatewayLabels: { istio: 'egressgateway' } });
    expect(gatewayApiGatewayDeciders({ routeName: '-', upstreamCluster: 'outbound|80||httpbin.org' }, c)).toBeUndefined();
    const lesson4 = { upstreamCluster: 'outbound|80|cnn|istio-egressgateway.istio-system.svc.cluster.local', upstreamHost: '10.244.0.12:8080' };
    expect(sidecarDeciders(lesson4, c)[0]).toMatchObject({ kind: 'VirtualService', name: 'direct-cnn-through-egress-gateway' });
  });

  it('a route name of a route the translation cannot place (its ServiceEntry unreadable) still names the HTTPRoute', () => {
    const c = ctx(['10-gateway-api-http'], false);
    c.objects = c.objects.filter((o) => o.kind !== 'ServiceEntry');
    expect(gatewayApiSidecarDecider(HTTP_SIDECAR, c)).toMatchObject({ kind: 'HTTPRoute', name: 'direct-cnn-to-egress-gateway', part: 'rules[0]' });
    expect(gatewayApiSidecarDecider({ ...HTTP_SIDECAR, routeName: 'default.direct-cnn-to-egress-gateway.3' }, c)).toBeUndefined();
  });

  it('no Gateway API objects: nothing', () => {
    expect(gatewayApiSidecarDecider(HTTP_SIDECAR, ctx([], false))).toBeUndefined();
    expect(gatewayApiGatewayDeciders(HTTP_GATEWAY, ctx([], false))).toBeUndefined();
  });
});

describe('lesson 11: TLSRoutes (no route name: by SNI and where the proxy sent it)', () => {
  it('the sidecar hop: the TLSRoute on the ServiceEntry', () => {
    expect(sidecarDeciders(TLS_SIDECAR, ctx(['11-gateway-api-tls'], true))).toEqual([{ kind: 'TLSRoute', group: GROUP, name: 'direct-cnn-to-egress-gateway', namespace: 'default', part: 'rules[0]' }]);
  });

  it('the gateway hop: the Passthrough listener, the TLSRoute bound to it, the ServiceEntry', () => {
    expect(gatewayDeciders(TLS_GATEWAY, ctx(['11-gateway-api-tls'], true))).toEqual([
      { kind: 'Gateway', group: GROUP, name: 'cnn-egress-gateway', namespace: 'default', part: 'listener tls 443/TLS Passthrough' },
      { kind: 'TLSRoute', group: GROUP, name: 'forward-cnn-from-egress-gateway', namespace: 'default', part: 'rules[0]' },
      { kind: 'ServiceEntry', name: 'cnn', namespace: 'default', part: 'resolution DNS' },
    ]);
  });

  it("with lesson 5's VirtualService still there, the sidecar that sent to the Gateway's Service was routed by the TLSRoute, and the one that sent to the course's gateway by the VirtualService", () => {
    const c = ctx(['05-https-passthrough', '11-gateway-api-tls'], true);
    expect(sidecarDeciders(TLS_SIDECAR, c)[0]).toMatchObject({ kind: 'TLSRoute', name: 'direct-cnn-to-egress-gateway' });
    const lesson5 = { upstreamCluster: 'outbound|443|cnn|istio-egressgateway.istio-system.svc.cluster.local', upstreamHost: '10.244.0.12:8443' };
    expect(gatewayApiSidecarDecider(lesson5, c)).toBeUndefined();
    expect(sidecarDeciders(lesson5, c)).toEqual([
      { kind: 'VirtualService', name: 'direct-cnn-through-egress-gateway', namespace: 'default', part: 'tls[0]' },
      { kind: 'DestinationRule', name: 'egressgateway-for-cnn', namespace: 'default', part: 'subset cnn' },
    ]);
  });

  it('another port or SNI: no listener takes it', () => {
    expect(gatewayApiGatewayDeciders(TLS_GATEWAY, ctx(['11-gateway-api-tls'], true, { port: 8443 }))).toBeUndefined();
    expect(gatewayApiGatewayDeciders(TLS_GATEWAY, ctx(['11-gateway-api-tls'], true, { host: 'example.com' }))).toBeUndefined();
  });
});

describe('the trace of a Gateway API lesson', () => {
  const T0 = Date.parse('2026-12-07T17:06:02.000Z');
  const line = (pod: string, text: string): LogLine => ({ pod, container: 'istio-proxy', text, receivedAt: T0 + 1500 });
  const SIDECAR = line('curl-przqwshqt6-z9hws', '[2026-12-07T17:06:02.496Z] "GET /headers HTTP/1.1" 200 - via_upstream - "-" 0 617 230 229 "-" "curl/8.16.0" "id-1" "httpbin.org" "10.244.0.15:80" outbound|80||cnn-egress-gateway-istio.default.svc.cluster.local 10.244.0.14:57235 44.207.188.95:80 10.244.0.14:46804 - default.direct-cnn-to-egress-gateway.0');
  const { objects, gatewayApi } = objectsOf('10-gateway-api-http');
  const input = (over: Partial<TraceInput>): TraceInput => ({
    request: { requestId: 'id-1', clientPod: 'curl-przqwshqt6-z9hws', clientIp: '10.244.0.14', host: 'httpbin.org', port: 80, tls: false, startedAt: T0, finishedAt: T0 + 500, outcome: 'HTTP 200' },
    sidecarLines: [SIDECAR],
    gatewayLines: [],
    facts: { objects, accessLogging: 'on', clientHasSidecar: true, outboundPolicy: 'ALLOW_ANY' },
    gatewayNamespace: 'default',
    clientNamespace: 'default',
    gatewayName: 'cnn-egress-gateway-istio',
    gatewayApi,
    settled: true,
    ...over,
  });

  it('a gateway hop without its line names the gateway followed', () => {
    const t = joinTrace(input({}));
    expect(t.hops[2]).toMatchObject({ id: 'gateway', name: 'cnn-egress-gateway-istio', lit: false, why: 'no-line' });
    expect(traceText(t, 'en', 120)).toContain('○ 3/4 egress gateway cnn-egress-gateway-istio · no evidence: no line of this request in the log window');
    expect(traceText(t, 'zh', 120)).toContain('○ 3/4 出口网关 cnn-egress-gateway-istio · 没有证据：日志窗口中没有这个请求的行');
    expect(traceText(t, 'en')).toContain('decided by HTTPRoute direct-cnn-to-egress-gateway rules[0]');
    expect(traceText(t, 'zh')).toContain('决定者 HTTPRoute direct-cnn-to-egress-gateway rules[0]');
  });

  it('a hop no object decided says that neither API had one, in both languages', () => {
    const t = joinTrace(input({ gatewayApi: gatewayApi.filter((o) => o.kind === 'Gateway'), facts: { objects: [], accessLogging: 'on', clientHasSidecar: true, outboundPolicy: 'ALLOW_ANY' } }));
    expect(t.gatewayApi).toBe(true);
    expect(t.hops[1].decidedBy).toEqual([]);
    expect(traceText(t, 'en', 120)).toContain('decided by no Istio or Gateway API object (no route of the lesson matched)');
    expect(traceText(t, 'zh', 120)).toContain('决定者 没有 Istio 或 Gateway API 对象（课程的路由都没有匹配）');
    // Without Gateway API objects, the words stay the Istio ones.
    expect(traceText(joinTrace(input({ gatewayApi: [], facts: { objects: [], accessLogging: 'on', clientHasSidecar: true, outboundPolicy: 'ALLOW_ANY' } })), 'en', 120)).toContain('decided by no Istio object (no route of the lesson matched)');
  });

  it("istiod's deployment is named after the Gateway", () => {
    expect(deployedGatewayName(GW_LABELS)).toBe('cnn-egress-gateway-istio');
    expect(deployedGatewayName({ istio: 'egressgateway' })).toBeUndefined();
  });
});

describe('traceGateway: the gateway a trace follows', () => {
  const exec = (l: Lesson, id: string) => l.steps.find((s): s is ExecStep => s.kind === 'exec' && s.id === id)!;

  it.each(['10-gateway-api-http', '11-gateway-api-tls'])("%s: its logs step's target, the gateway istiod deployed", (id) => {
    const l = lesson(id);
    const step = exec(l, 'curl-gateway');
    const want = { gateway: { mode: 'shared', pods: { namespace: 'default', labels: { 'gateway.networking.k8s.io/gateway-name': 'cnn-egress-gateway' }, container: 'istio-proxy' } }, name: 'cnn-egress-gateway-istio' };
    expect(traceGateway(set!, l, step, step)).toEqual(want);
    const logs = l.steps.find((s) => s.kind === 'logs')!;
    expect(traceGateway(set!, l, logs as never, step)).toEqual(want);
  });

  it("lesson 40: ztunnel's logs step is traced through the waypoint, the request's other proof", () => {
    const l = lesson('40-ambient-egress');
    const step = exec(l, 'curl-waypoint');
    const ztunnelLog = l.steps.find((s) => s.kind === 'logs' && s.target.labels.app === 'ztunnel')!;
    const waypoint = { namespace: 'default', labels: { 'gateway.networking.k8s.io/gateway-name': 'waypoint' }, container: 'istio-proxy' };
    expect(traceGateway(set!, l, ztunnelLog as never, step).gateway.pods).toEqual(waypoint);
    expect(traceGateway(set!, l, step, step).gateway.pods).toEqual(waypoint);
  });

  it("lesson 4: the course's egress gateway", () => {
    const l = lesson('04-http-egress-gateway');
    const step = l.steps.find((s): s is ExecStep => s.kind === 'exec')!;
    expect(traceGateway(set!, l, step, step)).toEqual({ gateway: { mode: 'shared', pods: { namespace: 'istio-system', labels: { istio: 'egressgateway' }, container: 'istio-proxy' } } });
  });

  it('a lesson without a logs step, or one on the client itself: the course\'s', () => {
    const l = lesson('10-gateway-api-http');
    const step = exec(l, 'curl-gateway');
    const course = { gateway: { mode: 'shared', pods: { namespace: 'istio-system', labels: { istio: 'egressgateway' }, container: 'istio-proxy' } } };
    expect(traceGateway(set!, { ...l, steps: l.steps.filter((s) => s.kind !== 'logs') }, step, step)).toEqual(course);
    const onClient = l.steps.map((s) => (s.kind === 'logs' ? { ...s, target: { ...step.target, container: 'istio-proxy' } } : s));
    expect(traceGateway(set!, { ...l, steps: onClient }, step, step)).toEqual(course);
  });
});

describe('a request an AuthorizationPolicy denied (the waypoint\'s 403)', () => {
  it('the policy the RBAC filter names decides the hop, before any route', () => {
    expect(deniedBy('rbac_access_denied_matched_policy[ns[learner-01]-policy[deny-post]-rule[0]]')).toEqual({ kind: 'AuthorizationPolicy', namespace: 'learner-01', name: 'deny-post', part: 'rules[0] DENY' });
    expect(deniedBy('rbac_access_denied_matched_policy[none]')).toEqual({ kind: 'AuthorizationPolicy', name: '', part: 'ALLOW: no rule matched' });
    expect(deniedBy('via_upstream')).toBeUndefined();
    const ctx = { objects: [], host: 'httpbin.org', tls: false, port: 80, clientNamespace: 'default', gatewayNamespace: 'default' } as unknown as DecideContext;
    expect(gatewayDeciders({ responseCode: '403', responseCodeDetails: 'rbac_access_denied_matched_policy[none]' } as never, ctx)).toEqual([{ kind: 'AuthorizationPolicy', name: '', part: 'ALLOW: no rule matched' }]);
  });
});
