// Issue 16 item 6: an exec that never returns (the practice cluster's hangExec knob: the stream
// stays open, nothing comes back) is told apart from curl's own timeout (exit 28): the verdict
// says what hangs and gives no network or gateway hint.
import { describe, expect, it } from 'vitest';
import { usePracticeEngine } from './practice-engine.js';

const t = usePracticeEngine({ verifyTimeoutMs: 1000 });

describe('a hung exec', () => {
  it('is reported as a hung exec session, not as curl exit 28 with a gateway hint', async () => {
    t.engine.openLesson('02-setup', 'client');
    expect((await t.engine.run()).ok).toBe(true);
    t.engine.openLesson('04-http-egress-gateway', 'service-entry');
    expect((await t.engine.run()).ok).toBe(true);
    t.practice.setKnobs({ hangExec: true });
    try {
      t.engine.openLesson('04-http-egress-gateway', 'curl-service-entry');
      const verdict = await t.engine.run();
      expect(verdict.ok).toBe(false);
      expect(verdict.exitCode).toBeUndefined();
      expect(verdict.summary).toMatch(/^curl in pod curl-[a-z0-9-]+ never finished: the exec session stayed open with no output$/);
      expect(verdict.diagnosis).toMatch(/stayed open for 5 s with no output and no exit status, so it was stopped: the exec \(the container or the API server's stream to it\) hangs, this is not a curl timeout; check the pod with kubectl describe pod curl-/);
      expect(verdict.diagnosis).not.toMatch(/gateway|exit 28/);
    } finally {
      t.practice.setKnobs({ hangExec: false });
    }
    // Once exec answers again, the same step passes.
    expect((await t.engine.run()).ok).toBe(true);
  }, 60_000);
});
