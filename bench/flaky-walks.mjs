#!/usr/bin/env node
// Many learners, one flaky API (issue 16 item 10): N full walks (`run --yes` as the headless
// runner does it) against practice clusters answering a fifth of all API requests with 500.
// Counts the walks that complete in one go (goal: at least 99 of 100) and, for any that did not,
// whether a second walk resumed from the failed step and completed.
//
// Usage: node bench/flaky-walks.mjs [--walks 100] [--rate 0.2] [--parallel 3] [--json FILE]
import { parseArgs } from 'node:util';
import { figure, printFigures, writeJson } from './lib.mjs';
import { loadWalk } from './walk/build.mjs';

const { values: flags } = parseArgs({
  options: { walks: { type: 'string', default: '100' }, rate: { type: 'string', default: '0.2' }, parallel: { type: 'string', default: '3' }, json: { type: 'string' } },
});
const total = Number(flags.walks);
const rate = Number(flags.rate);
const parallel = Number(flags.parallel);
if (!Number.isInteger(total) || total < 1 || !(rate >= 0 && rate < 1) || !Number.isInteger(parallel) || parallel < 1) {
  process.stderr.write('--walks takes a whole number, --rate a share below 1 (0.2), --parallel a whole number.\n');
  process.exit(2);
}
const { walk } = await loadWalk();
const results = [];
let next = 0;
const started = Date.now();
async function worker() {
  while (next < total) {
    const i = next++;
    const r = await walk({ faultRate: rate, faultStatus: 500 }, { second: true });
    results.push(r);
    process.stdout.write(`walk ${String(i + 1).padStart(3)}: ${r.walks === 1 ? 'completed' : r.walks === 2 ? 'completed on the second walk' : `FAILED at ${r.failedAt}: ${r.summary}`} (${r.counts.total} requests, ${r.counts.faulted} answered 500, ${(r.ms / 1000).toFixed(1)} s)\n`);
  }
}
await Promise.all(Array.from({ length: Math.min(parallel, total) }, worker));
const once = results.filter((r) => r.walks === 1).length;
const second = results.filter((r) => r.walks === 2).length;
const failed = results.filter((r) => r.walks === 0);
const figures = [
  figure(`walks completed in one go (of ${total})`, { value: once, unit: 'walks', note: `goal ≥ ${Math.ceil(total * 0.99)}` }),
  figure('completed by a second, resumed walk', { value: second, unit: 'walks' }),
  figure('failed twice', { value: failed.length, unit: 'walks' }),
  figure('median walk', { value: results.map((r) => r.ms).sort((a, b) => a - b)[results.length >> 1], unit: 'ms' }),
];
printFigures(`Flaky API: ${Math.round(rate * 100)} % of requests answered 500, ${total} walks, ${((Date.now() - started) / 1000).toFixed(0)} s`, figures);
for (const f of failed) process.stdout.write(`  failed at ${f.failedAt}: ${f.summary}\n`);
if (flags.json) await writeJson(flags.json, { figures, failed: failed.map((f) => ({ at: f.failedAt, summary: f.summary })) });
process.exitCode = once >= Math.ceil(total * 0.99) ? 0 : 1;
