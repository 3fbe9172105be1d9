// `--track`: list groups a track's lessons under its heading, run walks the track (with what it
// requires) and not the core lessons, check runs the track's own pre-flight; bad names are one sentence.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { defaultLessonsDir } from '../../src/lesson/index.js';
import { memoryIO } from './io.js';

const root = mkdtempSync(join(tmpdir(), 'et-tracks-'));
// A copy whose ambient track has no lessons: what a track declared ahead of its lessons looks like.
const lessons = join(root, 'lessons');
cpSync(defaultLessonsDir(), lessons, { recursive: true });
for (const dir of readdirSync(lessons)) {
  const file = join(lessons, dir, 'lesson.yaml');
  if (existsSync(file) && /^track: ambient$/m.test(readFileSync(file, 'utf8'))) rmSync(join(lessons, dir), { recursive: true });
}
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('--track', () => {
  it('list shows the core lessons, then the track under its heading with what it needs', async () => {
    const io = memoryIO();
    expect(await runCli(['list'], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/07-reference[^\n]*\n\nTrack gateway-api: The same egress with the Kubernetes Gateway API — needs the Gateway API CRDs \(TLSRoute from the experimental channel\)\n10-gateway-api-http +HTTP egress with the Kubernetes Gateway API +\(10 steps\)\n11-gateway-api-tls +HTTPS passthrough with the Kubernetes Gateway API +\(8 steps\)\n\nTrack tls-origination/);
    const zh = memoryIO();
    expect(await runCli(['list', '--track', 'gateway-api', '--lang', 'zh'], zh)).toBe(0);
    expect(zh.stdout[0]).toBe('\n专题 gateway-api：用 Kubernetes Gateway API 实现同样的出口 —— 需要 Gateway API 的 CRD（TLSRoute 来自实验通道）');
    expect(zh.stdout.slice(1).map((l) => l.split(/\s{2,}/)[0])).toEqual(['10-gateway-api-http', '11-gateway-api-tls']);
    expect(zh.stdout[1]).toContain('用 Kubernetes Gateway API 实现 HTTP 出口');
  });

  it('run --track walks the track and the lessons it requires, not the other core lessons', async () => {
    const io = memoryIO();
    expect(await runCli(['run', '--yes', '--practice', '--track', 'gateway-api'], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain('Running 3 lessons on the practice cluster (simulated)');
    expect(text).toContain('Including 02-setup: required by the lessons named.');
    expect(text).toContain('== 10-gateway-api-http: HTTP egress with the Kubernetes Gateway API');
    expect(text).toContain('== 11-gateway-api-tls: HTTPS passthrough with the Kubernetes Gateway API');
    expect(text).not.toContain('== 04-http-egress-gateway');
  }, 60_000);

  it('check --track runs the pre-flight its lessons ask for', async () => {
    const io = memoryIO({ XDG_STATE_HOME: join(root, 'state-check') });
    // A fresh practice cluster has no client yet (lesson 2 deploys it): a warning, not a failure.
    expect(await runCli(['check', '--practice', '--track', 'gateway-api'], io)).toBe(0);
    const lines = io.stdout.filter((l) => /^(PASS|WARN|FAIL) /.test(l)).map((l) => l.split(':')[0].replace(/\s+/, ' '));
    expect(lines).toEqual(['PASS cluster-reachable', 'PASS sidecar-injection', 'WARN client-ready', 'PASS gateway-api-crds', 'PASS gateway-api-tls', 'PASS route-visibility']);
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
