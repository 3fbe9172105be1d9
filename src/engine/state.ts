// Mutable per-step state inside the engine, and its immutable snapshot form.

import type { ApplyOutcome, CheckResult, DeleteOutcome, Drift } from '../cluster/port.js';
import type { Lang, Localized, ObjectRef } from '../lesson/model.js';
import type { Trace } from '../trace/model.js';
import type { FixPatch } from '../explain/patch.js';
import { Ring } from './ring.js';
import type { LogEntry, OutputEntry, StepPhase, StepState, Verdict } from './types.js';

/** Text the engine wrote itself: kept in both languages, so switching language re-renders it. */
export type Text = string | Localized;

/** A verdict whose own sentences exist in both languages (port sentences are in one). */
export type LocalVerdict = Omit<Verdict, 'summary' | 'diagnosis'> & { summary: Text; diagnosis?: Text };

export function pick(text: Text, lang: Lang): string;
export function pick(text: Text | undefined, lang: Lang): string | undefined;
export function pick(text: Text | undefined, lang: Lang): string | undefined {
  return text === undefined || typeof text === 'string' ? text : text[lang];
}

export function verdictIn(v: LocalVerdict, lang: Lang): Verdict {
  const { summary, diagnosis, ...rest } = v;
  const out: Verdict = { ...rest, summary: pick(summary, lang) };
  if (diagnosis !== undefined) out.diagnosis = pick(diagnosis, lang);
  return out;
}

interface LiveEntry {
  stream: OutputEntry['stream'];
  text: Text;
}

export const OUTPUT_ENTRIES = 200;
export const OUTPUT_ENTRY_CHARS = 16_384;
export const LOG_LINES = 500;

export class LiveStepState {
  phase: StepPhase = 'idle';
  activity?: Text;
  output = new Ring<LiveEntry>(OUTPUT_ENTRIES);
  logs = new Ring<LogEntry>(LOG_LINES);
  applied?: ApplyOutcome[];
  deleted?: DeleteOutcome[];
  checks?: CheckResult[];
  verdict?: LocalVerdict;
  drift?: Drift[];
  leftovers?: ObjectRef[];
  /** The request's trace, once asked for (Engine.trace). */
  trace?: Trace;
  /** Counts the step's runs: a trace collected for an earlier run (an earlier request) is stale. */
  runs = 0;
  explainFix?: FixPatch;
  private lastOutput?: LiveEntry;

  /** Start over for a new run. */
  reset(): void {
    this.phase = 'idle';
    this.activity = undefined;
    this.output.clear();
    this.logs.clear();
    this.applied = undefined;
    this.deleted = undefined;
    this.checks = undefined;
    this.verdict = undefined;
    this.drift = undefined;
    this.leftovers = undefined;
    this.trace = undefined;
    this.explainFix = undefined;
    this.lastOutput = undefined;
  }

  /** Append output; consecutive chunks of one stream merge so a chatty command stays few entries. */
  write(stream: OutputEntry['stream'], text: Text): void {
    if (text === '') return;
    const last = this.lastOutput;
    if (typeof text === 'string' && last && typeof last.text === 'string' && last.stream === stream && last.text.length + text.length <= OUTPUT_ENTRY_CHARS && (stream === 'stdout' || stream === 'stderr')) {
      last.text += text;
      return;
    }
    const entry: LiveEntry = { stream, text: typeof text === 'string' && text.length > OUTPUT_ENTRY_CHARS ? text.slice(-OUTPUT_ENTRY_CHARS) : text };
    this.output.push(entry);
    this.lastOutput = entry;
  }

  clearOutput(): void {
    this.output.clear();
    this.lastOutput = undefined;
  }

  /** The state as the learner sees it in `lang`. */
  snapshot(lang: Lang = 'en'): StepState {
    const s: StepState = {
      phase: this.phase,
      output: this.output.toArray().map((e) => ({ stream: e.stream, text: pick(e.text, lang) })),
      logs: this.logs.toArray(),
    };
    if (this.activity !== undefined) s.activity = pick(this.activity, lang);
    if (this.applied) s.applied = this.applied;
    if (this.deleted) s.deleted = this.deleted;
    if (this.checks) s.checks = this.checks;
    if (this.verdict) s.verdict = verdictIn(this.verdict, lang);
    if (this.drift) s.drift = this.drift;
    if (this.leftovers) s.leftovers = this.leftovers;
    if (this.trace) s.trace = this.trace;
    if (this.explainFix) s.explainFix = this.explainFix;
    return s;
  }
}
