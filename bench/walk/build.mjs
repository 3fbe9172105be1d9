// Bundles bench/walk/entry.ts (the source, not the shipped file) for the walk benchmarks.
import { build } from 'esbuild';
import path from 'node:path';
import { BENCH_OUT, ROOT } from '../lib.mjs';

export async function loadWalk() {
  const outfile = path.join(ROOT, BENCH_OUT, 'walk-entry.mjs');
  await build({
    entryPoints: [path.join(ROOT, 'bench', 'walk', 'entry.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    packages: 'external',
    logLevel: 'error',
  });
  return import(outfile);
}
