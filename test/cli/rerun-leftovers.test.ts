// Issue 16 item 1: after an interrupted walk (lessons 2 to 5 partly done, their objects left),
// a new `run --yes` from a fresh state directory adopts the tutorial's own objects silently and
// completes; only a foreign object stops it.
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCluster } from '../../src/cluster/index.js';
import { runHeadless } from '../../src/cli/headless.js';
import { createEngine } from '../../src/engine/index.js';
import { defaultLessonsDir, loadLessonSet } from '../../src/lesson/index.js';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';
import { memoryProgressStore } from '../../src/progress/index.js';

let practice: PracticeCluster;
beforeAll(async () => {
  practice = await startPracticeCluster({ knobs: { podReadyDelayMs: 0 } });
});
afterAll(async () => {
  await practice?.stop();
});

async function engineOnFreshState() {
  const { port } = await connectCluster({ kubeconfigYaml: practice.kubeconfig(), namespace: 'default', istioNamespace: 'istio-system', backend: 'practice' });
  const { set } = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system' });
  return { port, set: set!, engine: createEngine({ lessons: set!, port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 20_000 }) };
}

describe('a re-run over its own leftovers', () => {
  it('adopts the tutorial objects silently and completes; a foreign one stops it with a conflict', async () => {
    const first = await engineOnFreshState();
    // The interrupted walk: lessons 2, 4 and 5 up to their routing, no cleanup.
    for (const [lesson, step] of [['02-setup', 'client'], ['04-http-egress-gateway', 'service-entry'], ['04-http-egress-gateway', 'gateway'], ['04-http-egress-gateway', 'virtual-service'], ['05-https-passthrough', 'service-entry'], ['05-https-passthrough', 'gateway-and-routes']]) {
      first.engine.openLesson(lesson, step);
      expect((await first.engine.run()).ok).toBe(true);
    }
    first.engine.dispose();
    first.port.close();

    const again = await engineOnFreshState();
    let output = '';
    const result = await runHeadless(again.engine, again.set.lessons.filter((l) => !l.track).map((l) => l.id), 'en', (t) => (output += `${t}\n`));
    again.engine.dispose();
    again.port.close();
    expect(output).not.toMatch(/already exist|conflict/i);
    expect(result).toMatchObject({ ok: true });

    // A foreign object of a tutorial name: the walk stops and says whose it is.
    const kc = new KubeConfig();
    kc.loadFromString(practice.kubeconfig());
    await KubernetesObjectApi.makeApiClient(kc).create({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'cnn', namespace: 'default' }, spec: { hosts: ['example.org'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'DNS' } });
    const third = await engineOnFreshState();
    const stopped = await runHeadless(third.engine, ['04-http-egress-gateway'], 'en', () => undefined);
    third.engine.dispose();
    third.port.close();
    expect(stopped.failed).toMatchObject({ lesson: '04-http-egress-gateway', step: 'service-entry' });
    expect(stopped.failed?.verdict.summary).toBe('ServiceEntry/cnn (default) already exists and was not created by the tutorial.');
  }, 120_000);
});
