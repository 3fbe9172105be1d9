// In-process walks for the API-load and flaky-API benchmarks (bundled by bench/walk/build.mjs):
// a practice cluster, the kube port over real client-node, the engine and the headless runner,
// exactly as `run --yes --practice` wires them, with the practice cluster's request counts.

import { connectCluster, type KubeClusterPort } from '../../src/cluster/index.js';
import { createEngine } from '../../src/engine/index.js';
import type { ProgressStore } from '../../src/engine/types.js';
import { defaultLessonsDir, loadLessonSet } from '../../src/lesson/index.js';
import { runHeadless } from '../../src/cli/headless.js';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeKnobs, RequestCounts } from '../../src/practice/types.js';
import { memoryProgressStore } from '../../src/progress/index.js';

export interface WalkResult {
  ok: boolean;
  /** Walks needed: 1 when the first completed, 2 when a second (resumed) one did, 0 when neither. */
  walks: number;
  failedAt?: string;
  summary?: string;
  counts: RequestCounts;
  ms: number;
}

/** One learner's full walk; with `second`, a failed walk is followed by a second one on the same progress. */
export async function walk(knobs: Partial<PracticeKnobs> = {}, options: { second?: boolean; gateway?: 'own' | 'shared' } = {}): Promise<WalkResult> {
  const started = Date.now();
  const practice = await startPracticeCluster({ knobs: { podReadyDelayMs: 0 } });
  practice.setKnobs(knobs);
  practice.resetRequestCounts();
  const progress: ProgressStore = memoryProgressStore();
  try {
    let walks = 0;
    let last: { ok: boolean; failedAt?: string; summary?: string } = { ok: false };
    for (let round = 0; round < (options.second ? 2 : 1) && !last.ok; round++) {
      walks++;
      const { port } = await connectCluster({ kubeconfigYaml: practice.kubeconfig(), namespace: 'default', istioNamespace: 'istio-system', backend: 'practice' });
      const { set } = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system', gateway: options.gateway });
      const engine = createEngine({ lessons: set!, port, progress, lang: 'en', namespace: 'default', istioNamespace: 'istio-system' });
      try {
        const result = await runHeadless(engine, set!.lessons.filter((l) => !l.track).map((l) => l.id), 'en', () => undefined);
        last = { ok: result.ok, failedAt: result.failed ? `${result.failed.lesson}/${result.failed.step}` : undefined, summary: result.failed?.verdict.summary };
      } finally {
        engine.dispose();
        (port as KubeClusterPort).close();
      }
    }
    return { ...last, walks: last.ok ? walks : 0, counts: practice.requestCounts(), ms: Date.now() - started };
  } finally {
    await practice.stop();
  }
}
