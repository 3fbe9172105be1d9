// Shared set-up for the integration tests: a practice cluster on loopback, our port connected to
// it through real client-node, and the seed's objects as the lessons apply them.

import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { startPracticeCluster, type PracticeCluster, type PracticeKnobs } from '../../src/practice/index.js';
import { connectCluster, type ClusterPort } from '../../src/cluster/index.js';
import type { KubeObject, PodTarget } from '../../src/lesson/model.js';
import { seedObject } from '../fixtures/seed.js';

export interface Practice {
  cluster: PracticeCluster;
  port: ClusterPort;
  /** Another client (plain client-node, another field manager) to create "foreign" objects. */
  other: KubernetesObjectApi;
  stop(): Promise<void>;
}

export async function startPractice(knobs: Partial<PracticeKnobs> = {}): Promise<Practice> {
  const cluster = await startPracticeCluster({ knobs: { podReadyDelayMs: 150, ...knobs } });
  const { port } = await connectCluster({
    kubeconfigYaml: cluster.kubeconfig(),
    backend: 'practice',
    pollMs: 100,
    retry: { attempts: 10, baseDelayMs: 1, maxDelayMs: 5 },
  });
  const kc = new KubeConfig();
  kc.loadFromString(cluster.kubeconfig());
  return {
    cluster,
    port,
    other: KubernetesObjectApi.makeApiClient(kc),
    stop: async () => {
      port.close();
      await cluster.stop();
    },
  };
}

export const CLIENT: PodTarget = { namespace: 'default', labels: { app: 'curl' }, container: 'curl' };
export const CLIENT_PROXY: PodTarget = { namespace: 'default', labels: { app: 'curl' }, container: 'istio-proxy' };
export const GATEWAY: PodTarget = { namespace: 'istio-system', labels: { istio: 'egressgateway' }, container: 'istio-proxy' };

/** The client of the setup lesson (written here, modelled on Istio's curl sample). */
export function curlClient(): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'curl' } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'curl', labels: { app: 'curl' } },
      spec: { ports: [{ port: 80, name: 'http' }], selector: { app: 'curl' } },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'curl' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'curl' } },
        template: {
          metadata: { labels: { app: 'curl' } },
          spec: {
            terminationGracePeriodSeconds: 0,
            serviceAccountName: 'curl',
            containers: [{ name: 'curl', image: 'docker.io/curlimages/curl:8.16.0', command: ['/bin/sleep', 'infinity'] }],
          },
        },
      },
    },
  ];
}

/** The seed's HTTP egress gateway objects (names as the seed keeps them), for host httpbin.org. */
export function serviceEntry(apiVersion = 'networking.istio.io/v1'): KubeObject {
  return seedObject('http', 'ServiceEntry', apiVersion);
}

export function egressObjects(): KubeObject[] {
  return ['Gateway', 'DestinationRule', 'VirtualService'].map((kind) => seedObject('http', kind, 'networking.istio.io/v1'));
}

/** Poll until `check` returns a value (no fixed sleeps); fails after `ms`. */
export async function waitFor<T>(check: () => T | undefined | false, ms = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
