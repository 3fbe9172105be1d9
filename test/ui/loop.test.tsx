// The learner's loop on screen (issue 12), key by key: again, re-apply with the dry run first,
// drift and f, reset moving the screen, commands that copy and never break, the lesson-done screen,
// pinned titles, inline Markdown, honest panels; with the scripted engine and with the real one.

import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import { createEngine } from '../../src/engine/index.js';
import type { Engine } from '../../src/engine/types.js';
import type { ApplyStep, Lesson } from '../../src/lesson/model.js';
import { memoryProgressStore } from '../../src/progress/index.js';
import type { Clipboard } from '../../src/ui/App.js';
import { messages } from '../../src/ui/messages.js';
import { FakePort, gatewayLine, lessonSet } from '../engine/fixtures.js';
import { FakeEngine, sampleLessons } from './fakeEngine.js';
import { KEY, renderApp, waitFor, type Harness } from './helpers.js';

let engines: Engine[] = [];
afterEach(() => {
  cleanup();
  for (const e of engines) e.dispose();
  engines = [];
});

/** Open the first lesson, then put the engine on a step. */
async function atStep(engine: Engine & { lessonIndex?: number }, where: { lesson?: string; step: string } | { index: number; lessonIndex?: number }, extra: Parameters<typeof renderApp>[0] = {}) {
  const ui = renderApp({ engine: engine as FakeEngine, ...extra });
  await ui.waitForText(engine.snapshot().lang === 'zh' ? '课程' : 'Lessons');
  await ui.press(KEY.enter);
  await ui.waitForText(engine.snapshot().lang === 'zh' ? '第 1/' : 'step 1/');
  if ('index' in where) {
    const fake = engine as FakeEngine;
    fake.lessonIndex = where.lessonIndex ?? 0;
    fake.stepIndex = where.index;
    fake.notify();
  } else engine.openLesson(where.lesson ?? engine.snapshot().lesson.id, where.step);
  // The status bar names the position: the frame is the new step's, not the one before.
  const snap = engine.snapshot();
  const m = messages(snap.lang);
  const lesson = m.lessonOf(snap.lessonIndex + 1, snap.lessons.length);
  const step = m.stepOf(snap.stepIndex + 1, snap.lesson.steps.length);
  await waitFor(() => ui.frame().split('\n')[0].startsWith(lesson) && ui.frame().split('\n')[0].endsWith(step), `${lesson} … ${step} in the header:\n${ui.frame()}`);
  return ui;
}

const hints = (ui: Harness) => ui.frame().split('\n').at(-1) ?? '';
const footer = (ui: Harness) => ui.frame().split('\n').at(-3) ?? '';

function recordingClipboard(available = true): Clipboard & { copied: string[]; printed: string[] } {
  const copied: string[] = [];
  const printed: string[] = [];
  return { available, copied, printed, copy: (t) => copied.push(t), print: (t) => printed.push(t) };
}

describe('again and retry', () => {
  it('a passed step shows "a again" in the footer; a runs it once more; Enter still goes on', async () => {
    const engine = new FakeEngine();
    const ui = await atStep(engine, { index: 2 });
    expect(hints(ui)).not.toContain('a again');
    await ui.press(KEY.enter);
    await ui.waitForText('PASSED');
    expect(hints(ui)).toMatch(/^Enter next · a again/);
    await ui.press('a');
    await waitFor(() => engine.calls.filter((c) => c === 'run').length === 2, 'a second run');
    await ui.press(KEY.enter);
    await ui.waitForText('Read the gateway log');
  });

  it('a on a passed apply step shows the server’s dry run against the live objects first; y applies; a conflict then offers t/s', async () => {
    const engine = new FakeEngine();
    let runs = 0;
    engine.onRun = async (e) => {
      runs++;
      if (runs === 1) return e.finish({ ok: true, summary: 'Applied 1 object.' });
      e.update({ applied: [{ ref: { apiVersion: 'v1', kind: 'ServiceAccount', name: 'curl', namespace: 'default' }, result: 'conflict', message: 'has fields set by kubectl-patch' }] });
      e.update({ phase: 'conflict', activity: undefined, verdict: { ok: false, summary: 'ServiceAccount/curl has fields set by kubectl-patch' } });
      return { ok: false, summary: 'conflict' };
    };
    engine.dryRunResult = Promise.resolve('# ServiceAccount/curl: conflict — has fields set by kubectl-patch (metadata.labels.team)\n#   - team: a\n#   + team: b');
    const ui = await atStep(engine, { index: 1 });
    await ui.press(KEY.enter);
    await ui.press('y');
    await ui.waitForText('PASSED');
    await ui.press('a');
    await ui.waitForText('Apply again: the server’s dry run against the live objects');
    await ui.waitForText('kubectl-patch (metadata.labels.team)');
    expect(engine.calls).toContain('dryRun');
    expect(hints(ui)).toBe('y apply again · Esc cancel · PgUp/PgDn j/k scroll');
    expect(runs).toBe(1);
    await ui.press('y');
    await ui.waitForText('t take over');
    expect(runs).toBe(2);
    expect(hints(ui)).toMatch(/^t take over · s skip/);
    await ui.press('t');
    await ui.waitForText('Take over the existing objects');
    await ui.press('y');
    await ui.waitForText('taken over');
    expect(engine.calls).toContain('resolveConflict:true');
  });

  it('Esc in the again view applies nothing', async () => {
    const engine = new FakeEngine();
    const ui = await atStep(engine, { index: 1 });
    await ui.press(KEY.enter);
    await ui.press('y');
    await ui.waitForText('PASSED');
    await ui.press('a');
    await ui.waitForText('Apply again');
    await ui.press(KEY.esc);
    await ui.waitForNoText('Apply again');
    expect(engine.calls.filter((c) => c === 'run')).toHaveLength(1);
  });
});

describe('say what changed (drift)', () => {
  it('the failure names object, field and field manager; f asks, y re-applies', async () => {
    for (const lang of ['en', 'zh'] as const) {
      const engine = new FakeEngine({ lang });
      engine.onRun = async (e) => {
        e.update({
          drift: [{ ref: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', name: 'direct-cnn', namespace: 'default' }, fields: ['spec.gateways'], managers: ['kubectl-patch'] }],
        });
        return e.finish({ ok: false, summary: 'no line', diagnosis: 'changed after the tutorial applied it' });
      };
      const ui = await atStep(engine, { index: 3 }, { lang });
      await ui.press(KEY.enter);
      const m = lang === 'en' ? { row: 'VirtualService/direct-cnn -n default: spec.gateways changed by kubectl-patch', key: 'f re-apply', ask: 'taking spec.gateways back from' } : { row: 'VirtualService/direct-cnn -n default：spec.gateways 被 kubectl-patch 改动', key: 'f 重新应用', ask: '按课程重新应用 VirtualService/direct-cnn' };
      await ui.waitForText(m.row);
      expect(hints(ui)).toContain(m.key);
      await ui.press('f');
      await ui.waitForText(m.ask);
      expect(engine.calls).not.toContain('reapply');
      await ui.press('y');
      await waitFor(() => engine.calls.includes('reapply'), 'reapply');
      ui.unmount();
    }
  });
});

describe('leftovers in the way (issue 16 item 1)', () => {
  it('the failure offers f; f asks naming the objects, y removes them and the step runs again', async () => {
    for (const lang of ['en', 'zh'] as const) {
      const engine = new FakeEngine({ lang });
      engine.onRun = async (e) => {
        e.update({ leftovers: [{ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: 'cnn', namespace: 'default' }] });
        return e.finish({ ok: false, summary: 'exit code 0, expected 35 or 56', diagnosis: 'ServiceEntry "cnn" (default), left by lesson 05, registers www.baidu.com' });
      };
      const ui = await atStep(engine, { index: 3 }, { lang });
      await ui.press(KEY.enter);
      const m = lang === 'en'
        ? { offer: 'press f to delete ServiceEntry/cnn', key: 'f remove leftovers', ask: 'Delete ServiceEntry/cnn, left by another lesson' }
        : { offer: '按 f 删除 ServiceEntry/cnn', key: 'f 删除遗留对象', ask: '删除其他课程留下的 ServiceEntry/cnn' };
      await ui.waitForText(m.offer);
      expect(hints(ui)).toContain(m.key);
      await ui.press('f');
      await ui.waitForText(m.ask);
      expect(engine.calls).not.toContain('removeLeftovers');
      await ui.press('y');
      await waitFor(() => engine.calls.includes('removeLeftovers'), 'removeLeftovers');
      ui.unmount();
    }
  });
});

describe('the explainer\'s fix (issue 14)', () => {
  it('the failure shows the finding and offers f; f asks naming the change, y makes it and the step runs again', async () => {
    for (const lang of ['en', 'zh'] as const) {
      const engine = new FakeEngine({ lang });
      const patch = { op: 'merge' as const, ref: { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', name: 'egressgateway-for-cnn', namespace: 'default' }, patch: { spec: { subsets: [{ name: 'cnn' }] } } };
      engine.onRun = async (e) => {
        e.update({ explainFix: patch });
        return e.finish({ ok: false, summary: 'HTTP 503, expected HTTP 200', diagnosis: 'Found [IST0101]: DestinationRule egressgateway-for-cnn (default) field spec.subsets' });
      };
      const ui = await atStep(engine, { index: 3 }, { lang });
      await ui.press(KEY.enter);
      const m = lang === 'en'
        ? { offer: 'press f to apply the patch of the first finding', key: 'f apply fix', ask: 'Apply kubectl patch destinationrule.networking.istio.io egressgateway-for-cnn' }
        : { offer: '按 f 应用第一条发现的补丁', key: 'f 应用修复', ask: '应用 kubectl patch destinationrule.networking.istio.io egressgateway-for-cnn' };
      await ui.waitForText(m.offer);
      expect(ui.frame()).toContain('Found [IST0101]: DestinationRule');
      expect(hints(ui)).toContain(m.key);
      await ui.press('f');
      await ui.waitForText(m.ask);
      expect(engine.calls).not.toContain('applyExplainFix');
      await ui.press('y');
      await waitFor(() => engine.calls.includes('applyExplainFix'), 'applyExplainFix');
      ui.unmount();
    }
  });
});

describe('reset moves you', () => {
  it('reset this lesson: its first step; reset everything: the lesson list with lesson 1 current', async () => {
    const engine = new FakeEngine();
    const ui = await atStep(engine, { index: 2 });
    await ui.press('r');
    await ui.press('1');
    await ui.press('y');
    await ui.waitForText('Reset done');
    await ui.waitForText('Why egress control');
    expect(ui.frame()).toContain('lesson 1/2 step 1/4');

    engine.lessonIndex = 1;
    engine.stepIndex = 1;
    engine.notify();
    await ui.waitForText('Clean up');
    await ui.press('r');
    await ui.press('2');
    await ui.press('y');
    await ui.waitForText('Reset done');
    await waitFor(() => /› · 1\. Ways out of the mesh +0\/4 done \(current\)/.test(ui.frame()), `lesson 1 current and selected:\n${ui.frame()}`);
    expect(ui.frame()).toContain('egress-tutorial · Lessons');
  });
});

describe('commands that copy', () => {
  it('the box never breaks a command: " \\" at word boundaries outside quotes, comments wrap as comments; every row fits', async () => {
    const engine = new FakeEngine();
    engine.commands = () => [
      '# gateway.networking.istio.io (short name gw), not plain "gateway": with the Gateway API CRDs installed, "gateway" is ambiguous.',
      `kubectl get configmap istio -n istio-system -o jsonpath='{.data.mesh}' | grep -A1 outboundTrafficPolicy`,
    ];
    const ui = await atStep(engine, { index: 2 }, { columns: 60, rows: 40 });
    const rows = ui.frame().split('\n');
    const start = rows.findIndex((r) => r.includes('Equivalent kubectl'));
    const box = rows.slice(start + 1).filter((r) => r.trim() !== '');
    const comment = box.filter((r) => r.startsWith('#'));
    expect(comment.length).toBeGreaterThan(1);
    expect(comment.every((r) => r.startsWith('# '))).toBe(true);
    const command = box.slice(box.findIndex((r) => r.startsWith('kubectl get configmap')));
    expect(command[0].endsWith(' \\')).toBe(true);
    expect(command.join('\n')).toContain(`'{.data.mesh}'`); // a quoted word is never split
    const joined = command.slice(0, command.findIndex((r) => !r.endsWith(' \\')) + 1).map((r) => r.replace(/ \\$/, '').trim()).join(' ');
    expect(joined).toBe(`kubectl get configmap istio -n istio-system -o jsonpath='{.data.mesh}' | grep -A1 outboundTrafficPolicy`);
    for (const r of rows) expect(stringWidth(r)).toBeLessThanOrEqual(60);
  });

  it('c copies the step’s commands with OSC 52 and says so; C prints them plainly; without OSC 52, c prints and says why', async () => {
    const clipboard = recordingClipboard();
    const engine = new FakeEngine();
    const ui = await atStep(engine, { index: 2 }, { clipboard });
    expect(hints(ui)).toContain('c copy');
    await ui.press('c');
    await ui.waitForText('Copied 1 command to the clipboard (OSC 52)');
    expect(clipboard.copied).toEqual(['kubectl exec curl -n default']);
    await ui.press('C');
    await ui.waitForText('Printed 1 command plainly');
    expect(clipboard.printed).toEqual(['kubectl exec curl -n default']);
    ui.unmount();

    const none = recordingClipboard(false);
    const zh = new FakeEngine({ lang: 'zh' });
    const ui2 = await atStep(zh, { index: 2 }, { clipboard: none, lang: 'zh' });
    await ui2.press('c');
    await ui2.waitForText('这个终端不支持 OSC 52 剪贴板');
    expect(none.copied).toEqual([]);
    expect(none.printed).toEqual(['kubectl exec curl -n default']);
  });
});

describe('screens that tell the truth', () => {
  it('no result panel on a log step before it runs', async () => {
    const engine = new FakeEngine();
    const ui = await atStep(engine, { index: 3 });
    expect(ui.frame()).not.toContain('Result');
    expect(ui.frame()).not.toContain('waiting for log lines');
    engine.onRun = async (e) => {
      e.update({ phase: 'running', activity: 'following' });
      return new Promise(() => undefined);
    };
    await ui.press(KEY.enter);
    await ui.waitForText('waiting for log lines');
  });

  it('the step title stays pinned above the scrolled body at 80×24', async () => {
    const long = sampleLessons();
    long[0].steps[0].body.en = Array.from({ length: 60 }, (_, i) => `line ${i + 1} of a long explanation`).join('\n\n');
    const ui = await atStep(new FakeEngine({ lessons: long }), { index: 0 }, { columns: 80, rows: 24 });
    for (let i = 0; i < 30; i++) await ui.press('j');
    await ui.waitForText('line 20 of');
    const rows = ui.frame().split('\n');
    expect(rows[1]).toBe('Why egress control');
    expect(rows.length).toBeLessThanOrEqual(23);
  });

  it('inline Markdown in titles and diagnoses: no literal backticks', async () => {
    const lessons = sampleLessons();
    lessons[0].steps[2].title.en = 'Why `resolution: DNS`';
    const engine = new FakeEngine({ lessons });
    engine.onRun = async (e) => e.finish({ ok: false, summary: 'no line', diagnosis: 'check the VirtualService binds `mesh` and routes to the gateway' });
    const ui = await atStep(engine, { index: 2 });
    expect(ui.frame()).toContain('Why resolution: DNS');
    await ui.press(KEY.enter);
    const frame = await ui.waitForText('binds mesh and routes');
    expect(frame).not.toContain('`');
  });

  it('the dry run: its key hint once, and "lines x–y of N"', async () => {
    const engine = new FakeEngine();
    engine.dryRunResult = Promise.resolve(Array.from({ length: 40 }, (_, i) => `field${i}: ${i}`).join('\n'));
    const ui = await atStep(engine, { index: 1 }, { columns: 80, rows: 24 });
    await ui.press('d');
    const frame = await ui.waitForText('field0: 0');
    expect(frame.split('Esc close').length - 1).toBe(1);
    expect(footer(ui)).toMatch(/^lines 1–18 of 41\s*$/);
    await ui.press('j');
    await ui.waitForText('lines 2–19 of 41');
  });

  it('a manifest view starts at its first object; the licence header is below it, folded under a heading', async () => {
    const lessons = sampleLessons();
    const apply = lessons[0].steps[1] as ApplyStep;
    apply.manifests[0].yaml = `# Copyright Istio Authors\n#\n#   Licensed under the Apache License, Version 2.0\n#   you may not use this file except in compliance.\n\n${apply.manifests[0].yaml}`;
    const engine = new FakeEngine({ lessons });
    const ui = await atStep(engine, { index: 1 });
    const rows = ui.frame().split('\n');
    const at = rows.findIndex((r) => r.includes('Manifest 01-intro/manifests/curl.yaml'));
    expect(rows[at + 1]).toBe('apiVersion: v1');
    const header = rows.findIndex((r) => r.includes('Header of the file (4 comment lines, kept in the file)'));
    expect(header).toBeGreaterThan(at + 1);
    expect(rows[header + 1]).toBe('# Copyright Istio Authors');
  });

  it('a lesson ends with "Lesson N done — next: <title>" and what was learned; Enter opens the next lesson; in Chinese too', async () => {
    const lessons: Lesson[] = sampleLessons();
    lessons[0].learned = { en: 'Traffic leaves through a gateway you can watch.', zh: '流量经过一个可以观察的网关离开。' };
    const engine = new FakeEngine({ lessons, progress: { '01-intro': { done: ['why', 'client', 'curl'] } } });
    const ui = await atStep(engine, { index: 3 });
    await ui.press(KEY.enter);
    await ui.waitForText('PASSED');
    await ui.press(KEY.enter);
    let frame = await ui.waitForText('Lesson 1 done — next: Pre-flight');
    expect(frame).toContain('Traffic leaves through a gateway you can watch.');
    expect(hints(ui)).toContain('Enter next lesson');
    await ui.press('L');
    frame = await ui.waitForText('第 1 课完成 —— 下一课：预检');
    expect(frame).toContain('流量经过一个可以观察的网关离开。');
    await ui.press(KEY.enter);
    await ui.waitForText('检查网格');
    expect(engine.calls.filter((c) => c === 'next')).toHaveLength(1);
  });

  it('the help lists every key, again and copy too, within 80×24 in both languages', async () => {
    for (const lang of ['en', 'zh'] as const) {
      const ui = await atStep(new FakeEngine({ lang }), { index: 0 }, { lang, columns: 80, rows: 24 });
      await ui.press('?');
      const frame = await ui.waitForText('q / Ctrl+C');
      for (const key of ['Enter', 'a ', 'c / C', 'f ', 'L ', '? ']) expect(frame.split('\n').some((r) => r.startsWith(key))).toBe(true);
      ui.unmount();
    }
  });

  it('a lesson left with steps not done says so at its end', async () => {
    const engine = new FakeEngine();
    const ui = await atStep(engine, { index: 3 });
    await ui.press(KEY.enter);
    await ui.waitForText('PASSED');
    await ui.press(KEY.enter);
    await ui.waitForText('End of lesson 1 (1 of 4 steps done) — next: Pre-flight');
    await ui.press('b');
    await ui.waitForText('Read the gateway log');
  });
});

describe('with the real engine', () => {
  function real(lessons = lessonSet()) {
    const port = new FakePort();
    const engine = createEngine({ lessons, port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 20_000, logLineGraceMs: 200 });
    engines.push(engine);
    return { engine, port };
  }

  it('the printed curl shows the x-request-id it sends; a failed proof fails fast, keeps following with elapsed time; Enter retries with a new request that passes', async () => {
    const { engine, port } = real();
    const ui = await atStep(engine, { lesson: '02-http', step: 'curl' }, { columns: 120, rows: 30 });
    const shown = /x-request-id: (egress-tutorial-[0-9a-f-]+)/.exec(ui.frame())?.[1];
    expect(shown).toBeDefined();
    await ui.press(KEY.enter);
    await ui.waitForText('PASSED');
    const sent = (port.calls.find((c) => c.method === 'exec')!.args[2] as string[])[2];
    expect(sent).toBe(`x-request-id: ${shown}`);
    await ui.press(KEY.enter);
    await ui.waitForText('log');
    const started = Date.now();
    await ui.press(KEY.enter);
    await ui.waitForText('FAILED');
    expect(Date.now() - started).toBeLessThan(5000); // the budget is 20 s
    expect(ui.frame()).toContain(`No line for request ${shown} in the gateway log`);
    await ui.waitForText('s since the request)  (Esc stops)');
    await ui.press(KEY.enter);
    await waitFor(() => port.calls.filter((c) => c.method === 'exec').length === 2, 'a new request');
    const second = (port.calls.filter((c) => c.method === 'exec')[1].args[2] as string[])[2].replace('x-request-id: ', '');
    expect(second).not.toBe(shown);
    port.emit(gatewayLine(second));
    await ui.waitForText('PASSED');
    expect(ui.frame()).toContain('★ PROOF');
  });

  it('switching language re-renders the results on screen', async () => {
    const { engine } = real();
    const ui = await atStep(engine, { lesson: '02-http', step: 'se' });
    await ui.press(KEY.enter);
    await ui.press('y');
    await ui.waitForText('PASSED — Applied 1 object (1 changed).');
    await ui.press('L');
    const frame = await ui.waitForText('通过 — 已应用 1 个对象（1 个有变化）。');
    expect(frame).not.toContain('Applied 1 object');
  });

  it('a missing pod names the lesson as the learner sees it: "lesson 1 (Setup)"', async () => {
    const { engine, port } = real();
    port.podReady = false;
    const ui = await atStep(engine, { lesson: '02-http', step: 'curl' }, { columns: 120, rows: 30 });
    await ui.press(KEY.enter);
    const frame = await ui.waitForText('FAILED');
    expect(frame).toContain('Do lesson 1 (Setup) first: its step “client” creates that pod.');
    expect(frame).not.toContain('01-setup');
  });
});
