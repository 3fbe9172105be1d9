// Predictions: the learner's answer to a step's "what will happen?" (lesson.yaml `predict:`), kept
// with the progress, scored once the check has run, and counted for the instructor. Pure.

import type { Lang, Lesson, Prediction, Step } from '../lesson/model.js';
import { predictMessages } from './messages.js';

/**
 * One step's prediction as saved with the progress: `choice` is the 0-based index of the answer,
 * null when the learner skipped it (Enter); `held` is set once the check passed (true: the answer
 * was the correct one). An answer whose check has not passed yet has no `held`.
 */
export interface PredictionRecord {
  choice: number | null;
  held?: boolean;
}

/** The share of correct predictions, as published for `class status`: scored answers only. */
export interface PredictionScore {
  correct: number;
  answered: number;
}

export type PredictionRecords = Record<string, PredictionRecord>;

/** The step's prediction, when it is a verification that has one. */
export function predictionOf(step: Step): Prediction | undefined {
  return step.kind === 'exec' || step.kind === 'logs' ? step.predict : undefined;
}

/** A record as read from a progress file (any shape): undefined when it is not one. */
export function readRecord(v: unknown): PredictionRecord | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const r = v as Record<string, unknown>;
  const choice = r.choice === null ? null : typeof r.choice === 'number' && Number.isInteger(r.choice) && r.choice >= 0 ? r.choice : undefined;
  if (choice === undefined) return undefined;
  return typeof r.held === 'boolean' ? { choice, held: r.held } : { choice };
}

/** Ask before running this step: it has a prediction and the learner has neither answered nor skipped it. */
export function shouldAsk(step: Step, records: PredictionRecords | undefined): boolean {
  return predictionOf(step) !== undefined && readRecord(records?.[step.id]) === undefined;
}

/** The learner's answer (index) or skip (null), recorded. A choice out of range is not an answer. */
export function answer(records: PredictionRecords | undefined, step: Step, choice: number | null): PredictionRecords | undefined {
  const p = predictionOf(step);
  if (!p || (choice !== null && (choice < 0 || choice >= p.choices.length))) return undefined;
  return { ...(records ?? {}), [step.id]: { choice } };
}

/** After the check passed: an answered, not yet scored prediction gets `held`. Undefined when nothing changes. */
export function score(records: PredictionRecords | undefined, step: Step): PredictionRecords | undefined {
  const p = predictionOf(step);
  const record = readRecord(records?.[step.id]);
  if (!p || !record || record.choice === null || record.held !== undefined) return undefined;
  const held = p.choices[record.choice]?.correct === true;
  return { ...records, [step.id]: { choice: record.choice, held } };
}

/** Correct and scored answers across the lessons' saved predictions (skips and unscored answers do not count). */
export function scoreOf(progress: Record<string, { predictions?: PredictionRecords }>): PredictionScore {
  let correct = 0;
  let answered = 0;
  for (const lesson of Object.values(progress)) {
    for (const raw of Object.values(lesson?.predictions ?? {})) {
      const r = readRecord(raw);
      if (!r || r.choice === null || r.held === undefined) continue;
      answered++;
      if (r.held) correct++;
    }
  }
  return { correct, answered };
}

/** The learner-facing outcome after the check: one or two sentences, or undefined when there is nothing to say. */
export function outcomeText(step: Step, record: PredictionRecord | undefined, lang: Lang): string | undefined {
  const p = predictionOf(step);
  if (!p || !record || record.choice === null) return undefined;
  const m = predictMessages(lang);
  const chosen = p.choices[record.choice];
  if (!chosen) return undefined;
  if (record.held === undefined) return m.notScoredYet;
  const right = p.choices.find((c) => c.correct)!;
  const why = chosen.why?.[lang] ?? p.why?.[lang] ?? right.why?.[lang] ?? '';
  return record.held ? m.held(chosen.text[lang], why) : m.didNotHold(chosen.text[lang], right.text[lang], why);
}

/** "2/3 (67%)", or "-" when nothing was answered. */
export function scoreText(s: PredictionScore | null | undefined): string {
  if (!s || s.answered === 0) return '-';
  return `${s.correct}/${s.answered} (${Math.round((100 * s.correct) / s.answered)}%)`;
}

/** Predictions of a lesson: how many steps ask one (for the lesson's end). */
export function predictionsIn(lesson: Lesson): number {
  return lesson.steps.filter((s) => predictionOf(s) !== undefined).length;
}
