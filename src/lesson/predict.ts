// lesson.yaml `predict:` on a verification step (exec, logs): the question asked before the check,
// 2–4 choices with exactly one correct, and why. Every problem carries its lesson.yaml line.

import type { Lang, Localized, PredictChoice, Prediction } from './model.js';
import { LANGS } from './model.js';
import { isObj, type Obj } from './course.js';
import { renderTemplate } from './template.js';
import type { StepContext } from './steps.js';

type At = (...path: (string | number)[]) => number;

export const MIN_CHOICES = 2;
export const MAX_CHOICES = 4;
const FIELDS = ['question', 'choices', 'why'];
const CHOICE_FIELDS = [...LANGS, 'correct', 'why'];

/** Text in both languages from `{ en, zh }`; a problem names the missing language. */
function readLocalized(v: unknown, what: string, line: number, ctx: StepContext): Localized | undefined {
  if (!isObj(v)) {
    ctx.problems.add(ctx.file, line, `${what} must be a mapping with en and zh text, like { en: "...", zh: "..." }`);
    return undefined;
  }
  return readLanguages(v, what, line, ctx);
}

function readLanguages(v: Obj, what: string, line: number, ctx: StepContext): Localized | undefined {
  const missing = LANGS.filter((l) => typeof v[l] !== 'string' || (v[l] as string).trim() === '');
  if (missing.length) {
    ctx.problems.add(ctx.file, line, `${what} has no ${missing.map((l: Lang) => (l === 'en' ? 'English (en)' : 'Chinese (zh)')).join(' and no ')} text`);
    return undefined;
  }
  return { en: renderTemplate((v.en as string).trim(), ctx.values), zh: renderTemplate((v.zh as string).trim(), ctx.values) };
}

function unknownKeys(v: Obj, known: string[], what: string, line: (key: string) => number, ctx: StepContext): void {
  for (const key of Object.keys(v)) if (!known.includes(key)) ctx.problems.add(ctx.file, line(key), `unknown field "${key}" in ${what} (it takes ${known.join(', ')})`);
}

/** The step's prediction, or undefined (absent, or with problems reported). */
export function readPrediction(raw: Obj, id: string, at: At, ctx: StepContext): Prediction | undefined {
  const v = raw.predict;
  if (v === undefined) return undefined;
  const where = `the predict of step "${id}"`;
  if (!isObj(v)) {
    ctx.problems.add(ctx.file, at('predict'), `predict of step "${id}" must be a mapping with question, choices and why`);
    return undefined;
  }
  const before = ctx.problems.count;
  unknownKeys(v, FIELDS, where, (key) => at('predict', key), ctx);
  const question = v.question === undefined
    ? (ctx.problems.add(ctx.file, at('predict'), `predict of step "${id}" needs a question: { en: "...", zh: "..." }`), undefined)
    : readLocalized(v.question, `predict.question of step "${id}"`, at('predict', 'question'), ctx);
  const why = v.why === undefined ? undefined : readLocalized(v.why, `predict.why of step "${id}"`, at('predict', 'why'), ctx);

  const list = v.choices;
  const choices: PredictChoice[] = [];
  if (!Array.isArray(list) || list.length < MIN_CHOICES || list.length > MAX_CHOICES) {
    const count = Array.isArray(list) ? `has ${list.length}` : 'is not a list';
    ctx.problems.add(ctx.file, list === undefined ? at('predict') : at('predict', 'choices'), `predict.choices of step "${id}" must be a list of ${MIN_CHOICES} to ${MAX_CHOICES} choices (it ${count}), each { en, zh } with one marked correct: true`);
  } else {
    list.forEach((c, i) => {
      const line = at('predict', 'choices', i);
      const what = `choice ${i + 1} of the predict of step "${id}"`;
      if (!isObj(c)) {
        ctx.problems.add(ctx.file, line, `${what} must be a mapping like { en: "...", zh: "...", correct: true }`);
        return;
      }
      unknownKeys(c, CHOICE_FIELDS, what, (key) => at('predict', 'choices', i, key), ctx);
      if (c.correct !== undefined && typeof c.correct !== 'boolean') ctx.problems.add(ctx.file, at('predict', 'choices', i, 'correct'), `correct of ${what} must be true or false`);
      const text = readLanguages(c, what, line, ctx);
      const own = c.why === undefined ? undefined : readLocalized(c.why, `the why of ${what}`, at('predict', 'choices', i, 'why'), ctx);
      if (text) choices.push({ text, correct: c.correct === true, ...(own ? { why: own } : {}) });
    });
    const correct = list.filter((c) => isObj(c) && c.correct === true).length;
    if (correct !== 1) ctx.problems.add(ctx.file, at('predict', 'choices'), `predict.choices of step "${id}" must mark exactly one choice correct: true (${correct === 0 ? 'none is' : `${correct} are`})`);
    if (v.why === undefined && list.some((c) => isObj(c) && c.why === undefined)) {
      ctx.problems.add(ctx.file, at('predict'), `predict of step "${id}" needs a why: { en, zh } (or a why on every choice), shown after the check`);
    }
  }
  if (ctx.problems.count !== before || !question) return undefined;
  return { question, choices, ...(why ? { why } : {}), source: { file: ctx.file, line: at('predict') } };
}
