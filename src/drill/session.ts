// One drill attempt as a small state machine with a snapshot and subscribers, driven by the drill
// screen (src/ui/drill) and usable headless. Saves the time taken and the hints used.

import type { DrillRecord, DrillStore } from '../progress/index.js';
import { errorSentence } from '../engine/util.js';
import { drillMessages } from './messages.js';
import { symptomText, type Drill } from './model.js';
import { cleanUpDrill, probeSymptom, setUpDrill, verifyDrill, type DrillCheck, type DrillContext, type Probe } from './walk.js';

export type DrillPhase = 'setting-up' | 'broken' | 'verifying' | 'failed' | 'passed' | 'cleaning' | 'finished' | 'error';

export interface DrillSnapshot {
  drill: Drill;
  phase: DrillPhase;
  activity?: string;
  /** The request as it failed right after the setup. */
  symptom?: Probe;
  /** The latest verification. */
  check?: DrillCheck;
  hints: number; // 0–3 shown so far
  seconds?: number; // time taken, once passed
  error?: string;
  /** Objects removed at the end. */
  cleaned?: number;
  warning?: string;
}

export interface DrillSessionOptions extends DrillContext {
  drill: Drill;
  store: DrillStore;
  now?: () => number;
}

export class DrillSession {
  private state: DrillSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly controller = new AbortController();
  private startedAt = 0;
  private verifications = 0;
  private busy = false;

  constructor(private readonly options: DrillSessionOptions) {
    this.state = { drill: options.drill, phase: 'setting-up', hints: 0 };
  }

  snapshot(): DrillSnapshot {
    return this.state;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(patch: Partial<DrillSnapshot>): void {
    this.state = { ...this.state, ...patch };
    for (const l of [...this.listeners]) l();
  }

  private get ctx(): DrillContext {
    return { ...this.options, signal: this.controller.signal, onProgress: (text) => this.set({ activity: text }) };
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private save(record: DrillRecord): void {
    try {
      this.options.store.update(this.options.drill.name, record);
    } catch (error) {
      this.set({ warning: drillMessages(this.options.lang).saveFailed((error as NodeJS.ErrnoException).code ?? errorSentence(error)) });
    }
  }

  /** Apply the broken setup and show the symptom. */
  async start(): Promise<void> {
    const { drill } = this.options;
    this.busy = true;
    this.set({ phase: 'setting-up', activity: drillMessages(this.options.lang).settingUp });
    try {
      await setUpDrill(this.ctx, drill);
      const { probe: symptom, asDocumented } = await probeSymptom(this.ctx, drill);
      this.startedAt = this.now();
      this.save({ startedAt: new Date(this.startedAt).toISOString(), hints: 0 });
      const m = drillMessages(this.options.lang);
      this.set({ phase: 'broken', symptom, activity: undefined, ...(asDocumented ? {} : { warning: m.symptomDiffers(symptomText(drill.symptom, this.options.lang), symptom.outcome) }) });
    } catch (error) {
      if (!this.controller.signal.aborted) this.set({ phase: 'error', error: errorSentence(error), activity: undefined });
    } finally {
      this.busy = false;
    }
  }

  /** Show the next hint level (at most three). */
  hint(): void {
    if (this.state.hints >= 3 || !['broken', 'failed'].includes(this.state.phase)) return;
    const hints = this.state.hints + 1;
    this.save({ hints });
    this.set({ hints });
  }

  /** Verify by traffic; on a pass, save the result and remove the drill's objects. */
  async verify(): Promise<void> {
    if (this.busy || !['broken', 'failed'].includes(this.state.phase)) return;
    this.busy = true;
    this.verifications++;
    this.set({ phase: 'verifying' });
    try {
      const check = await verifyDrill(this.ctx, this.options.drill);
      if (!check.ok) {
        this.set({ phase: 'failed', check, activity: undefined });
        return;
      }
      const seconds = Math.max(0, Math.round((this.now() - this.startedAt) / 1000));
      this.save({ passed: true, seconds, hintsUsed: this.state.hints, attempts: this.verifications, finishedAt: new Date(this.now()).toISOString(), startedAt: undefined, hints: undefined });
      this.set({ phase: 'cleaning', check, seconds });
      const removed = await cleanUpDrill(this.ctx, this.options.drill);
      this.set({ phase: 'passed', cleaned: removed.filter((r) => r.result === 'deleted').length, activity: undefined });
    } catch (error) {
      if (!this.controller.signal.aborted) this.set({ phase: 'error', error: errorSentence(error), activity: undefined });
    } finally {
      this.busy = false;
    }
  }

  /** Leave: an unfinished drill is abandoned and its objects removed. */
  async quit(): Promise<void> {
    const phase = this.state.phase;
    this.controller.abort();
    if (phase === 'passed' || phase === 'finished') {
      this.set({ phase: 'finished' });
      return;
    }
    this.set({ phase: 'cleaning', activity: drillMessages(this.options.lang).cleaning });
    try {
      // A fresh context: the attempt's signal is aborted, the cleanup must still run.
      const removed = await cleanUpDrill({ ...this.options, signal: undefined }, this.options.drill);
      this.save({ startedAt: undefined, hints: undefined });
      this.set({ phase: 'finished', cleaned: removed.filter((r) => r.result === 'deleted').length, activity: undefined });
    } catch (error) {
      this.set({ phase: 'finished', error: errorSentence(error), activity: undefined });
    }
  }
}
