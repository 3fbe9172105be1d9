// The cluster facts the verification diagnosis reads: outbound policy, access logging, egress
// gateway pods, the client's sidecar, and the Istio objects the client namespace can see.
// Best effort: a fact that cannot be read is 'unknown' rather than an error.

import type { PodTarget } from '../../lesson/model.js';
import { ClusterError, type GatewayTarget, type MeshFacts } from '../port.js';
import { hasSidecar, isReady, isTerminating } from './pods.js';
import { EGRESS_GATEWAY_LABELS, gatewayAccessLogState, listIstio, listPods, meshSettings, outboundPolicy, type Reads } from './reads.js';

const VISIBLE_KINDS = ['ServiceEntry', 'Gateway', 'VirtualService', 'DestinationRule', 'Sidecar'];

async function orUnknown<T, U>(work: () => Promise<T>, fallback: U, signal?: AbortSignal): Promise<T | U> {
  try {
    return await work();
  } catch (err) {
    if (signal?.aborted || (err instanceof ClusterError && err.reason === 'cancelled')) throw err;
    return fallback;
  }
}

export async function readMeshFacts(
  r: Reads,
  options: { clientNamespace: string; istioNamespace: string; client?: PodTarget; signal?: AbortSignal; gateway?: GatewayTarget },
): Promise<MeshFacts> {
  const { clientNamespace, istioNamespace, signal } = options;
  const gateway: GatewayTarget = options.gateway ?? { mode: 'shared', pods: { namespace: istioNamespace, labels: EGRESS_GATEWAY_LABELS, container: 'istio-proxy' } };
  const mesh = await orUnknown(() => meshSettings(r, istioNamespace, signal), undefined, signal);
  const [policy, logging, gatewayPods, clientSidecar, objects] = await Promise.all([
    orUnknown(async () => (await outboundPolicy(r, clientNamespace, mesh, signal)).policy, 'unknown' as const, signal),
    orUnknown(async () => (await gatewayAccessLogState(r, istioNamespace, gateway, mesh, signal)).state, 'unknown' as const, signal),
    orUnknown(async () => (await listPods(r, gateway.pods.namespace, gateway.pods.labels, signal)).filter((p) => isReady(p) && !isTerminating(p)).length, 0, signal),
    orUnknown(
      async () => {
        const pods = (await listPods(r, options.client?.namespace ?? clientNamespace, options.client?.labels ?? {}, signal)).filter((p) => !isTerminating(p));
        if (pods.length === 0) return 'unknown' as const;
        return pods.every(hasSidecar);
      },
      'unknown' as const,
      signal,
    ),
    orUnknown(
      async () => {
        const namespaces = [...new Set([clientNamespace, istioNamespace])];
        const lists = await Promise.all(namespaces.flatMap((ns) => VISIBLE_KINDS.map((kind) => listIstio(r, 'networking.istio.io', kind, ns, signal))));
        return lists.flat().map((o) => ({
          kind: String(o.kind),
          name: o.metadata?.name ?? '',
          namespace: o.metadata?.namespace ?? '',
          spec: (o.spec ?? {}) as Record<string, unknown>,
          labels: o.metadata?.labels ?? {},
        }));
      },
      [] as MeshFacts['objects'],
      signal,
    ),
  ]);
  return { outboundPolicy: policy, accessLogging: logging, egressGatewayPods: gatewayPods, clientHasSidecar: clientSidecar, objects };
}
