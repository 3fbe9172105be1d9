// The TLS-origination track (issue 15, part 2) on the practice cluster, walked headless to exit 0
// in both languages and gateway modes: plain HTTP in, HTTPS out (the host reports an https URL),
// the gateway's line with the mutual TLS SNI and the upstream on 443, the wrong-SNI 503, the fix.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { memoryIO } from '../cli/io.js';

const state = mkdtempSync(join(tmpdir(), 'track-tls-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

describe('run --track tls-origination --practice', () => {
  it.each([
    ['en', 'shared'],
    ['zh', 'own'],
  ] as const)('walks to exit 0 (%s, %s gateway)', async (lang, gateway) => {
    const io = memoryIO({ XDG_STATE_HOME: join(state, `${lang}-${gateway}`) });
    const code = await runCli(['run', '--yes', '--practice', '--track', 'tls-origination', '--gateway', gateway, '--lang', lang], io);
    const text = io.stdout.join('\n');
    expect(io.stderr, text).toEqual([]);
    expect(code).toBe(0);
    expect(text).toContain('== 20-tls-origination');
    expect(text).toContain('|   "url": "https://httpbin.org/get"');
    const proof = /▶ PROOF (\S+): (.*)/.exec(text)!;
    expect(proof[1]).toMatch(gateway === 'own' ? /^egressgateway-/ : /^istio-egressgateway-/);
    // HTTP/2 over the sidecar's mutual TLS, upstream 443, and the SNI as the requested server name.
    expect(proof[2]).toMatch(/"GET \/get HTTP\/2" 200 .* outbound\|443\|\|httpbin\.org .* httpbin\.org -$/);
    expect(text).toContain('| HTTP/1.1 503 Service Unavailable');
  }, 120_000);
});

describe('the wrong SNI explained', () => {
  it('a failed origination with the wrong-SNI DestinationRule names its sni field, and f sets it to the server host; the step then passes', async () => {
    const { connectCluster } = await import('../../src/cluster/index.js');
    const { createEngine } = await import('../../src/engine/index.js');
    const { defaultLessonsDir, loadLessonSet } = await import('../../src/lesson/index.js');
    const { startPracticeCluster } = await import('../../src/practice/index.js');
    const { memoryProgressStore } = await import('../../src/progress/index.js');
    const practice = await startPracticeCluster({ knobs: { podReadyDelayMs: 0 } });
    const { port } = await connectCluster({ kubeconfigYaml: practice.kubeconfig(), namespace: 'default', istioNamespace: 'istio-system', backend: 'practice' });
    const { set } = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system' });
    const engine = createEngine({ lessons: set!, port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 3_000, logLineGraceMs: 1_500 });
    const step = async (lesson: string, id: string) => {
      engine.openLesson(lesson, id);
      const v = await engine.run();
      engine.cancel();
      return v;
    };
    try {
      expect((await step('02-setup', 'client')).ok).toBe(true);
      for (const id of ['service-entry', 'gateway', 'virtual-service', 'originate', 'wrong-sni']) expect((await step('20-tls-origination', id)).ok).toBe(true);
      const broken = await step('20-tls-origination', 'curl-origination');
      expect(broken.ok).toBe(false);
      expect(broken.diagnosis).toMatch(/Found: DestinationRule egressgateway-for-cnn \(default\) field spec\.subsets\[0\]\.trafficPolicy\.portLevelSettings\[\]\.tls\.sni\n/);
      expect(broken.diagnosis).toContain('with SNI wrong.httpbin.org, but the ISTIO_MUTUAL server of Gateway istio-egressgateway (default) has hosts httpbin.org');
      expect(broken.diagnosis).toContain('$ istioctl proxy-config listeners istio-egressgateway-');
      engine.setLang('zh');
      expect(engine.snapshot().stepState.verdict?.diagnosis).toContain('目标规则 egressgateway-for-cnn (default) 让边车用 SNI wrong.httpbin.org 与网关建立 Istio 双向 TLS');
      engine.setLang('en');
      const fixed = await engine.applyExplainFix!();
      expect(fixed, fixed.diagnosis).toMatchObject({ ok: true });
    } finally {
      engine.dispose();
      port.close();
      await practice.stop();
    }
  }, 90_000);
});
