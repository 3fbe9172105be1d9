// Predict before you verify, on the screen: the App over the real engine and the practice cluster
// (client-node over loopback). Before lesson 3's verifications the question and its numbered
// choices show at 80×24; 1–4 answer, Enter skips; the check then runs and says whether the
// prediction held and why, in English and Chinese.

import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { connectCluster } from '../../src/cluster/index.js';
import type { ClusterPort } from '../../src/cluster/port.js';
import { createEngine } from '../../src/engine/index.js';
import type { Engine } from '../../src/engine/types.js';
import { defaultLessonsDir, loadLessonSet } from '../../src/lesson/index.js';
import type { Lang } from '../../src/lesson/model.js';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';
import { memoryProgressStore } from '../../src/progress/index.js';
import { cellWidth } from '../../src/ui/text.js';
import { KEY, renderApp, waitFor, type Harness } from './helpers.js';

const L3 = '03-outbound-policy-experiment';
let running: { practice: PracticeCluster; port: ClusterPort; engine: Engine } | undefined;

afterEach(async () => {
  cleanup();
  running?.engine.dispose();
  running?.port.close();
  await running?.practice.stop();
  running = undefined;
});

/** A practice cluster with the client and lesson 3's Sidecar in place, the engine at lesson 3's blocked curl. */
async function readyAtBlockedCurl(lang: Lang): Promise<Engine> {
  const practice = await startPracticeCluster({ knobs: { podReadyDelayMs: 0 } });
  const { port } = await connectCluster({ kubeconfigYaml: practice.kubeconfig(), namespace: 'default', istioNamespace: 'istio-system', backend: 'practice' });
  const { set } = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system' });
  const engine = createEngine({ lessons: set!, port, progress: memoryProgressStore(), lang, namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 8000 });
  running = { practice, port, engine };
  for (const [lesson, step] of [['02-setup', 'client'], ['02-setup', 'source-pod'], [L3, 'registry-only']]) {
    engine.openLesson(lesson, step);
    expect((await engine.run()).ok, step).toBe(true);
  }
  engine.openLesson(L3, 'curl-blocked');
  return engine;
}

function expectFits(app: Harness): void {
  const lines = app.frame().split('\n');
  expect(lines.length).toBeLessThanOrEqual(24);
  for (const line of lines) expect(cellWidth(line), line).toBeLessThanOrEqual(80);
}

const T = {
  en: {
    stepTitle: 'An unknown host fails',
    question: 'plain-HTTP curl get?',
    choice2: '2  HTTP 502, answered by the client',
    keys: '1–3 answer · Enter skip · Esc back',
    held: '✓ Your prediction held: HTTP 502, answered by the client',
    why: 'block_all',
    httpsQuestion: 'What does curl report?',
    notHeld: '✗ Your prediction did not hold: not "HTTP 502, like the plain-HTTP request"',
    skipped: 'Prediction skipped.',
    allowedQuestion: 'Which way does the request go?',
  },
  zh: {
    stepTitle: '未知主机',
    question: '会得到什么',
    choice2: '2  HTTP 502，由客户端自己的 Sidecar 返回',
    keys: '1–3 作答 · Enter 跳过 · Esc 返回',
    held: '✓ 你的预测成立：HTTP 502，由客户端自己的 Sidecar 返回',
    why: 'block_all',
    httpsQuestion: 'curl 会报告什么',
    notHeld: '✗ 你的预测不成立：不是“HTTP 502，和明文 HTTP 请求一样”',
    skipped: '已跳过预测。',
    allowedQuestion: '请求会怎么走',
  },
};

/** Wait for the step's verdict row, then for the text. */
async function afterCheck(app: Harness, text: string): Promise<string> {
  await waitFor(() => /[✓✗] (PASSED|FAILED|通过|失败)/.test(app.frame()), `a verdict in:\n${app.frame()}`, 15_000);
  return app.waitForText(text);
}

describe.each(['en', 'zh'] as const)('predictions on screen (%s)', (lang) => {
  const t = T[lang];
  it('a right answer holds, a wrong one does not, a skipped one says so; the question fits 80×24 and names its keys', async () => {
    const engine = await readyAtBlockedCurl(lang);
    const app = renderApp({ engine: engine as never, lang, columns: 80, rows: 24 });
    await app.waitForText(lang === 'en' ? 'Lessons' : '课程');
    await app.press(KEY.enter); // open lesson 3 at its current step
    await app.waitForText(t.stepTitle);

    // Enter asks first; nothing runs yet.
    await app.press(KEY.enter);
    let frame = await app.waitForText(t.question);
    expect(frame).toContain(t.choice2);
    expect(frame).toContain(t.keys);
    expectFits(app);
    expect(engine.snapshot().stepState.phase).toBe('idle');
    // Esc goes back without answering; Enter asks again.
    await app.press(KEY.esc);
    await app.waitForNoText(t.keys);
    await app.press(KEY.enter);
    await app.waitForText(t.keys);

    // The right answer: 502 from the sidecar.
    await app.press('2');
    frame = await afterCheck(app, t.held);
    expect(frame).toContain(t.why);
    expect(engine.snapshot().progress[L3].predictions?.['curl-blocked']).toEqual({ choice: 1, held: true });
    expectFits(app);

    // The next step, HTTPS: a wrong answer (502 like HTTP); curl exits 35/56.
    await app.press(KEY.enter);
    await app.press(KEY.enter);
    await app.waitForText(t.httpsQuestion);
    await app.press('1');
    frame = await afterCheck(app, t.notHeld);
    expect(engine.snapshot().progress[L3].predictions?.['curl-https-blocked']).toEqual({ choice: 0, held: false });
    expectFits(app);

    // The ServiceEntry (y/n), then the allowed curl: skipped with Enter.
    await app.press(KEY.enter);
    await app.press(KEY.enter);
    await app.press('y');
    await app.waitForText(lang === 'en' ? '✓ PASSED — Applied 1 object' : '✓ 通过');
    await app.press(KEY.enter);
    await app.press(KEY.enter);
    await app.waitForText(t.allowedQuestion);
    await app.press(KEY.enter);
    await afterCheck(app, t.skipped);
    expect(engine.snapshot().progress[L3].predictions?.['curl-allowed']).toEqual({ choice: null });

    // Run again (a): asked once only, the result still says what was predicted.
    const before = engine.snapshot().revision;
    await app.press('a');
    await waitFor(() => engine.snapshot().revision > before + 1 && engine.snapshot().stepState.phase === 'passed', 'the curl again', 15_000);
    await afterCheck(app, t.skipped);
    expect(app.frame()).not.toContain(t.keys);
    expect(engine.snapshot().progress[L3].predictions?.['curl-allowed']).toEqual({ choice: null });
    app.unmount();
  }, 60_000);
});
