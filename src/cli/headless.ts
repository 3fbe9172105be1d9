// The headless runner: walks lessons step by step through the engine, printing plain text.
// Every step that changes the cluster is taken as confirmed (the caller required --yes).

import type { Engine, Verdict } from '../engine/types.js';
import type { Lang, Step } from '../lesson/model.js';
import { noTraceText, traceText } from '../trace/index.js';

export interface HeadlessResult {
  ok: boolean;
  passed: number; // verifications (non-explain steps) that passed
  failed?: { lesson: string; step: string; verdict: Verdict };
}

const indent = (text: string, prefix = '    '): string =>
  text
    .replace(/\n+$/, '')
    .split('\n')
    .map((l) => `${prefix}${l}`)
    .join('\n');

function printResult(engine: Engine, step: Step, out: (text: string) => void): void {
  const state = engine.snapshot().stepState;
  if (step.kind === 'exec') {
    for (const entry of state.output) {
      if (entry.stream === 'stdout' || entry.stream === 'stderr') out(indent(entry.text.replace(/\r/g, ''), '    | '));
      else if (entry.stream === 'error') out(indent(entry.text, '    ! '));
    }
  } else if (step.kind === 'logs') {
    const proof = state.logs.find((l) => l.proof);
    if (proof) out(indent(`${proof.line.pod}: ${proof.line.text}`, '    ▶ PROOF '));
  } else {
    for (const entry of state.output) if (entry.stream === 'info' || entry.stream === 'error') out(indent(entry.text));
  }
}

/** `run --trace`: the verification's request, hop by hop (plain text: stable to read and to assert on). */
async function printTrace(engine: Engine, step: Step, lang: Lang, out: (text: string) => void): Promise<void> {
  if (step.kind !== 'exec' && step.kind !== 'logs') return;
  const trace = await engine.trace?.();
  out(indent(trace ? traceText(trace, lang, 76) : noTraceText(lang), '    '));
}

export interface HeadlessOptions {
  /** Print each verification's request trace (`run --trace`). */
  trace?: boolean;
}

/** The verdict's summary with the verification attempts, said once. */
export function summaryLine(verdict: Verdict, lang: Lang): string {
  if (!verdict.attempts || verdict.attempts < 2) return verdict.summary;
  return `${verdict.summary} (${lang === 'zh' ? `共尝试 ${verdict.attempts} 次` : `after ${verdict.attempts} attempts`})`;
}

/** Walk `lessonIds` in order; stop at the first failing step. */
/**
 * Where an earlier walk stopped (its saved position, a step not passed yet), when that is in the
 * lessons to run: a second `run --yes` goes on from there instead of starting over. A logs step
 * restarts at the request it looks for (the exec step before it), which must be made again.
 */
export function resumeFrom(engine: Engine, lessonIds: string[]): { lesson: string; step: string } | undefined {
  const snap = engine.snapshot();
  const at = snap.canResume ? snap.resumeAt : undefined;
  if (!at || !lessonIds.includes(at.lesson)) return undefined;
  const lesson = snap.lessons.find((l) => l.id === at.lesson);
  const index = lesson?.steps.findIndex((s) => s.id === at.step) ?? -1;
  if (!lesson || index < 0 || snap.progress[lesson.id]?.done.includes(at.step)) return undefined;
  let start = index;
  const step = lesson.steps[index];
  if (step.kind === 'logs') {
    const from = step.expect.requestFrom ? lesson.steps.findIndex((s) => s.id === step.expect.requestFrom) : -1;
    start = from >= 0 ? from : Math.max(0, lesson.steps.slice(0, index).map((s) => s.kind).lastIndexOf('exec'));
  }
  return { lesson: lesson.id, step: lesson.steps[start].id };
}

export async function runHeadless(engine: Engine, lessonIds: string[], lang: Lang, out: (text: string) => void, options: HeadlessOptions = {}): Promise<HeadlessResult> {
  const lessons = engine.snapshot().lessons;
  let passed = 0;
  const resume = resumeFrom(engine, lessonIds);
  let skipping = resume !== undefined;
  if (resume) out(lang === 'zh' ? `从上次停下的地方继续：${resume.lesson}/${resume.step}（之前的步骤上次已通过）。` : `Resuming at ${resume.lesson}/${resume.step}, where the last run stopped (the steps before it passed then).`);
  for (const id of lessonIds) {
    const lesson = lessons.find((l) => l.id === id);
    if (!lesson) continue;
    if (skipping && lesson.id !== resume!.lesson) continue;
    out(`\n== ${lesson.id}: ${lesson.title[lang]}`);
    for (const [index, step] of lesson.steps.entries()) {
      if (skipping) {
        if (step.id !== resume!.step) continue;
        skipping = false;
      }
      engine.openLesson(lesson.id, step.id);
      const label = `[${index + 1}/${lesson.steps.length}] ${step.id} (${step.kind}): ${step.title[lang]}`;
      if (step.kind === 'explain') {
        await engine.run();
        out(`-- ${label}`);
        continue;
      }
      out(`-- ${label}`);
      let verdict = await engine.run();
      // Printed after the run so a tagged curl shows the x-request-id it actually sent.
      for (const command of engine.kubectlFor(step)) out(`   $ ${command.split('\n').join('\n     ')}`);
      printResult(engine, step, out);
      // C6: someone changed an applied object; --yes confirmed changing the cluster, so take it back once.
      if (!verdict.ok && engine.snapshot().stepState.drift?.length) {
        out(`   FAIL ${summaryLine(verdict, lang)}${verdict.diagnosis ? `\n${indent(verdict.diagnosis)}` : ''}`);
        engine.cancel();
        out(`   ${lang === 'zh' ? '重新应用课程中的版本（--yes）' : "re-applying the lesson's version (--yes)"}`);
        verdict = await engine.reapply();
        printResult(engine, step, out);
      }
      // Another lesson's leftover decided the result: --yes confirmed removing the tutorial's own.
      if (!verdict.ok && engine.snapshot().stepState.leftovers?.length) {
        out(`   FAIL ${summaryLine(verdict, lang)}${verdict.diagnosis ? `\n${indent(verdict.diagnosis)}` : ''}`);
        engine.cancel();
        out(`   ${lang === 'zh' ? '删除遗留对象（--yes）并重试' : 'removing the leftovers (--yes) and retrying'}`);
        verdict = await engine.removeLeftovers();
        printResult(engine, step, out);
      }
      if (!verdict.ok) {
        out(`   FAIL ${summaryLine(verdict, lang)}${verdict.diagnosis ? `\n${indent(verdict.diagnosis)}` : ''}`);
        if (options.trace) await printTrace(engine, step, lang, out);
        engine.cancel();
        return { ok: false, passed, failed: { lesson: lesson.id, step: step.id, verdict } };
      }
      passed++;
      out(`   PASS ${verdict.summary}`);
      if (options.trace) await printTrace(engine, step, lang, out);
      // A logs step keeps following after its proof: stop before the next step.
      engine.cancel();
    }
  }
  return { ok: true, passed };
}
