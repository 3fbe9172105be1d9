// Shared set-up for the drill tests: the shipped lessons and drills, a practice cluster on
// loopback reached through real client-node, and the learner's own kubectl-equivalent calls
// (another field manager than the tutorial's, as kubectl would send them).

import { KubeConfig, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { expect } from 'vitest';
import { connectCluster } from '../../src/cluster/index.js';
import type { ClusterPort } from '../../src/cluster/port.js';
import { loadDrills, type Drill, type DrillContext } from '../../src/drill/index.js';
import { defaultLessonsDir, loadLessonSet, type KubeObject, type Lang, type LessonSet } from '../../src/lesson/index.js';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';

export interface DrillWorld {
  practice: PracticeCluster;
  port: ClusterPort;
  lessons: LessonSet;
  drills: Drill[];
  /** The learner's kubectl: plain client-node, field manager "kubectl". */
  kubectl: KubernetesObjectApi;
  ctx(lang?: Lang, verifyTimeoutMs?: number): DrillContext;
  stop(): Promise<void>;
}

export function loadShipped(gateway: 'shared' | 'own' = 'shared'): { lessons: LessonSet; drills: Drill[] } {
  const { set, problems } = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system', gateway });
  expect(problems).toEqual([]);
  const loaded = loadDrills(set!);
  expect(loaded.problems).toEqual([]);
  return { lessons: set!, drills: loaded.drills };
}

export async function startWorld(gateway: 'shared' | 'own' = 'shared'): Promise<DrillWorld> {
  const { lessons, drills } = loadShipped(gateway);
  const practice = await startPracticeCluster({ knobs: { podReadyDelayMs: 0 } });
  const { port } = await connectCluster({ kubeconfigYaml: practice.kubeconfig(), namespace: 'default', istioNamespace: 'istio-system', backend: 'practice' });
  const kc = new KubeConfig();
  kc.loadFromString(practice.kubeconfig());
  const kubectl = KubernetesObjectApi.makeApiClient(kc);
  return {
    practice,
    port,
    lessons,
    drills,
    kubectl,
    ctx: (lang = 'en', verifyTimeoutMs = 15_000) => ({ port, lessons, drills, namespace: 'default', istioNamespace: 'istio-system', lang, verifyTimeoutMs, logWaitMs: 1500 }),
    stop: async () => {
      port.close();
      await practice.stop();
    },
  };
}

type Ref = { apiVersion: string; kind: string; name: string; namespace?: string };

const spec = (ref: Ref, body: Record<string, unknown>): KubeObject => ({
  apiVersion: ref.apiVersion,
  kind: ref.kind,
  metadata: { name: ref.name, namespace: ref.namespace ?? 'default' },
  ...body,
});

/** `kubectl patch --type=merge` (field manager kubectl-patch). */
export async function mergePatch(api: KubernetesObjectApi, ref: Ref, body: Record<string, unknown>): Promise<void> {
  await api.patch(spec(ref, body), undefined, undefined, 'kubectl-patch', undefined, PatchStrategy.MergePatch);
}

/** `kubectl apply --server-side` (field manager kubectl). */
export async function serverSideApply(api: KubernetesObjectApi, object: KubeObject): Promise<void> {
  await api.patch(object, undefined, undefined, 'kubectl', true, PatchStrategy.ServerSideApply);
}

/** `kubectl delete`. */
export async function kubectlDelete(api: KubernetesObjectApi, ref: Ref): Promise<void> {
  await api.delete(spec(ref, {}));
}

export const NET = 'networking.istio.io/v1';
