import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, VERSION } from '../../src/cli/cli.js';
import { defaultLessonsDir } from '../../src/lesson/index.js';
import { memoryIO } from './io.js';

const tmp = mkdtempSync(join(tmpdir(), 'cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('CLI', () => {
  it('--version and --help', async () => {
    const io = memoryIO();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(io.stdout).toEqual([VERSION]);
    const help = memoryIO();
    expect(await runCli(['--help'], help)).toBe(0);
    expect(help.stdout[0]).toMatch(/Usage: egress-tutorial \[COMMAND\]/);
    for (const word of ['list', 'run [LESSON...]', 'check', 'reset', 'manifests', 'validate', 'practice', '--kubeconfig', '--context', '--namespace', '--istio-namespace', '--lang', '--practice', '--lessons', '--set', '--yes'])
      expect(help.stdout[0]).toContain(word);
  });

  it('unknown verbs and flags: one sentence, exit 2', async () => {
    const io = memoryIO();
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(/^egress-tutorial: Unknown command "frobnicate"/);
    const flag = memoryIO();
    expect(await runCli(['list', '--nope'], flag)).toBe(2);
    expect(flag.stderr[0]).toMatch(/Unknown flag --nope/);
  });

  it('interactive without a terminal says how to run headless, exit 2', async () => {
    const io = memoryIO({}, false);
    expect(await runCli([], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/needs a terminal.*egress-tutorial run --yes/);
    expect(io.stderr.join('\n')).not.toMatch(/Raw mode/);
  });

  it('list prints every lesson in the chosen language', async () => {
    const io = memoryIO();
    expect(await runCli(['list', '--lang', 'zh'], io)).toBe(0);
    expect(io.stdout.length).toBeGreaterThanOrEqual(3);
    expect(io.stdout[0]).toMatch(/^01-\S+\s+\S/);
  });

  it('manifests prints the rendered YAML with --set applied', async () => {
    const io = memoryIO();
    expect(await runCli(['manifests', '--set', 'httpHost=example.org'], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/^# Source: /);
    expect(text).toContain('\n---\n');
    expect(text).toContain('example.org');
    expect(text).not.toContain('httpbin.org');
    const bad = memoryIO();
    expect(await runCli(['manifests', 'no-such-lesson'], bad)).toBe(2);
    expect(bad.stderr[0]).toMatch(/Unknown lesson "no-such-lesson"; the lessons are 01-/);
  });

  it('validate: the shipped lessons pass; a broken folder gives file:line problems and exit 1', async () => {
    const ok = memoryIO();
    expect(await runCli(['validate'], ok)).toBe(0);
    expect(ok.stdout[0]).toMatch(/no problems/);

    const broken = join(tmp, 'lessons');
    cpSync(defaultLessonsDir(), broken, { recursive: true });
    const lessonFile = join(broken, '02-setup', 'lesson.yaml');
    writeFileSync(lessonFile, 'steps:\n  - id: x\n    kind: dance\n');
    const io = memoryIO();
    expect(await runCli(['validate', broken], io)).toBe(1);
    expect(io.stdout.join('\n')).toMatch(/02-setup\/lesson\.yaml:\d+: /);
    expect(io.stderr[0]).toMatch(/problems? in /);

    const run = memoryIO();
    expect(await runCli(['list', '--lessons', broken], run)).toBe(1);
    expect(run.stderr.join('\n')).toMatch(/egress-tutorial: The lesson folder .* has \d+ problems?/);
  });

  it('a bad --set is a usage error', async () => {
    const io = memoryIO();
    expect(await runCli(['manifests', '--set', 'novalue'], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/is not name=value/);
  });

  it('a --set value of the wrong type is a usage error naming the flag, not the lesson folder', async () => {
    const io = memoryIO();
    expect(await runCli(['manifests', '--set', 'httpHost=Bad_Host'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/^egress-tutorial: --set httpHost=Bad_Host: "Bad_Host" is not a DNS name/);
    expect(io.stderr.join('\n')).not.toMatch(/lesson folder/);
  });

  it('run needs --yes and known lessons', async () => {
    const io = memoryIO();
    expect(await runCli(['run', '--practice'], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/add --yes/);
    const unknown = memoryIO();
    expect(await runCli(['run', 'nope', '--yes', '--practice'], unknown)).toBe(2);
    expect(unknown.stderr[0]).toMatch(/Unknown lesson "nope"/);
  });

  it('a missing kubeconfig is one sentence, exit 1', async () => {
    const io = memoryIO({ XDG_STATE_HOME: join(tmp, 'state') });
    expect(await runCli(['check', '--kubeconfig', join(tmp, 'missing')], io)).toBe(1);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(/^egress-tutorial: .*does not exist/);
    expect(io.stderr[0]).not.toMatch(/\n\s+at /);
  });
});

describe('CLI in Chinese', () => {
  it('help and the no-terminal hint follow --lang / LANG', async () => {
    const help = memoryIO({ LANG: 'zh_CN.UTF-8' });
    expect(await runCli(['--help'], help)).toBe(0);
    expect(help.stdout[0]).toMatch(/^egress-tutorial \S+ —— 在终端里动手学习/);
    expect(help.stdout[0]).toContain('--kubeconfig');
    const hint = memoryIO({}, false);
    expect(await runCli(['--lang', 'zh'], hint)).toBe(2);
    expect(hint.stderr[0]).toMatch(/交互式教程需要终端.*egress-tutorial run --yes/);
  });
});
