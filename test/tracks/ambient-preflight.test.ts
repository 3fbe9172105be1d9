// The ambient track's pre-flight (issue 15, part 4) on the practice cluster through client-node:
// `ambient-mode` fails on the default (sidecar-only) profile naming the install command, passes
// with ztunnel (warning while the namespace still injects sidecars); the sidecar lessons'
// `dataplane-mode` on an ambient namespace points to `run --track ambient`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, ClusterPort } from '../../src/cluster/port.js';
import type { CheckName } from '../../src/lesson/model.js';
import { connectCluster } from '../../src/cluster/index.js';
import { CLIENT, startPractice, type Practice } from '../cluster/practice-helpers.js';

let p: Practice;
let zh: ClusterPort;
beforeAll(async () => {
  p = await startPractice({ podReadyDelayMs: 0 });
  zh = (await connectCluster({ kubeconfigYaml: p.cluster.kubeconfig(), backend: 'practice', pollMs: 100, lang: 'zh' })).port;
});
afterAll(async () => {
  zh?.close();
  await p?.stop();
});

async function check(name: CheckName, clientNamespace = 'default', port: ClusterPort = p.port): Promise<CheckResult> {
  const [result] = await port.preflight({ clientNamespace, istioNamespace: 'istio-system', client: { ...CLIENT, namespace: clientNamespace }, checks: [name] });
  return result;
}

describe('ambient-mode pre-flight', () => {
  it('fails on the default profile (no ztunnel) with the install command, in en and zh', async () => {
    const r = await check('ambient-mode');
    expect(r).toMatchObject({ name: 'ambient-mode', level: 'fail', summary: 'No ztunnel DaemonSet in "istio-system": Istio is installed without ambient mode, so no pod can go without a sidecar.' });
    expect(r.fix).toMatch(/^Install Istio's ambient profile: istioctl install --set profile=ambient -y .*egress-tutorial --practice --profile ambient\.$/);
    const cn = await check('ambient-mode', 'default', zh);
    expect(cn.summary).toBe('"istio-system" 中没有 ztunnel DaemonSet：Istio 安装时没有启用 ambient 模式，Pod 无法脱离 Sidecar 加入网格。');
    expect(cn.fix).toContain('istioctl install --set profile=ambient -y');
  });

  it('with the ambient profile: warns on a namespace that injects sidecars, passes on an ambient one', async () => {
    p.cluster.setKnobs({ ambient: true });
    const injecting = await check('ambient-mode');
    expect(injecting.level).toBe('warn');
    expect(injecting.summary).toBe('Namespace "default" is labelled for sidecar injection (istio-injection): new pods there get a sidecar, and ambient leaves pods with a sidecar alone.');
    expect(injecting.fix).toContain('kubectl label namespace default istio-injection- istio.io/dataplane-mode=ambient');
    expect(injecting.details).toEqual(['ztunnel: 1 Ready pod in "istio-system".']);
    await p.other.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'amb', labels: { 'istio.io/dataplane-mode': 'ambient' } } });
    const ok = await check('ambient-mode', 'amb');
    expect(ok).toMatchObject({ level: 'pass', summary: 'ztunnel runs and namespace "amb" is in ambient mode.' });
    expect((await check('ambient-mode', 'amb', zh)).summary).toBe('ztunnel 正在运行，命名空间 "amb" 处于 ambient 模式。');
  });

  it('the sidecar lessons\' dataplane-mode check on an ambient namespace names the ambient track', async () => {
    const r = await check('dataplane-mode', 'amb');
    expect(r.level).toBe('fail');
    expect(r.fix).toMatch(/^To learn egress in ambient mode, take the ambient track instead: egress-tutorial run --track ambient\./);
    expect((await check('dataplane-mode', 'amb', zh)).fix).toMatch(/^要学习 ambient 模式下的出口流量，请改走 ambient 专题：egress-tutorial run --track ambient。/);
  });
});
