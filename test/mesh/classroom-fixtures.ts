// Several learners on one mesh: client pods and own egress gateways (contract C1) in learner
// namespaces, the shared istio-system gateway, and the seed's objects re-pointed per learner.

import type { IstioObject, MeshPod, MeshService, MeshState } from '../../src/mesh/types.js';
import { seedObject } from '../fixtures/seed.js';
import { baseState, GATEWAY_POD } from './fixtures.js';

export const SHARED_GATEWAY_HOST = 'istio-egressgateway.istio-system.svc.cluster.local';
export const ownGatewayHost = (ns: string): string => `egressgateway.${ns}.svc.cluster.local`;

export function clientPod(ns: string, n: number): MeshPod {
  return { namespace: ns, name: `curl-6c8d9f7b5-${ns.slice(-2)}x${n}`, labels: { app: 'curl' }, ip: `10.244.0.${20 + n}`, hasSidecar: true, ready: true };
}

export function ownGatewayPod(ns: string, n: number): MeshPod {
  return {
    namespace: ns,
    name: `egressgateway-5d4c7b9f8-${ns.slice(-2)}gw`,
    labels: { app: 'egressgateway', istio: `egressgateway-${ns}`, 'sidecar.istio.io/inject': 'true' },
    ip: `10.244.0.${40 + n}`,
    hasSidecar: false,
    ready: true,
    gateway: true,
  };
}

export function ownGatewayService(ns: string, n: number): MeshService {
  return {
    namespace: ns,
    name: 'egressgateway',
    ports: [
      { port: 80, targetPort: 80, name: 'http2' },
      { port: 443, targetPort: 443, name: 'https' },
    ],
    selector: { istio: `egressgateway-${ns}` },
    clusterIP: `10.96.50.${n}`,
  };
}

export interface LearnerOptions {
  /** Own gateway (C1) or the shared istio-system one. */
  gateway?: 'own' | 'shared';
  exportTo?: string[];
  /** creationTimestamp of every object. */
  created?: string;
}

/** The seed's objects of one part in a learner's namespace, pointed at the learner's gateway. */
export function learnerObjects(part: 'http' | 'https', ns: string, o: LearnerOptions = {}): IstioObject[] {
  const own = (o.gateway ?? 'own') === 'own';
  return ['ServiceEntry', 'Gateway', 'DestinationRule', 'VirtualService'].map((kind) => {
    const seed = seedObject(part, kind);
    let text = JSON.stringify(seed.spec);
    if (own) text = text.replaceAll(SHARED_GATEWAY_HOST, ownGatewayHost(ns));
    const spec = JSON.parse(text) as Record<string, unknown>;
    if (kind === 'Gateway' && own) spec.selector = { istio: `egressgateway-${ns}` };
    if (kind !== 'Gateway' && o.exportTo) spec.exportTo = o.exportTo;
    return { kind: kind as IstioObject['kind'], namespace: ns, name: seed.metadata.name, spec, ...(o.created ? { created: o.created } : {}) };
  });
}

/** Two learner namespaces, each with a client and an own gateway, plus the shared gateway. */
export function classroom(objects: IstioObject[], overrides: Partial<MeshState> = {}): MeshState {
  const base = baseState();
  return {
    ...base,
    objects,
    pods: [GATEWAY_POD, clientPod('learner-01', 1), clientPod('learner-02', 2), ownGatewayPod('learner-01', 1), ownGatewayPod('learner-02', 2)],
    services: [...base.services, ownGatewayService('learner-01', 1), ownGatewayService('learner-02', 2)],
    ...overrides,
  };
}

export const at = (second: number): string => `2026-12-07T01:00:${String(second).padStart(2, '0')}Z`;
