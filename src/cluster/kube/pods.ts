// Reading pods: readiness, the Istio sidecar, and what a waiting learner should be told. Pure.

import type { PodInfo } from '../port.js';
import { say, type Lang } from './lang.js';

export interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string; message?: string };
    running?: { startedAt?: string };
    terminated?: { reason?: string; exitCode?: number; message?: string };
  };
}

export interface RawPod {
  metadata?: { name?: string; namespace?: string; creationTimestamp?: string; deletionTimestamp?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec?: { containers?: { name: string }[]; initContainers?: { name: string; restartPolicy?: string }[] };
  status?: {
    phase?: string;
    podIP?: string;
    reason?: string;
    message?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

export const SIDECAR_CONTAINER = 'istio-proxy';

export function isReady(pod: RawPod): boolean {
  return pod.status?.phase === 'Running' && (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function isTerminating(pod: RawPod): boolean {
  return Boolean(pod.metadata?.deletionTimestamp);
}

/** An istio-proxy container, or an istio-proxy init container that keeps running (native sidecar). */
export function hasSidecar(pod: RawPod): boolean {
  if ((pod.spec?.containers ?? []).some((c) => c.name === SIDECAR_CONTAINER)) return true;
  return (pod.spec?.initContainers ?? []).some((c) => c.name === SIDECAR_CONTAINER && c.restartPolicy === 'Always');
}

export function podInfo(pod: RawPod): PodInfo {
  return {
    name: pod.metadata?.name ?? '',
    namespace: pod.metadata?.namespace ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    ready: isReady(pod),
    containers: (pod.spec?.containers ?? []).map((c) => c.name),
    hasSidecar: hasSidecar(pod),
    ...(pod.status?.podIP ? { ip: pod.status.podIP } : {}),
    ...(pod.metadata?.labels?.['sidecar.istio.io/inject'] === 'false' ? { optedOut: true } : {}),
  };
}

/** Waiting reasons that will not fix themselves, with what to do about them. */
const STUCK_ADVICE: Record<string, string> = {
  ImagePullBackOff: 'check the image name and that the nodes can reach the registry',
  ErrImagePull: 'check the image name and that the nodes can reach the registry',
  InvalidImageName: 'fix the image name in the manifest',
  CrashLoopBackOff: 'look at the container log (kubectl logs --previous)',
  CreateContainerConfigError: 'a ConfigMap or Secret the pod needs is missing',
  Unschedulable: 'no node can run it: check node resources and taints (kubectl describe pod)',
};

const STUCK_ADVICE_ZH: Record<string, string> = {
  ImagePullBackOff: '请检查镜像名称，以及节点能否访问镜像仓库',
  ErrImagePull: '请检查镜像名称，以及节点能否访问镜像仓库',
  InvalidImageName: '请修正清单中的镜像名称',
  CrashLoopBackOff: '请查看容器日志（kubectl logs --previous）',
  CreateContainerConfigError: 'Pod 需要的 ConfigMap 或 Secret 不存在',
  Unschedulable: '没有节点能运行它：请检查节点资源和污点（kubectl describe pod）',
};

/** The most telling reason a pod is not Ready yet, e.g. "ImagePullBackOff". */
export function waitingReason(pod: RawPod): { reason?: string; message?: string } {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const stuck = statuses.find((s) => s.state?.waiting?.reason && STUCK_ADVICE[s.state.waiting.reason]);
  const waiting = stuck ?? statuses.find((s) => s.state?.waiting?.reason);
  if (waiting?.state?.waiting) return { reason: waiting.state.waiting.reason, message: waiting.state.waiting.message };
  const terminated = statuses.find((s) => s.state?.terminated && s.state.terminated.exitCode !== 0);
  if (terminated?.state?.terminated) return { reason: terminated.state.terminated.reason ?? 'Error', message: terminated.state.terminated.message };
  const unscheduled = (pod.status?.conditions ?? []).find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unscheduled) return { reason: unscheduled.reason ?? 'Unschedulable', message: unscheduled.message };
  const notReady = (pod.status?.conditions ?? []).find((c) => c.type === 'ContainersReady' && c.status === 'False');
  if (notReady && pod.status?.phase === 'Running') return { reason: 'ContainersNotReady', message: notReady.message };
  return { reason: pod.status?.reason, message: pod.status?.message };
}

/** One line for the spinner: "pod curl-5d8-x Pending: ImagePullBackOff (check the image name …)". */
export function describeProgress(pod: RawPod, lang?: Lang): string {
  const name = pod.metadata?.name ?? '?';
  if (isTerminating(pod)) return say(lang, `pod ${name} is terminating`, `Pod ${name} 正在终止`);
  if (isReady(pod)) return say(lang, `pod ${name} is Running and Ready`, `Pod ${name} 已 Running 且 Ready`);
  const phase = pod.status?.phase ?? 'Pending';
  const { reason } = waitingReason(pod);
  const advice = adviceFor(reason, lang);
  if (lang === 'zh') return `Pod ${name} 处于 ${phase}${reason ? `：${reason}` : ''}${advice ? `（${advice}）` : ''}`;
  return `pod ${name} ${phase}${reason ? `: ${reason}` : ''}${advice ? ` (${advice})` : ''}`;
}

/** Advice for a reason, if it is one that needs the learner. */
export function adviceFor(reason: string | undefined, lang?: Lang): string | undefined {
  if (!reason) return undefined;
  return lang === 'zh' ? STUCK_ADVICE_ZH[reason] : STUCK_ADVICE[reason];
}

/** The pod to use among matches: Ready and not terminating, newest first. */
export function pickReadyPod(pods: RawPod[]): RawPod | undefined {
  return pods
    .filter((p) => isReady(p) && !isTerminating(p))
    .sort((a, b) => (b.metadata?.creationTimestamp ?? '').localeCompare(a.metadata?.creationTimestamp ?? ''))[0];
}

/** The pod worth describing while waiting: not terminating, newest first. */
export function pickWaitingPod(pods: RawPod[]): RawPod | undefined {
  const live = pods.filter((p) => !isTerminating(p));
  return (live.length ? live : pods).sort((a, b) => (b.metadata?.creationTimestamp ?? '').localeCompare(a.metadata?.creationTimestamp ?? ''))[0];
}

export function labelSelector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
