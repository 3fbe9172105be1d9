// The share of correct predictions per learner: published with the class progress (a few bytes),
// read back by `class status` into its table column, its JSON and the live screen.

import { render } from 'ink-testing-library';
import React from 'react';
import { describe, expect, it } from 'vitest';
import { classMessages, learnerRows, PROGRESS_CONFIGMAP, PROGRESS_KEY, statusCells, statusJson, statusTable } from '../../src/classroom/index.js';
import { progressConfigMap, progressOf } from '../../src/classroom/publisher.js';
import { StatusScreen } from '../../src/classroom/ui/StatusScreen.js';
import type { EngineSnapshot } from '../../src/engine/types.js';
import type { Lesson } from '../../src/lesson/model.js';

const NOW = Date.parse('2026-12-07T10:00:00Z');
const LESSON = { id: '03-x', steps: [{ id: 'curl-blocked', kind: 'exec' }, { id: 'curl-allowed', kind: 'exec' }, { id: 'curl-https', kind: 'exec' }] } as unknown as Lesson;

const snapshot = {
  lessons: [LESSON],
  lesson: LESSON,
  step: LESSON.steps[2],
  progress: { '03-x': { done: ['curl-blocked', 'curl-allowed'], predictions: { 'curl-blocked': { choice: 1, held: true }, 'curl-allowed': { choice: 0, held: false }, 'curl-https': { choice: null } } } },
} as unknown as EngineSnapshot;

const classCm = (ns: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'egress-tutorial-class', namespace: ns, labels: { 'egress-tutorial.dev/class': 'learner' } }, data: {} });
const progressCm = (ns: string, doc: object) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: PROGRESS_CONFIGMAP, namespace: ns, labels: { 'egress-tutorial.dev/progress': 'true' } },
  data: { [PROGRESS_KEY]: JSON.stringify(doc) },
});

describe('predictions in the class progress', () => {
  it('the publisher adds {correct, answered} to the few bytes it writes (a skip is not an answer)', () => {
    const doc = { ...progressOf(snapshot, { lastResult: 'pass', lastDiagnosis: null }, 'own'), updated: new Date(NOW).toISOString() };
    expect(doc.predictions).toEqual({ correct: 1, answered: 2 });
    const cm = progressConfigMap('learner-01', doc);
    expect(Buffer.byteLength((cm.data as Record<string, string>)[PROGRESS_KEY])).toBeLessThan(300);
  });

  it('class status: the share per learner in the table and in the JSON; none published or garbage is "-" / null', () => {
    const updated = new Date(NOW - 60_000).toISOString();
    const base = { lesson: '03-x', step: 'curl-https', completedLessons: [], lastResult: 'pass', lastDiagnosis: null, updated };
    const rows = learnerRows(
      [
        classCm('learner-01'),
        classCm('learner-02'),
        classCm('learner-03'),
        progressCm('learner-01', { ...base, predictions: { correct: 2, answered: 3 } }),
        progressCm('learner-02', base), // a tutorial from before predictions
        progressCm('learner-03', { ...base, predictions: { correct: 5, answered: 2 } }),
      ] as never,
      'learner-',
    );
    expect(rows.map((r) => r.predictions)).toEqual([{ correct: 2, answered: 3 }, null, null]);
    const m = classMessages('en');
    const table = statusTable(statusCells(rows, ['03-x'], NOW, m), m.headers).split('\n');
    expect(table[0]).toMatch(/^LEARNER\s+LESSON\/STEP\s+DONE\s+LAST\s+IDLE\s+PREDICTED\s+LAST FAILURE$/);
    expect(table.find((l) => l.startsWith('learner-01'))).toMatch(/pass\s+1m\s+2\/3 \(67%\)\s+-$/);
    expect(table.find((l) => l.startsWith('learner-02'))).toMatch(/pass\s+1m\s+-\s+-$/);
    const json = JSON.parse(statusJson(rows)).learners;
    expect(json.find((l: { namespace: string }) => l.namespace === 'learner-01').predictions).toEqual({ correct: 2, answered: 3 });
    expect(json.find((l: { namespace: string }) => l.namespace === 'learner-02').predictions).toBeNull();
    expect(classMessages('zh').headers).toContain('预测正确');
  });

  it('the live screen shows the column once someone has answered', () => {
    const m = classMessages('en');
    const updated = new Date(NOW - 60_000).toISOString();
    const rows = [{ namespace: 'learner-01', lesson: '03-x', step: 's', completedLessons: [], lastResult: 'pass' as const, lastDiagnosis: null, updated, predictions: { correct: 3, answered: 4 } }];
    const app = render(<StatusScreen lang="en" title="learner-" cells={statusCells(rows, ['03-x'], NOW, m)} rows={10} columns={100} />);
    expect(app.lastFrame()).toMatch(/PREDICTED/);
    expect(app.lastFrame()).toMatch(/learner-01.*3\/4 \(75%\)/);
    app.unmount();
    const none = render(<StatusScreen lang="en" title="learner-" cells={statusCells([{ ...rows[0], predictions: null }], ['03-x'], NOW, m)} rows={10} columns={100} />);
    expect(none.lastFrame()).not.toMatch(/PREDICTED/);
    none.unmount();
  });
});
