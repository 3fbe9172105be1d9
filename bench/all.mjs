#!/usr/bin/env node
// `npm run bench`: the package check, start-up, headless walk and log tail benchmarks in turn,
// each printing its own figures. With --readme, the figures also replace the "Performance"
// section at the end of README.md (only that section; the rest of the README is not touched).
//
// Usage: node bench/all.mjs [--quick] [--readme]
//   --quick   fewer runs and a 10 s log tail (a smoke run, not the reported figures)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib.mjs';

const { values: flags } = parseArgs({ options: { quick: { type: 'boolean', default: false }, readme: { type: 'boolean', default: false } } });
const out = mkdtempSync(path.join(tmpdir(), 'egress-bench-all-'));

const benches = [
  { name: 'pack-check', args: [] },
  { name: 'startup', args: ['--runs', flags.quick ? '5' : '15', '--compare-one-file'] },
  { name: 'headless-walk', args: ['--runs', flags.quick ? '2' : '5'] },
  { name: 'log-tail', args: ['--seconds', flags.quick ? '10' : '30'] },
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
    `Measured by \`npm run bench\` (scripts in \`bench/\`) on ${when}: Node ${process.version}, ${cpus().length} cores, load average ${loadBefore} at the start`,
    '(the machine was shared with other work, so absolute times vary; each time is a median and its ratio is to',
    '`node -e 0` measured in the same run, which is what the targets are stated in).',
    '',
  ];
  const byName = Object.fromEntries(results.map((r) => [r.name, r]));
  const table = (title, result, extra = []) => {
    if (!result?.result) {
      lines.push(`**${title}**: not measured (the benchmark failed; run \`node bench/${result?.name}.mjs\` to see why).`, '');
      return;
    }
    lines.push(`**${title}**`, '', '| Figure | Value | Ratio to `node -e 0` | Target |', '| --- | --- | --- | --- |');
    for (const f of result.result.figures) {
      const { value, ratio, target } = fmt(f);
      lines.push(`| ${f.name}${f.note ? ` ${f.note.replace(/\|/g, '/')}` : ''} | ${value} | ${ratio} | ${target} |`);
    }
    lines.push('', ...extra);
  };
  const s = byName.startup?.result;
  table(`Start-up${s ? ` (median of ${s.runs} runs; node -e 0 took ${s.baselineMs.toFixed(0)} ms)` : ''}`, byName.startup, [
    'The first frame is timed in a pseudo-terminal from spawn until the frame\'s text appears; its ratio is to `node -e 0` printing one line through the same pseudo-terminal. The "one-file bundle" rows are the same code built as a single file (`node scripts/build.mjs --one-file`), for comparison: V8 must read and pre-parse the whole file before running any of it, which is why the shipped bin is a small entry plus chunks in `dist/` that it imports only on the paths that need them.',
    '',
  ]);
  const h = byName['headless-walk']?.result;
  table(`Headless walk${h ? ` (median of ${h.runs} runs; node -e 0 took ${h.baselineMs.toFixed(0)} ms)` : ''}`, byName['headless-walk']);
  table('Log tail', byName['log-tail'], [
    'Resident memory is measured after a garbage collection at the end of the run against the same after a 3 s warm-up; the peak is between collections.',
    '',
  ]);
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
  if (failed.length > 0) {
    process.stderr.write(`\nbenchmarks that failed: ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
