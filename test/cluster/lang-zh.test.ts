// The kube backend in Chinese: setLang('zh') on the port (and ConnectOptions.lang for connect
// errors) turns every learner-facing sentence into Chinese; English stays the default.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCluster, type CheckResult } from '../../src/cluster/index.js';
import { httpError } from '../../src/cluster/kube/errors.js';
import { loadKubeconfig } from '../../src/cluster/kube/kubeconfig.js';
import { CLIENT, curlClient, serviceEntry, startPractice, type Practice } from './practice-helpers.js';

const CJK = /[\u4e00-\u9fff]/;
const ALL = { clientNamespace: 'default', istioNamespace: 'istio-system', client: CLIENT };

let p: Practice;
beforeAll(async () => {
  p = await startPractice();
  p.port.setLang?.('zh');
});
afterAll(async () => {
  await p?.stop();
});

function expectChinese(checks: CheckResult[]): void {
  for (const c of checks) {
    expect(c.summary, `${c.name} summary`).toMatch(CJK);
    if (c.fix) expect(c.fix, `${c.name} fix`).toMatch(CJK);
    if (c.autoFix) expect(c.autoFix.description, `${c.name} autoFix`).toMatch(CJK);
  }
}

describe('pre-flight in Chinese', () => {
  it('no check result is left in English, passing or failing', async () => {
    expectChinese(await p.port.preflight(ALL));
    p.cluster.setKnobs({ egressGateway: false, accessLog: false, injection: false, outboundPolicy: 'REGISTRY_ONLY' });
    try {
      const checks = await p.port.preflight(ALL);
      expectChinese(checks);
      const gateway = checks.find((c) => c.name === 'egress-gateway')!;
      expect(gateway.level).toBe('fail');
      expect(gateway.summary).toBe('命名空间 "istio-system" 中没有出口网关 Pod（istio=egressgateway）：Istio 的 default 配置档不会安装它。');
      // The command stays as it is inside the Chinese sentence.
      expect(gateway.fix).toMatch(/^安装它：istioctl install <your flags> .*--set "components\.egressGateways\[0\]\.enabled=true"（demo 配置档已包含它）。$/);
      const logging = checks.find((c) => c.name === 'access-logging')!;
      expect(logging.summary).toBe('Envoy 访问日志已关闭：网关的日志里不会出现这些请求。');
      expect(checks.find((c) => c.name === 'outbound-policy')!.summary).toBe('出站流量策略：REGISTRY_ONLY（来自网格配置）。');
    } finally {
      p.cluster.setKnobs({ egressGateway: true, accessLog: true, injection: true, outboundPolicy: 'ALLOW_ANY' });
    }
  });

  it('switching back to English gives the English sentences unchanged', async () => {
    p.port.setLang?.('en');
    try {
      const [check] = await p.port.preflight({ ...ALL, checks: ['client-ready'] });
      expect(check.summary).toBe('No client pod (app=curl) in namespace "default" yet.');
    } finally {
      p.port.setLang?.('zh');
    }
  });
});

describe('actions in Chinese', () => {
  it('waitForPod tells its progress in Chinese', async () => {
    await p.port.apply(curlClient(), { lesson: 'zh', step: 'client', namespace: 'default' });
    const progress: string[] = [];
    const info = await p.port.waitForPod(CLIENT, { timeoutMs: 10_000, onProgress: (m) => progress.push(m) });
    expect(info.ready).toBe(true);
    expect(progress.at(-1)).toBe(`Pod ${info.name} 已 Running 且 Ready，带有 istio-proxy 边车`);
    for (const m of progress) expect(m).toMatch(CJK);
  });

  it('a wait that times out says so in Chinese', async () => {
    const target = { namespace: 'default', labels: { app: 'nobody' }, container: 'x' };
    await expect(p.port.waitForPod(target, { timeoutMs: 1 })).rejects.toMatchObject({
      reason: 'timeout',
      message: expect.stringMatching(/后放弃等待命名空间 "default" 中带有 app=nobody 的 Pod：.*请先执行创建它的步骤。$/),
    });
  });

  it('an apply conflict with a foreign object and the delete that leaves it alone are in Chinese', async () => {
    await p.other.create({ ...serviceEntry(), metadata: { name: 'foreign-zh', namespace: 'default' } }, undefined, undefined, 'someone');
    const [outcome] = await p.port.apply([{ ...serviceEntry(), metadata: { name: 'foreign-zh' } }], { lesson: 'zh', step: 'se', namespace: 'default' });
    expect(outcome.result).toBe('conflict');
    expect(outcome.message).toMatch(/^命名空间 "default" 中的 ServiceEntry "foreign-zh"已经存在，而且不是教程创建的（由 someone 修改过）；请接管它，或在课程中给它改名。$/);
    const [deleted] = await p.port.delete([{ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: 'foreign-zh' }], { namespace: 'default' });
    expect(deleted.result).toBe('not-ours');
    expect(deleted.message).toMatch(CJK);
  });
});

describe('connect errors in Chinese (ConnectOptions.lang)', () => {
  const unreachable =
    'apiVersion: v1\nkind: Config\nclusters:\n- name: far\n  cluster:\n    server: https://127.0.0.1:1\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: far\n  context: {cluster: far, user: u}\ncurrent-context: far\n';

  it('an unreachable API server', async () => {
    await expect(connectCluster({ kubeconfigYaml: unreachable, lang: 'zh' })).rejects.toMatchObject({
      reason: 'unreachable',
      message: '无法连接上下文 "far"（https://127.0.0.1:1）的 Kubernetes API（连接被拒绝）：请启动集群，或用 --context 选择其他集群，也可以用 --practice 试试练习集群。',
    });
    // English stays the default and unchanged.
    await expect(connectCluster({ kubeconfigYaml: unreachable })).rejects.toMatchObject({ message: expect.stringMatching(/^Cannot reach the Kubernetes API of context "far"/) });
  });

  it('an unknown context, a rejected credential and throttling', () => {
    expect(() => loadKubeconfig({ kubeconfigYaml: unreachable, context: 'nope', lang: 'zh' })).toThrow('kubeconfig（给定的 kubeconfig；已有：far）中没有上下文 "nope"：请用 --context 选择其他上下文。');
    const where = { context: 'far', server: 'https://10.0.0.1:6443', lang: 'zh' as const };
    expect(httpError(401, undefined, where).message).toMatch(/^上下文 "far"（https:\/\/10\.0\.0\.1:6443）的 API 服务器拒绝了凭据（401 Unauthorized）/);
    expect(httpError(429, undefined, where, '列出 API 组', 5).message).toBe(
      '无法列出 API 组：上下文 "far"（https://10.0.0.1:6443）的 API 服务器正在限流（429 Too Many Requests）（已尝试 5 次）；请稍等片刻再试。',
    );
  });
});
