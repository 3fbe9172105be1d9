// `class status --watch`: the live screen refreshes from the function it is handed (no cluster
// calls of its own), shows stuck learners first, keeps the last rows when a refresh fails, quits on q.
import { render } from 'ink-testing-library';
import React from 'react';
import { describe, expect, it } from 'vitest';
import type { LearnerStatus } from '../../src/classroom/status.js';
import { ClassWatch } from '../../src/classroom/ui/watch.js';
import { waitFor } from '../ui/helpers.js';

const NOW = Date.parse('2026-12-07T10:00:00Z');
const row = (namespace: string, p: Partial<LearnerStatus>): LearnerStatus => ({
  namespace,
  lesson: '04-http-egress-gateway',
  step: 'curl',
  completedLessons: ['01', '02', '03'],
  lastResult: 'pass',
  lastDiagnosis: null,
  updated: new Date(NOW - 60_000).toISOString(),
  ...p,
});

describe('class status --watch', () => {
  it('shows stuck learners first, refreshes, keeps the last rows on a failed refresh, and quits on q', async () => {
    let calls = 0;
    const answers: (() => LearnerStatus[])[] = [
      () => [row('learner-01', {}), row('learner-02', { lastResult: 'fail', lastDiagnosis: 'No egress gateway route for httpbin.org' }), row('learner-03', { lesson: null, step: null, completedLessons: [], lastResult: null, updated: null })],
      () => {
        throw new Error('the API server did not answer');
      },
      () => [row('learner-01', { completedLessons: ['01', '02', '03', '04'] }), row('learner-02', { lastResult: 'pass' }), row('learner-03', {})],
    ];
    const fetch = async () => answers[Math.min(calls++, answers.length - 1)]();
    const app = render(<ClassWatch fetch={fetch} lessonIds={['01', '02', '03', '04']} lang="en" title="learner" refreshMs={30} now={() => NOW} />);
    await waitFor(() => (app.lastFrame() ?? '').includes('learner-02'), 'the first rows');
    const lines = (app.lastFrame() ?? '').split('\n');
    const order = ['learner-01', 'learner-02', 'learner-03'].map((n) => lines.findIndex((l) => l.includes(n)));
    expect(order[1]).toBeLessThan(order[2]); // failing before not started
    expect(order[2]).toBeLessThan(order[0]); // not started before working
    expect(lines[order[1]]).toContain('No egress gateway route for httpbin.org');
    expect(app.lastFrame()).toContain('3 learners: 0 done, 1 failing.');
    await waitFor(() => (app.lastFrame() ?? '').includes('Could not refresh: the API server did not answer'), 'the refresh error');
    expect(app.lastFrame()).toContain('learner-02'); // the last rows stay
    await waitFor(() => (app.lastFrame() ?? '').includes('1 done, 0 failing'), 'the next refresh');
    app.stdin.write('q');
    await new Promise((r) => setTimeout(r, 50));
    const atQuit = calls;
    await new Promise((r) => setTimeout(r, 150)); // five refresh intervals
    expect(calls).toBe(atQuit); // q ended the app: its refreshing stopped
    app.unmount();
  });
});
