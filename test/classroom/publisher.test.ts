// The progress publisher against a scripted engine and a recording port: what it writes (C4),
// how often, and that failures reach the learner as one warning at most.
import { describe, expect, it } from 'vitest';
import { startPublisher } from '../../src/classroom/publisher.js';
import { ClusterError, type ApplyOutcome, type ClusterPort } from '../../src/cluster/port.js';
import type { Engine, EngineSnapshot, Verdict } from '../../src/engine/types.js';
import type { KubeObject, Lesson } from '../../src/lesson/model.js';

const step = (id: string, kind: string) => ({ id, kind, title: { en: id, zh: id } });
const LESSONS = [
  { id: 'a', steps: [step('intro', 'explain'), step('check', 'check'), step('apply', 'apply')] },
  { id: 'b', steps: [step('curl', 'exec')] },
] as unknown as Lesson[];

/** An engine the test moves by hand; listeners are called like the real one's (possibly many times per change). */
function scriptedEngine() {
  const listeners = new Set<() => void>();
  let snap: EngineSnapshot = {
    lessons: LESSONS,
    lesson: LESSONS[0],
    step: LESSONS[0].steps[0],
    stepState: { phase: 'idle', output: [], logs: [] },
    progress: {},
  } as unknown as EngineSnapshot;
  const engine = {
    snapshot: () => snap,
    subscribe: (l: () => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  } as unknown as Engine;
  const set = (lesson: number, stepIndex: number, phase: string, verdict?: Verdict, done: Record<string, string[]> = {}) => {
    snap = {
      ...snap,
      lesson: LESSONS[lesson],
      step: LESSONS[lesson].steps[stepIndex],
      stepState: { phase, output: [], logs: [], verdict },
      progress: Object.fromEntries(Object.entries(done).map(([k, v]) => [k, { done: v }])),
    } as EngineSnapshot;
    for (let i = 0; i < 3; i++) for (const l of listeners) l(); // a log flood: the same state, told again
  };
  return { engine, set, listeners };
}

function recordingPort(fail?: () => Error | undefined) {
  const writes: { doc: any; object: KubeObject; blind?: boolean }[] = [];
  const port = {
    applyObjects: async (objects: KubeObject[], options: { blind?: boolean } = {}): Promise<ApplyOutcome[]> => {
      const error = fail?.();
      if (error) throw error;
      for (const object of objects) writes.push({ doc: JSON.parse((object.data as Record<string, string>)['progress.json']), object, blind: options.blind });
      return objects.map((o) => ({ ref: { apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name, namespace: o.metadata.namespace }, result: 'configured' }));
    },
  } as unknown as ClusterPort;
  return { port, writes };
}

const tick = () => new Promise((r) => setTimeout(r, 5));
const SETTINGS = { gateway: 'own' as const, istioNamespace: 'istio-system', class: 'learner-' };

describe('progress publisher', () => {
  it('writes C4 once per step change and per verification result, with the learner\'s position and last result', async () => {
    const { engine, set } = scriptedEngine();
    const { port, writes } = recordingPort();
    const publisher = startPublisher({ engine, port, namespace: 'learner-07', lang: 'en', minIntervalMs: 0 }, SETTINGS);
    await tick();
    set(0, 1, 'running');
    await tick();
    set(0, 1, 'passed', { ok: true, summary: 'ok' }, { a: ['intro', 'check'] });
    await tick();
    set(0, 2, 'idle', undefined, { a: ['intro', 'check'] });
    await tick();
    set(0, 2, 'failed', { ok: false, summary: 'Gateway "x" was refused.', diagnosis: 'The host is wrong.\nFix it.' }, { a: ['intro', 'check'] });
    await tick();
    set(0, 2, 'passed', { ok: true, summary: 'ok' }, { a: ['intro', 'check', 'apply'] });
    await tick();
    await publisher.close();

    expect(publisher.active).toBe(true);
    expect(writes.map((w) => [w.doc.step, w.doc.lastResult])).toEqual([
      ['intro', null], // arrived
      ['check', null],
      ['check', 'pass'],
      ['apply', 'pass'], // the next step
      ['apply', 'fail'],
      ['apply', 'pass'],
    ]);
    expect(writes[4].doc.lastDiagnosis).toBe('Gateway "x" was refused. The host is wrong.');
    expect(writes[5].doc).toMatchObject({ lesson: 'a', completedLessons: ['a'], lastDiagnosis: null, gateway: 'own' });
    expect(Date.parse(writes[5].doc.updated)).not.toBeNaN();
    const cm = writes[0].object;
    expect(cm.metadata).toEqual({
      name: 'egress-tutorial-progress',
      namespace: 'learner-07',
      labels: { 'app.kubernetes.io/managed-by': 'egress-tutorial', 'egress-tutorial.dev/progress': 'true' },
    });
    expect(writes.every((w) => w.blind)).toBe(true); // one request per write
    expect(JSON.stringify(cm.data).length).toBeLessThan(400); // a few bytes
  });

  it('coalesces a headless walk racing through steps and still publishes its last state on close', async () => {
    const { engine, set } = scriptedEngine();
    const { port, writes } = recordingPort();
    const publisher = startPublisher({ engine, port, namespace: 'learner-01', lang: 'en', minIntervalMs: 10_000 }, SETTINGS);
    set(0, 1, 'passed', { ok: true, summary: 'ok' }, { a: ['intro', 'check'] });
    set(0, 2, 'passed', { ok: true, summary: 'ok' }, { a: ['intro', 'check', 'apply'] });
    set(1, 0, 'passed', { ok: true, summary: 'ok' }, { a: ['intro', 'check', 'apply'], b: ['curl'] });
    await publisher.close();
    expect(writes.length).toBe(1); // the arrival and the racing steps coalesce into the last state
    expect(writes[0].doc).toMatchObject({ lesson: 'b', step: 'curl', completedLessons: ['a', 'b'], lastResult: 'pass' });
  });

  it('publishes nothing outside a class', async () => {
    const { engine, set, listeners } = scriptedEngine();
    const { port, writes } = recordingPort();
    const publisher = startPublisher({ engine, port, namespace: 'default', lang: 'en', minIntervalMs: 0 }, undefined);
    set(0, 1, 'passed', { ok: true, summary: 'ok' });
    await publisher.close();
    expect(publisher.active).toBe(false);
    expect(writes).toEqual([]);
    expect(listeners.size).toBe(0);
  });

  it('tells the learner once when writing fails, and stops asking after a 403', async () => {
    const { engine, set } = scriptedEngine();
    let calls = 0;
    const { port } = recordingPort(() => {
      calls++;
      return calls === 1 ? new ClusterError('The API server did not answer.', 'timeout') : new ClusterError('Could not apply ConfigMap "egress-tutorial-progress": forbidden.', 'forbidden');
    });
    const warnings: string[] = [];
    const publisher = startPublisher({ engine, port, namespace: 'learner-01', lang: 'en', minIntervalMs: 0, warn: (w) => warnings.push(w) }, SETTINGS);
    await tick();
    set(0, 1, 'passed', { ok: true, summary: 'ok' }, { a: ['intro', 'check'] });
    await tick();
    set(0, 2, 'idle', undefined, { a: ['intro', 'check'] });
    await tick();
    set(1, 0, 'idle', undefined, { a: ['intro', 'check'] });
    await tick();
    await publisher.close();
    expect(warnings).toEqual(['Your progress could not be shared with the instructor (the tutorial goes on): The API server did not answer.']);
    expect(calls).toBe(2); // after the 403, no more tries
  });
});
