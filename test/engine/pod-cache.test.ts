// Issue 11's API load in the engine: the client pod is looked up once per session, and looked
// up again when it is gone (a learner's kubectl delete, a rollout) or the tutorial changed it.
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterError, type ExecOptions, type ExecResult, type PodInfo, type WaitOptions } from '../../src/cluster/port.js';
import { createEngine } from '../../src/engine/index.js';
import { PodCache, podLabelsOf } from '../../src/engine/pod-cache.js';
import type { Engine } from '../../src/engine/types.js';
import type { PodTarget } from '../../src/lesson/model.js';
import { memoryProgressStore } from '../../src/progress/index.js';
import { FakePort, lessonSet } from './fixtures.js';

/** A port whose client pod can be replaced: exec into the old one answers 404 as the API server does. */
class ReplacingPort extends FakePort {
  current = 'curl-1';
  override async waitForPod(target: PodTarget, options: WaitOptions): Promise<PodInfo> {
    const pod = await super.waitForPod(target, options);
    return { ...pod, name: this.current };
  }
  override async exec(pod: { namespace: string; name: string }, container: string, argv: string[], options: ExecOptions): Promise<ExecResult> {
    if (pod.name !== this.current) {
      this.calls.push({ method: 'exec-gone', args: [pod] });
      throw new ClusterError(`Could not run curl in pod "${pod.name}": the pod or the container does not exist (any more).`, 'not-found', 404);
    }
    return super.exec(pod, container, argv, options);
  }
}

let engine: Engine | undefined;
afterEach(() => engine?.dispose());

const count = (port: FakePort, method: string) => port.calls.filter((c) => c.method === method).length;

describe('engine: the session’s client pod', () => {
  it('is looked up once for many exec steps, again when it was replaced, and after a reset', async () => {
    const port = new ReplacingPort();
    engine = createEngine({ lessons: lessonSet(), port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 3000 });
    engine.openLesson('02-http', 'curl');
    expect((await engine.run()).ok).toBe(true);
    expect((await engine.run()).ok).toBe(true);
    expect(count(port, 'waitForPod')).toBe(1);

    // The learner deletes the pod; its Deployment makes a new one.
    port.current = 'curl-2';
    const verdict = await engine.run();
    expect(verdict.ok).toBe(true);
    expect(count(port, 'exec-gone')).toBe(1);
    expect(count(port, 'waitForPod')).toBe(2);
    expect((port.calls.filter((c) => c.method === 'exec').at(-1)!.args[0] as { name: string }).name).toBe('curl-2');

    await engine.reset('lesson');
    engine.openLesson('02-http', 'curl');
    await engine.run();
    expect(count(port, 'waitForPod')).toBe(3);
  });
});

describe('PodCache: what an applied workload can replace', () => {
  const client: PodTarget = { namespace: 'learner-01', labels: { app: 'curl' }, container: 'curl' };
  const gateway: PodTarget = { namespace: 'learner-01', labels: { istio: 'egressgateway-learner-01' }, container: 'istio-proxy' };
  const pod = (name: string): PodInfo => ({ name, namespace: 'learner-01', ready: true, hasSidecar: true }) as PodInfo;

  it("a workload beside the client (the learner's own gateway) keeps the client's pod and drops the pods it selects", () => {
    const cache = new PodCache();
    cache.set(client, pod('curl-1'));
    cache.set(gateway, pod('egressgateway-1'));
    const deployment = { kind: 'Deployment', spec: { template: { metadata: { labels: { istio: 'egressgateway-learner-01', app: 'egressgateway' } } } } };
    cache.forgetMatching('learner-01', podLabelsOf(deployment)!);
    expect(cache.get(client)?.name).toBe('curl-1');
    expect(cache.get(gateway)).toBeUndefined();
  });

  it("a pod's own labels count, other namespaces are untouched, and a kind without a pod template has no labels", () => {
    const cache = new PodCache();
    cache.set(client, pod('curl-1'));
    cache.forgetMatching('other', { app: 'curl' });
    expect(cache.get(client)?.name).toBe('curl-1');
    cache.forgetMatching('learner-01', podLabelsOf({ kind: 'Pod', metadata: { labels: { app: 'curl', version: 'v2' } } })!);
    expect(cache.get(client)).toBeUndefined();
    expect(podLabelsOf({ kind: 'Namespace' })).toBeUndefined();
    expect(podLabelsOf({ kind: 'Deployment', spec: {} })).toBeUndefined();
  });
});
