// The input seen as the mesh model sees a cluster: a MeshState with the gateway pod, so the
// explainer asks src/mesh's own functions (visibility, precedence, merged gateway routes) rather
// than re-deriving Istio's rules.

import type { IstioObject, MeshPod, MeshState } from '../mesh/types.js';
import type { ExplainInput, ExplainObject } from './types.js';

const KINDS = new Set(['ServiceEntry', 'Gateway', 'VirtualService', 'DestinationRule', 'Sidecar', 'Telemetry']);

export interface World {
  input: ExplainInput;
  state: MeshState;
  gatewayPod: MeshPod;
  clientPod: MeshPod;
  /** The input object an IstioObject came from. */
  source(o: IstioObject): ExplainObject;
  /** Whether objects of this namespace could be read (a missing one there is really missing). */
  readable(namespace: string): boolean;
}

export function worldOf(input: ExplainInput): World {
  const sources = new Map<IstioObject, ExplainObject>();
  const objects: IstioObject[] = [];
  for (const o of input.objects) {
    if (!KINDS.has(o.kind)) continue;
    const m: IstioObject = { kind: o.kind as IstioObject['kind'], name: o.name, namespace: o.namespace, spec: o.spec ?? {}, ...(o.created ? { created: o.created } : {}) };
    sources.set(m, o);
    objects.push(m);
  }
  const gatewayPod: MeshPod = { namespace: input.gateway.namespace, name: input.gateway.pod ?? 'egress-gateway', labels: input.gateway.labels, ip: '', hasSidecar: false, ready: true, gateway: true };
  const clientPod: MeshPod = { namespace: input.clientNamespace, name: input.client?.pod ?? 'client', labels: input.client?.labels ?? {}, ip: '', hasSidecar: true, ready: true };
  const state: MeshState = {
    istioNamespace: input.istioNamespace,
    meshConfig: { outboundTrafficPolicy: input.outboundPolicy === 'REGISTRY_ONLY' ? 'REGISTRY_ONLY' : 'ALLOW_ANY', ...(input.meshAccessLog !== 'off' ? { accessLogFile: '/dev/stdout' } : {}) },
    objects,
    pods: [gatewayPod, clientPod],
    services: [],
  };
  const unreadable = new Set(input.unreadable ?? []);
  return { input, state, gatewayPod, clientPod, source: (o) => sources.get(o)!, readable: (ns) => !unreadable.has(ns) };
}
