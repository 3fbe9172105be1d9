// Engine.trace over the real kube backend and the practice cluster: it traces the current step's
// request, shows it in the snapshot, is dropped by a new run, and stops on cancel.
import { describe, expect, it } from 'vitest';
import { usePracticeEngine } from './practice-engine.js';

const t = usePracticeEngine({ verifyTimeoutMs: 20_000 });

describe('Engine.trace', () => {
  it('a step that sent no request this session has nothing to trace; a non-verification step neither', async () => {
    t.engine.openLesson('04-http-egress-gateway', 'curl-gateway');
    expect(await t.engine.trace!()).toBeUndefined();
    t.engine.openLesson('04-http-egress-gateway', 'service-entry');
    expect(await t.engine.trace!()).toBeUndefined();
  });

  it("traces the exec step's request and the logs step's (the one it proved); a new run drops the old trace", async () => {
    for (const step of ['client', 'source-pod']) expect((await t.runStep('02-setup', step)).ok, step).toBe(true);
    for (const step of ['service-entry', 'gateway', 'virtual-service', 'curl-gateway']) expect((await t.runStep('04-http-egress-gateway', step)).ok, step).toBe(true);
    const trace = await t.engine.trace!();
    expect(trace?.hops.map((h) => h.lit)).toEqual([true, true, true, true]);
    expect(trace?.settled).toBe(true);
    expect(t.engine.snapshot().stepState.trace).toEqual(trace);
    const id = trace?.requestId;
    expect(id).toMatch(/^egress-tutorial-/);

    expect((await t.runStep('04-http-egress-gateway', 'gateway-log')).ok).toBe(true);
    const logs = await t.engine.trace!();
    expect(logs?.requestId).toBe(id);
    expect(logs?.hops[2].lit).toBe(true);
    t.engine.cancel();

    t.engine.openLesson('04-http-egress-gateway', 'curl-gateway');
    expect((await t.engine.run()).ok).toBe(true);
    expect(t.engine.snapshot().stepState.trace).toBeUndefined();
  }, 60_000);

  it('Esc (cancel) stops collecting at once and keeps what was found', async () => {
    t.engine.openLesson('04-http-egress-gateway', 'curl-gateway');
    const started = Date.now();
    const pending = t.engine.trace!();
    setTimeout(() => t.engine.cancel(), 20);
    const trace = await pending;
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(trace?.settled).toBe(true);
  });
});
