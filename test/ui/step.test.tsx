import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { FakeEngine } from './fakeEngine.js';
import { KEY, renderApp, waitFor } from './helpers.js';

afterEach(() => cleanup());

/** Open the first lesson at a step (the list is the landing screen). */
async function atStep(engine: FakeEngine, stepIndex = 0, lessonIndex = 0, extra: Parameters<typeof renderApp>[0] = {}) {
  const ui = renderApp({ engine, ...extra });
  await ui.waitForText('Lessons');
  await ui.press(KEY.enter);
  await ui.waitForText('step 1/');
  engine.lessonIndex = lessonIndex;
  engine.stepIndex = stepIndex;
  engine.notify();
  const step = engine.lessons[lessonIndex].steps[stepIndex];
  await ui.waitForText(step.title.en);
  return ui;
}

describe('step screen', () => {
  it('explain step: title, text, diagram, status bar; Enter goes to the next step', async () => {
    const engine = new FakeEngine();
    const ui = await atStep(engine);
    const frame = ui.frame();
    expect(frame).toContain('Why egress control');
    expect(frame).toContain('straight out');
    expect(frame).toContain('client ──▶ sidecar ──▶ egress gateway');
    expect(frame).toContain('practice cluster (simulated) │ ns default │ EN │ lesson 1/2 step 1/4');
    expect(frame).toContain('Enter continue');
    await ui.press(KEY.enter);
    await ui.waitForText('Deploy the client');
    expect(engine.calls).toContain('next');
  });

  it('apply step: manifest and kubectl shown; Enter asks y/n; y runs and shows the outcome; Enter then goes on', async () => {
    const engine = new FakeEngine();
    engine.onRun = async (e) => {
      e.update({ applied: [{ ref: { apiVersion: 'v1', kind: 'ServiceAccount', name: 'curl', namespace: 'default' }, result: 'created' }] });
      return e.finish({ ok: true, summary: 'Applied 1 object.' });
    };
    const ui = await atStep(engine, 1);
    let frame = ui.frame();
    expect(frame).toContain('Manifest 01-intro/manifests/curl.yaml');
    expect(frame).toContain('kind: ServiceAccount');
    expect(frame).toContain('kubectl apply client -n default');
    await ui.press(KEY.enter);
    frame = await ui.waitForText('Apply 1 object (namespace default)? y/n');
    expect(engine.calls).not.toContain('run');
    await ui.press('y');
    frame = await ui.waitForText('PASSED');
    expect(frame).toContain('✓ created  ServiceAccount/curl -n default (v1)');
    expect(frame).toContain('✓ PASSED — Applied 1 object.');
    expect(engine.calls).toContain('run');
    await ui.press(KEY.enter);
    await ui.waitForText('Call httpbin');
  });

  it('n at the confirmation cancels without running', async () => {
    const engine = new FakeEngine();
    const ui = await atStep(engine, 1);
    await ui.press(KEY.enter);
    await ui.waitForText('y/n');
    await ui.press('n');
    await ui.waitForNoText('y/n');
    expect(engine.calls).not.toContain('run');
    expect(ui.frame()).toContain('Deploy the client');
  });

  it('a failed step shows the diagnosis and Enter retries', async () => {
    const engine = new FakeEngine();
    engine.onRun = async (e) => e.finish({ ok: false, summary: 'HTTP 502 from the sidecar', diagnosis: 'REGISTRY_ONLY blocks httpbin.org: apply the ServiceEntry first.', attempts: 3 });
    const ui = await atStep(engine, 2);
    await ui.press(KEY.enter); // exec: no confirmation
    const frame = await ui.waitForText('FAILED');
    expect(frame).toContain('✗ FAILED — HTTP 502 from the sidecar (after 3 attempts)');
    expect(frame).toContain('REGISTRY_ONLY blocks httpbin.org');
    expect(frame).toContain('Enter retry');
    await ui.press(KEY.enter);
    await waitFor(() => engine.calls.filter((c) => c === 'run').length === 2, 'a second run');
  });

  it('a running step shows a spinner with the activity and Esc cancels', async () => {
    const engine = new FakeEngine();
    engine.onRun = () => new Promise(() => undefined); // never finishes by itself
    const ui = await atStep(engine, 2);
    await ui.press(KEY.enter);
    engine.update({ activity: 'attempt 2, got 404 NR, waiting for Istio to push the configuration' });
    await ui.waitForText('attempt 2, got 404 NR');
    expect(ui.frame()).toContain('Esc cancels');
    await ui.press(KEY.esc);
    await ui.waitForText('CANCELLED');
    expect(engine.calls).toContain('cancel');
  });

  it('the hint line fits 80 columns and keeps what Enter does, help and quit', async () => {
    const engine = new FakeEngine();
    const ui = await atStep(engine, 1, 0, { columns: 80, rows: 24 });
    await ui.waitForText('Enter apply');
    const hints = ui.frame().split('\n').at(-1) ?? '';
    expect(hints.length).toBeLessThanOrEqual(80);
    expect(hints).toMatch(/^Enter apply · d dry-run · .*\? help · q quit$/);
  });

  it('← and b go back', async () => {
    const engine = new FakeEngine();
    const ui = await atStep(engine, 2);
    await ui.press(KEY.left);
    await ui.waitForText('Deploy the client');
    await ui.press('b');
    await ui.waitForText('Why egress control');
    expect(engine.calls.filter((c) => c === 'back')).toHaveLength(2);
  });

  it('help overlay opens with ? and closes with any key', async () => {
    const engine = new FakeEngine();
    const ui = await atStep(engine);
    await ui.press('?');
    const frame = await ui.waitForText('── Keys');
    expect(frame).toContain('quit; progress is saved');
    await ui.press('x');
    await ui.waitForNoText('── Keys');
    expect(ui.frame()).toContain('Why egress control');
  });

  it('q quits and disposes the engine', async () => {
    const engine = new FakeEngine();
    const ui = await atStep(engine);
    await ui.press('q');
    await waitFor(() => ui.exitCodes.length === 1, 'exit');
    expect(ui.exitCodes).toEqual([0]);
    expect(engine.calls).toContain('dispose');
  });

  it('Ctrl+C quits and disposes the engine', async () => {
    const engine = new FakeEngine();
    const ui = await atStep(engine, 1);
    await ui.press(KEY.ctrlC);
    await waitFor(() => ui.exitCodes.length === 1, 'exit');
    expect(engine.calls.filter((c) => c === 'dispose')).toHaveLength(1);
  });

  it('L switches the language through the engine', async () => {
    const engine = new FakeEngine();
    const ui = await atStep(engine);
    await ui.press('L');
    const frame = await ui.waitForText('为什么要控制出口流量');
    expect(frame).toContain('中文');
    expect(frame).toContain('Enter 继续');
    expect(engine.calls).toContain('setLang:zh');
  });
});

describe('reset dialog', () => {
  for (const [key, scope, question] of [
    ['1', 'lesson', 'Delete the objects “Ways out of the mesh” created and reset its progress? y/n'],
    ['2', 'all', 'Delete everything the tutorial created and reset all progress? y/n'],
    ['3', 'progress', 'Forget all progress (nothing in the cluster changes)? y/n'],
  ] as const) {
    it(`scope ${scope}: r, ${key}, y resets`, async () => {
      const engine = new FakeEngine();
      const ui = await atStep(engine);
      await ui.press('r');
      await ui.waitForText('What should be reset?');
      await ui.press(key);
      await ui.waitForText(question);
      expect(engine.calls.some((c) => c.startsWith('reset'))).toBe(false);
      await ui.press('y');
      await ui.waitForText('Reset done');
      expect(engine.calls).toContain(`reset:${scope}`);
    });
  }

  it('a long question wraps above the footer and keeps y/n visible at 80 columns', async () => {
    const engine = new FakeEngine();
    engine.lessons[0].title.en = 'HTTP through the egress gateway, with a much longer title than usual';
    const ui = await atStep(engine, 0, 0, { columns: 80, rows: 24 });
    await ui.press('r');
    await ui.waitForText('What should be reset?');
    await ui.press('1');
    const frame = await ui.waitForText('y/n');
    expect(frame).toContain('Delete the objects “HTTP through the egress gateway, with a much longer');
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('n at the reset confirmation resets nothing', async () => {
    const engine = new FakeEngine();
    const ui = await atStep(engine);
    await ui.press('r');
    await ui.waitForText('What should be reset?');
    await ui.press('2');
    await ui.waitForText('y/n');
    await ui.press('n');
    await ui.waitForNoText('y/n');
    expect(engine.calls.some((c) => c.startsWith('reset'))).toBe(false);
  });
});

describe('results', () => {
  it('log panel marks the proof line with a text marker and shows the newest lines', async () => {
    const engine = new FakeEngine();
    engine.onRun = () => new Promise(() => undefined);
    const ui = await atStep(engine, 3);
    await ui.press(KEY.enter);
    for (let i = 0; i < 40; i++) engine.addLog({ text: `[2026-11-24T06:00:${String(i).padStart(2, '0')}Z] "GET /status/${i} HTTP/1.1" 200 - via_upstream` });
    engine.addLog({ pod: 'istio-egressgateway-def', text: '[2026-11-24T06:00:59Z] "GET /ip HTTP/1.1" 200 - via_upstream' });
    engine.addLog({ text: '[2026-11-24T06:01:00Z] "GET /headers HTTP/1.1" 200 - "abc-123" "httpbin.org" outbound|80||httpbin.org' }, true);
    const frame = await ui.waitForText('★ PROOF');
    expect(frame).toContain('Log of 2 pods, newest last');
    expect(frame).toMatch(/★ PROOF abc│ .*GET \/headers/); // several pods: told apart by their hash
    expect(frame).toMatch(/ {2}def│ .*GET \/ip/);
    expect(frame).toContain('/status/39');
    expect(frame).not.toContain('/status/0 '); // old lines scrolled out of the panel
    expect(frame.split('\n').length).toBeLessThanOrEqual(23);
  });

  it('checks show PASS/WARN/FAIL words and f applies an auto-fix after y', async () => {
    const engine = new FakeEngine();
    engine.onRun = async (e) => {
      e.update({
        checks: [
          { name: 'egress-gateway', level: 'pass', summary: '1 egress gateway pod Ready' },
          {
            name: 'access-logging',
            level: 'fail',
            summary: 'access logging is off',
            fix: 'Turn on access logging.',
            autoFix: { kind: 'apply', objects: [], description: 'apply a Telemetry object that turns on Envoy access logs' },
          },
        ],
      });
      return e.finish({ ok: false, summary: '1 check failed' });
    };
    const ui = await atStep(engine, 0, 1);
    await ui.press(KEY.enter);
    const frame = await ui.waitForText('1 check failed');
    expect(frame).toContain('✓ PASS  egress-gateway: 1 egress gateway pod Ready');
    expect(frame).toContain('✗ FAIL  access-logging: access logging is off');
    expect(frame).toContain('f fix');
    await ui.press('f');
    await ui.waitForText('apply a Telemetry object that turns on Envoy access logs — do it now? y/n');
    await ui.press('y');
    await ui.waitForText('fixed');
    expect(engine.calls).toContain('applyFix:access-logging');
  });

  it('apply conflict: t asks, then takes over; s skips', async () => {
    const engine = new FakeEngine();
    engine.onRun = async (e) => {
      e.update({
        phase: 'conflict',
        activity: undefined,
        applied: [{ ref: { apiVersion: 'v1', kind: 'ServiceAccount', name: 'curl', namespace: 'default' }, result: 'conflict', message: 'exists, not created by the tutorial' }],
      });
      return { ok: false, summary: 'conflict' };
    };
    const ui = await atStep(engine, 1);
    await ui.press(KEY.enter);
    await ui.waitForText('y/n');
    await ui.press('y');
    let frame = await ui.waitForText('t take over');
    expect(frame).toContain('! CONFLICT  ServiceAccount/curl');
    await ui.press('t');
    await ui.waitForText('Take over the existing objects and overwrite them? y/n');
    await ui.press('y');
    frame = await ui.waitForText('taken over');
    expect(engine.calls).toContain('resolveConflict:true');

    engine.stepIndex = 1;
    engine.states.clear();
    engine.notify();
    await ui.waitForNoText('taken over');
    await ui.press(KEY.enter);
    await ui.waitForText('y/n');
    await ui.press('y');
    await ui.waitForText('t take over');
    await ui.press('s');
    await ui.waitForText('skipped');
    expect(engine.calls).toContain('resolveConflict:false');
  });

  it('d shows the dry run of an apply step and Esc closes it', async () => {
    const engine = new FakeEngine();
    const ui = await atStep(engine, 1);
    await ui.press('d');
    const frame = await ui.waitForText('uid: 1234');
    expect(frame).toContain('Dry run');
    expect(engine.calls).toContain('dryRun');
    await ui.press(KEY.esc);
    await ui.waitForNoText('uid: 1234');
  });

  it('long content scrolls with PgDn/PgUp and j/k', async () => {
    const engine = new FakeEngine();
    const long = Array.from({ length: 60 }, (_, i) => `Paragraph line ${i + 1}.`).join('\n\n');
    engine.lessons[0].steps[0].body = { en: long, zh: long };
    const ui = await atStep(engine);
    expect(ui.frame()).toContain('Paragraph line 1.');
    expect(ui.frame()).toMatch(/lines 1–\d+ of \d+/);
    await ui.press(KEY.pageDown);
    await ui.waitForNoText('Paragraph line 1.');
    await ui.press(KEY.pageUp);
    await ui.waitForText('Paragraph line 1.');
    await ui.press('j');
    await ui.waitForText('lines 2–');
    await ui.press('k');
    await ui.waitForText('lines 1–');
  });
});
