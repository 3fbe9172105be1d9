// Issue 16 item 10: under a flaky API (a fifth of requests answered 500) a walk that stopped at a
// step (here: the API refused the Gateway) is resumed by a second `run --yes` from that step, not
// from the start, and completes. The headless runner over the engine, the kube port and the
// practice cluster, sharing one progress store as two runs share the progress file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { connectCluster } from '../../src/cluster/index.js';
import { runHeadless } from '../../src/cli/headless.js';
import { createEngine } from '../../src/engine/index.js';
import { defaultLessonsDir, loadLessonSet } from '../../src/lesson/index.js';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';
import { memoryProgressStore } from '../../src/progress/index.js';

let practice: PracticeCluster;
beforeAll(async () => {
  practice = await startPracticeCluster({ knobs: { podReadyDelayMs: 0 } });
});
afterAll(async () => {
  await practice?.stop();
});

async function walk(progress: ReturnType<typeof memoryProgressStore>): Promise<{ result: Awaited<ReturnType<typeof runHeadless>>; output: string }> {
  const { port } = await connectCluster({ kubeconfigYaml: practice.kubeconfig(), namespace: 'default', istioNamespace: 'istio-system', backend: 'practice', retry: { attempts: 10, baseDelayMs: 5, maxDelayMs: 20 } });
  const { set } = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system' });
  const engine = createEngine({ lessons: set!, port, progress, lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 20_000 });
  let output = '';
  try {
    const result = await runHeadless(engine, set!.lessons.filter((l) => !l.track).map((l) => l.id), 'en', (t) => (output += `${t}\n`));
    return { result, output };
  } finally {
    engine.dispose();
    port.close();
  }
}

describe('a second run resumes', () => {
  it('from the step the first run stopped at, and completes, with 20 % of requests failing 500', async () => {
    const progress = memoryProgressStore();
    // Someone else's Gateway of the same name: the first walk stops at lesson 4's gateway step.
    const kc = new KubeConfig();
    kc.loadFromString(practice.kubeconfig());
    const other = KubernetesObjectApi.makeApiClient(kc);
    const foreign = { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'istio-egressgateway', namespace: 'default' }, spec: { selector: { istio: 'egressgateway' }, servers: [] } };
    await other.create(foreign);
    practice.setKnobs({ faultRate: 0.2, faultStatus: 500 });
    const first = await walk(progress);
    expect(first.result.ok).toBe(false);
    expect(first.result.failed).toMatchObject({ lesson: '04-http-egress-gateway', step: 'gateway' });

    practice.setKnobs({ faultRate: 0 });
    await other.delete(foreign);
    practice.setKnobs({ faultRate: 0.2 });
    const second = await walk(progress);
    practice.setKnobs({ faultRate: 0 });
    expect(second.output).toMatch(/^Resuming at 04-http-egress-gateway\/gateway, where the last run stopped/m);
    expect(second.output).not.toMatch(/== 02-setup/);
    // Lesson 4 goes on at its gateway step: its earlier steps are not run again.
    expect(second.output).not.toMatch(/\] service-entry \(apply\)[\s\S]*\] gateway \(apply\)/);
    expect(second.result).toMatchObject({ ok: true });
    expect(second.output).toMatch(/== 07-reference/);
  }, 120_000);
});
