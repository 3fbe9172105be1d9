#!/usr/bin/env node
// Log-tail benchmark: 5,000 lines/s from three pods for 30 s through the engine's log path and
// the ink UI (bench/log-tail-harness.tsx, bundled here with the product's build settings and run
// in its own process). Reports resident memory growth (target ≤ 20 MB), frames written per second
// (throttled: ≤ the UI's render rate, not one per line) and responsiveness under the flood.
//
// Usage: node bench/log-tail.mjs [--rate N] [--seconds S] [--json FILE] [--profile]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { BENCH_OUT, ROOT, figure, printFigures, scratchEnv, timeRun, writeJson } from './lib.mjs';
import { bundleOptions } from '../scripts/build.mjs';

const { values: flags } = parseArgs({
  options: {
    rate: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '30' },
    json: { type: 'string' },
    profile: { type: 'boolean', default: false }, // readable names + a CPU profile in node_modules/.cache/egress-tutorial-bench/profiles
  },
});

const harness = path.join(ROOT, BENCH_OUT, 'log-tail-harness.mjs');
await build({
  ...bundleOptions(),
  entryPoints: ['bench/log-tail-harness.tsx'],
  outfile: harness,
  minify: !flags.profile,
  logLevel: 'error',
});

const scratch = scratchEnv();
try {
  const profile = flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(ROOT, BENCH_OUT, 'profiles')}`] : [];
  const run = await timeRun(process.execPath, ['--expose-gc', ...profile, harness, `--rate=${flags.rate}`, `--seconds=${flags.seconds}`], {
    env: scratch.env,
  });
  if (run.code !== 0) {
    process.stderr.write(run.stderr || `harness exited ${run.code}\n`);
    process.exit(1);
  }
  const r = JSON.parse(run.stdout.trim().split('\n').pop());
  const figures = [
    figure('lines per second through the engine', { value: Math.round(r.linesPerSecond), unit: 'lines/s', note: `from ${r.pods} pods for ${r.seconds.toFixed(0)} s` }),
    figure('resident memory growth', { value: r.rssGrowthMB, unit: 'MB', target: 20, note: `(peak ${r.peakRssGrowthMB.toFixed(1)} MB; heap ${r.heapGrowthMB.toFixed(1)} MB; RSS at start ${r.rssAtStartMB.toFixed(0)} MB)` }),
    figure('frames written per second', { value: r.framesPerSecond, unit: 'frames/s', target: r.renderFpsLimit + 1, note: `(render limit ${r.renderFpsLimit}/s; ${Math.round(r.bytesPerFrame)} bytes per frame)` }),
    figure('engine notifications per second', { value: r.notificationsPerSecond, unit: '/s', note: '(coalesced, not one per line)' }),
    figure('event-loop delay p99', { value: r.eventLoopDelayP99Ms, unit: 'ms', note: `(max ${r.eventLoopDelayMaxMs.toFixed(0)} ms)` }),
    figure('key press to answering frame', { value: r.keyToFrameMs, unit: 'ms' }),
  ];
  const t = r.rssTimeline;
  const at = (share) => t[Math.min(t.length - 1, Math.max(0, Math.round(share * t.length) - 1))];
  figures.splice(2, 0, figure('resident memory growth over the run', { value: at(1), unit: 'MB', note: `(after 25/50/75/100 % of the run: ${[0.25, 0.5, 0.75, 1].map(at).join(' / ')} MB)` }));
  printFigures(`Log tail (${flags.rate} lines/s, ${flags.seconds} s)`, figures);
  await writeJson(flags.json, { bench: 'log-tail', result: r, figures });
} finally {
  scratch.cleanup();
}
