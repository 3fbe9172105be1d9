// Issue 11 on the practice cluster, through real client-node: two learners at once on the shared
// egress gateway. One learner's routing is broken: their HTTPS proof must fail (and say why) while
// the other learner's traffic fills the gateway's log; one learner's reset leaves the other's
// access logs and objects alone; the shared access-log Telemetry goes with the last learner.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCluster } from '../../src/cluster/index.js';
import { USED_BY_ANNOTATION, type ClusterPort } from '../../src/cluster/port.js';
import { createEngine } from '../../src/engine/index.js';
import type { Engine, Verdict } from '../../src/engine/types.js';
import { defaultLessonsDir, loadLessonSet, type LessonSet } from '../../src/lesson/index.js';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';
import { memoryProgressStore } from '../../src/progress/index.js';
import { parseAccessLogLine, addressIp } from '../../src/verify/index.js';

interface Learner {
  ns: string;
  port: ClusterPort;
  engine: Engine;
  lessons: LessonSet;
}

let practice: PracticeCluster;
let a: Learner;
let b: Learner;

async function learner(ns: string, verifyTimeoutMs: number, edit?: (set: LessonSet) => void): Promise<Learner> {
  const { port } = await connectCluster({ kubeconfigYaml: practice.kubeconfig(), namespace: ns, istioNamespace: 'istio-system', backend: 'practice', pollMs: 100 });
  await port.labelNamespace!(ns, { 'istio-injection': 'enabled' });
  const { set, problems } = loadLessonSet(defaultLessonsDir(), { namespace: ns, istioNamespace: 'istio-system', gateway: 'shared' });
  expect(problems).toEqual([]);
  edit?.(set!);
  const engine = createEngine({ lessons: set!, port, progress: memoryProgressStore(), lang: 'en', namespace: ns, istioNamespace: 'istio-system', verifyTimeoutMs });
  return { ns, port, engine, lessons: set! };
}

async function run(l: Learner, lesson: string, step: string): Promise<Verdict> {
  l.engine.openLesson(lesson, step);
  expect(`${l.engine.snapshot().lesson.id}/${l.engine.snapshot().step.id}`).toBe(`${lesson}/${step}`);
  const verdict = await l.engine.run();
  if (l.engine.snapshot().step.kind === 'logs') l.engine.cancel();
  return verdict;
}

/** Every step of a lesson up to (not including) `until`, each of which must pass. */
async function walk(l: Learner, lesson: string, until?: string): Promise<void> {
  for (const step of l.lessons.lessons.find((x) => x.id === lesson)!.steps) {
    if (step.id === until) return;
    const v = await run(l, lesson, step.id);
    expect(v.ok, `${l.ns} ${lesson}/${step.id}: ${v.summary} ${v.diagnosis ?? ''}`).toBe(true);
  }
}

/** Accept the access-logging fix of lesson 2's pre-flight, as a learner pressing f would. */
async function acceptAccessLogFix(l: Learner): Promise<void> {
  await run(l, '02-setup', 'preflight');
  const check = l.engine.snapshot().stepState.checks?.find((c) => c.name === 'access-logging');
  expect(check?.autoFix, `${l.ns}: ${check?.summary}`).toBeDefined();
  const v = await l.engine.applyFix(check!);
  expect(v.ok, v.summary).toBe(true);
}

async function read(apiVersion: string, kind: string, name: string, namespace?: string): Promise<Record<string, any> | undefined> {
  const { KubeConfig, KubernetesObjectApi } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromString(practice.kubeconfig());
  try {
    return (await KubernetesObjectApi.makeApiClient(kc).read({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } })) as unknown as Record<string, any>;
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}

const telemetry = (ns: string, name: string) => read('telemetry.istio.io/v1', 'Telemetry', name, ns);

beforeAll(async () => {
  // Access logging off in the mesh config: the learners turn it on with the tutorial's fix.
  practice = await startPracticeCluster({ knobs: { podReadyDelayMs: 0, accessLog: false } });
  a = await learner('learner-a', 20_000);
  // Learner B's lesson 5 VirtualService lost its mesh route: the sidecar sends B's HTTPS straight
  // out (curl still gets 200), so nothing of B's crosses the gateway.
  b = await learner('learner-b', 2_500, (set) => {
    const step = set.lessons.find((l) => l.id === '05-https-passthrough')!.steps.find((s) => s.id === 'gateway-and-routes')!;
    if (step.kind !== 'apply') throw new Error('expected an apply step');
    const vs = step.manifests.flatMap((m) => m.objects).find((o) => o.kind === 'VirtualService')! as unknown as { spec: { tls: { match: { gateways: string[] }[] }[] } };
    vs.spec.tls = vs.spec.tls.filter((r) => !r.match[0].gateways.includes('mesh'));
  });
}, 60_000);

afterAll(async () => {
  for (const l of [a, b]) {
    l?.engine.dispose();
    l?.port.close();
  }
  await practice?.stop();
});

describe('two learners on the shared gateway', () => {
  it('both turn the access log on; the shared Telemetry records both namespaces', async () => {
    await acceptAccessLogFix(a);
    await acceptAccessLogFix(b);
    const shared = await telemetry('istio-system', 'egress-tutorial-gateway-access-log');
    expect(shared?.metadata.annotations[USED_BY_ANNOTATION]).toBe('learner-a,learner-b');
    expect(shared?.spec.selector).toEqual({ matchLabels: { istio: 'egressgateway' } });
    for (const l of [a, b]) expect(await telemetry(l.ns, 'egress-tutorial-access-log')).toBeDefined();
    // Pre-flight passes for both now (the claim is recorded), and both clients come up.
    for (const l of [a, b]) await walk(l, '02-setup');
  }, 120_000);

  it('pre-flight warns the second learner that another namespace holds Gateways for the same hosts', async () => {
    await walk(a, '04-http-egress-gateway', 'cleanup');
    await run(b, '02-setup', 'preflight');
    const check = b.engine.snapshot().stepState.checks?.find((c) => c.name === 'shared-gateway');
    expect(check).toMatchObject({ level: 'warn' });
    expect(check?.summary).toContain('httpbin.org:80: learner-a/istio-egressgateway');
    // Learner A's own pre-flight does not list A itself.
    await run(a, '02-setup', 'preflight');
    expect(a.engine.snapshot().stepState.checks?.find((c) => c.name === 'shared-gateway')?.level).toBe('pass');
  }, 120_000);

  it('the learner with broken routing fails the HTTPS proof while the other one\'s lines fill the gateway log', async () => {
    await walk(a, '05-https-passthrough', 'cleanup');
    await walk(b, '05-https-passthrough', 'gateway-log');
    // B follows the gateway log; meanwhile A sends HTTPS through it again, after B's request started:
    // same SNI, a later time — only the client address tells it is not B's.
    b.engine.openLesson('05-https-passthrough', 'gateway-log');
    const pending = b.engine.run();
    const again = await run(a, '05-https-passthrough', 'curl-gateway');
    expect(again.ok).toBe(true);
    const verdict = await pending;
    b.engine.cancel();
    expect(verdict.ok).toBe(false);
    expect(verdict.diagnosis).toMatch(/^The gateway's log shows matching lines, but only from another client \(10\.\d+\.\d+\.\d+\), none from your client pod \(10\.\d+\.\d+\.\d+\): that is other learners' traffic on the shared gateway/);
    const logs = b.engine.snapshot().stepState.logs;
    const sniLines = logs.map((e) => ({ e, f: parseAccessLogLine(e.line.text) })).filter(({ f }) => f?.requestedServerName === 'www.baidu.com');
    expect(sniLines.length).toBeGreaterThan(0);
    expect(sniLines.every(({ e }) => !e.proof)).toBe(true);
    // They are A's: A's proof line has the same client address.
    a.engine.openLesson('05-https-passthrough', 'gateway-log');
    const aProof = await a.engine.run();
    a.engine.cancel();
    expect(aProof.ok).toBe(true);
    const aIp = addressIp(parseAccessLogLine(aProof.proofLine!.text)!.downstreamRemoteAddress);
    expect(new Set(sniLines.map(({ f }) => addressIp(f!.downstreamRemoteAddress)))).toEqual(new Set([aIp]));
  }, 120_000);

  it('in a new session (no request of its own yet) the broken learner still counts only its own pod\'s lines', async () => {
    const fresh = createEngine({ lessons: b.lessons, port: b.port, progress: memoryProgressStore(), lang: 'zh', namespace: 'learner-b', istioNamespace: 'istio-system', verifyTimeoutMs: 2_500 });
    try {
      fresh.openLesson('05-https-passthrough', 'gateway-log');
      const pending = fresh.run();
      expect((await run(a, '05-https-passthrough', 'curl-gateway')).ok).toBe(true);
      const verdict = await pending;
      fresh.cancel();
      expect(verdict.ok).toBe(false);
      expect(verdict.diagnosis).toMatch(/^网关日志里有符合条件的行，但都来自其他 1 个客户端/);
    } finally {
      fresh.dispose();
    }
  }, 60_000);

  it('reset by one learner leaves the other\'s objects and access logs intact; the last one takes the shared Telemetry', async () => {
    const before = (await a.port.listManaged({ namespaces: ['learner-a'] })).map((r) => `${r.kind}/${r.name}`).sort();
    expect(before.length).toBeGreaterThan(4);
    const report = await b.engine.reset('all');
    const released = report.removed.find((r) => r.ref.name === 'egress-tutorial-gateway-access-log');
    expect(released).toMatchObject({ shared: 'released', usedBy: ['learner-a'] });
    expect(report.removed.filter((r) => r.result === 'deleted').every((r) => r.ref.namespace === 'learner-b')).toBe(true);
    expect(await b.port.listManaged({ namespaces: ['learner-b'] })).toEqual([]);
    // A's objects, the shared Telemetry (now relied on by A only) and A's proof are all still there.
    expect((await a.port.listManaged({ namespaces: ['learner-a'] })).map((r) => `${r.kind}/${r.name}`).sort()).toEqual(before);
    expect((await telemetry('istio-system', 'egress-tutorial-gateway-access-log'))?.metadata.annotations[USED_BY_ANNOTATION]).toBe('learner-a');
    // (Lesson 5's objects replaced lesson 4's of the same names, as in the seed: prove with HTTPS.)
    expect((await run(a, '05-https-passthrough', 'curl-gateway')).ok).toBe(true);
    expect((await run(a, '05-https-passthrough', 'gateway-log')).ok).toBe(true);
    // Namespace labels are never removed by a reset.
    expect((await read('v1', 'Namespace', 'learner-b'))?.metadata.labels['istio-injection']).toBe('enabled');
    // The last learner's reset deletes the shared Telemetry.
    const last = await a.engine.reset('all');
    expect(last.removed.find((r) => r.ref.name === 'egress-tutorial-gateway-access-log')).toMatchObject({ result: 'deleted' });
    expect(await telemetry('istio-system', 'egress-tutorial-gateway-access-log')).toBeUndefined();
  }, 120_000);

  it('the old mesh-wide mesh-default fix survives a learner\'s reset; --include-shared removes it', async () => {
    const old = { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name: 'mesh-default', namespace: 'istio-system' }, spec: { accessLogging: [{ providers: [{ name: 'envoy' }] }] } };
    expect((await a.port.apply([old], { lesson: '02-setup', step: 'preflight', namespace: 'learner-a' }))[0].result).toBe('created');
    const scope = { namespaces: ['learner-a'], shared: { namespaces: ['istio-system'], learner: 'learner-a' } };
    const kept = await a.port.deleteManaged(scope, { waitMs: 5000 });
    expect(kept.find((r) => r.ref.name === 'mesh-default')).toMatchObject({ shared: 'kept' });
    expect(await telemetry('istio-system', 'mesh-default')).toBeDefined();
    const gone = await a.port.deleteManaged({ ...scope, shared: { ...scope.shared, include: true } }, { waitMs: 5000 });
    expect(gone.find((r) => r.ref.name === 'mesh-default')).toMatchObject({ result: 'deleted' });
  }, 60_000);
});
