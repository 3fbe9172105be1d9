// The gateway-api track (issue 15, part 1) on the practice cluster: walked headless to exit 0 in
// both languages and gateway modes; its pre-flight tells a cluster without the CRDs, with only the
// standard channel, and with istiod's alpha switch off (each with its fix); and the failure
// learners meet — TLSRoutes applied where istiod ignores them — is diagnosed.
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

const state = mkdtempSync(join(tmpdir(), 'track-gwapi-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));
const preflight = (p: Awaited<ReturnType<typeof startPractice>>, lang: 'en' | 'zh' = 'en') =>
  p.port.preflight({ clientNamespace: 'default', istioNamespace: 'istio-system', client: CLIENT, checks: ['gateway-api-crds', 'gateway-api-tls'] });

describe('run --track gateway-api --practice', () => {
  it.each([
    ['en', 'shared'],
    ['zh', 'own'],
  ] as const)('walks to exit 0 (%s, %s gateway): both lessons proved by the log of the gateway istiod deployed', async (lang, gateway) => {
    const io = memoryIO({ XDG_STATE_HOME: join(state, `${lang}-${gateway}`) });
    const code = await runCli(['run', '--yes', '--practice', '--track', 'gateway-api', '--gateway', gateway, '--lang', lang], io);
    const text = io.stdout.join('\n');
    expect(io.stderr, text).toEqual([]);
    expect(code).toBe(0);
    expect(text).toContain('== 10-gateway-api-http');
    expect(text).toContain('== 11-gateway-api-tls');
    expect(text).not.toContain('== 04-http-egress-gateway');
    const proofs = text.split('\n').filter((l) => l.includes('▶ PROOF'));
    expect(proofs).toHaveLength(2);
    expect(proofs[0]).toMatch(/▶ PROOF cnn-egress-gateway-istio-\S+: .*"GET \/headers HTTP\/1\.1" 200 .* outbound\|80\|\|httpbin\.org .* default\.forward-cnn-from-egress-gateway\.0$/);
    expect(proofs[1]).toMatch(/▶ PROOF cnn-egress-gateway-istio-\S+: .*"- - -" 0 .* outbound\|443\|\|www\.baidu\.com .* www\.baidu\.com -$/);
  }, 120_000);
});

describe("the track's pre-flight", () => {
  it('no CRDs, the standard channel only, the alpha switch off: each fails with its fix; all there passes', async () => {
    const p = await startPractice({ gatewayApi: 'none', podReadyDelayMs: 0 });
    try {
      let [crds, tls] = await preflight(p);
      expect(crds).toMatchObject({ level: 'fail', summary: 'The Gateway API CRDs are not installed: the cluster does not serve gateway.networking.k8s.io/v1.' });
      expect(crds.fix).toBe('Install them (Istio does not): kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.3.0/standard-install.yaml — or the experimental channel, which lesson 11 needs: kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.3.0/experimental-install.yaml. On the practice cluster: egress-tutorial practice --gateway-api experimental.');
      expect(tls.level).toBe('fail');

      p.cluster.setKnobs({ gatewayApi: 'standard', alphaGatewayApi: false });
      [crds, tls] = await preflight(p);
      expect(crds).toMatchObject({ level: 'pass', summary: 'The Gateway API CRDs are installed (v1.3.0, standard).' });
      expect(tls).toMatchObject({ level: 'fail', summary: "TLSRoute is not served: it ships only in the Gateway API's experimental channel (gateway.networking.k8s.io/v1alpha2)." });
      expect(tls.fix).toContain('experimental-install.yaml');

      p.cluster.setKnobs({ gatewayApi: 'experimental' });
      [, tls] = await preflight(p);
      expect(tls).toMatchObject({ level: 'fail', summary: 'TLSRoute is served, but istiod ignores it: PILOT_ENABLE_ALPHA_GATEWAY_API is not set, so a TLSRoute gets no status and routes nothing.' });
      expect(tls.fix).toBe('Turn it on: istioctl install <your flags> --set values.pilot.env.PILOT_ENABLE_ALPHA_GATEWAY_API=true -y. On the practice cluster: egress-tutorial practice --gateway-api experimental.');

      p.cluster.setKnobs({ alphaGatewayApi: true });
      [crds, tls] = await preflight(p);
      expect([crds.level, tls.level]).toEqual(['pass', 'pass']);
    } finally {
      await p.stop();
    }
  }, 60_000);
});

describe('TLSRoutes where istiod ignores them', () => {
  it('apply without an error, the HTTPS goes around the gateway, and the logs step says why', async () => {
    const p = await startPractice({ alphaGatewayApi: false, podReadyDelayMs: 0 });
    const { set } = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system' });
    const engine = createEngine({ lessons: set!, port: p.port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 2500 });
    try {
      expect((await runHeadless(engine, ['02-setup'], 'en', () => undefined)).ok).toBe(true);
      const lesson = set!.lessons.find((l) => l.id === '11-gateway-api-tls')!;
      // Past the pre-flight (it fails here, as it should), as a learner who goes on anyway.
      const verdicts = await stepsPastPreflight(engine, lesson, 'gateway-log');
      expect(verdicts['gateway-and-routes'].ok).toBe(true);
      expect(verdicts['curl-gateway'].ok).toBe(true);
      expect(verdicts['gateway-log'].ok).toBe(false);
      expect(verdicts['gateway-log'].diagnosis).toMatch(/TLSRoute .*no status.*PILOT_ENABLE_ALPHA_GATEWAY_API/);
    } finally {
      engine.dispose();
      await p.stop();
    }
  }, 60_000);
});

describe('an HTTPRoute whose backend is not the gateway istiod deployed', () => {
  it("curl gets 503 and the step's diagnosis quotes the route's ResolvedRefs: BackendNotFound", async () => {
    const p = await startPractice({ podReadyDelayMs: 0 });
    const { set } = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system' });
    // The learner's typo: the Gateway's name where its Service's (<name>-istio) belongs.
    const lesson = set!.lessons.find((l) => l.id === '10-gateway-api-http')!;
    const routes = lesson.steps.find((s) => s.id === 'routes')!;
    const mesh = (routes as { manifests: { objects: { metadata: { name: string }; spec?: unknown }[] }[] }).manifests[0].objects.find((o) => o.metadata.name === 'direct-cnn-to-egress-gateway')!;
    (mesh.spec as { rules: { backendRefs: { name: string }[] }[] }).rules[0].backendRefs[0].name = 'cnn-egress-gateway';
    const engine = createEngine({ lessons: set!, port: p.port, progress: memoryProgressStore(), lang: 'zh', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 2500 });
    try {
      expect((await runHeadless(engine, ['02-setup'], 'en', () => undefined)).ok).toBe(true);
      const verdict = (await stepsPastPreflight(engine, lesson, 'curl-gateway'))['curl-gateway'];
      expect(verdict.ok).toBe(false);
      expect(verdict.summary).toMatch(/503/);
      expect(verdict.diagnosis).toContain('HTTPRoute direct-cnn-to-egress-gateway 有一个无法解析的后端：BackendNotFound，"backend(cnn-egress-gateway.default.svc.cluster.local) not found"。');
    } finally {
      engine.dispose();
      await p.stop();
    }
  }, 60_000);
});
