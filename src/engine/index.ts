// The lesson engine: walks a LessonSet step by step over a ClusterPort, keeps per-step state and
// saved progress, and notifies subscribers (coalesced). The ink UI and the headless runner drive it.

import { randomUUID } from 'node:crypto';
import type { CheckResult, DeleteOutcome } from '../cluster/port.js';
import type { Lang, Lesson, Step } from '../lesson/model.js';
import { driftRef, manifestsFor } from './drift.js';
import { patchCommand, patchRef } from '../explain/index.js';
import { makeFix } from './explain.js';
import { kubectlCommands } from './kubectl.js';
import { engineMessages, inBoth } from './messages.js';
import { findPosition, markDone, positionAfter, positionBefore, resumePosition, stepNeedsConfirmation, withCurrent, type Position } from './machine.js';
import { clientTarget, LOG_LINE_GRACE_MS, requestFor, requestStep, runApply, runCheck, runDelete, runExec, runLogs, type RequestRecord, type RunContext } from './runners.js';
import { collectTrace } from './trace.js';
import type { Trace } from '../trace/model.js';
import { LiveStepState, verdictIn, type LocalVerdict } from './state.js';
import { gatewayPods, traceGateway } from './gateway.js';
import { PodCache } from './pod-cache.js';
import type { Engine, EngineOptions, EngineSnapshot, LessonProgress, ResetReport, ResetScope, StepPhase, Verdict } from './types.js';
import { errorSentence, errorText, isCancelled, portText } from './util.js';
import { answer as answerPrediction, score as scorePrediction } from '../predict/model.js';

export type * from './types.js';
export { kubectlCommands, shellQuote, withRequestId } from './kubectl.js';
export { enterAction, lessonsToRun, stepNeedsConfirmation, type EnterAction } from './machine.js';
export { resolveGatewayMode, gatewayPods, otherModeObjects, modeSwitchWarning, type GatewayModeSource } from './gateway.js';

/** Listener calls are batched: a log flood must not call every listener once per line. */
const NOTIFY_INTERVAL_MS = 30;
const DEFAULT_VERIFY_TIMEOUT_MS = 30_000;

export function createEngine(options: EngineOptions): Engine {
  const lessons = options.lessons.lessons;
  if (!lessons.some((l) => l.steps.length > 0)) throw new Error('The lesson folder has no lessons with steps.');
  return new LessonEngine(options);
}

class LessonEngine implements Engine {
  private readonly lessons: Lesson[];
  private readonly now: () => number;
  private readonly startedAt: number;
  private lang: Lang;
  private pos: Position;
  private progress: Record<string, LessonProgress>;
  private readonly savedPosition: Position | undefined;
  private canResume: boolean;
  private readonly states = new Map<string, LiveStepState>();
  private readonly requests = new Map<string, RequestRecord>();
  /** The x-request-id each tagged exec step sends next, so its printed command shows it before it runs. */
  private readonly nextIds = new Map<string, string>();
  private readonly lookedFor = new Set<string>();
  private readonly pods = new PodCache();
  private readonly listeners = new Set<() => void>();
  private revision = 0;
  private cached?: EngineSnapshot;
  private notifyTimer?: NodeJS.Timeout;
  private activity?: AbortController;
  /** The trace being collected (its own streams: a logs step's follow goes on beside it). */
  private tracing?: AbortController;
  private disposed = false;
  private saveWarning?: string;
  /** Served versions of the groups the manifests use (equivalent commands show what is applied). */
  private readonly served: Record<string, string> = {};

  constructor(private readonly options: EngineOptions) {
    this.lessons = options.lessons.lessons;
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.lang = options.lang;
    options.port.setLang?.(options.lang);
    const saved = safeLoad(options);
    this.progress = saved?.lessons ? structuredClone(saved.lessons) : {};
    this.pos = positionAfter(this.lessons, { lessonIndex: -1, stepIndex: 0 }) ?? { lessonIndex: 0, stepIndex: 0 };
    this.savedPosition = resumePosition(this.lessons, saved);
    this.canResume = this.savedPosition !== undefined && (this.savedPosition.lessonIndex !== this.pos.lessonIndex || this.savedPosition.stepIndex !== this.pos.stepIndex);
    this.learnServedVersions();
  }

  /** Ask once which version of each API group of the manifests the cluster serves (from discovery). */
  private learnServedVersions(): void {
    const groups = new Set<string>();
    for (const lesson of this.lessons)
      for (const step of lesson.steps)
        if (step.kind === 'apply') for (const m of step.manifests) for (const o of m.objects) if (o.apiVersion?.includes('.') && o.apiVersion.includes('/')) groups.add(o.apiVersion.split('/')[0]);
    for (const group of groups) {
      let answer: Promise<string | undefined>;
      try {
        answer = Promise.resolve(this.options.port.servedVersion(group));
      } catch {
        continue;
      }
      answer.then(
        (version) => {
          if (!version || this.served[group] === version || this.disposed) return;
          this.served[group] = version;
          this.changed();
        },
        () => undefined,
      );
    }
  }

  // ---- reading -------------------------------------------------------------------------------

  private get lesson(): Lesson {
    return this.lessons[this.pos.lessonIndex];
  }

  private get step(): Step {
    return this.lesson.steps[this.pos.stepIndex];
  }

  private stateOf(lesson: Lesson, step: Step): LiveStepState {
    const key = `${lesson.id}/${step.id}`;
    let state = this.states.get(key);
    if (!state) {
      state = new LiveStepState();
      this.states.set(key, state);
    }
    return state;
  }

  snapshot(): EngineSnapshot {
    if (this.cached && this.cached.revision === this.revision) return this.cached;
    this.cached = {
      revision: this.revision,
      lang: this.lang,
      lessons: this.lessons,
      tracks: this.options.lessons.tracks ?? [],
      lessonIndex: this.pos.lessonIndex,
      stepIndex: this.pos.stepIndex,
      lesson: this.lesson,
      step: this.step,
      stepState: this.stateOf(this.lesson, this.step).snapshot(this.lang),
      progress: this.progress,
      cluster: this.options.port.identity(),
      namespace: this.options.namespace,
      istioNamespace: this.options.istioNamespace,
      canResume: this.canResume,
      gateway: this.options.lessons.gateway ?? 'shared',
    };
    if (this.canResume && this.savedPosition) {
      const lesson = this.lessons[this.savedPosition.lessonIndex];
      this.cached.resumeAt = { lesson: lesson.id, step: lesson.steps[this.savedPosition.stepIndex].id };
    }
    const warnings = [...(this.options.warnings ?? []), this.options.progress.warning, this.saveWarning].filter((w): w is string => !!w);
    if (warnings.length) this.cached.warnings = warnings;
    this.cached.progressSaved = this.options.progress.persistent !== false && this.saveWarning === undefined;
    return this.cached;
  }

  /** A warning about saving progress (disk full, read-only state dir), if saving failed. */
  get warning(): string | undefined {
    return this.saveWarning ?? this.options.progress.warning;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.revision++;
    if (this.disposed || this.notifyTimer) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      for (const listener of [...this.listeners]) {
        try {
          listener();
        } catch {
          // A renderer's failure must not stop the engine or other listeners.
        }
      }
    }, NOTIFY_INTERVAL_MS);
    this.notifyTimer.unref?.();
  }

  // ---- moving --------------------------------------------------------------------------------

  setLang(lang: Lang): void {
    if (lang === this.lang) return;
    this.lang = lang;
    this.options.port.setLang?.(lang);
    this.changed();
    // The engine's own sentences follow at once (kept in both languages); a check step's lines are
    // the port's, in the language they were made in: read them again (checks only read the cluster).
    const state = this.stateOf(this.lesson, this.step);
    if (this.step.kind === 'check' && (state.phase === 'passed' || state.phase === 'failed') && !this.disposed) void this.run();
  }

  private moveTo(pos: Position): void {
    this.stopActivity();
    this.pos = pos;
    this.canResume = false;
    this.progress = withCurrent(this.progress, this.lesson.id, this.step.id);
    this.persist();
    this.changed();
  }

  openLesson(lessonId: string, stepId?: string): void {
    let pos = findPosition(this.lessons, lessonId, stepId);
    if (!pos) return;
    if (stepId === undefined) {
      const current = this.progress[lessonId]?.current;
      pos = (current && findPosition(this.lessons, lessonId, current)) || pos;
    }
    this.moveTo(pos);
  }

  resume(): void {
    if (this.savedPosition) this.moveTo(this.savedPosition);
    else {
      this.canResume = false;
      this.changed();
    }
  }

  next(): void {
    if (this.step.kind === 'explain') this.markDone(this.lesson, this.step);
    const after = positionAfter(this.lessons, this.pos);
    if (after) this.moveTo(after);
    else {
      this.stopActivity();
      this.persist();
      this.changed();
    }
  }

  back(): void {
    const before = positionBefore(this.lessons, this.pos);
    if (before) this.moveTo(before);
  }

  private markDone(lesson: Lesson, step: Step): void {
    this.progress = markDone(this.progress, lesson, step.id);
    // A prediction answered before this check is scored now that the check passed.
    const scored = scorePrediction(this.progress[lesson.id]?.predictions, step);
    if (scored) this.progress = { ...this.progress, [lesson.id]: { ...this.progress[lesson.id], predictions: scored } };
    this.persist();
  }

  predict(choice: number | null): void {
    const lesson = this.lesson;
    const current = this.progress[lesson.id] ?? { done: [] };
    const predictions = answerPrediction(current.predictions, this.step, choice);
    if (!predictions) return;
    this.progress = { ...this.progress, [lesson.id]: { ...current, predictions } };
    this.persist();
    this.changed();
  }

  private persist(): void {
    try {
      this.options.progress.save({
        version: 1,
        clusterKey: this.options.port.identity().key,
        namespace: this.options.namespace,
        lessons: this.progress,
        position: { lesson: this.lesson.id, step: this.step.id },
        updatedAt: new Date(this.now()).toISOString(),
        gateway: this.options.lessons.gateway ?? 'shared',
      });
      this.saveWarning = undefined;
    } catch (error) {
      this.saveWarning = engineMessages(this.lang).saveFailed((error as NodeJS.ErrnoException).code ?? errorSentence(error));
    }
  }

  // ---- running -------------------------------------------------------------------------------

  needsConfirmation(step?: Step): boolean {
    return stepNeedsConfirmation(step ?? this.step);
  }

  private stopActivity(): void {
    this.tracing?.abort();
    this.tracing = undefined;
    const current = this.activity;
    this.activity = undefined;
    current?.abort();
  }

  private context(lesson: Lesson, state: LiveStepState, signal: AbortSignal, extra: Partial<RunContext> = {}): RunContext {
    return {
      port: this.options.port,
      lang: this.lang,
      m: engineMessages(this.lang),
      lessons: this.options.lessons,
      lesson,
      state,
      signal,
      namespace: this.options.namespace,
      istioNamespace: this.options.istioNamespace,
      verifyTimeoutMs: this.options.verifyTimeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS,
      logLineGraceMs: this.options.logLineGraceMs,
      now: this.now,
      changed: () => this.changed(),
      requests: this.requests,
      startedAt: this.startedAt,
      takeRequestId: (key) => {
        const id = this.nextIds.get(key) ?? newRequestId();
        this.nextIds.delete(key);
        return id;
      },
      lookedFor: this.lookedFor,
      pods: this.pods,
      ...extra,
    };
  }

  /** Run `body` as the step's one activity: phases, cancellation, verdict, progress. */
  private async perform(body: (ctx: RunContext) => Promise<LocalVerdict>, extra: Partial<RunContext> = {}, keepOutput = false): Promise<Verdict> {
    const lesson = this.lesson;
    const step = this.step;
    const state = this.stateOf(lesson, step);
    const m = engineMessages(this.lang);
    if (this.disposed) return { ok: false, summary: m.shuttingDown };
    if (state.phase === 'running') return { ok: false, summary: m.alreadyRunning };
    this.stopActivity();
    const controller = new AbortController();
    this.activity = controller;
    if (!keepOutput) state.reset();
    state.phase = 'running';
    state.verdict = undefined;
    state.runs++;
    this.changed();

    let latePass: LocalVerdict | undefined;
    const ctx = this.context(lesson, state, controller.signal, {
      ...extra,
      onLatePass: (verdict) => {
        latePass = verdict;
        state.phase = 'passed';
        state.verdict = verdict;
        this.markDone(lesson, step);
        this.changed();
      },
    });
    let verdict: LocalVerdict;
    try {
      verdict = await body(ctx);
    } catch (error) {
      verdict = isCancelled(error, controller.signal) ? { ok: false, summary: inBoth((mm) => mm.cancelled) } : { ok: false, summary: errorText(error) };
    }
    // A proof that arrived while the failure was being diagnosed wins over it.
    if (latePass && !verdict.ok && !controller.signal.aborted) verdict = latePass;
    const cancelled = controller.signal.aborted && !verdict.ok;
    if ((state.phase as StepPhase) !== 'conflict') state.phase = verdict.ok ? 'passed' : cancelled ? 'cancelled' : 'failed';
    state.verdict = verdict;
    // A logs step keeps following after its verdict; everything else is finished.
    if (!(step.kind === 'logs' && !controller.signal.aborted)) {
      state.activity = undefined;
      if (this.activity === controller) this.activity = undefined;
    }
    if (verdict.ok) this.markDone(lesson, step);
    this.changed();
    return verdictIn(verdict, this.lang);
  }

  run(): Promise<Verdict> {
    const step = this.step;
    switch (step.kind) {
      case 'explain':
        return this.perform(async () => ({ ok: true, summary: inBoth((m) => m.read) }));
      case 'apply':
        return this.perform((ctx) => runApply(ctx, step));
      case 'delete':
        return this.perform((ctx) => runDelete(ctx, step));
      case 'exec':
        return this.perform((ctx) => runExec(ctx, step));
      case 'logs':
        return this.perform((ctx) => runLogs(ctx, step));
      case 'check':
        return this.perform((ctx) => runCheck(ctx, step));
    }
  }

  async resolveConflict(takeOver: boolean): Promise<Verdict> {
    const step = this.step;
    const state = this.stateOf(this.lesson, step);
    const m = engineMessages(this.lang);
    if (step.kind !== 'apply' || state.phase !== 'conflict') return state.verdict ? verdictIn(state.verdict, this.lang) : { ok: false, summary: m.noConflict };
    if (!takeOver) {
      state.phase = 'failed';
      state.verdict = { ok: false, summary: inBoth((mm) => mm.leftAlone), diagnosis: state.verdict?.summary };
      this.changed();
      return verdictIn(state.verdict, this.lang);
    }
    state.phase = 'idle';
    return this.perform((ctx) => runApply(ctx, step), { takeOver: true });
  }

  async applyFix(check: CheckResult): Promise<Verdict> {
    const step = this.step;
    const fix = check.autoFix;
    if (!fix) return { ok: false, summary: engineMessages(this.lang).noAutoFix(check.name), diagnosis: check.fix };
    const fixed = await this.perform(async (ctx) => {
      if (fix.kind === 'apply') {
        ctx.state.write('info', inBoth((m) => m.applyingFix(fix.description)));
        const outcomes = fix.objects.length ? await ctx.port.apply(fix.objects, { lesson: ctx.lesson.id, step: step.id, namespace: ctx.namespace, signal: ctx.signal }) : [];
        // Shared objects (the Istio namespace's): created or updated with this namespace recorded as relying on them.
        if (fix.shared?.length) {
          if (!ctx.port.claimShared) return { ok: false, summary: inBoth((m) => m.fixNotApplied(fix.description)) };
          outcomes.push(...(await ctx.port.claimShared(fix.shared, ctx.namespace, { lesson: ctx.lesson.id, step: step.id, signal: ctx.signal })));
        }
        const bad = outcomes.filter((o) => o.result === 'error' || o.result === 'conflict');
        if (bad.length) return { ok: false, summary: inBoth((m, lang) => m.fixNotApplied(bad.map((b) => portText(b, lang) ?? b.result).join(' '))) };
        return { ok: true, summary: fix.description };
      }
      // Labelling a namespace is not an apply of a tutorial-owned object (reset must never delete
      // the namespace), so a port offers it separately; without that the learner runs kubectl.
      const port = ctx.port;
      const labels = Object.entries(fix.labels).map(([k, v]) => `${k}=${v}`).join(' ');
      if (!port.labelNamespace) return { ok: false, summary: inBoth((m) => m.runThisToFix(`kubectl label namespace ${fix.namespace} ${labels} --overwrite`)) };
      await port.labelNamespace(fix.namespace, fix.labels, ctx.signal);
      this.pods.forgetNamespace(fix.namespace); // injection takes effect in new pods
      return { ok: true, summary: fix.description };
    });
    if (!fixed.ok || step.kind !== 'check') return fixed;
    return this.run();
  }

  async reapply(): Promise<Verdict> {
    const lesson = this.lesson;
    const step = this.step;
    const state = this.stateOf(lesson, step);
    const m = engineMessages(this.lang);
    const drift = state.drift;
    if (!drift?.length || state.phase === 'running') return state.verdict ? verdictIn(state.verdict, this.lang) : { ok: false, summary: m.noDrift };
    const groups = manifestsFor(lesson, step, drift);
    if (groups.length === 0) return { ok: false, summary: m.noDrift };
    const applied = await this.perform(async (ctx) => {
      ctx.state.drift = undefined;
      ctx.state.activity = inBoth((mm) => mm.reapplying(drift.map(driftRef)));
      ctx.changed();
      for (const group of groups) {
        const outcomes = await ctx.port.apply(group.objects, { lesson: lesson.id, step: group.step.id, namespace: ctx.namespace, takeOver: true, signal: ctx.signal });
        this.pods.clear(); // a re-applied workload may have new pods
        for (const o of outcomes) ctx.state.write(o.result === 'error' ? 'error' : 'info', inBoth((mm, lang) => `${o.ref.kind}/${o.ref.name}: ${mm.resultWord(o.result)}${o.message ? ` — ${portText(o, lang)}` : ''}`));
        const bad = outcomes.filter((o) => o.result === 'error' || o.result === 'conflict');
        if (bad.length) return { ok: false, summary: inBoth((mm, lang) => mm.reapplyFailed(bad.map((b) => portText(b, lang) ?? b.result).join(' '))) };
      }
      const n = groups.reduce((k, g) => k + g.objects.length, 0);
      return { ok: true, summary: inBoth((mm) => mm.applied(n, n)) };
    });
    if (!applied.ok) return applied;
    // Then the step again: a logs step sends a new request (the one it looked for was made before the fix).
    return this.run();
  }

  async removeLeftovers(): Promise<Verdict> {
    const step = this.step;
    const state = this.stateOf(this.lesson, step);
    const m = engineMessages(this.lang);
    const refs = state.leftovers;
    if (!refs?.length || state.phase === 'running') return state.verdict ? verdictIn(state.verdict, this.lang) : { ok: false, summary: m.noLeftovers };
    const removed = await this.perform(async (ctx) => {
      ctx.state.activity = inBoth((mm) => mm.removingLeftovers(refs.map((r) => `${r.kind}/${r.name} (${r.namespace})`)));
      ctx.changed();
      const outcomes = await ctx.port.delete(refs, { namespace: ctx.namespace, signal: ctx.signal, waitMs: 60_000 });
      for (const o of outcomes) ctx.state.write(o.result === 'error' ? 'error' : 'info', inBoth((mm, lang) => `${o.ref.kind}/${o.ref.name}: ${mm.resultWord(o.result)}${o.message ? ` — ${portText(o, lang)}` : ''}`));
      const bad = outcomes.filter((o) => o.result === 'error');
      if (bad.length) return { ok: false, summary: inBoth((mm, lang) => mm.leftoversNotRemoved(bad.map((b) => portText(b, lang) ?? b.result).join(' '))) };
      return { ok: true, summary: inBoth((mm) => mm.removed(outcomes.filter((o) => o.result === 'deleted').length, outcomes.filter((o) => o.result === 'not-ours').length)) };
    });
    if (!removed.ok) return removed;
    return this.run();
  }

  async applyExplainFix(): Promise<Verdict> {
    const step = this.step;
    const state = this.stateOf(this.lesson, step);
    const m = engineMessages(this.lang);
    const fix = state.explainFix;
    if (!fix || state.phase === 'running') return state.verdict ? verdictIn(state.verdict, this.lang) : { ok: false, summary: m.noExplainFix };
    const made = await this.perform(async (ctx) => {
      ctx.state.activity = inBoth((mm) => mm.applyingExplainFix(patchCommand(fix).split('\n')[0]));
      ctx.changed();
      const error = await makeFix(ctx, fix, step.id);
      if (error) return { ok: false, summary: inBoth((mm) => mm.fixNotApplied(error)) };
      const ref = patchRef(fix);
      return { ok: true, summary: inBoth((mm) => mm.explainFixMade(`${ref.kind}/${ref.name} (${ref.namespace})`)) };
    });
    if (!made.ok) return made;
    // Then the step again: a logs step sends a new request (the one it looked for was made before the fix).
    return this.run();
  }

  async dryRun(): Promise<string> {
    const step = this.step;
    if (step.kind !== 'apply') return engineMessages(this.lang).appliesNothing;
    try {
      const objects = step.manifests.flatMap((m) => m.objects).map((o) => structuredClone(o));
      const outcomes = await this.options.port.apply(objects, { lesson: this.lesson.id, step: step.id, namespace: this.options.namespace, dryRun: true });
      return outcomes
        .map(
          (o) =>
            o.serverYaml?.replace(/\n+$/, '') ??
            [`# ${o.ref.kind}/${o.ref.name}: ${o.result}${o.message ? ` — ${o.message}` : ''}`, ...(o.diff ? o.diff.replace(/\n+$/, '').split('\n').map((l) => `#   ${l}`) : [])].join('\n'),
        )
        .join('\n---\n');
    } catch (error) {
      return `# ${errorSentence(error)}`;
    }
  }

  async trace(): Promise<Trace | undefined> {
    const lesson = this.lesson;
    const step = this.step;
    if (this.disposed || (step.kind !== 'exec' && step.kind !== 'logs')) return undefined;
    const state = this.stateOf(lesson, step);
    const scope = { lesson, requests: this.requests };
    const request = step.kind === 'exec' ? this.requests.get(`${lesson.id}/${step.id}`) : requestFor(scope, step);
    const exec = step.kind === 'exec' ? step : requestStep(scope, step);
    if (!request || !exec) return undefined;
    this.tracing?.abort();
    const controller = new AbortController();
    this.tracing = controller;
    // The run this trace belongs to: a new run of the step (a new request) makes it stale.
    const run = state.runs;
    // The gateway the lesson proves against (the one istiod deployed, for the Gateway API lessons).
    const followed = traceGateway(this.options.lessons, lesson, step, exec);
    try {
      return await collectTrace({
        port: this.options.port,
        signal: controller.signal,
        now: this.now,
        request,
        client: exec.target,
        gateway: followed.gateway,
        ...(followed.name ? { gatewayName: followed.name } : {}),
        clientNamespace: this.options.namespace,
        istioNamespace: this.options.istioNamespace,
        graceMs: this.options.logLineGraceMs ?? LOG_LINE_GRACE_MS,
        onTrace: (trace) => {
          if (state.runs !== run || (controller.signal.aborted && !trace.settled)) return;
          state.trace = trace;
          this.changed();
        },
      });
    } catch {
      return state.trace;
    } finally {
      if (this.tracing === controller) this.tracing = undefined;
    }
  }

  cancel(): void {
    const state = this.stateOf(this.lesson, this.step);
    this.stopActivity();
    if (state.phase !== 'running' && state.activity) {
      state.activity = undefined;
      this.changed();
    }
  }

  async reset(scope: ResetScope): Promise<ResetReport> {
    this.stopActivity();
    this.pods.clear();
    // The Istio namespace's objects are shared with other learners: release this namespace's claim only.
    const namespaces = [this.options.namespace];
    const shared = { namespaces: [this.options.istioNamespace].filter((n) => n !== this.options.namespace), learner: this.options.namespace };
    let removed: DeleteOutcome[] = [];
    if (scope === 'lesson') {
      const lesson = this.lesson;
      removed = await this.options.port.deleteManaged({ lesson: lesson.id, namespaces, shared });
      const { [lesson.id]: _dropped, ...rest } = this.progress;
      this.progress = rest;
      for (const step of lesson.steps) {
        this.states.delete(`${lesson.id}/${step.id}`);
        this.requests.delete(`${lesson.id}/${step.id}`);
      }
      // The lesson starts over: its first step, not the step the learner was on.
      this.pos = { lessonIndex: this.pos.lessonIndex, stepIndex: 0 };
      this.persist();
    } else {
      if (scope === 'all') removed = await this.options.port.deleteManaged({ namespaces, shared });
      this.progress = {};
      this.states.clear();
      this.requests.clear();
      this.lookedFor.clear();
      // Everything starts over: the first lesson is the current one.
      this.pos = positionAfter(this.lessons, { lessonIndex: -1, stepIndex: 0 }) ?? { lessonIndex: 0, stepIndex: 0 };
      try {
        this.options.progress.clear();
      } catch (error) {
        this.saveWarning = engineMessages(this.lang).clearFailed(errorSentence(error));
      }
    }
    this.canResume = false;
    this.changed();
    return { scope, removed };
  }

  kubectlFor(step: Step): string[] {
    const key = `${this.lesson.id}/${step.id}`;
    // The id the step sent last, else the one it will send: a copied command finds its own line.
    let requestId = this.requests.get(key)?.requestId;
    if (!requestId && step.kind === 'exec' && step.tagRequest) {
      requestId = this.nextIds.get(key) ?? newRequestId();
      this.nextIds.set(key, requestId);
    }
    return kubectlCommands(
      step,
      { namespace: this.options.namespace, istioNamespace: this.options.istioNamespace, requestId, lang: this.lang, gateway: gatewayPods(this.options.lessons), servedVersions: this.served },
      clientTarget(this.options.lessons, this.options.namespace),
    );
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopActivity();
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    this.notifyTimer = undefined;
    this.listeners.clear();
  }
}

function newRequestId(): string {
  return `egress-tutorial-${randomUUID()}`;
}

function safeLoad(options: EngineOptions) {
  try {
    return options.progress.load();
  } catch {
    return undefined;
  }
}
