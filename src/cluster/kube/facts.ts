// The cluster facts the verification diagnosis reads: outbound policy, access logging, egress
// gateway pods, the client's sidecar, and the Istio objects the client namespace can see.
// Best effort: a fact that cannot be read is 'unknown' rather than an error; a list that cannot
// be read (a learner in a class may read only their namespace) leaves its namespace unreadable.

import type { PodTarget } from '../../lesson/model.js';
import { ClusterError, type FactObject, type GatewayTarget, type MeshFacts } from '../port.js';
import type { RawObject } from './ownership.js';
import { hasSidecar, isReady, isTerminating, type RawPod } from './pods.js';
import { EGRESS_GATEWAY_LABELS, gatewayAccessLogState, listIstio, listPods, meshSettings, outboundPolicy, type Reads } from './reads.js';

const VISIBLE_KINDS: [group: string, kind: string][] = [
  ['networking.istio.io', 'ServiceEntry'],
  ['networking.istio.io', 'Gateway'],
  ['networking.istio.io', 'VirtualService'],
  ['networking.istio.io', 'DestinationRule'],
  ['networking.istio.io', 'Sidecar'],
  ['telemetry.istio.io', 'Telemetry'],
];

async function orUnknown<T, U>(work: () => Promise<T>, fallback: U, signal?: AbortSignal): Promise<T | U> {
  try {
    return await work();
  } catch (err) {
    if (signal?.aborted || (err instanceof ClusterError && err.reason === 'cancelled')) throw err;
    return fallback;
  }
}

const FAILED = Symbol('failed');

const toFact = (o: RawObject): FactObject => ({
  kind: String(o.kind),
  name: o.metadata?.name ?? '',
  namespace: o.metadata?.namespace ?? '',
  spec: (o.spec ?? {}) as Record<string, unknown>,
  labels: o.metadata?.labels ?? {},
  ...(o.metadata?.creationTimestamp ? { created: String(o.metadata.creationTimestamp) } : {}),
});

const podFact = (p: RawPod) => ({ name: p.metadata?.name ?? '', labels: p.metadata?.labels ?? {}, ...(p.status?.podIP ? { ip: p.status.podIP } : {}) });

export async function readMeshFacts(
  r: Reads,
  options: { clientNamespace: string; istioNamespace: string; client?: PodTarget; signal?: AbortSignal; gateway?: GatewayTarget; wide?: boolean },
): Promise<MeshFacts> {
  const { clientNamespace, istioNamespace, signal } = options;
  const gateway: GatewayTarget = options.gateway ?? { mode: 'shared', pods: { namespace: istioNamespace, labels: EGRESS_GATEWAY_LABELS, container: 'istio-proxy' } };
  const mesh = await orUnknown(() => meshSettings(r, istioNamespace, signal), FAILED, signal);
  const settings = mesh === FAILED ? undefined : mesh;
  const namespaces = [...new Set([clientNamespace, istioNamespace])];
  const listAll = (ns: string) => Promise.all(VISIBLE_KINDS.map(([group, kind]) => orUnknown(() => listIstio(r, group, kind, ns, signal), FAILED, signal)));
  const [policy, logging, gatewayPods, clientPods, lists, wide] = await Promise.all([
    orUnknown(async () => (await outboundPolicy(r, clientNamespace, settings, signal)).policy, 'unknown' as const, signal),
    orUnknown(async () => (await gatewayAccessLogState(r, istioNamespace, gateway, settings, signal)).state, 'unknown' as const, signal),
    orUnknown(async () => (await listPods(r, gateway.pods.namespace, gateway.pods.labels, signal)).filter((p) => isReady(p) && !isTerminating(p)), [] as RawPod[], signal),
    orUnknown(async () => (await listPods(r, options.client?.namespace ?? clientNamespace, options.client?.labels ?? {}, signal)).filter((p) => !isTerminating(p)), FAILED, signal),
    Promise.all(namespaces.map(listAll)),
    options.wide ? listAll('') : Promise.resolve([]),
  ]);
  const unreadable = namespaces.filter((_, i) => lists[i].some((l) => l === FAILED));
  const objects = lists.flatMap((perKind) => perKind.flatMap((l) => (l === FAILED ? [] : l))).map(toFact);
  const facts: MeshFacts = {
    outboundPolicy: policy,
    accessLogging: logging,
    egressGatewayPods: gatewayPods.length,
    clientHasSidecar: clientPods === FAILED || clientPods.length === 0 ? 'unknown' : clientPods.every(hasSidecar),
    objects,
    meshAccessLog: mesh === FAILED || mesh === undefined ? 'unknown' : mesh.accessLogFile ? 'on' : 'off',
    gatewayPods: gatewayPods.map(podFact),
    clientPods: clientPods === FAILED ? [] : clientPods.map(podFact),
  };
  if (unreadable.length) facts.unreadable = unreadable;
  if (options.wide) {
    facts.others = wide.flatMap((l) => (l === FAILED ? [] : l)).map(toFact).filter((o) => !namespaces.includes(o.namespace));
    if (wide.some((l) => l === FAILED)) facts.othersUnreadable = true;
  }
  return facts;
}
