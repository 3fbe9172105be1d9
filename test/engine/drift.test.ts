// C6 in the engine, issue 16 item 2: a learner's kubectl patch right after the tutorial applied
// the VirtualService (the practice cluster's foreignEdit knob) stops the verification after one
// attempt with who changed which field, and reapply() takes it back so the step passes.
import { describe, expect, it } from 'vitest';
import { usePracticeEngine } from './practice-engine.js';

const t = usePracticeEngine({ verifyTimeoutMs: 20_000 });

describe('drift during a step', () => {
  it('mesh dropped from gateways right after the apply: the log step stops early naming VirtualService, spec.gateways and kubectl-patch; reapply() fixes it', async () => {
    expect((await t.runStep('02-setup', 'client')).ok).toBe(true);
    expect((await t.runStep('04-http-egress-gateway', 'service-entry')).ok).toBe(true);
    expect((await t.runStep('04-http-egress-gateway', 'gateway')).ok).toBe(true);
    // The learner drops `mesh` from the VirtualService's gateways right after the apply.
    t.practice.setKnobs({ foreignEdit: { kind: 'VirtualService', name: 'direct-cnn-through-egress-gateway', patch: { spec: { gateways: ['istio-egressgateway'] } } } });
    expect((await t.runStep('04-http-egress-gateway', 'virtual-service')).ok).toBe(true);
    // Without `mesh` the sidecar sends the request straight out: 200, but not through the gateway.
    expect((await t.runStep('04-http-egress-gateway', 'curl-gateway')).ok).toBe(true);

    t.engine.next();
    expect(t.engine.snapshot().step.id).toBe('gateway-log');
    const started = Date.now();
    const broken = await t.engine.run();
    t.engine.cancel();
    expect(broken.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(10_000); // the budget is 20 s
    expect(broken.diagnosis).toMatch(/^VirtualService\/direct-cnn-through-egress-gateway \(default\) was changed after the tutorial applied it: kubectl-patch changed spec\.gateways — re-apply/);
    expect(t.engine.snapshot().stepState.drift).toEqual([
      { ref: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', name: 'direct-cnn-through-egress-gateway', namespace: 'default' }, fields: ['spec.gateways'], managers: ['kubectl-patch'] },
    ]);

    // Re-applied, the log step runs again: the earlier curl went straight out, so it sends a new
    // request with the curl step's command and finds that one (issue 12: retry that can succeed).
    const reapplied = await t.engine.reapply();
    t.engine.cancel();
    expect(t.engine.snapshot().stepState.drift).toBeUndefined();
    expect(reapplied.ok).toBe(true);
    expect(reapplied.summary).toMatch(/^Found the request in istio-egressgateway-\S+'s log/);
    expect(t.engine.snapshot().stepState.output.map((o) => o.text).join('\n')).toMatch(/Sent a new request \(x-request-id: egress-tutorial-[0-9a-f-]+\): HTTP 200/);
    expect(await t.port.drift!(t.engine.snapshot().lesson.steps.flatMap((s) => (s.kind === 'apply' ? s.manifests.flatMap((m) => m.objects) : [])), { namespace: 'default' })).toEqual([]);
  }, 60_000);

  it('a DestinationRule edited with kubectl edit: the curl stops after one attempt, not 18, and in Chinese too', async () => {
    t.engine.setLang('zh');
    t.practice.setKnobs({ foreignEdit: { kind: 'DestinationRule', name: 'egressgateway-for-cnn', manager: 'kubectl-edit', patch: { spec: { subsets: [{ name: 'other' }] } } } });
    expect((await t.runStep('04-http-egress-gateway', 'gateway')).ok).toBe(true);
    const broken = await t.runStep('04-http-egress-gateway', 'curl-gateway');
    expect(broken).toMatchObject({ ok: false, httpStatus: 503, attempts: 1 });
    expect(broken.summary).not.toMatch(/尝试/);
    expect(broken.diagnosis).toMatch(/^DestinationRule\/egressgateway-for-cnn \(default\) 在教程应用之后被修改了：kubectl-edit 改动了 spec\.subsets——重新应用/);
    t.engine.setLang('en');
    const fixed = await t.engine.reapply();
    expect(fixed).toMatchObject({ ok: true, httpStatus: 200 });
  }, 60_000);
});
