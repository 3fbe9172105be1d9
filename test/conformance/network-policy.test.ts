// Conformance with the real kubectl (issue 15, the NetworkPolicy track): the CNI's DaemonSet in
// kube-system, NetworkPolicy get/describe as kube-apiserver answers them, and the policy enforced
// on a pod without a sidecar — kubectl exec's curl times out (exit 28) once the track's policy is in.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLessonsDir, renderTemplate } from '../../src/lesson/index.js';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';
import { Kubectl } from './kubectl.js';

let cluster: PracticeCluster;
let k: Kubectl;
const lessonFile = (name: string): string =>
  renderTemplate(readFileSync(join(defaultLessonsDir(), '30-network-policy', 'manifests', name), 'utf8'), { gatewayLabel: 'egressgateway', istioNamespace: 'istio-system', namespace: 'default' });

beforeAll(async () => {
  cluster = await startPracticeCluster({ knobs: { podReadyDelayMs: 100 } });
  k = await Kubectl.for(cluster);
});
afterAll(async () => {
  await cluster.stop();
  await k.dispose();
});

describe('NetworkPolicy with kubectl', () => {
  it('the CNI is a DaemonSet in kube-system; the knob swaps Calico for kindnet', async () => {
    const ds = await k.run(['get', 'daemonsets', '-n', 'kube-system']);
    expect(ds.code, ds.stderr).toBe(0);
    expect(ds.stdout).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE\ncalico-node\s+1\s+1\s+1\s+1\s+1\s+<none>\s+\S+\n$/);
    cluster.setKnobs({ cni: 'kindnet' });
    expect((await k.run(['get', 'ds', '-n', 'kube-system', '-o', 'name'])).stdout).toBe('daemonset.apps/kindnet\n');
    cluster.setKnobs({ cni: 'calico' });
    expect((await k.run(['get', 'ds', '-n', 'kube-system', '-o', 'name'])).stdout).toBe('daemonset.apps/calico-node\n');
  });

  it("apply, get and describe the track's policy; kubectl exec's curl from a pod without a sidecar is dropped", async () => {
    const bypass = await k.apply(lessonFile('curl-bypass.yaml'));
    expect(bypass.code, bypass.stderr).toBe(0);
    const ready = await k.run(['wait', '--for=condition=Available', 'deployment/curl-bypass', '--timeout=20s']);
    expect(ready.code, ready.stderr).toBe(0);
    const curl = ['exec', 'deploy/curl-bypass', '-c', 'curl', '--', 'curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}\n', '--max-time', '5', 'http://httpbin.org/headers'];
    const open = await k.run(curl);
    expect(open).toMatchObject({ code: 0, stdout: '200\n' });

    const applied = await k.apply(lessonFile('networkpolicy.yaml'));
    expect(applied.stdout).toBe('networkpolicy.networking.k8s.io/allow-egress-to-gateway-and-dns serverside-applied\n');
    const get = await k.run(['get', 'netpol']);
    expect(get.stdout).toMatch(/^NAME\s+POD-SELECTOR\s+AGE\nallow-egress-to-gateway-and-dns\s+istio notin \(egressgateway\)\s+\S+\n$/);
    const describe = await k.run(['describe', 'networkpolicy', 'allow-egress-to-gateway-and-dns']);
    expect(describe.stdout).toContain('Policy Types: Egress');
    expect(describe.stdout).toMatch(/To Port: 53\/UDP\n\s+To Port: 53\/TCP\n\s+To:\n\s+NamespaceSelector: kubernetes\.io\/metadata\.name=kube-system\n\s+PodSelector: k8s-app=kube-dns/);

    const blocked = await k.run(curl);
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toMatch(/curl: \(28\) Failed to connect to httpbin\.org port 80 after 500\d ms: Timeout was reached/);
    expect(blocked.stderr).toContain('command terminated with exit code 28');
  }, 60_000);
});
