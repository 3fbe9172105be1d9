// Mutable per-step state inside the engine, and its immutable snapshot form.

import type { ApplyOutcome, CheckResult, DeleteOutcome, Drift } from '../cluster/port.js';
import type { ObjectRef } from '../lesson/model.js';
import { Ring } from './ring.js';
import type { LogEntry, OutputEntry, StepPhase, StepState, Verdict } from './types.js';

export const OUTPUT_ENTRIES = 200;
export const OUTPUT_ENTRY_CHARS = 16_384;
export const LOG_LINES = 500;

export class LiveStepState {
  phase: StepPhase = 'idle';
  activity?: string;
  output = new Ring<OutputEntry>(OUTPUT_ENTRIES);
  logs = new Ring<LogEntry>(LOG_LINES);
  applied?: ApplyOutcome[];
  deleted?: DeleteOutcome[];
  checks?: CheckResult[];
  verdict?: Verdict;
  drift?: Drift[];
  leftovers?: ObjectRef[];
  private lastOutput?: OutputEntry;

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
    this.lastOutput = undefined;
  }

  /** Append output; consecutive chunks of one stream merge so a chatty command stays few entries. */
  write(stream: OutputEntry['stream'], text: string): void {
    if (text === '') return;
    const last = this.lastOutput;
    if (last && last.stream === stream && last.text.length + text.length <= OUTPUT_ENTRY_CHARS && (stream === 'stdout' || stream === 'stderr')) {
      last.text += text;
      return;
    }
    const entry = { stream, text: text.length > OUTPUT_ENTRY_CHARS ? text.slice(-OUTPUT_ENTRY_CHARS) : text };
    this.output.push(entry);
    this.lastOutput = entry;
  }

  clearOutput(): void {
    this.output.clear();
    this.lastOutput = undefined;
  }

  snapshot(): StepState {
    const s: StepState = {
      phase: this.phase,
      output: this.output.toArray().map((e) => ({ ...e })),
      logs: this.logs.toArray(),
    };
    if (this.activity !== undefined) s.activity = this.activity;
    if (this.applied) s.applied = this.applied;
    if (this.deleted) s.deleted = this.deleted;
    if (this.checks) s.checks = this.checks;
    if (this.verdict) s.verdict = this.verdict;
    if (this.drift) s.drift = this.drift;
    if (this.leftovers) s.leftovers = this.leftovers;
    return s;
  }
}
