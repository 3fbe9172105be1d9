// The trace on the step screen: t on a verification's result opens it (at 80x24, both languages,
// plain under NO_COLOR), t again or Esc closes it; t means take-over only at an apply conflict.
import type { Key } from 'ink';
import { cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import type { Trace } from '../../src/trace/index.js';
import { decideKey, type KeyContext } from '../../src/ui/keys.js';
import { gatewayTrace, bypassedTrace } from '../trace/fixtures.js';
import { FakeEngine } from './fakeEngine.js';
import { KEY, renderApp } from './helpers.js';

afterEach(() => cleanup());

const noKey = { escape: false, return: false } as Key;
const ctx = (patch: Partial<KeyContext>): KeyContext => ({ screen: 'step', overlay: { kind: 'none' }, phase: 'passed', stepKind: 'exec', needsConfirmation: false, visitedStep: true, busy: false, page: 18, ...patch });

describe('t on the step screen', () => {
  it('traces after an exec or logs verification, passed or failed; not before, not while running', () => {
    expect(decideKey(ctx({}), 't', noKey)).toEqual({ type: 'trace' });
    expect(decideKey(ctx({ stepKind: 'logs', phase: 'failed' }), 't', noKey)).toEqual({ type: 'trace' });
    expect(decideKey(ctx({ phase: 'idle' }), 't', noKey)).toBeUndefined();
    expect(decideKey(ctx({ phase: 'running' }), 't', noKey)).toBeUndefined();
    expect(decideKey(ctx({ stepKind: 'apply', phase: 'conflict' }), 't', noKey)).toEqual({ type: 'ask', action: { type: 'take-over' } });
    expect(decideKey(ctx({ overlay: { kind: 'trace' } }), 't', noKey)).toEqual({ type: 'overlay', overlay: { kind: 'none' } });
    expect(decideKey(ctx({ overlay: { kind: 'trace' } }), '', { ...noKey, escape: true })).toEqual({ type: 'overlay', overlay: { kind: 'none' } });
    expect(decideKey(ctx({ overlay: { kind: 'trace' } }), 'j', noKey)).toEqual({ type: 'scroll', delta: 1 });
    expect(decideKey(ctx({ overlay: { kind: 'trace' } }), 'L', noKey)).toEqual({ type: 'toggle-lang' });
  });
});

/** An engine whose exec step passed and whose trace() fills stepState.trace as the real one does. */
function tracedEngine(trace: Trace, lang: 'en' | 'zh' = 'en'): FakeEngine {
  const engine = new FakeEngine({ lang });
  engine.onRun = async (e) => e.finish({ ok: true, summary: 'HTTP 200, as expected.' });
  Object.assign(engine, {
    trace: async () => {
      engine.calls.push('trace');
      engine.update({ trace });
      return trace;
    },
  });
  return engine;
}

async function atPassedExec(engine: FakeEngine, extra: Parameters<typeof renderApp>[0] = {}) {
  const ui = renderApp({ engine, columns: 80, rows: 24, ...extra });
  await ui.waitForText(engine.lang === 'zh' ? '课程' : 'Lessons');
  await ui.press(KEY.enter);
  engine.stepIndex = 2; // the exec step
  engine.notify();
  await ui.waitForText(engine.lang === 'zh' ? '访问 httpbin' : 'Call httpbin');
  await ui.press(KEY.enter);
  await ui.waitForText(engine.lang === 'zh' ? 't 追踪' : 't trace');
  return ui;
}

describe('the trace overlay', () => {
  it('at 80x24: the hops lit and the objects named, every row within 80 columns and 24 rows; t closes it', async () => {
    const engine = tracedEngine(gatewayTrace());
    const ui = await atPassedExec(engine);
    await ui.press('t');
    const frame = await ui.waitForText('3/4 egress gateway');
    expect(engine.calls).toContain('trace');
    expect(frame).toContain('Request trace · HTTP · httpbin.org · joined by x-request-id');
    expect(frame).toContain('● 2/4 client sidecar curl-qph5nl6jxf-wdd7g · seen');
    expect(frame).toContain('decided by Gateway istio-egressgateway server 80/HTTP');
    expect(frame).toContain('● 4/4 httpbin.org (external host) · seen: 44.207.188.95:80 answered 200');
    expect(frame).toContain('t/Esc close');
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(80);
    await ui.press('t');
    await ui.waitForText('HTTP 200, as expected.');
    expect(ui.frame()).not.toContain('3/4 egress gateway');
  });

  it('a bypassed request in Chinese, without colour (NO_COLOR): the dim hop says why in words', async () => {
    const engine = tracedEngine(bypassedTrace(), 'zh');
    const ui = await atPassedExec(engine, { plain: true });
    await ui.press('t');
    const frame = await ui.waitForText('3/4 出口网关');
    expect(frame).toContain('○ 3/4 出口网关 · 没有证据：请求绕过了出口网关');
    expect(frame).not.toMatch(/\u001b\[/);
    for (const line of frame.split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(80);
    await ui.press(KEY.esc);
    await ui.waitForText('t 追踪');
  });

  it('L while the overlay is open: the trace is worded again in the other language, still open, and back', async () => {
    const engine = tracedEngine(gatewayTrace());
    const ui = await atPassedExec(engine);
    await ui.press('t');
    await ui.waitForText('3/4 egress gateway');
    expect(ui.frame()).toContain('L 中文');
    await ui.press('L');
    const zh = await ui.waitForText('3/4 出口网关');
    expect(engine.calls).toContain('setLang:zh');
    expect(zh).toContain('请求追踪 · HTTP · httpbin.org · 按 x-request-id 关联');
    expect(zh).toContain('t/Esc 关闭');
    expect(zh).not.toContain('egress gateway');
    for (const line of zh.split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(80);
    expect(zh.split('\n').length).toBeLessThanOrEqual(24);
    await ui.press('L');
    const en = await ui.waitForText('3/4 egress gateway');
    expect(en).toContain('Request trace · HTTP');
    expect(en).not.toContain('出口网关');
    await ui.press(KEY.esc);
    await ui.waitForText('HTTP 200, as expected.');
  });

  it('while the trace is collected, says that the logs are being followed', async () => {
    const engine = new FakeEngine();
    engine.onRun = async (e) => e.finish({ ok: true, summary: 'HTTP 200, as expected.' });
    Object.assign(engine, { trace: () => new Promise(() => undefined) });
    const ui = await atPassedExec(engine);
    await ui.press('t');
    await ui.waitForText('Following the client sidecar and egress gateway logs');
  });

  it('a step that sent no request this session: says so instead of waiting', async () => {
    const engine = new FakeEngine();
    engine.onRun = async (e) => e.finish({ ok: true, summary: 'HTTP 200, as expected.' });
    Object.assign(engine, { trace: async () => undefined });
    const ui = await atPassedExec(engine);
    await ui.press('t');
    await ui.waitForText('No request to trace: this step sent none in this session.');
  });
});
