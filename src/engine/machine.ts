// The step machine's pure logic: positions across lessons, what Enter means, progress marking.
// No I/O and no timers: the engine (index.ts) applies these decisions.

import type { Lesson, Step } from '../lesson/model.js';
import type { LessonProgress, SavedProgress, StepPhase } from './types.js';

export interface Position {
  lessonIndex: number;
  stepIndex: number;
}

/** The next step, crossing into the next lesson; undefined at the very end. */
export function positionAfter(lessons: Lesson[], pos: Position): Position | undefined {
  const lesson = lessons[pos.lessonIndex];
  if (lesson && pos.stepIndex + 1 < lesson.steps.length) return { lessonIndex: pos.lessonIndex, stepIndex: pos.stepIndex + 1 };
  for (let l = pos.lessonIndex + 1; l < lessons.length; l++) if (lessons[l].steps.length > 0) return { lessonIndex: l, stepIndex: 0 };
  return undefined;
}

/** The previous step, crossing back into the previous lesson's last step; undefined at the start. */
export function positionBefore(lessons: Lesson[], pos: Position): Position | undefined {
  if (pos.stepIndex > 0) return { lessonIndex: pos.lessonIndex, stepIndex: pos.stepIndex - 1 };
  for (let l = pos.lessonIndex - 1; l >= 0; l--) if (lessons[l].steps.length > 0) return { lessonIndex: l, stepIndex: lessons[l].steps.length - 1 };
  return undefined;
}

/** Where a lesson (and optionally a step in it) is; undefined when unknown. */
export function findPosition(lessons: Lesson[], lessonId: string, stepId?: string): Position | undefined {
  const lessonIndex = lessons.findIndex((l) => l.id === lessonId);
  if (lessonIndex < 0) return undefined;
  if (stepId === undefined) return { lessonIndex, stepIndex: 0 };
  const stepIndex = lessons[lessonIndex].steps.findIndex((s) => s.id === stepId);
  return stepIndex < 0 ? undefined : { lessonIndex, stepIndex };
}

/** The saved position if it still exists in these lessons (lessons change between releases). */
export function resumePosition(lessons: Lesson[], saved: SavedProgress | undefined): Position | undefined {
  if (!saved?.position) return undefined;
  return findPosition(lessons, saved.position.lesson, saved.position.step);
}

/** Steps that change the cluster ask y/n first. Checks ask only for their auto-fix. */
export function stepNeedsConfirmation(step: Step): boolean {
  return step.kind === 'apply' || step.kind === 'delete';
}

export type EnterAction = 'next' | 'confirm' | 'run' | 'none';

/**
 * What Enter does: explain → next; a step not run yet (or failed/cancelled, i.e. retry) → confirm
 * when it changes the cluster, else run; passed → next; running or waiting on a conflict → nothing.
 */
export function enterAction(step: Step, phase: StepPhase): EnterAction {
  if (step.kind === 'explain') return 'next';
  switch (phase) {
    case 'passed':
      return 'next';
    case 'running':
    case 'conflict':
      return 'none';
    case 'confirm':
      return 'run';
    default:
      return stepNeedsConfirmation(step) ? 'confirm' : 'run';
  }
}

/** Progress with `stepId` of `lessonId` marked done (a new object; order follows the lesson). */
export function markDone(progress: Record<string, LessonProgress>, lesson: Lesson, stepId: string): Record<string, LessonProgress> {
  const current = progress[lesson.id] ?? { done: [] };
  if (current.done.includes(stepId)) return progress;
  const done = new Set([...current.done, stepId]);
  const ordered = lesson.steps.map((s) => s.id).filter((id) => done.has(id));
  // Keep ids of steps that no longer exist out of the way but do not lose them silently.
  const extra = current.done.filter((id) => !lesson.steps.some((s) => s.id === id));
  return { ...progress, [lesson.id]: { ...current, done: [...ordered, ...extra] } };
}

/** Progress with the current step of a lesson remembered. */
export function withCurrent(progress: Record<string, LessonProgress>, lessonId: string, stepId: string): Record<string, LessonProgress> {
  const current = progress[lessonId] ?? { done: [] };
  if (current.current === stepId) return progress;
  return { ...progress, [lessonId]: { ...current, current: stepId } };
}

/**
 * Lesson ids to run headless, with the lessons they require first: the named ones and, with
 * `track`, that track's lessons; with neither, the core lessons (a track is walked only when asked:
 * it needs what a plain cluster may not have).
 */
export function lessonsToRun(lessons: Lesson[], named: string[], track?: string): { ids: string[]; unknown: string[] } {
  const byId = new Map(lessons.map((l) => [l.id, l]));
  const unknown = named.filter((id) => !byId.has(id));
  const roots = [...named, ...(track ? lessons.filter((l) => l.track === track).map((l) => l.id) : [])];
  if (roots.length === 0) return { ids: lessons.filter((l) => l.track === undefined).map((l) => l.id), unknown };
  const wanted = new Set<string>();
  const add = (id: string): void => {
    const lesson = byId.get(id);
    if (!lesson || wanted.has(id)) return;
    for (const req of lesson.requires) add(req);
    wanted.add(id);
  };
  for (const id of roots) add(id);
  return { ids: lessons.filter((l) => wanted.has(l.id)).map((l) => l.id), unknown };
}
