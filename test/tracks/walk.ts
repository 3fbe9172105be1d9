// Walking a track lesson step by step past its pre-flight (which fails on purpose in these tests),
// as a learner who goes on anyway: each step's verdict, up to and including `last`.
import type { Engine } from '../../src/engine/types.js';
import type { Lesson } from '../../src/lesson/model.js';

export type StepVerdicts = Record<string, { ok: boolean; summary: string; diagnosis?: string }>;

export async function stepsPastPreflight(engine: Engine, lesson: Lesson, last: string): Promise<StepVerdicts> {
  const verdicts: StepVerdicts = {};
  for (const step of lesson.steps.slice(1)) {
    engine.openLesson(lesson.id, step.id);
    verdicts[step.id] = await engine.run();
    engine.cancel();
    if (step.id === last) break;
  }
  return verdicts;
}
