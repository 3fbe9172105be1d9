#!/usr/bin/env node
// Headless-walk benchmark: `egress-tutorial run --yes --practice` (every lesson, on a fresh
// practice cluster, which a headless run starts with its pod delay at zero), as a median of N
// runs with its ratio to `node -e 0` in the same rounds. Target (issue 5): ≤ 3 s.
// The output's arrival times split the run: start-up until the first lesson's header (Node,
// the bundle, the lessons, the practice cluster, the connection), then each lesson.
//
// Usage: node bench/headless-walk.mjs [--runs N] [--json FILE]
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { BIN, figure, interleaved, median, printFigures, requireBuiltBin, scratchEnv, timeRun, writeJson } from './lib.mjs';

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
requireBuiltBin();

/** User + system ms of the children line of bash's `times` ("0m1.104s 0m0.212s"). */
function cpuMsOf(times) {
  const line = times.trim().split('\n')[1] ?? '';
  return line.split(/\s+/).reduce((sum, t) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    return m ? sum + (Number(m[1]) * 60 + Number(m[2])) * 1000 : sum;
  }, 0);
}

/** Run the walk; resolve with its wall time and when each lesson's header ("== id: title") arrived. */
function walk(env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const since = () => Number(process.hrtime.bigint() - started) / 1e6;
    // Under bash, whose `times` (to fd 3) gives the walk's CPU time; bash's start is noise here.
    const child = spawn('bash', ['-c', '"$@"; status=$?; times >&3; exit $status', 'bench', process.execPath, BIN, 'run', '--yes', '--practice'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let times = '';
    child.stdio[3].setEncoding('utf8').on('data', (chunk) => (times += chunk));
    const lessons = [];
    let output = '';
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        const header = /^== ([^:]+):/.exec(line);
        if (header) lessons.push({ id: header[1], at: since() });
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = since();
      if (code !== 0) reject(new Error(`run --yes --practice exited ${code}: ${output.trim().split('\n').slice(-3).join(' | ')}`));
      else resolve({ ms, cpuMs: cpuMsOf(times), lessons, summary: output.trim().split('\n').pop() });
    });
  });
}

const scratch = scratchEnv();
try {
  const env = scratch.env;
  const walks = [];
  const m = await interleaved(
    runs,
    {
      'node -e 0': async () => (await timeRun(process.execPath, ['-e', '0'], { env })).ms,
      walk: async () => {
        const w = await walk(env);
        walks.push(w);
        return w.ms;
      },
    },
    'node -e 0',
  );
  const measured = walks.slice(1); // the first was the warm-up round
  const startup = median(measured.map((w) => w.lessons[0]?.at ?? w.ms));
  const perLesson = measured[0].lessons.map((lesson, i) => {
    const spans = measured.map((w) => (w.lessons[i + 1]?.at ?? w.ms) - w.lessons[i].at);
    return `${lesson.id} ${median(spans).toFixed(0)}`;
  });
  const figures = [
    figure('run --yes --practice, all lessons', {
      value: m.walk.median,
      unit: 'ms',
      ratio: m.walk.ratio,
      target: 3000,
      targetOn: 'value',
      note: `(${measured[0].summary})`,
    }),
    figure('  CPU time of the walk', { value: median(measured.map((w) => w.cpuMs)), unit: 'ms', note: '(user + system, all threads: what a machine with no other load needs, plus the waits)' }),
    figure('  of which start-up to the first lesson', { value: startup, unit: 'ms', note: '(Node, bundle, lessons, practice cluster, connection)' }),
  ];
  printFigures(`Headless walk (median of ${runs} interleaved rounds; ratios to node -e 0 in the same round)`, figures, m['node -e 0'].median);
  process.stdout.write(`  per lesson (ms): ${perLesson.join(', ')}\n`);
  await writeJson(flags.json, { bench: 'headless-walk', runs, baselineMs: m['node -e 0'].median, perLesson, figures });
} finally {
  scratch.cleanup();
}
