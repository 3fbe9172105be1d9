import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { buildStepView, clampOffset } from '../../src/ui/stepView.js';
import { FakeEngine } from './fakeEngine.js';

describe('buildStepView', () => {
  it('shows what the cluster said in the learner\'s language now (issue 12 item 9)', () => {
    const messages = { en: 'ServiceEntry "cnn" in namespace "default" already exists and was not created by the tutorial.', zh: '命名空间 "default" 中的 ServiceEntry "cnn"已经存在，而且不是教程创建的。' };
    const ref = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: 'cnn', namespace: 'default' };
    for (const lang of ['en', 'zh'] as const) {
      const engine = new FakeEngine({ lang });
      engine.stepIndex = 1;
      engine.update({ phase: 'conflict', applied: [{ ref, result: 'conflict', message: messages.en, messages }] });
      const text = buildStepView({ snapshot: engine.snapshot(), kubectl: [], width: 200, plain: true, logRows: 5 }).rows.map((r) => r.text).join('\n');
      expect(text).toContain(messages[lang]);
      expect(text).not.toContain(messages[lang === 'en' ? 'zh' : 'en']);
    }
  });

  it('has no result section before the step ran', () => {
    const engine = new FakeEngine();
    engine.stepIndex = 1;
    const view = buildStepView({ snapshot: engine.snapshot(), kubectl: ['kubectl apply -f -'], width: 80, plain: true, logRows: 5 });
    expect(view.resultStart).toBe(-1);
    expect(view.rows.map((r) => r.text)).toContain('kubectl apply -f -');
  });

  it('puts the result after the text, the log panel holds only the newest lines, every row fits', () => {
    const engine = new FakeEngine({ lang: 'zh' });
    engine.stepIndex = 3;
    engine.update({ phase: 'running' });
    for (let i = 0; i < 30; i++) engine.addLog({ text: `第 ${i} 行 "GET /status/${i}" ${'x'.repeat(120)}` }, i === 29);
    engine.finish({ ok: true, summary: '在网关日志中找到了这个请求', proofLine: engine.state.logs[29].line });
    const view = buildStepView({ snapshot: engine.snapshot(), kubectl: [], width: 40, plain: true, logRows: 5 });
    expect(view.resultStart).toBeGreaterThan(0);
    expect(view.rows[view.resultStart].text).toMatch(/^── 结果 ─+$/);
    const texts = view.rows.map((r) => r.text);
    expect(texts.filter((t) => t.includes('/status/'))).toHaveLength(5 + 1); // 5 panel rows + the proof line again in the verdict
    expect(texts.some((t) => t.includes('/status/24'))).toBe(false);
    expect(view.rows.filter((r) => r.role === 'proof').length).toBeGreaterThan(1);
    for (const t of texts) expect(stringWidth(t)).toBeLessThanOrEqual(40);
  });

  it('tells how to point kubectl at the practice cluster above its equivalent commands, in both languages; not on a real cluster', () => {
    const kubeconfig = '/home/learner/.local/state/egress-tutorial/practice.kubeconfig';
    const practice = { backend: 'practice' as const, context: 'egress-tutorial-practice', server: 'https://127.0.0.1:1234', key: 'practice', kubeconfig };
    for (const [lang, hint] of [
      ['en', 'To run them on the practice cluster, first run this in another terminal:'],
      ['zh', '要在练习集群上运行它们，先在另一个终端执行：'],
    ] as const) {
      const engine = new FakeEngine({ lang, cluster: practice });
      engine.stepIndex = 1;
      const texts = buildStepView({ snapshot: engine.snapshot(), kubectl: ['kubectl apply -f -'], width: 200, plain: true, logRows: 5 }).rows.map((r) => r.text);
      expect(texts.indexOf(hint)).toBeGreaterThan(-1);
      expect(texts[texts.indexOf(hint) + 1]).toBe(`export KUBECONFIG=${kubeconfig}`);
      expect(texts.indexOf(hint)).toBeLessThan(texts.indexOf('kubectl apply -f -'));
    }
    const real = new FakeEngine({ cluster: { backend: 'kube', context: 'kind-istio', server: 'https://127.0.0.1:6443', key: 'kube-x', kubeconfig } });
    real.stepIndex = 1;
    const texts = buildStepView({ snapshot: real.snapshot(), kubectl: ['kubectl apply -f -'], width: 200, plain: true, logRows: 5 }).rows.map((r) => r.text);
    expect(texts.some((t) => t.includes('KUBECONFIG'))).toBe(false);
  });

  it('clampOffset keeps the last page full', () => {
    expect(clampOffset(100, 30, 10)).toBe(20);
    expect(clampOffset(-5, 30, 10)).toBe(0);
    expect(clampOffset(5, 3, 10)).toBe(0);
  });
});
