// Small helpers for the engine's runners.

import { ClusterError } from '../cluster/port.js';
import type { Lang, Lesson, PodTarget } from '../lesson/model.js';

/** Wait ms, or less when the signal aborts (never rejects). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** One sentence for the learner from anything thrown. */
/** A port's message in the learner's language now (both when the port gave both). */
export function portText(x: { message?: string; messages?: { en: string; zh: string } }, lang: Lang): string | undefined {
  return x.messages?.[lang] ?? x.message;
}

/** errorSentence, in both languages when the port's error has both. */
export function errorText(error: unknown): string | { en: string; zh: string } {
  return error instanceof ClusterError && error.messages ? error.messages : errorSentence(error);
}

export function errorSentence(error: unknown): string {
  if (error instanceof ClusterError) return error.message;
  if (error instanceof Error && error.message) return `Unexpected error: ${error.message.split('\n')[0]}`;
  return `Unexpected error: ${String(error)}`;
}

export function isCancelled(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error instanceof ClusterError && error.reason === 'cancelled');
}

export function labelSelector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function labelsMatch(want: Record<string, string>, have: Record<string, string> | undefined): boolean {
  if (!have) return false;
  return Object.entries(want).every(([k, v]) => have[k] === v);
}

/** The lesson (and step) that creates pods matching the target, for "run that lesson first". */
export function lessonCreating(lessons: Lesson[], target: PodTarget): { lesson: Lesson; stepId: string } | undefined {
  for (const lesson of lessons) {
    for (const step of lesson.steps) {
      if (step.kind !== 'apply') continue;
      if (step.waitFor && labelsMatch(target.labels, step.waitFor.labels)) return { lesson, stepId: step.id };
      for (const manifest of step.manifests) {
        for (const obj of manifest.objects) {
          const spec = obj.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined;
          const labels = obj.kind === 'Pod' ? obj.metadata.labels : spec?.template?.metadata?.labels;
          if (labelsMatch(target.labels, labels)) return { lesson, stepId: step.id };
        }
      }
    }
  }
  return undefined;
}

/** The host a curl argv talks to (for sentences), if a URL is in it. */
export function hostOf(argv: string[]): string | undefined {
  for (const arg of argv) {
    const m = /^(?:https?:\/\/)([^/:?#\s]+)/i.exec(arg);
    if (m) return m[1].toLowerCase();
  }
  return undefined;
}
