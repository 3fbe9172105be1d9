// Waiting for a pod matching a target to be Running and Ready, telling the learner what it waits
// for (phase and reasons such as ImagePullBackOff) whenever that changes.

import type { PodTarget } from '../../lesson/model.js';
import { ClusterError, type PodInfo, type WaitOptions } from '../port.js';
import { formatDuration, sleep } from './backoff.js';
import { adviceFor, describeProgress, labelSelector, pickReadyPod, pickWaitingPod, podInfo, waitingReason } from './pods.js';
import { say } from './lang.js';
import { listPods, type Reads } from './reads.js';

export async function waitForPod(r: Reads, target: PodTarget, options: WaitOptions & { pollMs?: number; now?: () => number }): Promise<PodInfo> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  const selector = labelSelector(target.labels);
  const lang = r.rest.where.lang;
  const what = say(lang, `waiting for a pod with ${selector} in namespace "${target.namespace}"`, `等待命名空间 "${target.namespace}" 中带有 ${selector} 的 Pod`);
  let last = '';
  let lastReason: string | undefined;
  let delay = options.pollMs ?? 250;
  const tell = (message: string): void => {
    if (message !== last) options.onProgress?.(message);
    last = message;
  };
  for (;;) {
    if (options.signal?.aborted) throw new ClusterError(say(lang, `Stopped ${what} (cancelled).`, `已停止${what}（已取消）。`), 'cancelled');
    const pods = await listPods(r, target.namespace, target.labels, options.signal);
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
    const waiting = pickWaitingPod(pods);
    if (waiting) {
      tell(describeProgress(waiting, lang));
      lastReason = waitingReason(waiting).reason;
    } else {
      tell(say(lang, `no pod with ${selector} in namespace "${target.namespace}" yet`, `命名空间 "${target.namespace}" 中还没有带 ${selector} 的 Pod`));
      lastReason = undefined;
    }
    const left = deadline - now();
    if (left <= 0) {
      const advice = adviceFor(lastReason, lang);
      if (lang === 'zh') {
        const status = waiting ? describeProgress(waiting, lang).replace(/（.*）$/, '') : `命名空间 "${target.namespace}" 中没有带 ${selector} 的 Pod`;
        throw new ClusterError(
          `${formatDuration(options.timeoutMs, lang)}后放弃${what}：${status}；${advice ?? (waiting ? `请用 kubectl describe pod -n ${target.namespace} -l ${selector} 查看` : '请先执行创建它的步骤')}。`,
          'timeout',
        );
      }
      const status = waiting ? describeProgress(waiting).replace(/ \(.*\)$/, '') : `no pod with ${selector} exists in namespace "${target.namespace}"`;
      throw new ClusterError(
        `Gave up after ${formatDuration(options.timeoutMs)} ${what}: ${status}; ${advice ?? (waiting ? `look at it with kubectl describe pod -n ${target.namespace} -l ${selector}` : 'apply the step that creates it first')}.`,
        'timeout',
      );
    }
    await sleep(Math.min(delay, left), options.signal, what, lang);
    delay = Math.min(delay * 1.5, 1000);
  }
}
