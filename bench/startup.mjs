#!/usr/bin/env node
// Start-up benchmark: `--version`, `--help` and the first interactive frame of the built bin,
// each as a median of N runs and as a ratio to `node -e 0` measured in the same run.
// Targets (issue 5): --version and --help ≤ 1.3×, first interactive frame ≤ 2.0×.
//
// The first frame is timed in a pseudo-terminal (`script`), from spawn until the frame's text
// appears; its baseline is `node -e` printing one line through the same pseudo-terminal, so the
// harness's own cost (script, sh, stty) is in both. `--compare-one-file` also builds and times the
// single-file bundle, to show why the bin is split into lazily imported chunks.
//
// Usage: node bench/startup.mjs [--runs N] [--bin FILE] [--frame-text TEXT] [--ready-text TEXT]
//                               [--compare-one-file] [--json FILE]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BIN, figure, medianOf, nodeBaseline, printFigures, requireBuiltBin, scratchEnv, timeRun, timeUntilOutput, writeJson } from './lib.mjs';

// The first frame with --practice says it is starting the practice cluster (src/ui/messages.ts);
// without a cluster it says it is connecting. Either is the learner's first sight of the UI.
const FIRST_FRAME = /Starting the simulated practice cluster|Connecting to |Could not connect/;

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    bin: { type: 'string', default: BIN },
    'frame-text': { type: 'string' },
    'ready-text': { type: 'string' },
    'compare-one-file': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const runs = Number(flags.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('--runs takes a whole number of runs, e.g. --runs 15.\n');
  process.exit(2);
}
const frameMarker = flags['frame-text'] ?? FIRST_FRAME;

async function measureBin(bin, label, env, baseline, ptyBaseline) {
  requireBuiltBin(bin);
  const figures = [];
  for (const flag of ['--version', '--help']) {
    const check = await timeRun(process.execPath, [bin, flag], { env });
    if (check.code !== 0) throw new Error(`${label} ${flag} exited ${check.code}: ${check.stderr.trim().split('\n')[0]}`);
    const t = await medianOf(runs, async () => (await timeRun(process.execPath, [bin, flag], { env })).ms);
    figures.push(figure(`${label} ${flag}`, { value: t.median, unit: 'ms', ratio: t.median / baseline, target: 1.3 }));
  }
  let frame;
  try {
    frame = await medianOf(runs, async () => (await timeUntilOutput(process.execPath, [bin, '--practice'], frameMarker, { env })).ms);
  } catch (error) {
    figures.push(figure(`${label} first interactive frame (--practice)`, { value: NaN, unit: 'ms', note: `not measured: ${error.message.split('\n')[0]}` }));
  }
  if (frame) {
    figures.push(
      figure(`${label} first interactive frame (--practice)`, {
        value: frame.median,
        unit: 'ms',
        ratio: frame.median / ptyBaseline,
        target: 2.0,
        note: `(${(frame.median / baseline).toFixed(2)}× the plain node -e 0)`,
      }),
    );
  }
  if (flags['ready-text']) {
    try {
      const ready = await medianOf(runs, async () => (await timeUntilOutput(process.execPath, [bin, '--practice'], flags['ready-text'], { env })).ms);
      figures.push(figure(`${label} lesson list shown (--practice)`, { value: ready.median, unit: 'ms', ratio: ready.median / ptyBaseline }));
    } catch (error) {
      figures.push(figure(`${label} lesson list shown (--practice)`, { value: NaN, unit: 'ms', note: `not measured: ${error.message.split('\n')[0]}` }));
    }
  }
  return figures;
}

const scratch = scratchEnv();
try {
  const env = scratch.env;
  const baseline = (await nodeBaseline(runs, env)).median;
  const ptyBaseline = (
    await medianOf(runs, async () => (await timeUntilOutput(process.execPath, ['-e', "process.stdout.write('node-ready\\n')"], 'node-ready', { env })).ms)
  ).median;
  const figures = [figure('node -e 0 in the pseudo-terminal', { value: ptyBaseline, unit: 'ms', ratio: ptyBaseline / baseline })];
  figures.push(...(await measureBin(path.resolve(flags.bin), 'bin', env, baseline, ptyBaseline)));

  if (flags['compare-one-file']) {
    const { buildBundle } = await import('../scripts/build.mjs');
    const outdir = 'bench/.out/one-file';
    const built = await buildBundle({ oneFile: true, outdir, notices: false, quiet: true });
    figures.push(...(await measureBin(built.bin, 'one-file bundle', env, baseline, ptyBaseline)));
  }

  printFigures(`Start-up (median of ${runs} runs; ratios to node -e 0 in this run)`, figures, baseline);
  await writeJson(flags.json, { bench: 'startup', runs, baselineMs: baseline, ptyBaselineMs: ptyBaseline, figures });
  process.exitCode = 0;
} finally {
  scratch.cleanup();
}
