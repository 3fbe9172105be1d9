#!/usr/bin/env node
// Headless-walk benchmark: every lesson walked on the practice cluster, as `run --yes --practice`
// does, as a median of N runs with its ratio to `node -e 0` in the same run. Target (issue 5):
// ≤ 3 s with the practice cluster's delays at zero. The delays-at-zero walk runs
// bench/headless-walk-harness.ts (the CLI's own pieces, bundled with the product's settings);
// the shipped bin's `run --yes --practice` is timed too, with the practice cluster's default
// delays (a pod becomes Ready after 1.5 s, as on a real cluster, only faster).
//
// Usage: node bench/headless-walk.mjs [--runs N] [--json FILE]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { bundleOptions } from '../scripts/build.mjs';
import { BIN, ROOT, figure, medianOf, nodeBaseline, printFigures, requireBuiltBin, scratchEnv, timeRun, writeJson } from './lib.mjs';

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    json: { type: 'string' },
  },
});
const runs = Number(flags.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('--runs takes a whole number of runs, e.g. --runs 5.\n');
  process.exit(2);
}

const harness = path.join(ROOT, 'bench/.out/headless-walk-harness.mjs');
await build({ ...bundleOptions(), entryPoints: ['bench/headless-walk-harness.ts'], outfile: harness, logLevel: 'error' });
requireBuiltBin();

const scratch = scratchEnv();
try {
  const env = scratch.env;
  const baseline = (await nodeBaseline(runs, env)).median;

  let lastPhases;
  const zero = await medianOf(runs, async () => {
    const r = await timeRun(process.execPath, [harness, '--quiet'], { env });
    if (r.code !== 0) throw new Error(`the walk failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`);
    lastPhases = JSON.parse(r.stdout.trim().split('\n').pop());
    return r.ms;
  });
  const bin = await medianOf(runs, async () => {
    const r = await timeRun(process.execPath, [BIN, 'run', '--yes', '--practice'], { env });
    if (r.code !== 0) throw new Error(`run --yes --practice failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`);
    return r.ms;
  });

  const p = lastPhases.phases;
  const figures = [
    figure('all lessons, practice delays at zero', {
      value: zero.median,
      unit: 'ms',
      ratio: zero.median / baseline,
      target: 3000,
      targetOn: 'value',
      note: `(${lastPhases.lessons} lessons, ${lastPhases.passed} verifications; load ${p.loadLessons.toFixed(0)} ms, practice start ${p.startPracticeCluster.toFixed(0)} ms, connect ${p.connect.toFixed(0)} ms, walk ${p.walk.toFixed(0)} ms)`,
    }),
    figure('bin run --yes --practice, default delays', { value: bin.median, unit: 'ms', ratio: bin.median / baseline }),
  ];
  printFigures(`Headless walk (median of ${runs} runs; ratios to node -e 0 in this run)`, figures, baseline);
  await writeJson(flags.json, { bench: 'headless-walk', runs, baselineMs: baseline, phases: p, figures });
} finally {
  scratch.cleanup();
}
