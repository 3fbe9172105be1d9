// The learner's progress publisher: when the learner's namespace belongs to a class (it has the
// class ConfigMap, C3), the learner's position and last verification result are written to the
// progress ConfigMap (C4) with the learner's own credentials — a few bytes, once per step or
// result, coalesced while a headless walk races through steps. Failures never disturb the
// learner: at most one warning, and a refusal (403) stops publishing.

import { ClusterError, type ClusterPort } from '../cluster/port.js';
import type { Engine, EngineSnapshot } from '../engine/types.js';
import type { KubeObject, Lang } from '../lesson/model.js';
import { scoreOf } from '../predict/model.js';
import { classMessages } from './messages.js';
import { PROGRESS_CONFIGMAP, PROGRESS_KEY, progressLabels, type ClassSettings, type GatewayMode, type ProgressDoc } from './model.js';

export interface Publisher {
  /** Write what is pending (bounded wait), then stop. */
  close(timeoutMs?: number): Promise<void>;
  /** Whether this session publishes (its namespace is a class namespace). */
  readonly active: boolean;
}

export interface PublisherOptions {
  engine: Engine;
  port: ClusterPort;
  namespace: string;
  lang: Lang;
  /** Called at most once, with one sentence, when a write fails. */
  warn?: (message: string) => void;
  /** Least time between two writes (default 5000 ms: `class status --watch` refreshes every few seconds, and a class of 100 should not write 100 times a second); the latest state is written after it. */
  minIntervalMs?: number;
  now?: () => number;
}

const INACTIVE: Publisher = { active: false, close: async () => undefined };

/** The learner's state as C4 has it, without the time. Pure. */
export function progressOf(snapshot: EngineSnapshot, last: Pick<ProgressDoc, 'lastResult' | 'lastDiagnosis'>, gateway: GatewayMode | null): Omit<ProgressDoc, 'updated'> {
  const completedLessons = snapshot.lessons
    .filter((l) => l.steps.length > 0 && l.steps.every((s) => snapshot.progress[l.id]?.done.includes(s.id)))
    .map((l) => l.id);
  return { lesson: snapshot.lesson.id, step: snapshot.step.id, completedLessons, lastResult: last.lastResult, lastDiagnosis: last.lastDiagnosis, gateway, predictions: scoreOf(snapshot.progress) };
}

/** Steps with a verification (not explain) marked done, as "lesson/step". Pure. */
export function verifiedDone(snapshot: EngineSnapshot): Set<string> {
  const done = new Set<string>();
  for (const lesson of snapshot.lessons)
    for (const step of lesson.steps) if (step.kind !== 'explain' && snapshot.progress[lesson.id]?.done.includes(step.id)) done.add(`${lesson.id}/${step.id}`);
  return done;
}

/** The one line the instructor reads for a failure: the summary, else the diagnosis' first line. */
function diagnosisLine(summary: string, diagnosis?: string): string {
  const text = `${summary}${diagnosis ? ` ${diagnosis.split('\n')[0]}` : ''}`.replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

export function progressConfigMap(namespace: string, doc: ProgressDoc): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: PROGRESS_CONFIGMAP, namespace, labels: progressLabels() }, data: { [PROGRESS_KEY]: JSON.stringify(doc) } };
}

/** Start publishing when `settings` (C3, read on connect) says this is a class namespace. */
export function startPublisher(options: PublisherOptions, settings: ClassSettings | undefined): Publisher {
  const { engine, port, namespace } = options;
  if (!settings || !port.applyObjects) return INACTIVE;
  const apply = port.applyObjects.bind(port);
  const now = options.now ?? Date.now;
  const minInterval = options.minIntervalMs ?? 5000;
  let last: Pick<ProgressDoc, 'lastResult' | 'lastDiagnosis'> = { lastResult: null, lastDiagnosis: null };
  let seenVerdict: unknown;
  let writtenKey: string | undefined;
  let pending: Omit<ProgressDoc, 'updated'> | undefined;
  let inFlight: Promise<void> | undefined;
  let lastWriteAt = -Infinity;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let warned = false;
  const controller = new AbortController();

  const fail = (err: unknown): void => {
    if (err instanceof ClusterError && err.reason === 'cancelled') return;
    if (err instanceof ClusterError && err.reason === 'forbidden') stopped = true; // asking again would only fail again
    if (warned) return;
    warned = true;
    options.warn?.(classMessages(options.lang).publishFailed(err instanceof Error ? err.message : String(err)));
  };

  const write = (): void => {
    timer = undefined;
    if (stopped || inFlight || !pending) return;
    const doc: ProgressDoc = { ...pending, updated: new Date(now()).toISOString() };
    const key = JSON.stringify({ ...pending });
    pending = undefined;
    lastWriteAt = now();
    inFlight = apply([progressConfigMap(namespace, doc)], { blind: true, signal: controller.signal })
      .then(
        ([outcome]) => {
          if (outcome?.result === 'error') fail(new ClusterError(outcome.message ?? 'error', /forbidden|403/i.test(outcome.message ?? '') ? 'forbidden' : 'other'));
          else writtenKey = key;
        },
        fail,
      )
      .finally(() => {
        inFlight = undefined;
        if (pending) schedule();
      });
  };

  const schedule = (): void => {
    if (stopped || timer || inFlight) return;
    const wait = Math.max(0, lastWriteAt + minInterval - now());
    timer = setTimeout(write, wait);
    timer.unref?.();
  };

  // Notifications are batched: a headless walk may be a step further by the time we look, so a
  // pass is seen in the progress (a verified step newly done), a failure in the step it stops at.
  let passedBefore: Set<string> | undefined;
  const onChange = (): void => {
    const snapshot = engine.snapshot();
    const passed = verifiedDone(snapshot);
    if (passedBefore && [...passed].some((k) => !passedBefore!.has(k))) last = { lastResult: 'pass', lastDiagnosis: null };
    passedBefore = passed;
    const { verdict, phase } = snapshot.stepState;
    if (verdict && verdict !== seenVerdict && (phase === 'passed' || phase === 'failed') && snapshot.step.kind !== 'explain') {
      seenVerdict = verdict;
      last = verdict.ok ? { lastResult: 'pass', lastDiagnosis: null } : { lastResult: 'fail', lastDiagnosis: diagnosisLine(verdict.summary, verdict.diagnosis) };
    }
    const state = progressOf(snapshot, last, settings.gateway);
    const key = JSON.stringify(state);
    if (key === writtenKey || key === (pending && JSON.stringify(pending))) return;
    pending = state;
    schedule();
  };

  const unsubscribe = engine.subscribe(onChange);
  onChange(); // the learner has arrived: the instructor sees them start

  return {
    active: true,
    close: async (timeoutMs = 2000) => {
      unsubscribe();
      onChange();
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
      }
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref?.());
      // The final state matters most (the instructor's "done"): write it without waiting for the interval.
      await Promise.race([
        (async () => {
          if (inFlight) await inFlight;
          if (pending) {
            lastWriteAt = -Infinity;
            write();
            await inFlight;
          }
        })(),
        deadline,
      ]);
      stopped = true;
      controller.abort();
    },
  };
}
