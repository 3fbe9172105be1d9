// Smoke test of the built bundle (dist/): the bin answers --version and --help, refuses an
// interactive start without a terminal in one sentence (exit 2, no stack trace), lists the
// lessons, and does all that from a copy of the package with no node_modules in reach (zero
// runtime dependencies). Everything else is tested on the sources.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, ensureBundle } from '../fixtures/bundle.js';

const VERBS = ['list', 'run', 'check', 'reset', 'manifests', 'validate', 'practice'];
const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const lessonIds = readdirSync(path.join(ROOT, 'lessons'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && /^\d+-/.test(d.name))
  .map((d) => d.name);

function runBin(bin: string, args: string[], home: string): SpawnSyncReturns<string> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_STATE_HOME: path.join(home, 'state'),
    XDG_CONFIG_HOME: path.join(home, 'config'),
    KUBECONFIG: path.join(home, 'no-kubeconfig'),
    LANG: 'en_US.UTF-8',
    NO_COLOR: '1',
  };
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env, input: '', timeout: 20_000 });
}

const STACK_LINE = /^\s+at .+[:(]/m;

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*(\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78DEHMc]/g;

/**
 * The bin in a pseudo-terminal (util-linux `script`), as a learner starts it: wait until `shown`
 * is on screen, press q, and resolve with the exit code and what was shown.
 */
function startAndQuit(bin: string, args: string[], home: string, shown: RegExp): Promise<{ code: number | null; screen: string }> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_STATE_HOME: path.join(home, 'state'),
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_CACHE_HOME: path.join(home, 'cache'),
    KUBECONFIG: path.join(home, 'no-kubeconfig'),
    LANG: 'en_US.UTF-8',
    TERM: 'xterm-256color',
  };
  const command = `stty cols 80 rows 24; exec ${[process.execPath, bin, ...args].map((a) => `'${a}'`).join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let seen = '';
    let pressed = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no ${shown} within 30 s; the screen showed:\n${seen.replace(ANSI, '').slice(-1500)}`));
    }, 30_000);
    const onOutput = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (!pressed && shown.test(seen.replace(ANSI, ''))) {
        pressed = true;
        child.stdin.write('q');
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, screen: seen.replace(ANSI, '') });
    });
  });
}

let scratch: string;
let installed: string; // a copy of the package as npm would install it, outside this repository

beforeAll(() => {
  ensureBundle();
  scratch = mkdtempSync(path.join(tmpdir(), 'egress-bundle-'));
  installed = path.join(scratch, 'pkg');
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
  for (const entry of [...pkg.files, 'package.json']) {
    if (existsSync(path.join(ROOT, entry))) cpSync(path.join(ROOT, entry), path.join(installed, entry), { recursive: true });
  }
}, 150_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the built bundle', () => {
  it('prints its version', () => {
    const r = runBin(BIN, ['--version'], scratch);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(version);
  });

  it('prints usage with every verb for --help', () => {
    const r = runBin(BIN, ['--help'], scratch);
    expect(r.status).toBe(0);
    for (const verb of VERBS) expect(r.stdout).toMatch(new RegExp(`\\b${verb}\\b`));
    expect(r.stdout).toContain('--practice');
  });

  it('says how to run headless when started interactively without a terminal', () => {
    const r = runBin(BIN, [], scratch);
    expect(r.status).toBe(2);
    const said = `${r.stderr}${r.stdout}`.trim();
    expect(said).not.toMatch(STACK_LINE);
    expect(said).not.toMatch(/Raw mode is not supported/);
    expect(said.split('\n').filter((line) => line.trim() !== '')).toHaveLength(1);
    expect(said).toMatch(/\brun\b/);
  });

  it('lists the shipped lessons', () => {
    const r = runBin(BIN, ['list'], scratch);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.status).toBe(0);
    expect(lessonIds.length).toBeGreaterThan(0);
    for (const id of lessonIds) expect(r.stdout).toContain(id);
  });

  it('is one file, in ASCII, with the payload in a comment at its end', () => {
    expect(readdirSync(path.dirname(BIN))).toEqual([path.basename(BIN)]);
    const text = readFileSync(BIN, 'latin1');
    expect(text.search(/[^\x00-\x7f]/)).toBe(-1);
    expect(text).toMatch(/\n\/\* egress-tutorial payload\nui:[A-Za-z0-9+/]+=*\nrest:[A-Za-z0-9+/]+=*\n\*\/\n$/);
  });

  it('draws the interactive UI in a terminal, keeps a compile cache from the first start, and starts again with it or with a damaged one', async () => {
    const home = mkdtempSync(path.join(scratch, 'home-'));
    const cacheDir = path.join(home, 'cache', 'egress-tutorial');
    const listShown = /Reaching external services[\s\S]*q quit/;

    const first = await startAndQuit(BIN, ['--practice'], home, listShown);
    expect(first.screen).not.toMatch(STACK_LINE);
    expect(first.code).toBe(0);
    // One file for each part of the payload: the UI's after the first frame, the rest's once connected.
    const cached = readdirSync(cacheDir);
    expect(cached).toHaveLength(2);
    for (const name of cached) expect(name).toMatch(/^payload-[0-9a-f]{20}-v\d+\.\d+\.\d+-\w+\.cache$/);
    const cacheFile = path.join(cacheDir, cached[0]!);
    const written = readFileSync(cacheFile);

    const second = await startAndQuit(BIN, ['--practice', '--lang', 'zh'], home, /q 退出/);
    expect(second.code).toBe(0);
    expect(readFileSync(cacheFile).equals(written)).toBe(true); // used, not rewritten

    const damaged = Buffer.from(written);
    damaged[damaged.length - 10] ^= 0xff;
    writeFileSync(cacheFile, damaged);
    const third = await startAndQuit(BIN, ['--practice'], home, listShown);
    expect(third.code).toBe(0);
    expect(third.screen).not.toMatch(STACK_LINE);
    expect(readFileSync(cacheFile).equals(damaged)).toBe(false); // replaced by a good one
  }, 60_000);

  it('is an executable node script', () => {
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(BIN).mode & 0o111).not.toBe(0);
  });

  it('ships a licence notice with the licence text of each bundled package', () => {
    const notices = readFileSync(path.join(ROOT, 'THIRD_PARTY_NOTICES.md'), 'utf8');
    for (const name of ['ink', 'react', '@kubernetes/client-node', 'js-yaml', 'marked', 'marked-terminal', 'yoga-layout']) {
      const version = (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
      expect(notices).toContain(`## ${name} ${version}\n`);
    }
    expect(notices).toMatch(/Permission is hereby granted, free of charge/); // MIT texts
    expect(notices).toMatch(/Apache License/); // client-node's
  });

  it('runs from a copy of the package with no node_modules in reach', () => {
    expect(existsSync(path.join(installed, 'node_modules'))).toBe(false);
    const bin = path.join(installed, 'dist', 'egress-tutorial.cjs');
    const v = runBin(bin, ['--version'], scratch);
    expect(v.status).toBe(0);
    expect(v.stdout).toContain(version);
    const list = runBin(bin, ['list'], scratch);
    expect(list.stderr).not.toMatch(STACK_LINE);
    expect(list.status).toBe(0);
    for (const id of lessonIds) expect(list.stdout).toContain(id);
  });
});
