import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { ClusterError } from '../../src/cluster/port.js';
import { FakeEngine } from './fakeEngine.js';
import { KEY, renderApp } from './helpers.js';

afterEach(() => cleanup());

describe('connecting', () => {
  it('shows the target while connecting, then the lesson list', async () => {
    let release!: () => void;
    const engine = new FakeEngine();
    const gate = new Promise<void>((resolve) => (release = resolve));
    const ui = renderApp({ engine, connect: async () => (await gate, engine) });
    expect(ui.frame()).toContain('Connecting to context kind-test (https://127.0.0.1:6443)');
    release();
    const frame = await ui.waitForText('Lessons');
    expect(frame).toContain('Ways out of the mesh');
    expect(frame).toContain('0/4 done');
  });

  it('offers the simulated practice cluster when the connection fails', async () => {
    const engine = new FakeEngine();
    const backends: string[] = [];
    const ui = renderApp({
      connect: async (backend) => {
        backends.push(backend);
        if (backend === 'kube') throw new ClusterError('The API server at https://127.0.0.1:6443 refused the connection: start the cluster or pick another context.', 'unreachable');
        return engine;
      },
    });
    const frame = await ui.waitForText('refused the connection');
    expect(frame).toContain('Could not connect to the cluster.');
    expect(frame).toContain('simulated practice cluster');
    expect(frame).not.toMatch(/at .*\.ts:\d+/); // no stack
    await ui.press('p');
    await ui.waitForText('Lessons');
    expect(backends).toEqual(['kube', 'practice']);
    expect(ui.frame()).toContain('practice cluster (simulated)');
  });

  it('retries with r and quits with q (exit code 1)', async () => {
    let attempts = 0;
    const ui = renderApp({
      connect: async () => {
        attempts++;
        throw new ClusterError('No kubeconfig found: set KUBECONFIG or pass --practice.', 'config');
      },
    });
    await ui.waitForText('No kubeconfig found');
    await ui.press('r');
    await waitUntil(() => attempts === 2);
    await ui.waitForText('No kubeconfig found');
    await ui.press('q');
    expect(ui.exitCodes).toEqual([1]);
  });

  it('Ctrl+C exits 130 (an interrupt, issue 16 item 8) after disposing the engine; q exits 0', async () => {
    const engine = new FakeEngine();
    const ui = renderApp({ engine, preferPractice: true });
    await ui.waitForText('Lessons');
    await ui.press('\x03');
    expect(ui.exitCodes).toEqual([130]);
    expect(engine.calls).toContain('dispose');
    const other = new FakeEngine();
    const quiet = renderApp({ engine: other, preferPractice: true });
    await quiet.waitForText('Lessons');
    await quiet.press('q');
    expect(quiet.exitCodes).toEqual([0]);
  });

  it('connects to the practice cluster at once with preferPractice and shows warnings once', async () => {
    const engine = new FakeEngine();
    const backends: string[] = [];
    const ui = renderApp({
      preferPractice: true,
      warnings: ['The progress file was corrupt and was set aside.'],
      connect: async (backend) => {
        backends.push(backend);
        return engine;
      },
    });
    expect(ui.frame()).toContain('Starting the simulated practice cluster');
    await ui.waitForText('Lessons');
    expect(ui.frame()).toContain('Warning: The progress file was corrupt');
    await ui.press(KEY.down);
    await ui.waitForNoText('Warning:');
    expect(backends).toEqual(['practice']);
  });
});

describe('warnings', () => {
  it('shows the engine snapshot warnings (a corrupt progress file set aside) until a key', async () => {
    const engine = new FakeEngine({ warnings: ['The progress file was not readable and was renamed to progress.json.corrupt-1.'] });
    const ui = renderApp({ engine });
    const frame = await ui.waitForText('Lessons');
    expect(frame).toContain('! Warning: The progress file was not readable');
    await ui.press(KEY.down);
    await ui.waitForNoText('! Warning');
  });
});

async function waitUntil(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 4000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('resume and lesson list', () => {
  it('asks to continue at the saved step and goes there on y', async () => {
    const engine = new FakeEngine({ canResume: true, resumeAt: { lessonIndex: 0, stepIndex: 2 } });
    const ui = renderApp({ engine });
    const frame = await ui.waitForText('Continue at');
    expect(frame).toContain('Continue at “Ways out of the mesh”, step 3/4?');
    await ui.press('y');
    await ui.waitForText('Call httpbin');
    expect(engine.calls).toContain('resume');
  });

  it('n on the resume prompt opens the lesson list', async () => {
    const engine = new FakeEngine({ canResume: true, resumeAt: { lessonIndex: 1, stepIndex: 0 } });
    const ui = renderApp({ engine });
    await ui.waitForText('Continue at “Pre-flight”, step 1/2?');
    await ui.press('n');
    await ui.waitForText('Lessons');
    expect(engine.calls).not.toContain('resume');
  });

  it('shows per-lesson progress with a ✓ for complete lessons and jumps with Enter', async () => {
    const engine = new FakeEngine({ progress: { '02-checks': { done: ['preflight', 'cleanup'] }, '01-intro': { done: ['why'] } } });
    const ui = renderApp({ engine });
    let frame = await ui.waitForText('Lessons');
    expect(frame).toMatch(/◐ 1\. Ways out of the mesh +1\/4 done/);
    expect(frame).toMatch(/✓ 2\. Pre-flight +2\/2 complete/);
    await ui.press(KEY.down);
    frame = await ui.waitForText('› ✓ 2. Pre-flight');
    await ui.press(KEY.enter);
    await ui.waitForText('Check the mesh');
    expect(engine.calls).toContain('openLesson:02-checks');
    // ? shows the help over the list too; any key closes it
    await ui.press('l');
    await ui.waitForText('Lessons');
    await ui.press('?');
    await ui.waitForText('── Keys');
    expect(ui.frame()).toContain('Press any key to close the help.');
    await ui.press('x');
    await ui.waitForText('── Lessons');
    await ui.press(KEY.esc);
    await ui.waitForText('Check the mesh');
    // l opens the list again, Esc goes back to the step
    await ui.press('l');
    await ui.waitForText('Lessons');
    await ui.press(KEY.esc);
    await ui.waitForText('Check the mesh');
  });
});
