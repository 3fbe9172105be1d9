import { describe, expect, it } from 'vitest';
import { ClusterError } from '../../src/cluster/port.js';
import { createEngine } from '../../src/engine/index.js';
import type { ProgressStore } from '../../src/engine/types.js';
import { memoryProgressStore } from '../../src/progress/index.js';
import { FakePort, gatewayLine, lessonSet, waitFor } from './fixtures.js';

function setup(port = new FakePort(), progress: ProgressStore = memoryProgressStore(), verifyTimeoutMs = 3000) {
  const engine = createEngine({ lessons: lessonSet(), port, progress, lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs });
  return { engine, port, progress };
}

const idOf = (argv: string[]) => argv[2].replace('x-request-id: ', '');

describe('engine: request ids and proof', () => {
  it('uses a fresh id per attempt, and only the passing attempt proves it', async () => {
    const { engine, port } = setup();
    port.execScript = (_a, attempt) => ({ exitCode: 0, stdout: `HTTP/1.1 ${attempt === 1 ? 503 : 200} X\r\n\r\n`, stderr: '' });
    engine.openLesson('02-http', 'curl');
    expect((await engine.run()).attempts).toBe(2);
    const ids = port.calls.filter((c) => c.method === 'exec').map((c) => idOf(c.args[2] as string[]));
    expect(new Set(ids).size).toBe(2);
    engine.next();
    const running = engine.run();
    await waitFor(() => port.follower !== undefined, 'the follower');
    port.emit(gatewayLine(ids[0]));
    await waitFor(() => engine.snapshot().stepState.logs.length === 1, 'the first line');
    expect(engine.snapshot().stepState.logs[0].proof).toBe(false);
    port.emit(gatewayLine(ids[1]));
    expect((await running).proofLine?.text).toContain(ids[1]);
    engine.dispose();
  });

  it('a proof line that arrives after the timeout still passes the step', async () => {
    const { engine, port } = setup(new FakePort(), memoryProgressStore(), 50);
    engine.openLesson('02-http', 'curl');
    await engine.run();
    const id = idOf(port.calls.find((c) => c.method === 'exec')!.args[2] as string[]);
    engine.next();
    expect((await engine.run()).ok).toBe(false);
    expect(engine.snapshot().stepState.activity).toMatch(/still following/);
    port.emit(gatewayLine(id));
    await waitFor(() => engine.snapshot().stepState.phase === 'passed', 'the late pass');
    expect(engine.snapshot().progress['02-http'].done).toContain('log');
    engine.dispose();
  });

  it('dispose stops a log follow synchronously', async () => {
    const { engine, port } = setup();
    engine.openLesson('02-http', 'log');
    void engine.run();
    await waitFor(() => port.follower !== undefined, 'the follower');
    engine.dispose();
    expect(port.followEnded).toBe(true);
  });
});

describe('engine: exec failures', () => {
  it('a command that times out counts as a failed attempt (curl exit 28) and is diagnosed', async () => {
    const port = new FakePort();
    port.execScript = () => {
      throw new ClusterError('The command in curl-1 did not finish within 5 s.', 'timeout');
    };
    const { engine } = setup(port, memoryProgressStore(), 100);
    engine.openLesson('02-http', 'curl');
    const verdict = await engine.run();
    expect(verdict.ok).toBe(false);
    expect(verdict.exitCode).toBe(28);
    expect(verdict.diagnosis).toMatch(/exit 28/);
    expect(engine.snapshot().stepState.phase).toBe('failed');
    engine.dispose();
  });

  it('other cluster errors end the step with their sentence', async () => {
    const port = new FakePort();
    port.execScript = () => {
      throw new ClusterError('You may not exec into pods in default: ask for pods/exec.', 'forbidden', 403);
    };
    const { engine } = setup(port);
    engine.openLesson('02-http', 'curl');
    const verdict = await engine.run();
    expect(verdict).toMatchObject({ ok: false, summary: 'You may not exec into pods in default: ask for pods/exec.' });
    expect(port.execAttempts).toBe(1);
    engine.dispose();
  });

  it('an expected failure passes when the request is blocked', async () => {
    const lessons = lessonSet();
    const step = lessons.lessons[1].steps[1];
    if (step.kind !== 'exec') throw new Error('fixture changed');
    step.expect = { httpStatus: 502 };
    step.expectFailure = true;
    const port = new FakePort();
    port.execScript = () => ({ exitCode: 0, stdout: 'HTTP/1.1 502 Bad Gateway\r\n\r\n', stderr: '' });
    const engine = createEngine({ lessons, port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system' });
    engine.openLesson('02-http', 'curl');
    expect(await engine.run()).toMatchObject({ ok: true, summary: 'HTTP 502: blocked, as this step expects.' });
    engine.dispose();
  });
});

describe('engine: auto-fix by labelling a namespace', () => {
  const check = {
    name: 'sidecar-injection' as const,
    level: 'fail' as const,
    summary: 'no injection label',
    autoFix: { kind: 'label-namespace' as const, namespace: 'default', labels: { 'istio-injection': 'enabled' }, description: 'Labelled default for sidecar injection.' },
  };

  it('uses the port’s labelNamespace when it has one, then re-runs the checks', async () => {
    const port = new FakePort() as FakePort & { labelNamespace?: (ns: string, labels: Record<string, string>) => Promise<void> };
    const labelled: unknown[] = [];
    port.labelNamespace = async (ns, labels) => {
      labelled.push([ns, labels]);
    };
    port.checkResults = [{ name: 'sidecar-injection', level: 'pass', summary: 'labelled' }];
    const { engine } = setup(port);
    engine.openLesson('01-setup', 'preflight');
    expect((await engine.applyFix(check)).ok).toBe(true);
    expect(labelled).toEqual([['default', { 'istio-injection': 'enabled' }]]);
    expect(port.calls.filter((c) => c.method === 'preflight')).toHaveLength(1);
    engine.dispose();
  });

  it('without it, tells the learner the kubectl command', async () => {
    const { engine } = setup();
    engine.openLesson('01-setup', 'preflight');
    const verdict = await engine.applyFix(check);
    expect(verdict).toMatchObject({ ok: false, summary: 'Run this to fix it: kubectl label namespace default istio-injection=enabled --overwrite' });
    engine.dispose();
  });
});

describe('engine: progress problems are warnings, not crashes', () => {
  it('a failing save shows a warning and the engine keeps going', () => {
    const progress: ProgressStore = {
      load: () => undefined,
      save: () => {
        throw Object.assign(new Error('read-only'), { code: 'EROFS' });
      },
      clear: () => undefined,
      warning: 'The saved progress file was set aside because it is not valid JSON: /x. Starting fresh.',
    };
    const { engine } = setup(new FakePort(), progress);
    engine.next();
    expect(engine.snapshot().warnings).toEqual([progress.warning, "Progress could not be saved (EROFS): fix the state folder's permissions or set XDG_STATE_HOME to a writable folder; until then it is kept in memory only."]);
    expect(engine.snapshot().progressSaved).toBe(false);
    engine.dispose();
  });

  it('a saved position that no longer exists is ignored', () => {
    const progress = memoryProgressStore();
    progress.save({ version: 1, clusterKey: 'k', namespace: 'default', lessons: {}, position: { lesson: '09-gone', step: 'x' }, updatedAt: '' });
    const { engine } = setup(new FakePort(), progress);
    expect(engine.snapshot().canResume).toBe(false);
    engine.dispose();
  });
});

describe('engine: a client without a sidecar', () => {
  it('says so next to the command output', async () => {
    const port = new FakePort();
    port.sidecar = false;
    const { engine } = setup(port);
    engine.openLesson('02-http', 'curl');
    await engine.run();
    const errors = engine.snapshot().stepState.output.filter((o) => o.stream === 'error');
    expect(errors.map((e) => e.text).join('\n')).toMatch(/Pod curl-1 has no istio-proxy sidecar/);
    engine.dispose();
  });
});
