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

const TEMPLATE_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job']);

/**
 * The labels of the pods an applied object makes (a Pod's own, a workload's pod template's), or
 * undefined when they cannot be told (then every pod of its namespace may change).
 */
export function podLabelsOf(object: { kind: string; metadata?: { labels?: Record<string, string> }; spec?: unknown }): Record<string, string> | undefined {
  if (object.kind === 'Pod') return object.metadata?.labels ?? {};
  if (!TEMPLATE_KINDS.has(object.kind)) return undefined;
  const template = (object.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template;
  return template?.metadata?.labels;
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

  /** Forget the cached pods of `namespace` that pods with `labels` could replace (their target selects such pods). */
  forgetMatching(namespace: string, labels: Record<string, string>): void {
    for (const [key, entry] of this.pods) {
      if (entry.namespace !== namespace) continue;
      const selector = key.split('\n')[1];
      const selects = selector === '' || selector.split(',').every((pair) => {
        const at = pair.indexOf('=');
        return labels[pair.slice(0, at)] === pair.slice(at + 1);
      });
      if (selects) this.pods.delete(key);
    }
  }

  forgetNamespace(namespace: string): void {
    for (const [key, entry] of this.pods) if (entry.namespace === namespace) this.pods.delete(key);
  }

  clear(): void {
    this.pods.clear();
  }
}
