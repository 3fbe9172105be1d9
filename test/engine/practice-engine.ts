// One practice cluster, a client-node port to it and an engine over the shipped lessons, shared by
// the cases of one test file: started in beforeAll, stopped in afterAll.
import { afterAll, beforeAll } from 'vitest';
import { connectCluster } from '../../src/cluster/index.js';
import type { ClusterPort } from '../../src/cluster/port.js';
import { createEngine } from '../../src/engine/index.js';
import type { Engine, Verdict } from '../../src/engine/types.js';
import { defaultLessonsDir, loadLessonSet } from '../../src/lesson/index.js';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';
import { memoryProgressStore } from '../../src/progress/index.js';

export interface PracticeEngine {
  practice: PracticeCluster;
  port: ClusterPort;
  engine: Engine;
  /** Opens the lesson at the step and runs it. */
  runStep(lesson: string, step: string): Promise<Verdict>;
}

/** Fields are filled in by beforeAll: read them inside the tests, not at the top of the file. */
export function usePracticeEngine(options: { verifyTimeoutMs: number }): PracticeEngine {
  const t = {
    runStep(lesson: string, step: string) {
      t.engine.openLesson(lesson, step);
      return t.engine.run();
    },
  } as PracticeEngine;
  beforeAll(async () => {
    t.practice = await startPracticeCluster({ knobs: { podReadyDelayMs: 0 } });
    ({ port: t.port } = await connectCluster({ kubeconfigYaml: t.practice.kubeconfig(), namespace: 'default', istioNamespace: 'istio-system', backend: 'practice' }));
    const { set } = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system' });
    t.engine = createEngine({ lessons: set!, port: t.port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: options.verifyTimeoutMs });
  }, 60_000);
  afterAll(async () => {
    t.engine?.dispose();
    t.port?.close();
    await t.practice?.stop();
  });
  return t;
}
