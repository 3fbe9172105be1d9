import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { buildStepView, clampOffset } from '../../src/ui/stepView.js';
import { FakeEngine } from './fakeEngine.js';

describe('buildStepView', () => {
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

  it('clampOffset keeps the last page full', () => {
    expect(clampOffset(100, 30, 10)).toBe(20);
    expect(clampOffset(-5, 30, 10)).toBe(0);
    expect(clampOffset(5, 3, 10)).toBe(0);
  });
});
