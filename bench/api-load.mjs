#!/usr/bin/env node
// API load of one learner (issue 11): the requests one full `run --yes` walk sends to the API
// server, counted by the practice cluster, by kind. Goal: at most 80 per walk.
//
// Usage: node bench/api-load.mjs [--gateway own|shared] [--json FILE]
import { parseArgs } from 'node:util';
import { figure, printFigures, writeJson } from './lib.mjs';
import { loadWalk } from './walk/build.mjs';

const { values: flags } = parseArgs({ options: { json: { type: 'string' }, gateway: { type: 'string', default: 'shared' } } });
const { walk } = await loadWalk();
if (!['own', 'shared'].includes(flags.gateway)) {
  process.stderr.write('--gateway takes own or shared.\n');
  process.exit(2);
}
const result = await walk({}, { gateway: flags.gateway });
if (!result.ok) {
  process.stderr.write(`the walk failed at ${result.failedAt}: ${result.summary}\n`);
  process.exit(1);
}
const reviews = Object.entries(result.counts.byKind).filter(([k]) => /selfsubject/.test(k)).reduce((n, [, v]) => n + v, 0);
const figures = [
  figure('API requests per walk', { value: result.counts.total, unit: 'requests', target: 80 }),
  figure('  of them permission reviews', { value: reviews, unit: 'requests' }),
];
printFigures(`API load of one learner (run --yes, all lessons, --gateway ${flags.gateway})`, figures);
const top = Object.entries(result.counts.byKind).sort((a, b) => b[1] - a[1]);
for (const [kind, n] of top) process.stdout.write(`  ${String(n).padStart(4)}  ${kind}\n`);
if (flags.json) writeJson(flags.json, { figures, byKind: result.counts.byKind });
