// Integration: the Gateway API lessons' request traced on the practice cluster through the engine
// (what `run --trace` and the `t` key show): the trace follows the gateway istiod deployed in the
// learner's namespace, the one the lesson's logs step proves against, and names the HTTPRoutes or
// TLSRoutes and the Gateway that decided each hop, read through the port (a class learner's too,
// who may list only their own namespace).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classObjects, learnerKubeconfigYaml, learnerObjects } from '../../src/classroom/index.js';
import { LEARNER_SA } from '../../src/classroom/model.js';
import { runHeadless } from '../../src/cli/headless.js';
import { connectCluster } from '../../src/cluster/index.js';
import type { ClusterPort, PodInfo } from '../../src/cluster/port.js';
import { traceGateway } from '../../src/engine/gateway.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import type { RequestRecord } from '../../src/engine/runners.js';
import { collectTrace } from '../../src/engine/trace.js';
import { defaultLessonsDir, loadLessonSet } from '../../src/lesson/index.js';
import type { ExecStep } from '../../src/lesson/model.js';
import { memoryProgressStore } from '../../src/progress/index.js';
import { traceText, type Trace } from '../../src/trace/index.js';
import { parseCurlOutput } from '../../src/verify/curl.js';
import { curlClient, startPractice, type Practice } from '../cluster/practice-helpers.js';

const GROUP = 'gateway.networking.k8s.io';
let p: Practice;
let engine: Engine;
const { set } = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system' });

beforeAll(async () => {
  p = await startPractice();
  engine = createEngine({ lessons: set!, port: p.port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 5000 });
  expect((await runHeadless(engine, ['02-setup'], 'en', () => undefined)).ok).toBe(true);
}, 40_000);
afterAll(async () => {
  engine?.dispose();
  await p?.stop();
});

/** Walk the lesson's steps up to `until` (each must pass), trace there, then the rest (the cleanup too). */
async function traceAt(lessonId: string, until: string): Promise<Trace> {
  const lesson = set!.lessons.find((l) => l.id === lessonId)!;
  let trace: Trace | undefined;
  for (const step of lesson.steps) {
    engine.openLesson(lesson.id, step.id);
    const verdict = await engine.run();
    expect(verdict.ok, `${step.id}: ${verdict.summary} ${verdict.diagnosis ?? ''}`).toBe(true);
    engine.cancel();
    if (step.id === until) trace = await engine.trace!();
  }
  expect(trace).toBeDefined();
  return trace!;
}

const lit = (t: Trace) => t.hops.map((h) => [h.id, h.lit, h.why]);
const ALL_LIT = [
  ['client', true, undefined],
  ['sidecar', true, undefined],
  ['gateway', true, undefined],
  ['external', true, undefined],
];

describe('trace of the Gateway API lessons on the practice cluster', () => {
  it("lesson 10: all hops lit, the gateway istiod deployed, the HTTPRoutes and the Gateway named (en, zh)", async () => {
    const t = await traceAt('10-gateway-api-http', 'curl-gateway');
    expect(lit(t), traceText(t, 'en')).toEqual(ALL_LIT);
    expect(t.joinedBy).toBe('request-id');
    expect(t.hops[2].name).toMatch(/^cnn-egress-gateway-istio-/);
    expect(t.hops[1].fields?.routeName).toBe('default.direct-cnn-to-egress-gateway.0');
    expect(t.hops[1].decidedBy).toEqual([{ kind: 'HTTPRoute', group: GROUP, name: 'direct-cnn-to-egress-gateway', namespace: 'default', part: 'rules[0]' }]);
    expect(t.hops[2].decidedBy).toEqual([
      { kind: 'Gateway', group: GROUP, name: 'cnn-egress-gateway', namespace: 'default', part: 'listener http 80/HTTP' },
      { kind: 'HTTPRoute', group: GROUP, name: 'forward-cnn-from-egress-gateway', namespace: 'default', part: 'rules[0]' },
      { kind: 'ServiceEntry', name: 'cnn', namespace: 'default', part: 'resolution DNS' },
    ]);
    const en = traceText(t, 'en');
    expect(en).toContain(`● 3/4 egress gateway ${t.hops[2].name} · seen`);
    expect(en).toContain('decided by HTTPRoute direct-cnn-to-egress-gateway rules[0]');
    expect(en).toContain('decided by Gateway cnn-egress-gateway listener http 80/HTTP');
    expect(en).toContain('           HTTPRoute forward-cnn-from-egress-gateway rules[0]');
    expect(en).not.toContain('no Istio');
    const zh = traceText(t, 'zh');
    expect(zh).toContain(`● 3/4 出口网关 ${t.hops[2].name} · 已看到`);
    expect(zh).toContain('决定者 HTTPRoute direct-cnn-to-egress-gateway rules[0]');
    expect(zh).toContain('决定者 Gateway cnn-egress-gateway listener http 80/HTTP');
    expect(zh).toContain('HTTPRoute forward-cnn-from-egress-gateway rules[0]');
    expect(zh).not.toContain('没有 Istio');
  }, 60_000);

  it('lesson 10 traced from its logs step: the same gateway, the line the proof found', async () => {
    const t = await traceAt('10-gateway-api-http', 'gateway-log');
    expect(lit(t), traceText(t, 'en')).toEqual(ALL_LIT);
    expect(t.hops[2].line?.text).toContain('default.forward-cnn-from-egress-gateway.0');
    expect(t.hops[2].decidedBy.map((d) => `${d.kind} ${d.name}`)).toEqual(['Gateway cnn-egress-gateway', 'HTTPRoute forward-cnn-from-egress-gateway', 'ServiceEntry cnn']);
  }, 60_000);

  it('lesson 11: all hops lit by address and SNI, the TLSRoutes and the Passthrough listener named (en, zh)', async () => {
    const t = await traceAt('11-gateway-api-tls', 'curl-gateway');
    expect(t.protocol).toBe('tls');
    expect(lit(t), traceText(t, 'en')).toEqual(ALL_LIT);
    expect(t.joinedBy).toBe('address');
    expect(t.hops[2].name).toMatch(/^cnn-egress-gateway-istio-/);
    expect(t.hops[1].decidedBy).toEqual([{ kind: 'TLSRoute', group: GROUP, name: 'direct-cnn-to-egress-gateway', namespace: 'default', part: 'rules[0]' }]);
    expect(t.hops[2].decidedBy).toEqual([
      { kind: 'Gateway', group: GROUP, name: 'cnn-egress-gateway', namespace: 'default', part: 'listener tls 443/TLS Passthrough' },
      { kind: 'TLSRoute', group: GROUP, name: 'forward-cnn-from-egress-gateway', namespace: 'default', part: 'rules[0]' },
      { kind: 'ServiceEntry', name: 'cnn', namespace: 'default', part: 'resolution DNS' },
    ]);
    const en = traceText(t, 'en');
    expect(en).toContain(`● 3/4 egress gateway ${t.hops[2].name} · seen`);
    expect(en).toContain('decided by TLSRoute direct-cnn-to-egress-gateway rules[0]');
    expect(en).toContain('decided by Gateway cnn-egress-gateway listener tls 443/TLS Passthrough');
    expect(en).toContain('           TLSRoute forward-cnn-from-egress-gateway rules[0]');
    expect(en).toContain('● 4/4 www.baidu.com (external host) · seen: connected to');
    const zh = traceText(t, 'zh');
    expect(zh).toContain(`● 3/4 出口网关 ${t.hops[2].name} · 已看到`);
    expect(zh).toContain('决定者 TLSRoute direct-cnn-to-egress-gateway rules[0]');
    expect(zh).toContain('决定者 Gateway cnn-egress-gateway listener tls 443/TLS Passthrough');
    expect(zh).toContain('● 4/4 www.baidu.com (外部主机) · 已看到');
  }, 60_000);
});

describe('a class learner who may list only their namespace', () => {
  const NS = 'class-l1';
  const options = { prefix: 'class', gateway: 'shared' as const, istioNamespace: 'istio-system' };
  let q: Practice;
  let learner: ClusterPort;
  let pod: PodInfo;
  const lessons = loadLessonSet(defaultLessonsDir(), { namespace: NS, istioNamespace: 'istio-system' }).set!;
  const lesson = lessons.lessons.find((l) => l.id === '10-gateway-api-http')!;

  beforeAll(async () => {
    q = await startPractice();
    await q.port.applyObjects!(classObjects(options));
    await q.port.applyObjects!(learnerObjects(NS, options));
    const objects = lesson.steps.flatMap((s) => (s.kind === 'apply' ? s.manifests.flatMap((m) => m.objects) : []));
    await q.port.apply([...curlClient(), ...objects], { lesson: lesson.id, step: 'all', namespace: NS });
    pod = await q.port.waitForPod({ namespace: NS, labels: { app: 'curl' }, container: 'curl' }, { timeoutMs: 10_000 });
    await q.port.waitForPod({ namespace: NS, labels: { 'gateway.networking.k8s.io/gateway-name': 'cnn-egress-gateway' }, container: 'istio-proxy' }, { timeoutMs: 10_000 });
    const { token } = await q.port.requestToken!(NS, LEARNER_SA, { expirationSeconds: 3600 });
    ({ port: learner } = await connectCluster({ kubeconfigYaml: learnerKubeconfigYaml({ access: q.port.clusterAccess!(), namespace: NS, token }), backend: 'kube' }));
  }, 40_000);
  afterAll(async () => {
    learner?.close();
    await q?.stop();
  });

  it("lesson 10's trace through the learner's port: the routes and the Gateway read from their namespace", async () => {
    const exec = lesson.steps.find((s): s is ExecStep => s.kind === 'exec')!;
    const followed = traceGateway(lessons, lesson, exec, exec);
    expect(followed.gateway.pods.namespace).toBe(NS);
    const request: RequestRecord = { startedAt: Date.now(), host: 'httpbin.org', pod: pod.name, clientIp: pod.ip, tls: false, port: 80, requestId: `class-gwapi-${Date.now()}` };
    const result = await q.port.exec(pod, 'curl', ['curl', '-sS', '-o', '/dev/null', '-D', '-', '-H', `x-request-id: ${request.requestId}`, 'http://httpbin.org/headers'], { timeoutMs: 10_000 });
    request.curl = parseCurlOutput(result.stdout, result.stderr, result.exitCode);
    request.finishedAt = Date.now();
    const t = await collectTrace({ port: learner, signal: new AbortController().signal, now: Date.now, request, client: exec.target, gateway: followed.gateway, ...(followed.name ? { gatewayName: followed.name } : {}), clientNamespace: NS, istioNamespace: 'istio-system', graceMs: 3_000, onTrace: () => undefined });
    expect(lit(t), traceText(t, 'en')).toEqual(ALL_LIT);
    expect(t.hops[2].name).toMatch(/^cnn-egress-gateway-istio-/);
    expect(t.hops[1].decidedBy).toEqual([{ kind: 'HTTPRoute', group: GROUP, name: 'direct-cnn-to-egress-gateway', namespace: NS, part: 'rules[0]' }]);
    expect(t.hops[2].decidedBy.map((d) => `${d.kind} ${d.name} ${d.part}`)).toEqual(['Gateway cnn-egress-gateway listener http 80/HTTP', 'HTTPRoute forward-cnn-from-egress-gateway rules[0]', 'ServiceEntry cnn resolution DNS']);
    // Named without the namespace: it is the learner's own.
    expect(traceText(t, 'zh')).toContain('决定者 HTTPRoute direct-cnn-to-egress-gateway rules[0]\n');
  }, 60_000);
});
