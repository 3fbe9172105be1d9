// Issue 16 items 1 and 4: leftovers of another lesson decide a verification. Lesson 5's
// ServiceEntry for www.baidu.com left over makes lesson 3's REGISTRY_ONLY experiment succeed: the
// step names it (with the lesson that left it) after one attempt and removeLeftovers() clears the
// way. Lesson 3's REGISTRY_ONLY Sidecar left over makes a later lesson's request fail with 502:
// the verdict and the outbound-policy pre-flight check name it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCluster } from '../../src/cluster/index.js';
import type { ClusterPort } from '../../src/cluster/port.js';
import { runHeadless } from '../../src/cli/headless.js';
import { createEngine } from '../../src/engine/index.js';
import type { Engine } from '../../src/engine/types.js';
import { defaultLessonsDir, loadLessonSet } from '../../src/lesson/index.js';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';
import { memoryProgressStore } from '../../src/progress/index.js';

let practice: PracticeCluster;
let port: ClusterPort;
let engine: Engine;

beforeAll(async () => {
  practice = await startPracticeCluster({ knobs: { podReadyDelayMs: 0 } });
  ({ port } = await connectCluster({ kubeconfigYaml: practice.kubeconfig(), namespace: 'default', istioNamespace: 'istio-system', backend: 'practice' }));
  const { set } = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system' });
  engine = createEngine({ lessons: set!, port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 20_000 });
}, 60_000);

afterAll(async () => {
  engine?.dispose();
  port?.close();
  await practice?.stop();
});

async function runStep(lesson: string, step: string) {
  engine.openLesson(lesson, step);
  return engine.run();
}

describe('leftovers of another lesson', () => {
  it("lesson 5's ServiceEntry left over: lesson 3's blocked HTTPS request names it after one attempt; removing it makes the experiment pass", async () => {
    expect((await runStep('02-setup', 'client')).ok).toBe(true);
    expect((await runStep('05-https-passthrough', 'service-entry')).ok).toBe(true); // then the walk was interrupted
    expect((await runStep('03-outbound-policy-experiment', 'registry-only')).ok).toBe(true);
    const started = Date.now();
    const verdict = await runStep('03-outbound-policy-experiment', 'curl-https-blocked');
    expect(verdict).toMatchObject({ ok: false, attempts: 1 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(verdict.summary).toMatch(/stopped retrying: an object left from another lesson decides this result$/);
    expect(verdict.diagnosis).toBe(
      'ServiceEntry "cnn" (default), left by lesson 05-https-passthrough, registers www.baidu.com, so this experiment\'s request is not blocked: remove it (the tutorial asks first; or run `egress-tutorial reset`), then retry.',
    );
    expect(engine.snapshot().stepState.leftovers).toEqual([{ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: 'cnn', namespace: 'default' }]);

    const after = await engine.removeLeftovers();
    expect(after).toMatchObject({ ok: true, exitCode: 35 });
  }, 60_000);

  it("lesson 3's REGISTRY_ONLY Sidecar left over: a later lesson's 502 and the outbound-policy check name it", async () => {
    // The Sidecar from the first test is still there (lesson 3 was not cleaned up); lesson 4's
    // first request expects the default ALLOW_ANY (its ServiceEntry step skipped here).
    const verdict = await runStep('04-http-egress-gateway', 'curl-service-entry');
    expect(verdict).toMatchObject({ ok: false, httpStatus: 502, attempts: 1 });
    expect(verdict.diagnosis).toMatch(/^Sidecar "registry-only" \(default\), left by lesson 03-outbound-policy-experiment, sets REGISTRY_ONLY for the whole namespace, so the sidecar refuses hosts without a ServiceEntry: remove it/);
    const [check] = await port.preflight({ clientNamespace: 'default', istioNamespace: 'istio-system', client: { namespace: 'default', labels: { app: 'curl' }, container: 'curl' }, checks: ['outbound-policy'] });
    expect(check.summary).toBe('Outbound traffic policy: REGISTRY_ONLY (from Sidecar "registry-only" in namespace "default", left by the tutorial\'s lesson 03-outbound-policy-experiment).');
  }, 60_000);

  it('run --yes removes the tutorial\'s leftovers (lesson 4\'s routing for the HTTP host, lesson 5\'s ServiceEntry) and goes on', async () => {
    expect((await runStep('04-http-egress-gateway', 'gateway')).ok).toBe(true);
    expect((await runStep('04-http-egress-gateway', 'virtual-service')).ok).toBe(true);
    expect((await runStep('05-https-passthrough', 'service-entry')).ok).toBe(true);
    let output = '';
    const result = await runHeadless(engine, ['03-outbound-policy-experiment'], 'en', (t) => (output += `${t}\n`));
    expect(output).toMatch(/curl-blocked[\s\S]*FAIL [^\n]*stopped retrying[\s\S]*VirtualService "direct-cnn-through-egress-gateway" \(default\), left by lesson 04-http-egress-gateway, routes httpbin\.org[\s\S]*removing the leftovers \(--yes\) and retrying/);
    expect(output).toMatch(/curl-https-blocked[\s\S]*ServiceEntry "cnn" \(default\), left by lesson 05-https-passthrough, registers www\.baidu\.com/);
    expect(result.ok).toBe(true);
  }, 60_000);
});
