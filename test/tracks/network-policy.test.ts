// The NetworkPolicy track (issue 15, part 3) on the practice cluster: walked headless to exit 0 in
// both languages and gateway modes; its pre-flight tells an enforcing CNI from kindnet (and says
// how to get one); on kindnet the blocked request is not blocked and the walk stops there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { runHeadless } from '../../src/cli/headless.js';
import { createEngine } from '../../src/engine/index.js';
import { defaultLessonsDir, loadLessonSet } from '../../src/lesson/index.js';
import { memoryProgressStore } from '../../src/progress/index.js';
import { CLIENT, startPractice } from '../cluster/practice-helpers.js';
import { memoryIO } from '../cli/io.js';
import { stepsPastPreflight } from './walk.js';

const state = mkdtempSync(join(tmpdir(), 'track-netpol-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

describe('run --track network-policy --practice', () => {
  it.each([
    ['en', 'shared'],
    ['zh', 'own'],
  ] as const)('walks to exit 0 (%s, %s gateway): open without the policy, exit 28 with it, the gateway line still proves the way out', async (lang, gateway) => {
    const io = memoryIO({ XDG_STATE_HOME: join(state, `${lang}-${gateway}`) });
    const code = await runCli(['run', '--yes', '--practice', '--track', 'network-policy', '--gateway', gateway, '--lang', lang], io);
    const text = io.stdout.join('\n');
    expect(io.stderr, text).toEqual([]);
    expect(code).toBe(0);
    expect(text).toContain('== 30-network-policy');
    expect(text).toContain(lang === 'en' ? 'Including 02-setup: required by the lessons named.' : '同时运行 02-setup');
    expect(text).toMatch(/curl: \(28\) Failed to connect to httpbin\.org port 80 after 500\d ms: Timeout was reached/);
    expect(text).toMatch(gateway === 'own' ? /▶ PROOF egressgateway-/ : /▶ PROOF istio-egressgateway-/);
    // The bypassing pod opted out of injection: no "has no sidecar" warning for it.
    expect(text).not.toMatch(/curl-bypass\S* (has no istio-proxy|没有 istio-proxy)/);
    expect(text).not.toContain('== 04-http-egress-gateway');
  }, 120_000);
});

describe('the track on a CNI that does not enforce NetworkPolicy', () => {
  it('pre-flight fails naming kindnet with the fix; with Calico it passes; the blocked step then fails and the walk stops', async () => {
    const p = await startPractice({ cni: 'kindnet', podReadyDelayMs: 0 });
    try {
      const [kindnet] = await p.port.preflight({ clientNamespace: 'default', istioNamespace: 'istio-system', client: CLIENT, checks: ['network-policy-enforced'] });
      expect(kindnet.level).toBe('fail');
      expect(kindnet.summary).toBe("The CNI is kindnet (kind’s default): it accepts NetworkPolicy objects but does not enforce them, so this track's policy would stop nothing.");
      expect(kindnet.fix).toMatch(/^Use a CNI that enforces NetworkPolicy\. On kind: .*install Calico .*minikube start --cni=calico/);

      const { set } = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system' });
      const engine = createEngine({ lessons: set!, port: p.port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 3000 });
      try {
        expect((await runHeadless(engine, ['02-setup'], 'en', () => undefined)).ok).toBe(true);
        // Past the track's pre-flight (it fails here, as it should), step by step as a learner who goes on anyway.
        const lesson = set!.lessons.find((l) => l.id === '30-network-policy')!;
        const verdicts = await stepsPastPreflight(engine, lesson, 'curl-bypass-blocked');
        expect(verdicts.policy.ok).toBe(true);
        // kindnet accepts the policy and drops nothing: the request that should be blocked answers 200.
        expect(verdicts['curl-bypass-blocked'].ok).toBe(false);
        expect(verdicts['curl-bypass-blocked'].summary).toMatch(/^exit code 0, expected 28/);
        // Said in the network's terms, not blamed on a ServiceEntry the pod's traffic never meets.
        expect(verdicts['curl-bypass-blocked'].diagnosis).toMatch(/^The request to httpbin\.org succeeded, but this step expects the network to block it: this pod has no sidecar.*network-policy-enforced/);
      } finally {
        engine.dispose();
      }

      p.cluster.setKnobs({ cni: 'calico' });
      const [calico] = await p.port.preflight({ clientNamespace: 'default', istioNamespace: 'istio-system', client: CLIENT, checks: ['network-policy-enforced'] });
      expect(calico).toMatchObject({ level: 'pass', summary: 'The CNI is Calico: it enforces NetworkPolicy.' });
    } finally {
      await p.stop();
    }
  }, 90_000);
});
