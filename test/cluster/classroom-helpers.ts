// Learners on one practice cluster: namespaces, the own egress gateway of contract C1 (gateway
// injection), and the seed's objects re-pointed at a learner's own or the shared gateway.

import type { KubeObject } from '../../src/lesson/model.js';
import { seedObjects } from '../fixtures/seed.js';

export const SHARED_GATEWAY_HOST = 'istio-egressgateway.istio-system.svc.cluster.local';

export function learnerNamespace(ns: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'istio-injection': 'enabled' } } };
}

/** Contract C1: ServiceAccount, Deployment and Service `egressgateway` in `ns`. */
export function ownGateway(ns: string, podLabels: Record<string, string> = { 'sidecar.istio.io/inject': 'true' }): KubeObject[] {
  const labels = { app: 'egressgateway', istio: `egressgateway-${ns}` };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'egressgateway', namespace: ns } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'egressgateway', namespace: ns },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels: { ...labels, ...podLabels }, annotations: { 'inject.istio.io/templates': 'gateway' } },
          spec: { serviceAccountName: 'egressgateway', containers: [{ name: 'istio-proxy', image: 'auto' }] },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'egressgateway', namespace: ns },
      spec: {
        type: 'ClusterIP',
        selector: { istio: `egressgateway-${ns}` },
        ports: [
          { name: 'http2', port: 80, targetPort: 80 },
          { name: 'https', port: 443, targetPort: 443 },
        ],
      },
    },
  ];
}

export interface LearnerOptions {
  gateway: 'own' | 'shared';
  exportTo?: string[];
  /** Replaces the gateway-side HTTP route (the VirtualService's second http entry). */
  gatewayRoute?: Record<string, unknown>;
}

/** The seed's HTTP part for a learner in `ns`, as networking.istio.io/v1 objects. */
export function learnerHttpObjects(ns: string, o: LearnerOptions): KubeObject[] {
  return seedObjects('http').map((seed) => {
    let text = JSON.stringify(seed.spec);
    if (o.gateway === 'own') text = text.replaceAll(SHARED_GATEWAY_HOST, `egressgateway.${ns}.svc.cluster.local`);
    const spec = JSON.parse(text) as Record<string, unknown>;
    if (seed.kind === 'Gateway' && o.gateway === 'own') spec.selector = { istio: `egressgateway-${ns}` };
    if (seed.kind !== 'Gateway' && o.exportTo) spec.exportTo = o.exportTo;
    if (seed.kind === 'VirtualService' && o.gatewayRoute) spec.http = [(spec.http as unknown[])[0], { ...((spec.http as Record<string, unknown>[])[1]), ...o.gatewayRoute }];
    return { apiVersion: 'networking.istio.io/v1', kind: seed.kind, metadata: { name: seed.metadata.name, namespace: ns }, spec };
  });
}

/** Only Istio's access-log lines of a proxy's log (not pilot-agent's start-up lines). */
export const accessLines = (log: string): string[] => log.split('\n').filter((l) => l.startsWith('['));
