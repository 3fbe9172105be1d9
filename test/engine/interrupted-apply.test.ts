// Issue 16 item 4: Ctrl+C (or Esc) in the middle of an apply step lists the objects already
// created and how to remove them. The real kube port over the practice cluster; the interrupt
// comes right after the first object's apply was answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCluster } from '../../src/cluster/index.js';
import type { ApplyOptions, ClusterPort } from '../../src/cluster/port.js';
import { runHeadless } from '../../src/cli/headless.js';
import { createEngine } from '../../src/engine/index.js';
import type { Engine } from '../../src/engine/types.js';
import type { KubeObject } from '../../src/lesson/model.js';
import { defaultLessonsDir, loadLessonSet } from '../../src/lesson/index.js';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';
import { memoryProgressStore } from '../../src/progress/index.js';

let practice: PracticeCluster;
let real: ClusterPort;
let engine: Engine;
let interruptAfterFirst = true;

beforeAll(async () => {
  practice = await startPracticeCluster({ knobs: { podReadyDelayMs: 0 } });
  ({ port: real } = await connectCluster({ kubeconfigYaml: practice.kubeconfig(), namespace: 'default', istioNamespace: 'istio-system', backend: 'practice' }));
  // The port as it is, except that the learner presses Ctrl+C as soon as one object is applied.
  const port: ClusterPort = Object.assign(Object.create(real) as ClusterPort, {
    apply: (objects: KubeObject[], options: ApplyOptions) =>
      real.apply(objects, {
        ...options,
        onOutcome: (o) => {
          options.onOutcome?.(o);
          if (interruptAfterFirst) engine.cancel();
        },
      }),
  });
  const { set } = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system' });
  engine = createEngine({ lessons: set!, port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 5000 });
}, 60_000);

afterAll(async () => {
  engine?.dispose();
  real?.close();
  await practice?.stop();
});

describe('an apply interrupted halfway', () => {
  it('names what is already in the cluster and how to remove it; headless prints it', async () => {
    let output = '';
    const result = await runHeadless(engine, ['02-setup'], 'en', (t) => (output += `${t}\n`));
    expect(result.ok).toBe(false);
    expect(result.failed?.step).toBe('client');
    expect(result.failed?.verdict.summary).toBe('Interrupted while applying; already in the cluster: ServiceAccount/curl (default).');
    expect(output).toMatch(/FAIL Interrupted while applying; already in the cluster: ServiceAccount\/curl \(default\)\.\n {4}Apply the step again to finish it, or remove what it created: `egress-tutorial reset` removes everything the tutorial created\.\n/);

    engine.openLesson('04-http-egress-gateway', 'gateway');
    const verdict = await engine.run();
    expect(engine.snapshot().stepState.phase).toBe('cancelled');
    expect(verdict.summary).toBe('Interrupted while applying; already in the cluster: Gateway/istio-egressgateway (default).');
    expect(verdict.diagnosis).toBe(
      "Apply the step again to finish it, or remove what it created: `egress-tutorial reset` removes everything the tutorial created, or run lesson 04-http-egress-gateway's step cleanup (`egress-tutorial run 04-http-egress-gateway` ends with it).",
    );
    const left = await real.listManaged({ namespaces: ['default'] });
    expect(left.map((r) => `${r.kind}/${r.name}`).sort()).toEqual(['Gateway/istio-egressgateway', 'ServiceAccount/curl']);

    interruptAfterFirst = false;
    expect((await engine.run()).ok).toBe(true); // applying again finishes the step
  }, 60_000);
});
