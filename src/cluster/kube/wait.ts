// Waiting for a pod matching a target to be Running and Ready, telling the learner what it waits
// for (phase and reasons such as ImagePullBackOff) whenever that changes.

import type { PodTarget } from '../../lesson/model.js';
import { ClusterError, type PodInfo, type WaitOptions } from '../port.js';
import { formatDuration, sleep } from './backoff.js';
import { adviceFor, describeProgress, labelSelector, pickReadyPod, pickWaitingPod, podInfo, waitingReason } from './pods.js';
import { listPods, type Reads } from './reads.js';

export async function waitForPod(r: Reads, target: PodTarget, options: WaitOptions & { pollMs?: number; now?: () => number }): Promise<PodInfo> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  const selector = labelSelector(target.labels);
  const what = `waiting for a pod with ${selector} in namespace "${target.namespace}"`;
  let last = '';
  let lastReason: string | undefined;
  let delay = options.pollMs ?? 250;
  const tell = (message: string): void => {
    if (message !== last) options.onProgress?.(message);
    last = message;
  };
  for (;;) {
    if (options.signal?.aborted) throw new ClusterError(`Stopped ${what} (cancelled).`, 'cancelled');
    const pods = await listPods(r, target.namespace, target.labels, options.signal);
    const ready = pickReadyPod(pods);
    if (ready) {
      const info = podInfo(ready);
      tell(`pod ${info.name} is Running and Ready${info.hasSidecar ? ' with its istio-proxy sidecar' : ' but has NO istio-proxy sidecar'}`);
      return info;
    }
    const waiting = pickWaitingPod(pods);
    if (waiting) {
      tell(describeProgress(waiting));
      lastReason = waitingReason(waiting).reason;
    } else {
      tell(`no pod with ${selector} in namespace "${target.namespace}" yet`);
      lastReason = undefined;
    }
    const left = deadline - now();
    if (left <= 0) {
      const advice = adviceFor(lastReason);
      const status = waiting ? describeProgress(waiting).replace(/ \(.*\)$/, '') : `no pod with ${selector} exists in namespace "${target.namespace}"`;
      throw new ClusterError(
        `Gave up after ${formatDuration(options.timeoutMs)} ${what}: ${status}; ${advice ?? (waiting ? `look at it with kubectl describe pod -n ${target.namespace} -l ${selector}` : 'apply the step that creates it first')}.`,
        'timeout',
      );
    }
    await sleep(Math.min(delay, left), options.signal, what);
    delay = Math.min(delay * 1.5, 1000);
  }
}
