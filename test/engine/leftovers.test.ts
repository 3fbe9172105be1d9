// Issue 16 items 1 and 4: leftovers of another lesson decide a verification. Lesson 5's
// ServiceEntry for www.baidu.com left over makes lesson 3's REGISTRY_ONLY experiment succeed: the
// step names it (with the lesson that left it) after one attempt and removeLeftovers() clears the
// way. Lesson 3's REGISTRY_ONLY Sidecar left over makes a later lesson's request fail with 502:
// the verdict and the outbound-policy pre-flight check name it.
import { describe, expect, it } from 'vitest';
import { runHeadless } from '../../src/cli/headless.js';
import { usePracticeEngine } from './practice-engine.js';

const t = usePracticeEngine({ verifyTimeoutMs: 20_000 });

describe('leftovers of another lesson', () => {
  it("lesson 5's ServiceEntry left over: lesson 3's blocked HTTPS request names it after one attempt; removing it makes the experiment pass", async () => {
    expect((await t.runStep('02-setup', 'client')).ok).toBe(true);
    expect((await t.runStep('05-https-passthrough', 'service-entry')).ok).toBe(true); // then the walk was interrupted
    expect((await t.runStep('03-outbound-policy-experiment', 'registry-only')).ok).toBe(true);
    const started = Date.now();
    const verdict = await t.runStep('03-outbound-policy-experiment', 'curl-https-blocked');
    expect(verdict).toMatchObject({ ok: false, attempts: 1 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(verdict.summary).toMatch(/stopped retrying: an object left from another lesson decides this result$/);
    expect(verdict.diagnosis).toBe(
      'ServiceEntry "cnn" (default), left by lesson 05-https-passthrough, registers www.baidu.com, so this experiment\'s request is not blocked: remove it (the tutorial asks first; or run `egress-tutorial reset`), then retry.',
    );
    expect(t.engine.snapshot().stepState.leftovers).toEqual([{ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: 'cnn', namespace: 'default' }]);

    const after = await t.engine.removeLeftovers();
    expect(after).toMatchObject({ ok: true, exitCode: 35 });
  }, 60_000);

  it("lesson 3's REGISTRY_ONLY Sidecar left over: a later lesson's 502 and the outbound-policy check name it", async () => {
    // The Sidecar from the first test is still there (lesson 3 was not cleaned up); lesson 4's
    // first request expects the default ALLOW_ANY (its ServiceEntry step skipped here).
    const verdict = await t.runStep('04-http-egress-gateway', 'curl-service-entry');
    expect(verdict).toMatchObject({ ok: false, httpStatus: 502, attempts: 1 });
    expect(verdict.diagnosis).toMatch(/^Sidecar "registry-only" \(default\), left by lesson 03-outbound-policy-experiment, sets REGISTRY_ONLY for the whole namespace, so the sidecar refuses hosts without a ServiceEntry: remove it/);
    const [check] = await t.port.preflight({ clientNamespace: 'default', istioNamespace: 'istio-system', client: { namespace: 'default', labels: { app: 'curl' }, container: 'curl' }, checks: ['outbound-policy'] });
    expect(check.summary).toBe('Outbound traffic policy: REGISTRY_ONLY (from Sidecar "registry-only" in namespace "default", left by the tutorial\'s lesson 03-outbound-policy-experiment).');
  }, 60_000);

  it('run --yes removes the tutorial\'s leftovers (lesson 4\'s routing for the HTTP host, lesson 5\'s ServiceEntry) and goes on', async () => {
    expect((await t.runStep('04-http-egress-gateway', 'gateway')).ok).toBe(true);
    expect((await t.runStep('04-http-egress-gateway', 'virtual-service')).ok).toBe(true);
    expect((await t.runStep('05-https-passthrough', 'service-entry')).ok).toBe(true);
    let output = '';
    const result = await runHeadless(t.engine, ['03-outbound-policy-experiment'], 'en', (line) => (output += `${line}\n`));
    expect(output).toMatch(/curl-blocked[\s\S]*FAIL [^\n]*stopped retrying[\s\S]*VirtualService "direct-cnn-through-egress-gateway" \(default\), left by lesson 04-http-egress-gateway, routes httpbin\.org[\s\S]*removing the leftovers \(--yes\) and retrying/);
    expect(output).toMatch(/curl-https-blocked[\s\S]*ServiceEntry "cnn" \(default\), left by lesson 05-https-passthrough, registers www\.baidu\.com/);
    expect(result.ok).toBe(true);
  }, 60_000);
});
