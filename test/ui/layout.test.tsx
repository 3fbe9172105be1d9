import { afterEach, describe, expect, it, vi } from 'vitest';

// Colour on for this file (chalk decides at import time, before any import below runs), so the
// NO_COLOR test shows that plain mode removes styles rather than passing because colour was off.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

import { cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import { getRenderer } from '../../src/ui/markdown.js';
import { FakeEngine } from './fakeEngine.js';
import { KEY, renderApp, waitFor } from './helpers.js';

afterEach(() => cleanup());

const ANSI = /\x1b\[/;
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;:]*[A-Za-z]/g, '');

async function chineseStep(columns: number, rows: number, extra: Parameters<typeof renderApp>[0] = {}) {
  const engine = new FakeEngine({ lang: 'zh' });
  const ui = renderApp({ engine, lang: 'zh', columns, rows, ...extra });
  await ui.waitForText('课程');
  await ui.press(KEY.enter);
  await ui.waitForText('为什么要控制出口流量');
  return { ui, engine };
}

describe('layout', () => {
  it('Chinese frame at 80×24: every line fits in 80 columns and the frame in 23 rows', async () => {
    const { ui } = await chineseStep(80, 24);
    const frame = ui.frame();
    expect(frame).toContain('练习集群（模拟）');
    expect(frame).toContain('第 1/4 步');
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(80);
    // the long Chinese paragraph wrapped rather than being cut
    expect(frame).toContain('审计所有出站连接');
  });

  it('the lesson list in Chinese pads wide titles so the progress column lines up', async () => {
    const engine = new FakeEngine({ lang: 'zh' });
    const ui = renderApp({ engine, lang: 'zh', columns: 80, rows: 24 });
    const frame = await ui.waitForText('离开网格的路');
    const rows = frame.split('\n').filter((l) => /\d\/\d 已完成/.test(l));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(stringWidth(row)).toBe(80);
  });

  it('re-lays out on resize', async () => {
    const { ui } = await chineseStep(80, 24);
    ui.resize(60, 16);
    await waitFor(() => ui.frame().split('\n').length <= 15, 'a 16-row frame');
    const lines = ui.frame().split('\n');
    for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(60);
    expect(stringWidth(lines[lines.length - 2])).toBe(60); // the status bar spans the new width
  });

  it('plain (NO_COLOR) frames carry no ANSI escapes, even with the real Markdown renderer', async () => {
    const { ui } = await chineseStep(80, 24, { plain: true, loadRenderer: async () => getRenderer() });
    await ui.press(KEY.enter); // the apply step: highlighted YAML when colour is on
    const frame = await ui.waitForText('kind: ServiceAccount');
    expect(frame).not.toMatch(ANSI);
  });

  it('with colour, the same frame is styled (so the plain test can fail)', async () => {
    const { ui } = await chineseStep(80, 24, { plain: false, loadRenderer: async () => getRenderer() });
    await ui.press(KEY.enter);
    await ui.waitForText('ServiceAccount');
    expect(ui.frame()).toMatch(ANSI);
    expect(stripAnsi(ui.frame())).toContain('kind: ServiceAccount');
  });
});
