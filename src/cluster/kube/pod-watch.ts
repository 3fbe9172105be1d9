// A watch of the pods matching a selector (client-node's Watch): waiting for a pod costs one list
// and one long-lived request instead of a list every second (issue 11: a class's API load).
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import type { RawPod } from './pods.js';

export type PodEvent = 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR' | 'BOOKMARK';

/** Resolves when the watch ends (the server's timeout, a closed connection, `signal`); rejects on a failed start. */
export type PodWatch = (
  query: { namespace: string; selector: string; resourceVersion: string; timeoutSeconds: number },
  onEvent: (type: PodEvent, pod: RawPod) => void,
  signal: AbortSignal,
) => Promise<void>;

export function podWatch(kc: KubeConfig, onRequest?: () => void): PodWatch {
  return (query, onEvent, signal) =>
    new Promise<void>((resolve, reject) => {
      onRequest?.();
      new Watch(kc)
        .watch(
          `/api/v1/namespaces/${encodeURIComponent(query.namespace)}/pods`,
          { labelSelector: query.selector || undefined, resourceVersion: query.resourceVersion, timeoutSeconds: query.timeoutSeconds },
          (type: string, obj: unknown) => onEvent(type as PodEvent, obj as RawPod),
          (err: unknown) => (err && !signal.aborted ? reject(err) : resolve()),
        )
        .then(
          (controller: AbortController) => {
            if (signal.aborted) controller.abort();
            else signal.addEventListener('abort', () => controller.abort(), { once: true });
          },
          reject,
        );
    });
}
