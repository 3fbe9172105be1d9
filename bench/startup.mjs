#!/usr/bin/env node
// Start-up benchmark: `--version`, `--help` and the first frames of the built bin, each as a
// median of N runs and as a ratio to `node -e 0` measured in the same run.
// Targets (issue 5): --version and --help ≤ 1.3×, first interactive frame ≤ 2.0×.
//
// Every round runs each measurement once, in turn, so the baseline and the figures see the same
// machine load; a figure's ratio is the median of its per-round ratios. The first frame is timed
// in a pseudo-terminal (`script`), from spawn until the frame's text appears; its baseline is
// `node -e` printing one line through the same pseudo-terminal, so the harness's own cost
// (script, sh, stty) is in both. `--version` is also measured in CPU time (bash's `times`),
// which a busy machine distorts less than wall time.
//
// The bin keeps a compile cache of its payload (src/cli/payload.ts) once the UI has drawn its
// first frame. The interactive frame is measured both ways: with the cache one earlier start left
// (every start after the first) and with an empty cache folder each time (the first start).
//
// Usage: node bench/startup.mjs [--runs N] [--bin FILE] [--frame-text TEXT] [--json FILE]
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_OUT, BIN, figure, interleaved, median, printFigures, requireBuiltBin, scratchEnv, timeRun, timeUntilOutput, writeJson } from './lib.mjs';

// The first frame with --practice says it is starting the practice cluster (src/ui/messages.ts);
// without a cluster it says it is connecting. Either is the learner's first sight of the UI.
const FIRST_FRAME = /Starting the simulated practice cluster|Connecting to |Could not connect/;
// The CLI paints that text as plain output before ink loads (src/ui/splash.ts); ink's own frame
// is the one with a spinner glyph before it, and is the first that answers keys.
const INK_FRAME = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] (Starting the simulated practice cluster|Connecting to )/;

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    bin: { type: 'string', default: BIN },
    'frame-text': { type: 'string' },
    json: { type: 'string' },
  },
});
const runs = Number(flags.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('--runs takes a whole number of runs, e.g. --runs 15.\n');
  process.exit(2);
}
const frameMarker = flags['frame-text'] ?? FIRST_FRAME;

const scratch = scratchEnv();
try {
  const env = scratch.env;
  const bin = path.resolve(flags.bin);
  requireBuiltBin(bin);

  const exitTime = (args) => async () => {
    const r = await timeRun(process.execPath, args, { env });
    if (r.code !== 0) throw new Error(`node ${args.join(' ')} exited ${r.code}: ${r.stderr.trim().split('\n')[0]}`);
    return r.ms;
  };
  const cpuTime = (args) => async () => (await timeRun(process.execPath, args, { env, cpu: true })).cpuMs ?? NaN;
  const frameTime = (args, marker, frameEnv = env) => async () => (await timeUntilOutput(process.execPath, args, marker, { env: frameEnv })).ms;
  // A cache folder of its own for each cold start.
  const coldFrameTime = (args, marker) => async () =>
    frameTime(args, marker, { ...env, XDG_CACHE_HOME: mkdtempSync(path.join(scratch.dir, 'cold-cache-')) })();

  // One start that lives past its first frame leaves the compile cache, as a learner's first start does.
  await timeUntilOutput(process.execPath, [bin, '--practice'], INK_FRAME, { env, lingerMs: 2000 });

  const measures = {
    'node -e 0': exitTime(['-e', '0']),
    'node -e 0 in the pseudo-terminal': frameTime(['-e', "process.stdout.write('node-ready\\n')"], 'node-ready'),
    'CPU: node -e 0': cpuTime(['-e', '0']),
    'CPU: --version': cpuTime([bin, '--version']),
    '--version': exitTime([bin, '--version']),
    '--help': exitTime([bin, '--help']),
    plain: frameTime([bin, '--practice'], frameMarker),
    ink: frameTime([bin, '--practice'], INK_FRAME),
    'ink, cold': coldFrameTime([bin, '--practice'], INK_FRAME),
  };
  const m = await interleaved(runs, measures, 'node -e 0');
  const pty = m['node -e 0 in the pseudo-terminal'];
  // Frames against the pseudo-terminal baseline: the same harness cost on both sides.
  const ptyRatio = (name) => median(m[name].times.map((ms, i) => ms / pty.times[i]));

  const figures = [figure('node -e 0 in the pseudo-terminal', { value: pty.median, unit: 'ms', ratio: pty.ratio })];
  for (const flag of ['--version', '--help']) {
    figures.push(figure(`bin ${flag}`, { value: m[flag].median, unit: 'ms', ratio: m[flag].ratio, target: 1.3 }));
  }
  const cpuRatio = median(m['CPU: --version'].times.map((ms, i) => ms / m['CPU: node -e 0'].times[i]));
  figures.push(
    figure('bin --version, CPU time', { value: m['CPU: --version'].median, unit: 'ms', ratio: cpuRatio, note: '(user + system, all threads; load moves it less than wall time)' }),
    figure('first frame, plain text (--practice)', {
      value: m.plain.median,
      unit: 'ms',
      ratio: ptyRatio('plain'),
      target: 2.0,
      note: `(${m.plain.ratio.toFixed(2)}× the plain node -e 0; painted before ink loads; keys wait for the next frame)`,
    }),
    figure('first interactive frame, ink (--practice)', {
      value: m.ink.median,
      unit: 'ms',
      ratio: ptyRatio('ink'),
      target: 2.0,
      note: `(${m.ink.ratio.toFixed(2)}× the plain node -e 0; the spinner's frame, keys live; every start after the first, with the compile cache)`,
    }),
    figure('first interactive frame, first start (no compile cache)', {
      value: m['ink, cold'].median,
      unit: 'ms',
      ratio: ptyRatio('ink, cold'),
      note: `(${m['ink, cold'].ratio.toFixed(2)}× the plain node -e 0; the UI's part of the payload is inflated and parsed, not read from the cache)`,
    }),
  );
  const baseline = m['node -e 0'].median;
  printFigures(`Start-up (median of ${runs} interleaved rounds; ratios to node -e 0 in the same round)`, figures, baseline);
  await writeJson(flags.json, { bench: 'startup', runs, baselineMs: baseline, ptyBaselineMs: pty.median, figures });
} finally {
  scratch.cleanup();
}
