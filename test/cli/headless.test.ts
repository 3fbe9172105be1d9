import { describe, expect, it } from 'vitest';
import { runHeadless } from '../../src/cli/headless.js';
import { createEngine } from '../../src/engine/index.js';
import { memoryProgressStore } from '../../src/progress/index.js';
import { FakePort, gatewayLine, lessonSet } from '../engine/fixtures.js';

function engineWith(port: FakePort) {
  return createEngine({ lessons: lessonSet(), port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 2000 });
}

describe('headless runner', () => {
  it('walks every step, prints kubectl and verdicts, and passes', async () => {
    const port = new FakePort();
    // Answer the log follow with the request's line as soon as it starts.
    const follow = port.followLogs.bind(port);
    port.followLogs = (target, options) => {
      const done = follow(target, options);
      const exec = port.calls.filter((c) => c.method === 'exec').at(-1)!;
      const id = (exec.args[2] as string[])[2].replace('x-request-id: ', '');
      queueMicrotask(() => port.emit(gatewayLine(id)));
      return done;
    };
    const engine = engineWith(port);
    const lines: string[] = [];
    const result = await runHeadless(engine, ['01-setup', '02-http'], 'en', (t) => lines.push(t));
    const text = lines.join('\n');
    expect(result).toEqual({ ok: true, passed: 6 });
    expect(text).toMatch(/== 02-http: HTTP/);
    expect(text).toMatch(/\$ kubectl exec deploy\/curl -c curl -n default -- curl -H 'x-request-id: egress-tutorial-/);
    expect(text).toMatch(/▶ PROOF istio-egressgateway-1: /);
    expect(port.followEnded).toBe(true);
    engine.dispose();
  });

  it('stops at the first failing step and names it', async () => {
    const port = new FakePort();
    port.execScript = () => ({ exitCode: 0, stdout: 'HTTP/1.1 404 Not Found\r\n\r\n', stderr: '' });
    const engine = createEngine({ lessons: lessonSet(), port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 50 });
    const lines: string[] = [];
    const result = await runHeadless(engine, ['02-http'], 'en', (t) => lines.push(t));
    expect(result.ok).toBe(false);
    expect(result.failed).toMatchObject({ lesson: '02-http', step: 'curl' });
    expect(lines.join('\n')).toMatch(/FAIL HTTP 404, expected HTTP 200/);
    // It did not go on to the log step: the gateway's log was never followed (the explainer may
    // read the client sidecar's own line of the failed request, in the client namespace).
    const followed = port.calls.filter((c) => c.method === 'followLogs').map((c) => (c.args[0] as { namespace: string }).namespace);
    expect(followed.filter((ns) => ns === 'istio-system')).toEqual([]);
    engine.dispose();
  });
});
