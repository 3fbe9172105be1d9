#!/usr/bin/env node
// `npm run bench`: the package check, start-up, headless walk, log tail and classroom benchmarks in turn,
// each printing its own figures. With --readme, the figures also replace the "Performance"
// section at the end of README.md (only that section; the rest of the README is not touched).
//
// Usage: node bench/all.mjs [--quick] [--readme] [--section]
//   --quick   fewer runs and a 10 s log tail (a smoke run, not the reported figures)
//   --readme  write the figures into README.md's Performance section
//   --section print that section instead
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib.mjs';

const { values: flags } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, readme: { type: 'boolean', default: false }, section: { type: 'boolean', default: false } },
});
const out = mkdtempSync(path.join(tmpdir(), 'egress-bench-all-'));

const benches = [
  { name: 'pack-check', args: [] },
  { name: 'startup', args: ['--runs', flags.quick ? '5' : '15'] },
  { name: 'headless-walk', args: ['--runs', flags.quick ? '2' : '5'] },
  { name: 'log-tail', args: ['--seconds', flags.quick ? '10' : '30'] },
  { name: 'class', args: ['--learners', flags.quick ? '5' : '30'] },
];

function runBench({ name, args }) {
  return new Promise((resolve) => {
    const json = path.join(out, `${name}.json`);
    const child = spawn(process.execPath, [path.join(ROOT, 'bench', `${name}.mjs`), ...args, '--json', json], { cwd: ROOT, stdio: 'inherit' });
    child.on('close', (code) => resolve({ name, code, result: existsSync(json) ? JSON.parse(readFileSync(json, 'utf8')) : undefined }));
  });
}

const fmt = (f) => {
  if (!Number.isFinite(f.value)) return { value: 'not measured', ratio: '', target: '' };
  const value = f.unit === 'ms' ? `${f.value.toFixed(0)} ms` : `${Number.isInteger(f.value) ? f.value : f.value.toFixed(1)} ${f.unit}`;
  const ratio = f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}×`;
  const limit = f.target === undefined ? '' : f.targetOn === 'ratio' ? `≤ ${f.target.toFixed(1)}×` : `≤ ${f.target} ${f.unit}`;
  const target = f.target === undefined ? '' : `${limit} (${f.ok ? 'met' : 'not met'})`;
  return { value, ratio, target };
};

function performanceSection(results, loadBefore) {
  const when = new Date().toISOString().replace(/T(\d\d:\d\d).*/, ' $1 UTC');
  const lines = [
    '## Performance',
    '',
    `Measured by \`npm run bench\` (the scripts in \`bench/\`) on ${when}: Node ${process.version}, ${cpus().length} cores, load average ${loadBefore} at the start.`,
    'The machine was shared with other work, so absolute times are inflated and vary between runs; each time is a median,',
    'and each ratio is to `node -e 0` measured in the same rounds (a baseline and the figures divided by it are run in turn),',
    'which is how the targets are stated. CPU times (user + system) are given where a busy machine distorts wall time most.',
    '',
    'How start-up is kept short. The package ships one JavaScript file, `dist/egress-tutorial.cjs`. Its first ~85 kB are the',
    'bin: argument parsing, `--help`, `--version` and the plain first frame. The rest of the program is the payload, in a',
    'comment at the end of the file, which V8 skims instead of parsing: two scripts, deflated and in base64, the interactive UI',
    '(ink, React, yoga, the screens: 440 kB) and the rest (lessons, engine, Markdown, client-node, the practice cluster: 1.4 MB).',
    'A command inflates the part it needs and compiles it with V8\'s code cache (`src/cli/payload.ts`): the UI draws its first',
    'frame from its own part and loads the rest behind it. Once the first frame is drawn, and again once connected, each part\'s',
    'source and the code compiled so far are saved together under `$XDG_CACHE_HOME/egress-tutorial/`, so later starts skip',
    'inflating and parsing and take the compiled code from the cache (Node 20 has no compile cache of its own). The build',
    'also trims what dependencies would do for nothing at start-up (`scripts/bundle-plugins.mjs`): yoga instantiates its',
    'inlined wasm synchronously without `fetch()` (which would load undici), string-width and ink\'s tokenizers build their',
    '`Intl.Segmenter` and `\\p{RGI_Emoji}` regex (~25 ms together) on first use and measure text made only of code points',
    'that are graphemes on their own without segmenting (a test compares them with the originals), node-fetch\'s unused',
    '`whatwg-url` fallback and marked-terminal\'s emoji table are left out, and its highlighter gets the languages the lessons',
    'show instead of all 190.',
    '',
  ];
  const byName = Object.fromEntries(results.map((r) => [r.name, r]));
  const table = (title, result, extra = []) => {
    if (!result?.result) {
      lines.push(`**${title}**: not measured (the benchmark failed; run \`node bench/${result?.name}.mjs\` to see why).`, '');
      return;
    }
    lines.push(`**${title}**`, '', '| Figure | Value | Ratio to `node -e 0` | Target | Notes |', '| --- | --- | --- | --- | --- |');
    const cell = (text) => text.replace(/\|/g, '/').replace(/</g, '&lt;').replace(/^\((.*)\)$/, '$1');
    for (const f of result.result.figures) {
      const { value, ratio, target } = fmt(f);
      lines.push(`| ${cell(f.name.trim())} | ${value} | ${ratio} | ${target} | ${f.note ? cell(f.note) : ''} |`);
    }
    lines.push('', ...extra);
  };
  const s = byName.startup?.result;
  table(`Start-up${s ? ` (median of ${s.runs} rounds; node -e 0 took ${s.baselineMs.toFixed(0)} ms)` : ''}`, byName.startup, [
    'The first frame is timed in a pseudo-terminal from spawn until its text appears; its ratio is to `node -e 0` printing one line through the same pseudo-terminal.',
    'Three frames are timed. The plain one is painted by the bin before the payload loads (`src/ui/splash.ts`: the title and what is starting, the same words the UI then shows). The interactive one is ink\'s first frame, with its spinner, from which keys answer: as every start after the first draws it, with the compile cache, and as the very first start after installing draws it (an empty cache folder each time), which has to inflate and parse the UI\'s part and does not meet the target.',
    '',
  ]);
  const h = byName['headless-walk']?.result;
  table(`Headless walk: \`run --yes --practice\`, all lessons${h ? ` (median of ${h.runs} rounds; node -e 0 took ${h.baselineMs.toFixed(0)} ms)` : ''}`, byName['headless-walk'], [
    ...(h ? [`Per lesson (ms): ${h.perLesson.join(', ')}.`, ''] : []),
  ]);
  table('Log tail: 5,000 lines/s from three pods for 30 s through the engine and the ink UI', byName['log-tail'], [
    'Resident memory is compared after a garbage collection at the end of the run and after a 3 s warm-up; the peak is between collections.',
    '',
  ]);
  const c = byName.class;
  table(
    `Classroom: ${c?.result?.learners ?? 30} learners on one practice cluster (\`node bench/class.mjs\`)`,
    c?.result ? { name: 'class', result: { figures: [...c.result.results.flatMap((r) => r.figures.map((f) => ({ ...f, name: `--gateway ${r.mode}: ${f.name.trim()}` }))), c.result.rss] } } : c,
    [
      'Here the ratio of the parallel walks is to one learner walking alone on the same cluster (the issue\'s goal: at most 2×); requests are counted by the practice cluster per learner ServiceAccount.',
      ...(c?.result ? c.result.results.flatMap((r) => r.problems.slice(0, 5).map((p) => `- ${r.mode}: ${p}`)) : []),
      '',
    ],
  );
  table('Package', byName['pack-check']);
  return lines.join('\n').replace(/\n+$/, '\n');
}

/** Replace the README's "## Performance" section (up to the next "## " heading) or append it. */
function writeReadme(section) {
  const file = path.join(ROOT, 'README.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const start = text.search(/^## Performance\s*$/m);
  let next = -1;
  if (start >= 0) {
    const rest = text.slice(start + 1);
    const m = rest.search(/^## /m);
    next = m >= 0 ? start + 1 + m : -1;
  }
  const before = start >= 0 ? text.slice(0, start) : text.replace(/\n*$/, '\n\n');
  const after = next >= 0 ? `\n${text.slice(next)}` : '';
  writeFileSync(file, `${before}${section}${after}`);
  process.stdout.write(`\nwrote the Performance section of ${path.relative(process.cwd(), file)}\n`);
}

try {
  const loadBefore = loadavg()[0].toFixed(1);
  const results = [];
  for (const bench of benches) results.push(await runBench(bench));
  const failed = results.filter((r) => r.code !== 0).map((r) => r.name);
  if (flags.readme) writeReadme(performanceSection(results, loadBefore));
  if (flags.section) process.stdout.write(`\n${performanceSection(results, loadBefore)}`);
  if (failed.length > 0) {
    process.stderr.write(`\nbenchmarks that failed: ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
