// Bounded exponential backoff and an abortable sleep. The schedule is pure so it can be tested.

import { ClusterError } from '../port.js';
import { say, type Lang } from './lang.js';

export interface RetryPolicy {
  attempts: number; // total tries, including the first
  baseDelayMs: number;
  maxDelayMs: number;
  /** Time budget for one call's retries (default 30 s): no try starts after it, however many are left. */
  budgetMs?: number;
  /** The longest Retry-After honoured (default: the budget); a longer one ends the retries. */
  maxRetryAfterMs?: number;
}

/**
 * Enough tries that a flaky API (a fifth of answers 500, or a third 429) almost never ends a
 * call: 0.35^10 ≈ 3e-5 per call; the time budget keeps a dead API from holding a step for long.
 */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 10, baseDelayMs: 200, maxDelayMs: 4000, budgetMs: 30_000 };
export const DEFAULT_BUDGET_MS = 30_000;

/**
 * Delay before try number `attempt + 1` (attempt counts from 1). A server's Retry-After (seconds)
 * is honoured (plus up to 10 % so that throttled clients do not come back in lockstep), up to
 * maxRetryAfterMs; otherwise base·2^(attempt-1) with ±20 % jitter, capped at maxDelayMs.
 */
export function retryDelay(attempt: number, policy: RetryPolicy, retryAfter?: string, random: () => number = Math.random): number {
  const seconds = retryAfter !== undefined && retryAfter.trim() !== '' ? Number(retryAfter) : NaN;
  if (Number.isFinite(seconds) && seconds >= 0) {
    return Math.min(Math.round(seconds * 1000 * (1 + 0.1 * random())), policy.maxRetryAfterMs ?? policy.budgetMs ?? DEFAULT_BUDGET_MS);
  }
  const raw = policy.baseDelayMs * 2 ** (attempt - 1);
  const jitter = 0.8 + 0.4 * random();
  return Math.min(Math.round(raw * jitter), policy.maxDelayMs);
}

/** Status codes worth trying again: throttling and server-side trouble. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/** Resolves after `ms`, or rejects with a 'cancelled' ClusterError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal, what = 'waiting', lang?: Lang): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled(what, lang));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelled(what, lang));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function cancelled(what: string, lang?: Lang): ClusterError {
  return new ClusterError(say(lang, `Stopped ${what} (cancelled).`, `已停止${what}（已取消）。`), 'cancelled');
}

/** "300 ms", "1.5 s", "60 s" (zh: "300 毫秒", "1.5 秒"): for sentences about waits. */
export function formatDuration(ms: number, lang?: Lang): string {
  if (ms < 1000) return say(lang, `${Math.round(ms)} ms`, `${Math.round(ms)} 毫秒`);
  const seconds = Math.round(ms / 100) / 10;
  return say(lang, `${seconds} s`, `${seconds} 秒`);
}

/** AbortSignal.any, which Node 20 only has from 20.3 on. */
export function anySignal(signals: AbortSignal[]): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any(signals);
  const controller = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}
