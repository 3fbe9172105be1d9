// The headless-walk benchmark's workload, run in its own process by bench/headless-walk.mjs:
// what `egress-tutorial run --yes --practice` does (load the lessons, start the practice cluster,
// connect to it through the same client-node backend, walk every lesson headless), with the
// practice cluster's delays set to zero. The CLI has no switch for the practice cluster's knobs,
// so this wires the same public pieces the CLI's session does (src/cli/session.ts) with knobs.
// Prints one JSON object: the exit status and the time spent in each phase.
import { connectCluster } from '../src/cluster/index.js';
import { runHeadless } from '../src/cli/headless.js';
import { createEngine } from '../src/engine/index.js';
import { defaultLessonsDir, loadLessonSet } from '../src/lesson/index.js';
import { startPracticeCluster } from '../src/practice/index.js';
import { memoryProgressStore } from '../src/progress/index.js';

const quiet = process.argv.includes('--quiet');
const phases: Record<string, number> = {};
let last = performance.now();
const phase = (name: string) => {
  const now = performance.now();
  phases[name] = now - last;
  last = now;
};
phases.nodeStartToHarness = last;

async function main(): Promise<number> {
  const { set, problems } = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system' });
  if (!set || problems.length > 0) throw new Error(`the shipped lessons have ${problems.length} problems`);
  phase('loadLessons');
  const practice = await startPracticeCluster({ knobs: { podReadyDelayMs: 0 } });
  phase('startPracticeCluster');
  try {
    const { port, namespace } = await connectCluster({ kubeconfigYaml: practice.kubeconfig(), namespace: 'default', istioNamespace: 'istio-system', backend: 'practice' });
    phase('connect');
    const engine = createEngine({ lessons: set, port, progress: memoryProgressStore(), lang: 'en', namespace, istioNamespace: 'istio-system' });
    const result = await runHeadless(
      engine,
      set.lessons.map((l) => l.id),
      'en',
      quiet ? () => undefined : (text) => process.stderr.write(`${text}\n`),
    );
    phase('walk');
    engine.dispose();
    port.close();
    process.stdout.write(
      `${JSON.stringify({ ok: result.ok, passed: result.passed, failed: result.failed ? `${result.failed.lesson}/${result.failed.step}: ${result.failed.verdict.summary}` : undefined, lessons: set.lessons.length, phases })}\n`,
    );
    return result.ok ? 0 : 1;
  } finally {
    await practice.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`headless-walk harness failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
