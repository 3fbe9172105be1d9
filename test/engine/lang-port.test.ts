// Issue 12 item 9: what the cluster said (an apply conflict, an API error) follows a language
// switch like the tutorial's own sentences, through real client-node to the practice cluster.
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { usePracticeEngine } from './practice-engine.js';

const t = usePracticeEngine({ verifyTimeoutMs: 3000 });

describe('port sentences after a language switch', () => {
  it('an apply conflict shown in English reads in Chinese after L, and back', async () => {
    const kc = new KubeConfig();
    kc.loadFromString(t.practice.kubeconfig());
    const other = KubernetesObjectApi.makeApiClient(kc);
    // The learner made the lesson's ServiceEntry by hand before the tutorial applied it.
    await other.create({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'cnn', namespace: 'default' }, spec: { hosts: ['edition.cnn.com'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'DNS' } } as never);
    const verdict = await t.runStep('04-http-egress-gateway', 'service-entry');
    expect(verdict.ok).toBe(false);
    const text = () => t.engine.snapshot().stepState.output.map((o) => o.text).join('\n');
    expect(text()).toContain('ServiceEntry "cnn" in namespace "default" already exists and was not created by the tutorial');
    t.engine.setLang('zh');
    expect(text()).toContain('命名空间 "default" 中的 ServiceEntry "cnn"已经存在，而且不是教程创建的');
    expect(text()).not.toContain('already exists');
    t.engine.setLang('en');
    expect(text()).toContain('already exists and was not created by the tutorial');
    await other.delete({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'cnn', namespace: 'default' } } as never);
  });

  it('an API error carries both languages', async () => {
    const { httpError } = await import('../../src/cluster/kube/errors.js');
    const error = httpError(403, JSON.stringify({ kind: 'Status', message: 'forbidden: no' }), { context: 'c', server: 'https://x', lang: 'en' } as never, { en: 'apply Gateway "cnn"', zh: '应用 Gateway "cnn"' });
    expect(error.message).toMatch(/^Could not apply Gateway "cnn": forbidden/);
    expect(error.messages?.zh).toMatch(/^无法应用 Gateway "cnn"/);
    expect(error.messages?.en).toBe(error.message);
  });
});
