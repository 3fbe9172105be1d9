#!/usr/bin/env node
// Package check: `npm pack` (which builds through `prepare`), then
//  - the tarball is ≤ 2 MB, holds the bin, its chunks, lessons/, assets/, the licence notices and
//    the README, and nothing of the sources, tests or node_modules;
//  - its package.json declares no runtime dependencies;
//  - `npx ./egress-tutorial-*.tgz --version` (and `list`) work with an empty npm cache, offline,
//    with the registry pointed at a closed port, from a folder outside this repository.
// Prints the sizes and the npx timings; exits 1 when a check fails.
//
// Usage: node bench/pack-check.mjs [--json FILE] [--keep]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, figure, printFigures, writeJson } from './lib.mjs';

const LIMIT_BYTES = 2 * 1024 * 1024;
const { values: flags } = parseArgs({ options: { json: { type: 'string' }, keep: { type: 'boolean', default: false } } });

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const work = mkdtempSync(path.join(tmpdir(), 'egress-pack-'));
const problems = [];
const check = (ok, problem) => {
  if (!ok) problems.push(problem);
  return ok;
};

function run(command, args, options = {}) {
  const started = process.hrtime.bigint();
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 180_000, ...options });
  return { ...r, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

try {
  // 1. Pack (prepare builds dist/ and THIRD_PARTY_NOTICES.md first).
  const packed = run('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT });
  if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr.trim().split('\n').slice(-5).join(' ')}`);
  const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')))[0];
  const tarball = path.join(work, info.filename);
  const size = statSync(tarball).size;
  const files = info.files.map((f) => f.path);

  check(size <= LIMIT_BYTES, `the tarball is ${(size / 1024 / 1024).toFixed(2)} MB, over 2 MB`);
  for (const required of ['package.json', 'dist/egress-tutorial.cjs', 'THIRD_PARTY_NOTICES.md', 'README.md']) check(files.includes(required), `the tarball lacks ${required}`);
  const shipped = files.filter((f) => f.startsWith('dist/'));
  check(shipped.length === 1, `dist/ should hold the one bundle file, not ${shipped.join(', ')}`);
  for (const folder of ['lessons/', 'assets/']) check(files.some((f) => f.startsWith(folder)), `the tarball has nothing under ${folder}`);
  const stray = files.filter((f) => /^(src|test|bench|scripts|node_modules)\//.test(f) || f.endsWith('.map'));
  check(stray.length === 0, `the tarball holds files that should not ship: ${stray.slice(0, 5).join(', ')}`);
  const runtimeDeps = Object.keys(pkg.dependencies ?? {}).concat(Object.keys(pkg.optionalDependencies ?? {}), Object.keys(pkg.peerDependencies ?? {}));
  check(runtimeDeps.length === 0, `package.json declares runtime dependencies: ${runtimeDeps.join(', ')}`);

  // 2. npx from the tarball: empty cache, offline, registry unreachable, outside this repository.
  // npx takes a tarball as `./name.tgz` (an absolute path is run as a command), so run it where
  // the tarball is: a scratch folder outside this repository.
  const elsewhere = mkdtempSync(path.join(work, 'home-'));
  const spec = `./${info.filename}`;
  const env = {
    ...process.env,
    npm_config_cache: mkdtempSync(path.join(work, 'npm-cache-')),
    npm_config_registry: 'http://127.0.0.1:9/', // nothing listens there: any registry request fails
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    HOME: elsewhere,
    XDG_STATE_HOME: path.join(elsewhere, 'state'),
    KUBECONFIG: path.join(elsewhere, 'no-kubeconfig'),
  };
  const version = run('npx', ['--yes', '--offline', spec, '--version'], { cwd: work, env });
  check(version.status === 0 && version.stdout.includes(pkg.version), `npx ${info.filename} --version failed (exit ${version.status}): ${(version.stderr || version.stdout).trim().split('\n').slice(-3).join(' ')}`);
  const again = run('npx', ['--yes', '--offline', spec, '--version'], { cwd: work, env });
  const list = run('npx', ['--yes', '--offline', spec, 'list'], { cwd: work, env });
  check(list.status === 0 && /\b01-/.test(list.stdout), `npx ${info.filename} list failed (exit ${list.status}): ${(list.stderr || list.stdout).trim().split('\n').slice(-3).join(' ')}`);

  const figures = [
    figure('packed tarball', { value: size / 1024, unit: 'kB', target: LIMIT_BYTES / 1024, note: `(${info.entryCount} files, ${(info.unpackedSize / 1024).toFixed(0)} kB unpacked)` }),
    figure('runtime dependencies', { value: runtimeDeps.length, unit: 'packages', target: 0 }),
    figure('npx ./egress-tutorial-*.tgz --version, empty cache, offline', { value: version.ms, unit: 'ms', note: '(installs the tarball, then runs it)' }),
    figure('the same again (installed in the npx cache)', { value: again.ms, unit: 'ms' }),
  ];
  printFigures(`Package (${info.filename})`, figures);
  if (problems.length > 0) {
    process.stdout.write(`\nPackage check FAILED:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write('  all package checks passed\n');
  }
  await writeJson(flags.json, { bench: 'pack-check', tarball: info.filename, bytes: size, files: info.entryCount, unpackedBytes: info.unpackedSize, problems, figures });
} finally {
  if (!flags.keep) rmSync(work, { recursive: true, force: true });
  else process.stdout.write(`kept ${work}\n`);
}
