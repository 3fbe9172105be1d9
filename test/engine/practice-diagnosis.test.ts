// The engine over the real kube backend and the practice cluster: a step skipped on purpose gives
// the diagnosis a learner would need, and doing the step makes the verification pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCluster } from '../../src/cluster/index.js';
import type { ClusterPort } from '../../src/cluster/port.js';
import { createEngine } from '../../src/engine/index.js';
import type { Engine } from '../../src/engine/types.js';
import { defaultLessonsDir, loadLessonSet } from '../../src/lesson/index.js';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';
import { memoryProgressStore } from '../../src/progress/index.js';

let practice: PracticeCluster;
let port: ClusterPort;
let engine: Engine; // short verification budget: the broken request fails fast
let patient: Engine; // a generous one for what must pass, however loaded the machine is

beforeAll(async () => {
  practice = await startPracticeCluster({ knobs: { podReadyDelayMs: 0 } });
  ({ port } = await connectCluster({ kubeconfigYaml: practice.kubeconfig(), namespace: 'default', istioNamespace: 'istio-system', backend: 'practice' }));
  const { set, problems } = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system' });
  expect(problems).toEqual([]);
  engine = createEngine({ lessons: set!, port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 800 });
  patient = createEngine({ lessons: set!, port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 20_000 });
}, 60_000);

afterAll(async () => {
  engine?.dispose();
  patient?.dispose();
  port?.close();
  await practice?.stop();
});

async function runStep(lesson: string, step: string, on = engine) {
  on.openLesson(lesson, step);
  expect(`${on.snapshot().lesson.id}/${on.snapshot().step.id}`).toBe(`${lesson}/${step}`);
  return on.run();
}

describe('engine on the practice cluster', () => {
  it('VirtualService without the DestinationRule: 503 NC diagnosed; after the step, the request passes and is found in the gateway log', async () => {
    expect((await runStep('02-setup', 'client')).ok).toBe(true);
    expect((await runStep('04-http-egress-gateway', 'service-entry')).ok).toBe(true);
    expect((await runStep('04-http-egress-gateway', 'virtual-service')).ok).toBe(true);

    const broken = await runStep('04-http-egress-gateway', 'curl-gateway');
    expect(broken.ok).toBe(false);
    expect(broken.httpStatus).toBe(503);
    expect(broken.diagnosis).toMatch(/DestinationRule/);
    expect(broken.attempts).toBeGreaterThanOrEqual(1);

    expect((await runStep('04-http-egress-gateway', 'gateway')).ok).toBe(true);
    const fixed = await runStep('04-http-egress-gateway', 'curl-gateway', patient);
    expect(fixed).toMatchObject({ ok: true, httpStatus: 200 });

    patient.next();
    expect(patient.snapshot().step.id).toBe('gateway-log');
    const log = await patient.run();
    expect(log.ok).toBe(true);
    expect(log.proofLine?.text).toMatch(/outbound\|80\|\|httpbin\.org/);
    patient.cancel();

    const reset = await engine.reset('all');
    expect(reset.removed.map((r) => r.ref.kind).sort()).toEqual(expect.arrayContaining(['Deployment', 'ServiceEntry', 'VirtualService']));
  }, 60_000);
});
