// Issue 16 item 3: the egress gateway pod is replaced during the log step (the practice
// cluster's graceful termination knob: the old pod stays Terminating, not Ready, while its
// replacement starts). The follow switches to the new pod, the proof line found there passes the
// step, and the verdict says the gateway restarted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfig, CoreV1Api } from '@kubernetes/client-node';
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
let engine: Engine;
let core: CoreV1Api;

beforeAll(async () => {
  practice = await startPracticeCluster({ knobs: { podReadyDelayMs: 200, podTerminationGraceMs: 4000 } });
  ({ port } = await connectCluster({ kubeconfigYaml: practice.kubeconfig(), namespace: 'default', istioNamespace: 'istio-system', backend: 'practice', pollMs: 100 }));
  const { set } = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system' });
  engine = createEngine({ lessons: set!, port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 15_000 });
  const kc = new KubeConfig();
  kc.loadFromString(practice.kubeconfig());
  core = kc.makeApiClient(CoreV1Api);
}, 60_000);

afterAll(async () => {
  engine?.dispose();
  port?.close();
  await practice?.stop();
});

const gatewayPods = async () => (await core.listNamespacedPod({ namespace: 'istio-system', labelSelector: 'istio=egressgateway' })).items;

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the gateway restarts during the log step', () => {
  it('follows the replacement, finds the line there and says the gateway restarted', async () => {
    for (const [lesson, step] of [['02-setup', 'client'], ['04-http-egress-gateway', 'service-entry'], ['04-http-egress-gateway', 'gateway'], ['04-http-egress-gateway', 'virtual-service']]) {
      engine.openLesson(lesson, step);
      expect((await engine.run()).ok).toBe(true);
    }
    // The request crosses the gateway while its access log is off: no line yet.
    practice.setKnobs({ accessLog: false });
    engine.openLesson('04-http-egress-gateway', 'curl-gateway');
    expect((await engine.run()).ok).toBe(true);
    const requestId = /x-request-id: (egress-tutorial-[0-9a-f-]+)/.exec(engine.kubectlFor(engine.snapshot().step)[0])![1];
    practice.setKnobs({ accessLog: true });

    engine.next();
    const logStep = engine.run();
    const [old] = await gatewayPods();
    await until(async () => engine.snapshot().stepState.activity?.includes('following') ?? false);
    await new Promise((r) => setTimeout(r, 300));
    // The gateway is restarted: its pod Terminating, a new one Ready soon after.
    await core.deleteNamespacedPod({ name: old.metadata!.name!, namespace: 'istio-system' });
    await until(async () => (await gatewayPods()).some((p) => p.metadata!.name !== old.metadata!.name && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')));
    expect((await gatewayPods()).find((p) => p.metadata!.name === old.metadata!.name)?.metadata?.deletionTimestamp).toBeTruthy();
    // The same request again (as the learner's retry would): the new, Ready pod serves it.
    const client = await port.waitForPod({ namespace: 'default', labels: { app: 'curl' }, container: 'curl' }, { timeoutMs: 5000 });
    await port.exec(client, 'curl', ['curl', '-sS', '-o', '/dev/null', '-H', `x-request-id: ${requestId}`, 'http://httpbin.org/headers'], { timeoutMs: 10_000 });

    const verdict = await logStep;
    engine.cancel();
    const fresh = (await gatewayPods()).find((p) => p.metadata!.name !== old.metadata!.name)!.metadata!.name!;
    expect(verdict.ok).toBe(true);
    expect(verdict.proofLine?.pod).toBe(fresh);
    expect(verdict.summary).toBe(`Found the request in ${fresh}'s log: the traffic crossed the egress gateway. The pods restarted during this step: ${old.metadata!.name} was replaced by ${fresh}, and both were followed.`);
    const said = engine.snapshot().stepState.output.map((o) => o.text).join('\n');
    expect(said).toContain(`pod ${old.metadata!.name} is terminating (restarted): following its replacement ${fresh} too`);
  }, 60_000);
});
