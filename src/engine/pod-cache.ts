// The pods exec steps run in, found once per session (issue 11: a class's API load). A cached pod
// is dropped when the tutorial changes workloads in its namespace, on reset, and when an exec
// finds it gone (a learner's kubectl delete, a rollout): the next lookup asks the cluster again.
import type { PodInfo } from '../cluster/port.js';
import type { PodTarget } from '../lesson/model.js';

/** Kinds whose apply or delete can replace the pods of a namespace. */
const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'Namespace']);

export function changesPods(kind: string): boolean {
  return WORKLOAD_KINDS.has(kind);
}

function keyOf(target: PodTarget): string {
  const labels = Object.entries(target.labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(',');
  return `${target.namespace}\n${labels}\n${target.container}`;
}

export class PodCache {
  private readonly pods = new Map<string, { namespace: string; pod: PodInfo }>();

  get(target: PodTarget): PodInfo | undefined {
    return this.pods.get(keyOf(target))?.pod;
  }

  set(target: PodTarget, pod: PodInfo): void {
    this.pods.set(keyOf(target), { namespace: target.namespace, pod });
  }

  forget(target: PodTarget): void {
    this.pods.delete(keyOf(target));
  }

  forgetNamespace(namespace: string): void {
    for (const [key, entry] of this.pods) if (entry.namespace === namespace) this.pods.delete(key);
  }

  clear(): void {
    this.pods.clear();
  }
}
