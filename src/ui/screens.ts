// The screens' contents as plain rows and strings: the lesson list, the help, the hint line, the
// y/n questions, the resume target. Pure functions of the snapshot; the App lays them out.

import type { CheckResult } from '../cluster/port.js';
import type { EngineSnapshot } from '../engine/types.js';
import type { ConfirmAction } from './keys.js';
import type { Renderer } from './markdown.js';
import { patchSummary } from '../explain/patch.js';
import { inlineMarkdown } from './inline.js';
import { predictionOf, predictMessages, shouldAsk } from '../predict/index.js';
import type { Messages } from './messages.js';
import { ruleRow, type Row } from './stepView.js';
import type { Role } from './theme.js';
import { cellWidth, padTo, stripAnsi, truncate, wrap } from './text.js';

/** One sentence from anything thrown: ClusterError messages are already learner sentences. */
export function errorSentence(error: unknown, fallback: string): string {
  const text = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  const first = text.split('\n')[0]?.trim();
  return first ? first : fallback;
}

/** The saved position the resume prompt names: the engine may expose it; else the lesson last worked on. */
export function resumeTarget(snapshot: EngineSnapshot): { lessonIndex: number; stepIndex: number } | undefined {
  const exposed = (snapshot as EngineSnapshot & { resumeAt?: { lesson: string; step: string } }).resumeAt;
  const candidates = exposed ? [[exposed.lesson, exposed.step] as const] : [];
  for (let i = snapshot.lessons.length - 1; i >= 0 && candidates.length === 0; i--) {
    const lesson = snapshot.lessons[i];
    const current = snapshot.progress[lesson.id]?.current;
    if (current) candidates.push([lesson.id, current] as const);
  }
  for (const [lessonId, stepId] of candidates) {
    const lessonIndex = snapshot.lessons.findIndex((l) => l.id === lessonId);
    const stepIndex = lessonIndex < 0 ? -1 : snapshot.lessons[lessonIndex].steps.findIndex((s) => s.id === stepId);
    if (stepIndex >= 0) return { lessonIndex, stepIndex };
  }
  return undefined;
}

export function fixableCheck(snapshot: EngineSnapshot | undefined): CheckResult | undefined {
  return snapshot?.stepState.checks?.find((c) => c.level !== 'pass' && c.autoFix);
}

export function confirmText(action: ConfirmAction, snapshot: EngineSnapshot, m: Messages): string {
  const { step, lang } = snapshot;
  switch (action.type) {
    case 'run':
      if (step.kind === 'apply') return m.confirmApply(step.manifests.reduce((n, mf) => n + mf.objects.length, 0), snapshot.namespace);
      if (step.kind === 'delete') return m.confirmDelete(step.objects.length);
      return m.confirmRun;
    case 'take-over':
      return m.confirmTakeOver;
    case 'fix':
      return m.confirmFix(action.check.autoFix?.description ?? action.check.name);
    case 'reapply': {
      const drift = snapshot.stepState.drift ?? [];
      return m.confirmReapply(
        drift.map((d) => `${d.ref.kind}/${d.ref.name}`),
        [...new Set(drift.flatMap((d) => d.fields))],
        [...new Set(drift.flatMap((d) => d.managers))],
      );
    }
    case 'remove-leftovers':
      return m.confirmRemoveLeftovers((snapshot.stepState.leftovers ?? []).map((r) => `${r.kind}/${r.name}`));
    case 'explain-fix': {
      const fix = snapshot.stepState.explainFix;
      return fix ? m.confirmExplainFix(patchSummary(fix)) : m.confirmRun;
    }
    case 'reset':
      return action.scope === 'lesson' ? m.resetConfirm.lesson(snapshot.lesson.title[lang]) : m.resetConfirm[action.scope];
  }
}

/** A verification's result is on screen: `t` traces its request. */
export function traceable(snapshot: EngineSnapshot): boolean {
  const { step, stepState } = snapshot;
  return (step.kind === 'exec' || step.kind === 'logs') && (stepState.phase === 'passed' || stepState.phase === 'failed');
}

export function stepHints(snapshot: EngineSnapshot, m: Messages, fixable: boolean): string[] {
  const k = m.keyHint;
  const { step, stepState } = snapshot;
  if (stepState.phase === 'running') return [k.cancel, k.help, k.quit];
  const first: string[] = [];
  if (stepState.phase === 'conflict') first.push(k.takeOver, k.skip);
  else if (stepState.phase === 'passed') first.push(k.next);
  else if (step.kind === 'explain') first.push(k.continue);
  else if (stepState.phase === 'failed' || stepState.phase === 'cancelled') first.push(k.retry);
  else first.push(step.kind === 'apply' ? k.apply : step.kind === 'delete' ? k.delete : k.run);
  if (stepState.phase === 'passed' && step.kind !== 'explain') first.push(k.again);
  if (fixable) first.push(k.fix);
  if (stepState.drift?.length && stepState.phase !== 'passed' && !fixable) first.push(k.reapply);
  else if (stepState.leftovers?.length && stepState.phase !== 'passed' && !fixable) first.push(k.removeLeftovers);
  else if (stepState.explainFix && stepState.phase !== 'passed' && !fixable) first.push(k.explainFix);
  if (traceable(snapshot)) first.push(k.trace);
  if (step.kind === 'apply' && stepState.phase !== 'conflict') first.push(k.dryRun);
  if (step.kind === 'apply' && step.equivalent) first.push(m.otherApiHint(step.equivalent.api));
  if (step.kind !== 'explain') first.push(k.copy);
  if (stepState.activity) first.push(k.cancel); // a log follow still running after the verdict
  return [...first, k.back, k.list, k.reset, k.lang, k.help, k.quit];
}

/** Drop the least needed hints until the line fits (help and quit always stay). */
export function fitHints(hints: string[], width: number): string[] {
  const kept = [...hints];
  const droppable = () => kept.length > 3;
  // Remove from the end, keeping the last two (help, quit) and the first (what Enter does).
  while (cellWidth(kept.join(' · ')) > width && droppable()) kept.splice(kept.length - 3, 1);
  return kept;
}

export function helpRows(m: Messages, width: number): Row[] {
  const rows: Row[] = [ruleRow(m.helpTitle, width)];
  const keyWidth = 14;
  for (const [keys, what] of m.help) {
    const lines = wrap(what, Math.max(10, width - keyWidth));
    lines.forEach((line, i) => rows.push({ text: (i === 0 ? padTo(keys, keyWidth) : ' '.repeat(keyWidth)) + line, role: undefined }));
  }
  return rows; // the hint line says how to close it
}

/**
 * The number a lesson goes by: its folder's (10-gateway-api-http is lesson 10, as the prose and
 * README call it), else its place in the course.
 */
export function lessonNumber(lessons: readonly { id: string }[], index: number): number {
  const m = /^(\d+)-/.exec(lessons[index]?.id ?? '');
  return m ? Number(m[1]) : index + 1;
}

/** "lesson 2/7" for a core lesson (of the core lessons), "lesson 10" for a track's. */
export function lessonPosition(snapshot: Pick<EngineSnapshot, 'lessons' | 'lessonIndex'>, m: Messages): string {
  const lesson = snapshot.lessons[snapshot.lessonIndex];
  const n = lessonNumber(snapshot.lessons, snapshot.lessonIndex);
  return lesson?.track ? m.lessonOf(n) : m.lessonOf(n, snapshot.lessons.filter((l) => !l.track).length);
}

export function lessonListRows(snapshot: EngineSnapshot, cursor: number, m: Messages, width: number, height: number, plain: boolean, renderer?: Renderer, drills = false): Row[] {
  const { lessons, lang } = snapshot;
  // Entries: the core lessons, a heading before each track's lessons, then (with drills) the
  // drill menu, opened by cursor index lessons.length. Headings are not selectable.
  type Entry = { kind: 'lesson'; index: number } | { kind: 'heading'; track: string } | { kind: 'drills' };
  const entries: Entry[] = [];
  lessons.forEach((lesson, index) => {
    if (lesson.track && lesson.track !== lessons[index - 1]?.track) entries.push({ kind: 'heading', track: lesson.track });
    entries.push({ kind: 'lesson', index });
  });
  if (drills) entries.push({ kind: 'drills' });
  const at = Math.max(0, entries.findIndex((e) => (e.kind === 'lesson' && e.index === cursor) || (e.kind === 'drills' && cursor === lessons.length)));
  const listHeight = Math.min(entries.length, Math.max(1, height - 4));
  const first = Math.max(0, Math.min(at - Math.floor(listHeight / 2), entries.length - listHeight));
  const rows: Row[] = [ruleRow(m.lessonsTitle, width)];
  // A window that hides entries says so in its first or last row (never the cursor's row).
  const shown: (Entry | { kind: 'more'; text: string })[] = entries.slice(first, first + listHeight);
  if (first > 0 && shown.length > 1 && first !== at) shown[0] = { kind: 'more', text: m.listMoreAbove(first + 1) };
  const below = entries.length - (first + listHeight);
  if (below > 0 && shown.length > 1 && first + listHeight - 1 !== at) shown[shown.length - 1] = { kind: 'more', text: m.listMoreBelow(below + 1, drills) };
  for (const entry of shown) {
    if (entry.kind === 'more') {
      rows.push({ text: truncate(entry.text, width), role: 'muted' });
      continue;
    }
    if (entry.kind === 'drills') {
      const selected = cursor === lessons.length;
      rows.push({ text: truncate(`${selected ? '›' : ' '} ▸ ${m.drillsEntry}`, width), role: selected ? 'selected' : 'accent' });
      continue;
    }
    if (entry.kind === 'heading') {
      const def = snapshot.tracks.find((t) => t.id === entry.track);
      rows.push({ text: truncate(m.trackHeading(def ? stripMarks(def.title[lang]) : entry.track, def?.requires[lang]), width), role: 'heading' });
      continue;
    }
    const index = entry.index;
    const lesson = lessons[index];
    const total = lesson.steps.length;
    const doneIds = new Set(snapshot.progress[lesson.id]?.done ?? []);
    const done = lesson.steps.filter((s) => doneIds.has(s.id)).length;
    const complete = total > 0 && done === total;
    const symbol = complete ? '✓' : done > 0 ? '◐' : '·';
    const status = complete ? `${done}/${total} ${m.lessonComplete}` : `${done}/${total} ${m.lessonDone}`;
    const here = index === snapshot.lessonIndex ? ` (${m.lessonCurrent})` : '';
    const right = ` ${status}${here}`;
    const marker = index === cursor ? '›' : ' ';
    const left = `${marker} ${symbol} ${lessonNumber(lessons, index)}. ${stripMarks(lesson.title[lang])}`;
    const leftWidth = Math.max(1, width - cellWidth(right));
    rows.push({ text: padTo(left, leftWidth) + truncate(right, width - leftWidth), role: index === cursor ? 'selected' : undefined });
  }
  const selected = lessons[cursor];
  const summary = drills && cursor === lessons.length ? m.drillsIntro : selected?.summary[lang]?.trim();
  if (summary) {
    const room = height - rows.length - 1;
    if (room > 0) {
      const text = renderer ? renderer.markdown(summary) : summary;
      rows.push({ text: '' }, ...wrap(plain ? stripAnsi(text) : text, width).slice(0, room).map((t) => ({ text: t })));
    }
  }
  return rows;
}

/** The end of a lesson: "Lesson N done — next: <title>", and what was learned in one line. */
export function lessonDoneRows(snapshot: EngineSnapshot, m: Messages, width: number, plain: boolean): Row[] {
  const { lessons, lesson, lessonIndex, lang } = snapshot;
  const next = lessons[lessonIndex + 1];
  const nextTitle = next ? stripMarks(next.title[lang]) : undefined;
  const doneIds = new Set(snapshot.progress[lesson.id]?.done ?? []);
  const done = lesson.steps.filter((s) => doneIds.has(s.id)).length;
  const complete = done === lesson.steps.length;
  const n = lessonNumber(lessons, lessonIndex);
  const title = complete ? m.lessonDoneTitle(n, nextTitle) : m.lessonEndTitle(n, done, lesson.steps.length, nextTitle);
  const rows: Row[] = [ruleRow(stripMarks(lesson.title[lang]), width), { text: '' }];
  rows.push(...wrap(`${complete ? '✓' : '◐'} ${title}`, width).map((text) => ({ text, role: (complete ? 'pass' : 'warn') as Role })));
  const learned = lesson.learned?.[lang];
  if (learned) {
    rows.push({ text: '' }, { text: truncate(m.learnedLabel, width), role: 'heading' });
    const text = inlineMarkdown(learned, plain);
    rows.push(...wrap(plain ? stripAnsi(text) : text, width - 2).map((t) => ({ text: `  ${t}` })));
  }
  return rows;
}

/** The prediction asked before a verification: the question and its numbered choices. */
export function predictRows(snapshot: EngineSnapshot, width: number): Row[] {
  const p = predictionOf(snapshot.step);
  if (!p) return [];
  const { lang } = snapshot;
  const rows: Row[] = [ruleRow(predictMessages(lang).title, width, 'warn')];
  rows.push(...wrap(p.question[lang], width).map((text) => ({ text, role: 'heading' as Role })));
  p.choices.forEach((c, i) => {
    const lines = wrap(c.text[lang], Math.max(10, width - 5));
    lines.forEach((line, k) => rows.push({ text: `${k === 0 ? `  ${i + 1}  ` : '     '}${line}`, role: k === 0 ? 'key' : undefined }));
  });
  return rows;
}

/** Ask before running this step: the number of choices of a prediction not yet answered or skipped. */
export function pendingPrediction(snapshot: EngineSnapshot | undefined): number | undefined {
  if (!snapshot || snapshot.stepState.phase === 'passed' || snapshot.stepState.phase === 'running') return undefined;
  const { step, lesson } = snapshot;
  return shouldAsk(step, snapshot.progress[lesson.id]?.predictions) ? predictionOf(step)!.choices.length : undefined;
}

/** A title without its inline Markdown marks (for plain rows such as the header). */
export function stripMarks(text: string): string {
  return inlineMarkdown(text, true);
}
