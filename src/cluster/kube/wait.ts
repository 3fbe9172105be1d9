// Waiting for a pod matching a target to be Running and Ready, telling the learner what it waits
// for (phase and reasons such as ImagePullBackOff) whenever that changes.

import type { PodTarget } from '../../lesson/model.js';
import { ClusterError, type PodInfo, type WaitOptions } from '../port.js';
import { formatDuration, sleep } from './backoff.js';
import { adviceFor, describeProgress, labelSelector, pickReadyPod, pickWaitingPod, podInfo, waitingReason } from './pods.js';
import { say } from './lang.js';
import { listPodsAt, type Reads } from './reads.js';
import type { PodWatch } from './pod-watch.js';
import type { RawPod } from './pods.js';
import type { Lang } from './lang.js';

export async function waitForPod(
  r: Reads,
  target: PodTarget,
  options: WaitOptions & { pollMs?: number; now?: () => number; watch?: PodWatch },
): Promise<PodInfo> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  const selector = labelSelector(target.labels);
  const lang = r.rest.where.lang;
  const what = say(lang, `waiting for a pod with ${selector} in namespace "${target.namespace}"`, `等待命名空间 "${target.namespace}" 中带有 ${selector} 的 Pod`);
  let last = '';
  let lastReason: string | undefined;
  let waiting: RawPod | undefined;
  let delay = options.pollMs ?? 250;
  let watch = options.watch;
  const tell = (message: string): void => {
    if (message !== last) options.onProgress?.(message);
    last = message;
  };
  /** The Ready pod among these, else what the learner is told they wait for. */
  const look = (pods: RawPod[]): PodInfo | undefined => {
    const ready = pickReadyPod(pods);
    if (ready) {
      const info = podInfo(ready);
      tell(
        say(
          lang,
          `pod ${info.name} is Running and Ready${info.hasSidecar ? ' with its istio-proxy sidecar' : ' but has NO istio-proxy sidecar'}`,
          `Pod ${info.name} 已 Running 且 Ready${info.hasSidecar ? '，带有 istio-proxy 边车' : '，但没有 istio-proxy 边车'}`,
        ),
      );
      return info;
    }
    waiting = pickWaitingPod(pods);
    if (waiting) {
      tell(describeProgress(waiting, lang));
      lastReason = waitingReason(waiting).reason;
    } else {
      tell(say(lang, `no pod with ${selector} in namespace "${target.namespace}" yet`, `命名空间 "${target.namespace}" 中还没有带 ${selector} 的 Pod`));
      lastReason = undefined;
    }
    return undefined;
  };
  for (;;) {
    if (options.signal?.aborted) throw new ClusterError(say(lang, `Stopped ${what} (cancelled).`, `已停止${what}（已取消）。`), 'cancelled');
    const { pods, resourceVersion } = await listPodsAt(r, target.namespace, target.labels, options.signal);
    const ready = look(pods);
    if (ready) return ready;
    const left = deadline - now();
    if (left <= 0) throw gaveUp(target, selector, what, waiting, lastReason, options.timeoutMs, lang);
    if (watch && resourceVersion) {
      try {
        const found = await watchUntilReady(watch, { namespace: target.namespace, selector, resourceVersion }, pods, look, left, options.signal);
        if (found) return found;
      } catch {
        watch = undefined; // a watch that cannot start (no watch permission, a proxy): poll instead
      }
      continue; // the watch ended: list again (and give up if the time is over)
    }
    await sleep(Math.min(delay, left), options.signal, what, lang);
    delay = Math.min(delay * 1.5, 1000);
  }
}

/** Follow the pods from the list's resourceVersion until one is Ready (its info) or the watch ends (undefined). */
function watchUntilReady(
  watch: PodWatch,
  query: { namespace: string; selector: string; resourceVersion: string },
  listed: RawPod[],
  look: (pods: RawPod[]) => PodInfo | undefined,
  leftMs: number,
  signal?: AbortSignal,
): Promise<PodInfo | undefined> {
  const pods = new Map(listed.map((p) => [p.metadata?.name ?? '', p]));
  const controller = new AbortController();
  return new Promise<PodInfo | undefined>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => finish(undefined), leftMs);
    const onAbort = (): void => finish(undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    function finish(found: PodInfo | undefined, error?: unknown): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      controller.abort();
      if (error) reject(error);
      else resolve(found);
    }
    watch(
      { ...query, timeoutSeconds: Math.max(1, Math.ceil(leftMs / 1000)) },
      (type, pod) => {
        const name = pod?.metadata?.name ?? '';
        if (type === 'ERROR') return finish(undefined); // e.g. 410 Gone: list again
        if (type === 'DELETED') pods.delete(name);
        else if (type === 'ADDED' || type === 'MODIFIED') pods.set(name, pod);
        else return;
        const ready = look([...pods.values()]);
        if (ready) finish(ready);
      },
      controller.signal,
    ).then(
      () => finish(undefined),
      (error: unknown) => finish(undefined, error),
    );
  });
}

function gaveUp(target: PodTarget, selector: string, what: string, waiting: RawPod | undefined, lastReason: string | undefined, timeoutMs: number, lang: Lang | undefined): ClusterError {
  const advice = adviceFor(lastReason, lang);
  if (lang === 'zh') {
    const status = waiting ? describeProgress(waiting, lang).replace(/（.*）$/, '') : `命名空间 "${target.namespace}" 中没有带 ${selector} 的 Pod`;
    return new ClusterError(
      `${formatDuration(timeoutMs, lang)}后放弃${what}：${status}；${advice ?? (waiting ? `请用 kubectl describe pod -n ${target.namespace} -l ${selector} 查看` : '请先执行创建它的步骤')}。`,
      'timeout',
    );
  }
  const status = waiting ? describeProgress(waiting).replace(/ \(.*\)$/, '') : `no pod with ${selector} exists in namespace "${target.namespace}"`;
  return new ClusterError(
    `Gave up after ${formatDuration(timeoutMs)} ${what}: ${status}; ${advice ?? (waiting ? `look at it with kubectl describe pod -n ${target.namespace} -l ${selector}` : 'apply the step that creates it first')}.`,
    'timeout',
  );
}
