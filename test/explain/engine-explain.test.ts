// The explainer in the engine, over the real kube backend and the practice cluster: a learner's
// kubectl breaks lesson 4 (objects the tutorial did not apply, so no drift), the failed
// verification names the object and field before the generic hint in both languages, and
// applyExplainFix (the UI's f after y) makes the patch and runs the step again, which passes.
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCluster } from '../../src/cluster/index.js';
import type { ClusterPort } from '../../src/cluster/port.js';
import { createEngine } from '../../src/engine/index.js';
import type { Engine } from '../../src/engine/types.js';
import { defaultLessonsDir, loadLessonSet } from '../../src/lesson/index.js';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';
import { memoryProgressStore } from '../../src/progress/index.js';
import { kubectlDelete, NET, serverSideApply } from '../drill/helpers.js';

let practice: PracticeCluster;
let port: ClusterPort;
let kubectl: KubernetesObjectApi;
let engine: Engine;

beforeAll(async () => {
  practice = await startPracticeCluster({ knobs: { podReadyDelayMs: 0 } });
  ({ port } = await connectCluster({ kubeconfigYaml: practice.kubeconfig(), namespace: 'default', istioNamespace: 'istio-system', backend: 'practice' }));
  const kc = new KubeConfig();
  kc.loadFromString(practice.kubeconfig());
  kubectl = KubernetesObjectApi.makeApiClient(kc);
  const { set, problems } = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system' });
  expect(problems).toEqual([]);
  engine = createEngine({ lessons: set!, port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 3_000, logLineGraceMs: 1_500 });
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

describe('the explainer in the engine', () => {
  it('a DestinationRule moved to the Istio namespace with exportTo ["."]: named, and f creates it in the client namespace', async () => {
    expect((await runStep('02-setup', 'client')).ok).toBe(true);
    for (const step of ['service-entry', 'gateway', 'virtual-service']) expect((await runStep('04-http-egress-gateway', step)).ok).toBe(true);
    // The learner's kubectl: the rule goes to istio-system, hidden from the client's sidecar.
    await kubectlDelete(kubectl, { apiVersion: NET, kind: 'DestinationRule', name: 'egressgateway-for-cnn', namespace: 'default' });
    await serverSideApply(kubectl, { apiVersion: NET, kind: 'DestinationRule', metadata: { name: 'egressgateway-for-cnn', namespace: 'istio-system' }, spec: { host: 'istio-egressgateway.istio-system.svc.cluster.local', exportTo: ['.'], subsets: [{ name: 'cnn' }] } });

    const broken = await runStep('04-http-egress-gateway', 'curl-gateway');
    expect(broken).toMatchObject({ ok: false, httpStatus: 503 });
    expect(broken.diagnosis).toMatch(/^(?:.*\n)*Found: DestinationRule egressgateway-for-cnn \(istio-system\) field spec\.exportTo\n/);
    expect(broken.diagnosis).toContain('its exportTo hides it from default');
    // The client sidecar's own line of the request, read after the fact.
    expect(broken.diagnosis).toContain("Envoy: The client's sidecar logged 503 NC cluster_not_found, route=");
    expect(broken.diagnosis).toContain('kubectl apply -f -');
    expect(broken.diagnosis).toContain('$ istioctl proxy-config clusters curl-');
    const fix = engine.snapshot().stepState.explainFix;
    expect(fix).toMatchObject({ op: 'create', object: { kind: 'DestinationRule', metadata: { namespace: 'default' } } });
    engine.setLang('zh');
    expect(engine.snapshot().stepState.verdict?.diagnosis).toContain('发现：DestinationRule egressgateway-for-cnn (istio-system) 字段 spec.exportTo');
    engine.setLang('en');

    const fixed = await engine.applyExplainFix!();
    expect(fixed, fixed.diagnosis).toMatchObject({ ok: true, httpStatus: 200 });
    expect(engine.snapshot().stepState.explainFix).toBeUndefined();
    await kubectlDelete(kubectl, { apiVersion: NET, kind: 'DestinationRule', name: 'egressgateway-for-cnn', namespace: 'istio-system' });
  }, 90_000);

  it('a Telemetry silences the gateway: the logs step names it, and f deletes it; the new request\'s line proves the step', async () => {
    await serverSideApply(kubectl, { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name: 'quiet-egress', namespace: 'istio-system' }, spec: { selector: { matchLabels: { istio: 'egressgateway' } }, accessLogging: [{ disabled: true }] } });
    expect((await runStep('04-http-egress-gateway', 'curl-gateway')).ok).toBe(true);
    engine.next();
    const silent = await engine.run();
    expect(silent.ok).toBe(false);
    expect(silent.diagnosis).toContain('Found: Telemetry quiet-egress (istio-system) field spec.accessLogging[].disabled');
    expect(silent.diagnosis).toContain('wrote no access-log line');
    expect(engine.snapshot().stepState.explainFix).toMatchObject({ op: 'delete', ref: { kind: 'Telemetry', name: 'quiet-egress' } });
    engine.cancel();
    const proved = await engine.applyExplainFix!();
    expect(proved.ok, proved.diagnosis).toBe(true);
    expect(proved.proofLine?.text).toMatch(/outbound\|80\|\|httpbin\.org/);
    expect(await port.getObject!({ apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', name: 'quiet-egress', namespace: 'istio-system' })).toBeUndefined();
    engine.cancel();
  }, 90_000);

  it('a learner who may not list a kind (RBAC): the other kinds are still read, and the namespaces not read are named (the explainer calls nothing missing there)', async () => {
    practice.setKnobs({ deny: [{ verb: 'list', group: 'networking.istio.io', resource: 'destinationrules' }] });
    try {
      const facts = await port.meshFacts({ clientNamespace: 'default', istioNamespace: 'istio-system', wide: true });
      expect(facts.unreadable).toEqual(['default', 'istio-system']);
      expect(facts.objects.map((o) => o.kind)).toContain('VirtualService');
      expect(facts.objects.map((o) => o.kind)).not.toContain('DestinationRule');
    } finally {
      practice.setKnobs({ deny: [] });
    }
  });
});
