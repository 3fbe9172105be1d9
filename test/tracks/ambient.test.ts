// The ambient track (issue 15, part 4) on the practice cluster: lesson 40 walked headless to exit 0
// on the ambient profile in both languages (and both gateway modes: the lesson uses neither
// gateway); its typical failure, a ServiceEntry without istio.io/use-waypoint (200, but no
// waypoint line), stops the walk at the waypoint's logs step naming the label; on a sidecar-only
// practice cluster the pre-flight fails at ambient-mode with the install command (a class's
// learners: test/tracks/ambient-class.test.ts).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { createEngine } from '../../src/engine/index.js';
import { defaultLessonsDir, loadLessonSet } from '../../src/lesson/index.js';
import { memoryProgressStore } from '../../src/progress/index.js';
import { startPractice } from '../cluster/practice-helpers.js';
import { memoryIO } from '../cli/io.js';

const state = mkdtempSync(join(tmpdir(), 'track-ambient-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

describe('run --track ambient --practice --profile ambient', () => {
  it.each([
    ['en', 'shared'],
    ['zh', 'own'],
  ] as const)('walks to exit 0 (%s, %s gateway): through the waypoint, its line and ztunnel\'s HBONE line prove it, the policy answers 403', async (lang, gateway) => {
    const io = memoryIO({ XDG_STATE_HOME: join(state, `${lang}-${gateway}`) });
    const code = await runCli(['run', '--yes', '--practice', '--profile', 'ambient', '--track', 'ambient', '--gateway', gateway, '--lang', lang], io);
    const text = io.stdout.join('\n');
    expect(io.stderr, text).toEqual([]);
    expect(code, text).toBe(0);
    expect(text).toContain('== 40-ambient-egress');
    // The track needs no other lesson: no sidecar client, no egress gateway.
    expect(text).not.toContain('== 02-setup');
    // The client has no sidecar and says so by its own label: no "has no istio-proxy" warning.
    expect(text).not.toMatch(/curl-ambient\S* (has no istio-proxy|没有 istio-proxy)/);
    // The waypoint's Envoy line for the tagged GET, and ztunnel's HBONE hop to the waypoint for the same request.
    const waypointProof = /▶ PROOF (waypoint-\S+): .*"GET \/get HTTP\/1\.1" 200 .*"(egress-tutorial-[0-9a-f-]+)" "httpbin\.org" .* outbound\|80\|\|httpbin\.org .* (10\.\d+\.\d+\.\d+):\d+ - default/.exec(text);
    expect(waypointProof, text).not.toBeNull();
    const [, waypointPod, , clientIp] = waypointProof!;
    if (gateway === 'shared') {
      const ztunnelProof = /▶ PROOF ztunnel-\S+: .*connection complete\tsrc\.addr=(\S+):\d+ src\.workload="curl-ambient-[^"]+" .* dst\.addr=\S+:15008 dst\.hbone_addr=240\.240\.\S+:80 dst\.service="httpbin\.org" dst\.workload="(\S+)"/.exec(text);
      expect(ztunnelProof, text).not.toBeNull();
      expect(ztunnelProof![1]).toBe(clientIp);
      expect(ztunnelProof![2]).toBe(waypointPod);
      // One request proved twice: the ztunnel step did not send a new one.
      expect(text).not.toMatch(/Sent a new request|已发送新的请求/);
      expect(text).toContain(lang === 'en' ? "Found the request's connection in ztunnel-" : '的日志中找到了这次请求的连接');
    } else {
      // Own mode: a class gives no logs of the Istio namespace, so ztunnel's step is left out.
      expect(text).not.toContain('ztunnel-log');
    }
    // The policy: GET /get allowed, POST /post denied at the waypoint.
    expect(text).toMatch(/curl -H 'x-request-id: [^']+' -sS -o \/dev\/null -D - -X POST http:\/\/httpbin\.org\/post\n\s+\| HTTP\/1\.1 403 Forbidden/);
    expect(text).toMatch(/▶ PROOF waypoint-\S+: .*"POST \/post HTTP\/1\.1" 403 - rbac_access_denied_matched_policy\[none\]/);
    const verifications = gateway === 'shared' ? 12 : 11;
    expect(text).toContain(lang === 'en' ? `All ${verifications} verifications passed.` : `全部 ${verifications} 项验证通过。`);
  }, 120_000);
});

describe('the typical failure: the ServiceEntry without istio.io/use-waypoint', () => {
  it('the curl still gets 200, but the waypoint logs nothing: the walk stops at the waypoint\'s logs step naming the label and the fix, en and zh', async () => {
    const dir = join(state, 'lessons-unlabelled');
    cpSync(defaultLessonsDir(), dir, { recursive: true });
    const file = join(dir, '40-ambient-egress', 'manifests', 'serviceentry.yaml');
    const original = readFileSync(file, 'utf8');
    const unlabelled = original.replace('  labels:\n    istio.io/use-waypoint: waypoint\n', '');
    expect(unlabelled).not.toBe(original);
    writeFileSync(file, unlabelled);
    for (const lang of ['en', 'zh'] as const) {
      const io = memoryIO({ XDG_STATE_HOME: join(state, `unlabelled-${lang}`) });
      const code = await runCli(['run', '--yes', '--practice', '--profile', 'ambient', '--track', 'ambient', '--lessons', dir, '--lang', lang], io);
      const text = [...io.stdout, ...io.stderr].join('\n');
      expect(code, text).toBe(1);
      expect(text).toMatch(/-- \[6\/14\] curl-waypoint[\s\S]*\| HTTP\/1\.1 200 OK[\s\S]*PASS/);
      expect(text).toMatch(/(FAILED at|失败（FAILED）于) 40-ambient-egress\/waypoint-log/);
      if (lang === 'en') {
        expect(text).toContain('The request to httpbin.org got HTTP 200, but the waypoint waypoint wrote no line for it: ServiceEntry httpbin-org (default) has no label istio.io/use-waypoint, so ztunnel sent the bytes straight to httpbin.org');
        expect(text).toContain('kubectl label serviceentry httpbin-org -n default istio.io/use-waypoint=waypoint');
      } else {
        expect(text).toContain('访问 httpbin.org 的请求得到了 HTTP 200，但 waypoint waypoint 没有为它写日志行：服务入口 httpbin-org（default）没有 istio.io/use-waypoint 标签');
        expect(text).toContain('kubectl label serviceentry httpbin-org -n default istio.io/use-waypoint=waypoint');
      }
      // Not blamed on the sidecar world's objects; the explainer names the field and the patch `f` makes.
      expect(text).not.toMatch(/VirtualService binds `mesh`|虚拟服务是否绑定了 `mesh`/);
      expect(text).toContain('ServiceEntry httpbin-org (default) ');
      expect(text).toContain('metadata.labels[istio.io/use-waypoint]');
      expect(text).toContain(`kubectl patch serviceentry.networking.istio.io httpbin-org -n default --type=merge -p '{"metadata":{"labels":{"istio.io/use-waypoint":"waypoint"}}}'`);
    }
  }, 120_000);

  it('f labels the ServiceEntry and the waypoint\'s step passes with a new request through it', async () => {
    const dir = join(state, 'lessons-unlabelled');
    const p = await startPractice({ ambient: true, podReadyDelayMs: 0 });
    const { set } = loadLessonSet(dir, { namespace: 'default', istioNamespace: 'istio-system' });
    const engine = createEngine({ lessons: set!, port: p.port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 3000 });
    try {
      const lesson = set!.lessons.find((l) => l.id === '40-ambient-egress')!;
      let verdict;
      for (const step of lesson.steps) {
        engine.openLesson(lesson.id, step.id);
        verdict = await engine.run();
        if (step.id === 'waypoint-log') break;
        expect(verdict.ok, `${step.id}: ${verdict.summary}`).toBe(true);
        engine.cancel();
      }
      expect(verdict!.ok).toBe(false);
      const fixed = await engine.applyExplainFix!();
      expect(fixed.ok, `${fixed.summary} ${fixed.diagnosis ?? ''}`).toBe(true);
      expect(fixed.summary).toMatch(/waypoint-\S+'s log/);
      const entry = (await p.other.read({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'httpbin-org', namespace: 'default' } })) as { metadata: { labels?: Record<string, string> } };
      expect(entry.metadata.labels?.['istio.io/use-waypoint']).toBe('waypoint');
      // Still the tutorial's object, of this lesson.
      expect(entry.metadata.labels?.['egress-tutorial.dev/lesson']).toBe('40-ambient-egress');
    } finally {
      engine.dispose();
      await p.stop();
    }
  }, 90_000);
});

describe('the track on a sidecar-only cluster', () => {
  it('the lesson\'s pre-flight fails at ambient-mode with the install command, and the walk stops there', async () => {
    const io = memoryIO({ XDG_STATE_HOME: join(state, 'sidecar-only') });
    const code = await runCli(['run', '--yes', '--practice', '--track', 'ambient', '--lang', 'en'], io);
    const text = [...io.stdout, ...io.stderr].join('\n');
    expect(code, text).toBe(1);
    expect(text).toContain('FAIL ambient-mode: No ztunnel DaemonSet in "istio-system": Istio is installed without ambient mode, so no pod can go without a sidecar.');
    expect(text).toMatch(/ambient-mode: Install Istio's ambient profile: istioctl install --set profile=ambient -y .*egress-tutorial --practice --profile ambient\./);
    expect(text).toContain('FAILED at 40-ambient-egress/preflight');
    expect(text).not.toContain('-- [3/14] ambient-client');
  }, 60_000);
});
