// The engine keeps the learner's predictions with the progress: answered, skipped, scored once the
// check passed (on the practice cluster, over client-node), saved to the progress file and loaded
// again; a progress file from before predictions still loads.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCluster } from '../../src/cluster/index.js';
import type { ClusterPort } from '../../src/cluster/port.js';
import { createEngine } from '../../src/engine/index.js';
import type { Engine } from '../../src/engine/types.js';
import { defaultLessonsDir, loadLessonSet } from '../../src/lesson/index.js';
import type { LessonSet } from '../../src/lesson/model.js';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';
import { scoreOf } from '../../src/predict/index.js';
import { openProgressStore } from '../../src/progress/index.js';

const L3 = '03-outbound-policy-experiment';
let practice: PracticeCluster;
let port: ClusterPort;
let lessons: LessonSet;
let dir: string;
const store = () => openProgressStore({ clusterKey: 'practice', namespace: 'default', stateDir: dir });
const engineOver = (): Engine => createEngine({ lessons, port, progress: store(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 8000 });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'predict-engine-'));
  practice = await startPracticeCluster({ knobs: { podReadyDelayMs: 0 } });
  ({ port } = await connectCluster({ kubeconfigYaml: practice.kubeconfig(), namespace: 'default', istioNamespace: 'istio-system', backend: 'practice' }));
  lessons = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system' }).set!;
}, 60_000);
afterAll(async () => {
  port?.close();
  await practice?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function runAt(engine: Engine, lesson: string, step: string) {
  engine.openLesson(lesson, step);
  return engine.run();
}

describe('predictions in the engine', () => {
  it('a right answer holds, a wrong one does not, a skip is kept as skipped; saved and loaded with the progress', async () => {
    const engine = engineOver();
    try {
      for (const step of ['client', 'source-pod']) expect((await runAt(engine, '02-setup', step)).ok, step).toBe(true);
      expect((await runAt(engine, L3, 'registry-only')).ok).toBe(true);

      engine.openLesson(L3, 'curl-blocked');
      engine.predict!(1); // HTTP 502 from the sidecar: right
      expect(engine.snapshot().progress[L3].predictions).toEqual({ 'curl-blocked': { choice: 1 } }); // not scored before the check
      expect((await engine.run()).ok).toBe(true);
      expect(engine.snapshot().progress[L3].predictions?.['curl-blocked']).toEqual({ choice: 1, held: true });

      engine.openLesson(L3, 'curl-https-blocked');
      engine.predict!(0); // "502 like plain HTTP": wrong, curl exits 35/56
      expect((await engine.run()).ok).toBe(true);
      expect(engine.snapshot().progress[L3].predictions?.['curl-https-blocked']).toEqual({ choice: 0, held: false });

      expect((await runAt(engine, L3, 'allow-host')).ok).toBe(true);
      engine.openLesson(L3, 'curl-allowed');
      engine.predict!(null); // skipped
      engine.predict!(7); // out of range: ignored
      expect((await engine.run()).ok).toBe(true);
      expect(engine.snapshot().progress[L3].predictions?.['curl-allowed']).toEqual({ choice: null });

      // Running a step again does not change its scored prediction.
      engine.openLesson(L3, 'curl-https-blocked');
      expect((await engine.run()).ok).toBe(true);
      expect(scoreOf(engine.snapshot().progress)).toEqual({ correct: 1, answered: 2 });
    } finally {
      engine.dispose();
    }
    const saved = store().load()!;
    expect(saved.lessons[L3].predictions).toEqual({ 'curl-blocked': { choice: 1, held: true }, 'curl-https-blocked': { choice: 0, held: false }, 'curl-allowed': { choice: null } });
    const again = engineOver();
    try {
      expect(again.snapshot().progress[L3].predictions?.['curl-blocked']).toEqual({ choice: 1, held: true });
      // A lesson reset starts its predictions over with it.
      again.openLesson(L3);
      await again.reset('lesson');
      expect(again.snapshot().progress[L3]).toBeUndefined();
    } finally {
      again.dispose();
    }
  }, 60_000);

  it('an answer whose check failed is scored only when a later run passes', async () => {
    const engine = engineOver();
    try {
      // Lesson 3's blocked curl without its Sidecar fails (it depends on registry-only).
      engine.openLesson(L3, 'curl-blocked');
      engine.predict!(1);
      expect((await engine.run()).ok).toBe(false);
      expect(engine.snapshot().progress[L3].predictions?.['curl-blocked']).toEqual({ choice: 1 });
      expect((await runAt(engine, L3, 'registry-only')).ok).toBe(true);
      const v = await runAt(engine, L3, 'curl-blocked');
      expect(v.ok, `${v.summary} ${v.diagnosis}`).toBe(true);
      expect(engine.snapshot().progress[L3].predictions?.['curl-blocked']).toEqual({ choice: 1, held: true });
      await engine.reset('lesson');
    } finally {
      engine.dispose();
    }
  }, 60_000);

  it('a progress file from before predictions loads, and the first answer is added to it', () => {
    const s = store();
    const old = { version: 1, clusterKey: 'practice', namespace: 'default', lessons: { '02-setup': { done: ['client'], current: 'source-pod' } }, position: { lesson: '02-setup', step: 'source-pod' }, updatedAt: '2026-11-01T00:00:00.000Z' };
    writeFileSync(s.file, JSON.stringify(old));
    const engine = engineOver();
    try {
      expect(engine.snapshot().canResume).toBe(true);
      expect(engine.snapshot().progress['02-setup']).toEqual({ done: ['client'], current: 'source-pod' });
      engine.openLesson('04-http-egress-gateway', 'curl-service-entry');
      engine.predict!(1);
      const file = JSON.parse(readFileSync(s.file, 'utf8'));
      expect(file.lessons['02-setup'].done).toEqual(['client']);
      expect(file.lessons['04-http-egress-gateway'].predictions).toEqual({ 'curl-service-entry': { choice: 1 } });
    } finally {
      engine.dispose();
    }
  });
});
