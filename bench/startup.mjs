#!/usr/bin/env node
// Start-up benchmark: `--version`, `--help` and the first interactive frame of the built bin,
// each as a median of N runs and as a ratio to `node -e 0` measured in the same run.
// Targets (issue 5): --version and --help ≤ 1.3×, first interactive frame ≤ 2.0×.
//
// Every round runs each measurement once, in turn, so the baseline and the figures see the same
// machine load; a figure's ratio is the median of its per-round ratios. The first frame is timed
// in a pseudo-terminal (`script`), from spawn until the frame's text appears; its baseline is
// `node -e` printing one line through the same pseudo-terminal, so the harness's own cost
// (script, sh, stty) is in both. `--compare-one-file` also builds and times the single-file
// bundle, to show why the bin is split into lazily imported chunks. `--version` is also measured
// in CPU time (bash's `times`), which a busy machine distorts less than wall time.
//
// Usage: node bench/startup.mjs [--runs N] [--bin FILE] [--frame-text TEXT] [--compare-one-file] [--json FILE]
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

const scratch = scratchEnv();
try {
  const env = scratch.env;
  const bins = [{ label: 'bin', file: path.resolve(flags.bin) }];
  if (flags['compare-one-file']) {
    const { buildBundle } = await import('../scripts/build.mjs');
    const built = await buildBundle({ oneFile: true, outdir: `${BENCH_OUT}/one-file`, notices: false, quiet: true });
    bins.push({ label: 'one-file bundle', file: built.bin });
  }

  const exitTime = (args) => async () => {
    const r = await timeRun(process.execPath, args, { env });
    if (r.code !== 0) throw new Error(`node ${args.join(' ')} exited ${r.code}: ${r.stderr.trim().split('\n')[0]}`);
    return r.ms;
  };
  const cpuTime = (args) => async () => (await timeRun(process.execPath, args, { env, cpu: true })).cpuMs ?? NaN;
  const frameTime = (args, marker) => async () => (await timeUntilOutput(process.execPath, args, marker, { env })).ms;

  const measures = {
    'node -e 0': exitTime(['-e', '0']),
    'node -e 0 in the pseudo-terminal': frameTime(['-e', "process.stdout.write('node-ready\\n')"], 'node-ready'),
  };
  measures['CPU: node -e 0'] = cpuTime(['-e', '0']);
  for (const { label, file } of bins) {
    requireBuiltBin(file);
    measures[`CPU: ${label} --version`] = cpuTime([file, '--version']);
    measures[`${label} --version`] = exitTime([file, '--version']);
    measures[`${label} --help`] = exitTime([file, '--help']);
    measures[`${label} first frame, plain text (--practice)`] = frameTime([file, '--practice'], frameMarker);
    measures[`${label} first interactive frame, ink (--practice)`] = frameTime([file, '--practice'], INK_FRAME);
  }
  const m = await interleaved(runs, measures, 'node -e 0');
  const pty = m['node -e 0 in the pseudo-terminal'];

  const figures = [figure('node -e 0 in the pseudo-terminal', { value: pty.median, unit: 'ms', ratio: pty.ratio })];
  for (const { label } of bins) {
    for (const flag of ['--version', '--help']) {
      const t = m[`${label} ${flag}`];
      figures.push(figure(`${label} ${flag}`, { value: t.median, unit: 'ms', ratio: t.ratio, target: 1.3 }));
    }
    const cpu = m[`CPU: ${label} --version`];
    const cpuRatio = median(cpu.times.map((ms, i) => ms / m['CPU: node -e 0'].times[i]));
    figures.push(
      figure(`${label} --version, CPU time`, { value: cpu.median, unit: 'ms', ratio: cpuRatio, note: '(user + system, all threads; load moves it less than wall time)' }),
    );
    const frame = m[`${label} first frame, plain text (--practice)`];
    // Against the pseudo-terminal baseline: the same harness cost on both sides.
    const ratio = median(frame.times.map((ms, i) => ms / pty.times[i]));
    figures.push(
      figure(`${label} first frame, plain text (--practice)`, { value: frame.median, unit: 'ms', ratio, target: 2.0, note: `(${frame.ratio.toFixed(2)}× the plain node -e 0; painted before ink loads; keys wait for the next frame)` }),
    );
    const ink = m[`${label} first interactive frame, ink (--practice)`];
    const inkRatio = median(ink.times.map((ms, i) => ms / pty.times[i]));
    figures.push(
      figure(`${label} first interactive frame, ink (--practice)`, { value: ink.median, unit: 'ms', ratio: inkRatio, target: 2.0, note: `(${ink.ratio.toFixed(2)}× the plain node -e 0; the spinner's frame, keys live)` }),
    );
  }
  const baseline = m['node -e 0'].median;
  printFigures(`Start-up (median of ${runs} interleaved rounds; ratios to node -e 0 in the same round)`, figures, baseline);
  await writeJson(flags.json, { bench: 'startup', runs, baselineMs: baseline, ptyBaselineMs: pty.median, figures });
} finally {
  scratch.cleanup();
}
