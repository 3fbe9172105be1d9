// An explain step's request-path diagram is drawn by the trace's renderer: the lesson's path
// planned (every hop dim, the lesson's objects named), and after a traced verification the lit
// trace. At 80x24, plain (NO_COLOR) and in both languages; a diagram that is not a path stays text.
import { cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import { loadLessonSet } from '../../src/lesson/index.js';
import type { Lesson } from '../../src/lesson/model.js';
import { gatewayTrace } from '../trace/fixtures.js';
import { FakeEngine, sampleLessons } from './fakeEngine.js';
import { KEY, renderApp } from './helpers.js';

afterEach(() => cleanup());

const shipped = (): Lesson[] => {
  const { set } = loadLessonSet('lessons');
  if (!set) throw new Error('the shipped lessons do not load');
  return set.lessons;
};

/** Open the course, go to a lesson's step, and page down until `text` shows (the body scrolls). */
async function findOnStep(engine: FakeEngine, lessonIndex: number, stepIndex: number, text: string, extra: Parameters<typeof renderApp>[0] = {}) {
  const ui = renderApp({ engine, columns: 80, rows: 24, ...extra });
  await ui.waitForText(engine.lang === 'zh' ? '课程' : 'Lessons');
  await ui.press(KEY.enter);
  engine.lessonIndex = lessonIndex;
  engine.stepIndex = stepIndex;
  engine.notify();
  await ui.waitForText(engine.lessons[lessonIndex].steps[stepIndex].title[engine.lang].replace(/[*`]/g, '').slice(0, 12));
  for (let i = 0; i < 12 && !ui.frame().includes(text); i++) await ui.press(KEY.pageDown);
  return { ui, frame: await ui.waitForText(text) };
}

const fits = (frame: string) => {
  const lines = frame.split('\n');
  expect(lines.length).toBeLessThanOrEqual(24);
  for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(80);
};

describe('an explain step with a request-path diagram', () => {
  it("lesson 04's plan: the planned path at 80x24, plain, each hop dim and named by the lesson's objects; no box art", async () => {
    const lessons = shipped();
    const at = lessons.findIndex((l) => l.id === '04-http-egress-gateway');
    const engine = new FakeEngine({ lessons });
    const { ui, frame } = await findOnStep(engine, at, 0, 'Request path (planned) · HTTP · httpbin.org');
    for (let i = 0; i < 3 && !ui.frame().includes('4/4 httpbin.org'); i++) await ui.press(KEY.pageDown);
    const all = `${frame}\n${ui.frame()}`;
    expect(all).toContain('○ 2/4 client sidecar curl · planned');
    expect(all).toContain('decided by VirtualService direct-cnn-through-egress-gateway http[0]');
    expect(all).toContain('DestinationRule egressgateway-for-cnn subset cnn');
    expect(all).toContain('○ 3/4 egress gateway istio-egressgateway · planned');
    expect(all).toContain('Gateway istio-egressgateway server 80/HTTP');
    expect(all).toContain('○ 4/4 httpbin.org (external host) · planned');
    expect(all).not.toContain('┌──');
    expect(all).not.toMatch(/\u001b\[/);
    fits(ui.frame());
  });

  it("lesson 05's TLS passthrough plan in Chinese", async () => {
    const lessons = shipped();
    const at = lessons.findIndex((l) => l.id === '05-https-passthrough');
    const engine = new FakeEngine({ lessons, lang: 'zh' });
    const { ui, frame } = await findOnStep(engine, at, 0, '请求路径（计划） · TLS 透传 · www.baidu.com');
    for (let i = 0; i < 3 && !ui.frame().includes('server 443/TLS PASSTHROUGH'); i++) await ui.press(KEY.pageDown);
    expect(`${frame}\n${ui.frame()}`).toContain('Gateway istio-egressgateway server 443/TLS PASSTHROUGH');
    expect(frame).toContain('○ 2/4 客户端 sidecar curl · 计划');
    fits(ui.frame());
  });

  it("a diagram that is not a request path (lesson 05's who speaks TLS) stays text", async () => {
    const lessons = shipped();
    const at = lessons.findIndex((l) => l.id === '05-https-passthrough');
    const step = lessons[at].steps.findIndex((s) => s.kind === 'explain' && s.diagram === 'tls-origination.txt');
    const engine = new FakeEngine({ lessons });
    const { frame } = await findOnStep(engine, at, step, 'Who speaks TLS?');
    expect(frame).not.toContain('Request path (planned)');
  });

  it('after a traced verification, going back to the diagram shows the lit trace', async () => {
    const lessons = sampleLessons();
    const why = lessons[0].steps[0];
    if (why.kind === 'explain') why.diagram = 'http-egress.txt';
    const engine = new FakeEngine({ lessons });
    engine.onRun = async (e) => e.finish({ ok: true, summary: 'HTTP 200, as expected.' });
    Object.assign(engine, { trace: async () => (engine.update({ trace: gatewayTrace() }), gatewayTrace()) });
    const { ui } = await findOnStep(engine, 0, 0, 'Request path (planned)');
    engine.stepIndex = 2;
    engine.notify();
    await ui.waitForText('Call httpbin');
    await ui.press(KEY.enter);
    await ui.waitForText('t trace');
    await ui.press('t');
    await ui.waitForText('3/4 egress gateway');
    await ui.press('t');
    engine.stepIndex = 0;
    engine.notify();
    await ui.waitForText('Why egress control');
    for (let i = 0; i < 6 && !ui.frame().includes('● 3/4 egress gateway'); i++) await ui.press(KEY.pageDown);
    const frame = await ui.waitForText('● 3/4 egress gateway istio-egressgateway-zqd87lc8jm-84vn7 · seen');
    expect(frame).not.toContain('planned');
    fits(frame);
  });
});
