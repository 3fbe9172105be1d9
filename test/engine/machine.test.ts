import { describe, expect, it } from 'vitest';
import { enterAction, findPosition, lessonsToRun, markDone, positionAfter, positionBefore, resumePosition, withCurrent } from '../../src/engine/machine.js';
import { lessonSet } from './fixtures.js';

const lessons = lessonSet().lessons;
const [setup, http] = lessons;

describe('step machine', () => {
  it('moves across lesson boundaries and stops at the ends', () => {
    expect(positionAfter(lessons, { lessonIndex: 0, stepIndex: 2 })).toEqual({ lessonIndex: 1, stepIndex: 0 });
    expect(positionAfter(lessons, { lessonIndex: 1, stepIndex: 3 })).toBeUndefined();
    expect(positionBefore(lessons, { lessonIndex: 1, stepIndex: 0 })).toEqual({ lessonIndex: 0, stepIndex: 2 });
    expect(positionBefore(lessons, { lessonIndex: 0, stepIndex: 0 })).toBeUndefined();
  });

  it('finds and resumes positions that still exist', () => {
    expect(findPosition(lessons, '02-http', 'log')).toEqual({ lessonIndex: 1, stepIndex: 2 });
    expect(findPosition(lessons, '02-http', 'gone')).toBeUndefined();
    const saved = { version: 1 as const, clusterKey: 'k', namespace: 'default', lessons: {}, updatedAt: '' };
    expect(resumePosition(lessons, { ...saved, position: { lesson: '02-http', step: 'curl' } })).toEqual({ lessonIndex: 1, stepIndex: 1 });
    expect(resumePosition(lessons, { ...saved, position: { lesson: '09-removed', step: 'x' } })).toBeUndefined();
    expect(resumePosition(lessons, undefined)).toBeUndefined();
  });

  it('decides what Enter does per kind and phase', () => {
    const [explain, check, apply] = setup.steps;
    const exec = http.steps[1];
    const del = http.steps[3];
    expect(enterAction(explain, 'idle')).toBe('next');
    expect(enterAction(apply, 'idle')).toBe('confirm');
    expect(enterAction(del, 'failed')).toBe('confirm');
    expect(enterAction(apply, 'confirm')).toBe('run');
    expect(enterAction(exec, 'idle')).toBe('run');
    expect(enterAction(check, 'cancelled')).toBe('run');
    expect(enterAction(exec, 'passed')).toBe('next');
    expect(enterAction(exec, 'running')).toBe('none');
    expect(enterAction(apply, 'conflict')).toBe('none');
  });

  it('marks steps done in lesson order, once', () => {
    let p = markDone({}, http, 'log');
    p = markDone(p, http, 'se');
    expect(markDone(p, http, 'se')).toBe(p);
    expect(p['02-http'].done).toEqual(['se', 'log']);
    p = withCurrent(p, '02-http', 'cleanup');
    expect(p['02-http']).toEqual({ done: ['se', 'log'], current: 'cleanup' });
  });

  it('runs named lessons with what they require, in course order', () => {
    expect(lessonsToRun(lessons, [])).toEqual({ ids: ['01-setup', '02-http'], unknown: [] });
    expect(lessonsToRun(lessons, ['02-http'])).toEqual({ ids: ['01-setup', '02-http'], unknown: [] });
    expect(lessonsToRun(lessons, ['nope']).unknown).toEqual(['nope']);
  });
});

describe('not propagated yet vs wrong', () => {
  it('only a result that still varies late counts as changing', async () => {
    const { stillChanging } = await import('../../src/engine/runners.js');
    expect(stillChanging(['HTTP 404'])).toBe(false);
    expect(stillChanging(['HTTP 404', 'HTTP 503'])).toBe(true);
    expect(stillChanging(['HTTP 404', 'HTTP 503', 'HTTP 503', 'HTTP 503'])).toBe(false);
    expect(stillChanging(['HTTP 503', 'HTTP 503', 'HTTP 404', 'HTTP 503'])).toBe(true);
  });
});
