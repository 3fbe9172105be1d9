// Issue 13, items 3 and 10, on the practice cluster through real client-node: pre-flight says when
// the client namespace is in ambient mode (and when ztunnel runs), and reads the egress gateway
// Service's target ports to tell an istioctl install (8080/8443) from the Helm chart (80/443).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, ClusterPort } from '../../src/cluster/port.js';
import { connectCluster } from '../../src/cluster/index.js';
import { classifyInstall } from '../../src/cluster/kube/gatewayService.js';
import { CLIENT, startPractice, type Practice } from '../cluster/practice-helpers.js';

let p: Practice;
let zh: ClusterPort;
beforeAll(async () => {
  p = await startPractice();
  zh = (await connectCluster({ kubeconfigYaml: p.cluster.kubeconfig(), backend: 'practice', pollMs: 100, lang: 'zh' })).port;
});
afterAll(async () => {
  zh?.close();
  await p?.stop();
});

async function check(name: 'dataplane-mode' | 'egress-gateway', clientNamespace = 'default', port: ClusterPort = p.port): Promise<CheckResult> {
  const [result] = await port.preflight({ clientNamespace, istioNamespace: 'istio-system', client: { ...CLIENT, namespace: clientNamespace }, checks: [name] });
  return result;
}

describe('dataplane-mode (ambient) pre-flight', () => {
  it('passes for a sidecar-mode namespace and says the lessons use sidecar mode', async () => {
    const r = await check('dataplane-mode');
    expect(r).toMatchObject({ name: 'dataplane-mode', level: 'pass', summary: 'Namespace "default" is not in ambient mode: the lessons use sidecar mode.' });
    expect(r.details).toBeUndefined();
  });

  it('fails for a namespace labelled istio.io/dataplane-mode=ambient, with the command to use a sidecar-mode namespace', async () => {
    await p.other.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ambient-team', labels: { 'istio.io/dataplane-mode': 'ambient' } } });
    const r = await check('dataplane-mode', 'ambient-team');
    expect(r.level).toBe('fail');
    expect(r.summary).toBe('Namespace "ambient-team" is in ambient mode (istio.io/dataplane-mode=ambient): its pods get no sidecar, and these lessons need sidecar mode.');
    expect(r.fix).toContain('kubectl create namespace egress-lab && kubectl label namespace egress-lab istio-injection=enabled, then pass -n egress-lab');
    expect(r.fix).toContain('kubectl label namespace ambient-team istio.io/dataplane-mode- istio-injection=enabled');
    const cn = await check('dataplane-mode', 'ambient-team', zh);
    expect(cn.summary).toBe('命名空间 "ambient-team" 处于 ambient 模式（istio.io/dataplane-mode=ambient）：其中的 Pod 没有 Sidecar，而这些课程需要 Sidecar 模式。');
    expect(cn.fix).toContain('改用 Sidecar 模式的命名空间：kubectl create namespace egress-lab');
  });

  it('warns when ambient and injection labels are mixed, and notes ztunnel when it runs', async () => {
    await p.other.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'mixed', labels: { 'istio.io/dataplane-mode': 'ambient', 'istio-injection': 'enabled' } } });
    await p.other.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'ztunnel-abcde', namespace: 'istio-system', labels: { app: 'ztunnel' } },
      spec: { containers: [{ name: 'istio-proxy', image: 'docker.io/istio/ztunnel:1.27.3' }] },
    });
    const mixed = await check('dataplane-mode', 'mixed');
    expect(mixed.level).toBe('warn');
    expect(mixed.fix).toMatch(/^These lessons need sidecar mode\. Remove the ambient label: kubectl label namespace mixed istio\.io\/dataplane-mode-/);
    expect(mixed.details).toEqual(['ztunnel runs in "istio-system" (1 pod): this cluster has ambient mode installed.']);
    const sidecar = await check('dataplane-mode');
    expect(sidecar.level).toBe('pass');
    expect(sidecar.summary).toBe('Namespace "default" is not in ambient mode: the lessons use sidecar mode there, although the cluster also runs ambient.');
    await p.other.delete({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ztunnel-abcde', namespace: 'istio-system' } });
  });
});

describe('egress-gateway pre-flight reads the Service target ports', () => {
  it('the practice cluster (istioctl demo profile): 80→8080, 443→8443', async () => {
    const r = await check('egress-gateway');
    expect(r.level).toBe('pass');
    expect(r.details).toContain('Service istio-egressgateway: 80→8080, 443→8443 (looks like an istioctl install: the gateway listens on 8080/8443).');
    expect((await check('egress-gateway', 'default', zh)).details).toContain('Service istio-egressgateway：80→8080、443→8443（看起来是 istioctl 安装的：网关监听 8080/8443）。');
  });

  it('a Helm-chart-style Service (80→80, 443→443) is named as such', async () => {
    await p.other.patch(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'istio-egressgateway', namespace: 'istio-system' },
        spec: { ports: [{ name: 'http2', port: 80, targetPort: 80 }, { name: 'https', port: 443, targetPort: 443 }] },
      },
      undefined, undefined, 'helm', undefined, 'application/merge-patch+json' as never,
    );
    const r = await check('egress-gateway');
    expect(r.details).toContain('Service istio-egressgateway: 80→80, 443→443 (looks like the Helm gateway chart: the gateway listens on 80/443).');
  });

  it('no Service selecting the gateway pods is said plainly', async () => {
    await p.other.delete({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'istio-egressgateway', namespace: 'istio-system' } });
    const r = await check('egress-gateway');
    expect(r.details).toContain('No Service in "istio-system" selects the egress gateway pods: sidecars cannot send traffic to them.');
  });

  it('classifies ports as istioctl, Helm or custom', () => {
    expect(classifyInstall([{ port: 80, targetPort: 8080 }, { port: 443, targetPort: 8443 }])).toBe('istioctl');
    expect(classifyInstall([{ port: 80, targetPort: 80 }, { port: 443, targetPort: 443 }])).toBe('helm');
    expect(classifyInstall([{ port: 80, targetPort: 'http' }, { port: 443, targetPort: 8443 }])).toBe('custom');
  });
});
