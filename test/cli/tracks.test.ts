// `--track`: list groups a track's lessons under its heading, run walks the track (with what it
// requires) and not the core lessons, check runs the track's own pre-flight; bad names are one sentence.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { defaultLessonsDir } from '../../src/lesson/index.js';
import { memoryIO } from './io.js';

const root = mkdtempSync(join(tmpdir(), 'et-tracks-'));
const lessons = join(root, 'lessons');
cpSync(defaultLessonsDir(), lessons, { recursive: true });
// A track without lessons in this folder: the ambient track's lesson left out.
rmSync(join(lessons, '40-ambient-egress'), { recursive: true, force: true });
mkdirSync(join(lessons, '10-demo'));
writeFileSync(join(lessons, '10-demo', 'lesson.yaml'), 'track: gateway-api\nrequires: [02-setup]\nsteps:\n  - id: preflight\n    kind: check\n    checks: [cluster-reachable, istio-crds]\n  - id: idea\n    kind: explain\n');
writeFileSync(join(lessons, '10-demo', 'en.md'), '# Demo track lesson\n\nA demo.\n\n## Pre-flight {#preflight}\n\nChecks.\n\n## The idea {#idea}\n\nText.\n');
writeFileSync(join(lessons, '10-demo', 'zh.md'), '# 演示专题课\n\n演示。\n\n## 预检 {#preflight}\n\n检查。\n\n## 思路 {#idea}\n\n正文。\n');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('--track', () => {
  it('list shows the core lessons, then the track under its heading with what it needs', async () => {
    const io = memoryIO();
    expect(await runCli(['list', '--lessons', lessons], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/07-reference[^\n]*\n\nTrack gateway-api: The same egress with the Kubernetes Gateway API — needs the Gateway API CRDs \(TLSRoute from the experimental channel\)\n10-demo +Demo track lesson {2}\(2 steps\)/);
    const zh = memoryIO();
    expect(await runCli(['list', '--lessons', lessons, '--track', 'gateway-api', '--lang', 'zh'], zh)).toBe(0);
    expect(zh.stdout).toEqual(['\n专题 gateway-api：用 Kubernetes Gateway API 实现同样的出口 —— 需要 Gateway API 的 CRD（TLSRoute 来自实验通道）', '10-demo  演示专题课  (2 步)']);
  });

  it('run --track walks the track and the lessons it requires, not the other core lessons', async () => {
    const io = memoryIO();
    expect(await runCli(['run', '--yes', '--practice', '--lessons', lessons, '--track', 'gateway-api'], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain('Running 2 lessons on the practice cluster (simulated)');
    expect(text).toContain('Including 02-setup: required by the lessons named.');
    expect(text).toContain('== 10-demo: Demo track lesson');
    expect(text).not.toContain('== 04-http-egress-gateway');
  }, 60_000);

  it('check --track runs the pre-flight its lessons ask for', async () => {
    const io = memoryIO();
    expect(await runCli(['check', '--practice', '--lessons', lessons, '--track', 'gateway-api'], io)).toBe(0);
    const names = io.stdout.filter((l) => /^(PASS|WARN|FAIL) /.test(l)).map((l) => l.split(':')[0].split(/\s+/)[1]);
    expect(names).toEqual(['cluster-reachable', 'istio-crds']);
  }, 60_000);

  it('an unknown or empty track, or --track on a verb without lessons, is one sentence and exit 2', async () => {
    const unknown = memoryIO();
    expect(await runCli(['run', '--yes', '--practice', '--lessons', lessons, '--track', 'nope'], unknown)).toBe(2);
    expect(unknown.stderr.join('\n')).toBe('egress-tutorial: There is no track "nope"; the tracks are gateway-api, tls-origination, network-policy, ambient (`egress-tutorial list` shows them).');
    const empty = memoryIO();
    expect(await runCli(['run', '--yes', '--practice', '--lessons', lessons, '--track', 'ambient'], empty)).toBe(2);
    expect(empty.stderr.join('\n')).toContain('Track "ambient" has no lessons in this lessons folder yet');
    const verb = memoryIO();
    expect(await runCli(['reset', '--yes', '--track', 'ambient'], verb)).toBe(2);
    expect(verb.stderr.join('\n')).toContain('--track belongs to `run`, `check`, `manifests` and `list`');
  });
});
