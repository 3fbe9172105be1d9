// Issue 16 item 6: an exec that never returns (the practice cluster's hangExec knob: the stream
// stays open, nothing comes back) is told apart from curl's own timeout (exit 28): the verdict
// says what hangs and gives no network or gateway hint.
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
let engine: Engine;

beforeAll(async () => {
  practice = await startPracticeCluster({ knobs: { podReadyDelayMs: 0 } });
  ({ port } = await connectCluster({ kubeconfigYaml: practice.kubeconfig(), namespace: 'default', istioNamespace: 'istio-system', backend: 'practice' }));
  const { set } = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system' });
  engine = createEngine({ lessons: set!, port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 1000 });
}, 60_000);

afterAll(async () => {
  engine?.dispose();
  port?.close();
  await practice?.stop();
});

describe('a hung exec', () => {
  it('is reported as a hung exec session, not as curl exit 28 with a gateway hint', async () => {
    engine.openLesson('02-setup', 'client');
    expect((await engine.run()).ok).toBe(true);
    engine.openLesson('04-http-egress-gateway', 'service-entry');
    expect((await engine.run()).ok).toBe(true);
    practice.setKnobs({ hangExec: true });
    try {
      engine.openLesson('04-http-egress-gateway', 'curl-service-entry');
      const verdict = await engine.run();
      expect(verdict.ok).toBe(false);
      expect(verdict.exitCode).toBeUndefined();
      expect(verdict.summary).toMatch(/^curl in pod curl-[a-z0-9-]+ never finished: the exec session stayed open with no output$/);
      expect(verdict.diagnosis).toMatch(/stayed open for 5 s with no output and no exit status, so it was stopped: the exec \(the container or the API server's stream to it\) hangs, this is not a curl timeout; check the pod with kubectl describe pod curl-/);
      expect(verdict.diagnosis).not.toMatch(/gateway|exit 28/);
    } finally {
      practice.setKnobs({ hangExec: false });
    }
    // Once exec answers again, the same step passes.
    expect((await engine.run()).ok).toBe(true);
  }, 60_000);
});
