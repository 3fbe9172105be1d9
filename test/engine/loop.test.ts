// The learner's loop in the engine (issue 12): a retried proof sends a new request, a failed proof
// is quick and keeps following, reset moves the learner, a step that relies on earlier objects
// says so, the printed curl carries the id it sends, results follow a language switch.

import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/index.js';
import type { Engine, EngineOptions } from '../../src/engine/types.js';
import type { ExecStep, LessonSet } from '../../src/lesson/model.js';
import { memoryProgressStore } from '../../src/progress/index.js';
import { FakePort, gatewayLine, lessonSet, waitFor } from './fixtures.js';

let engines: Engine[] = [];
afterEach(() => {
  for (const e of engines) e.dispose();
  engines = [];
});

function setup(options: Partial<EngineOptions> = {}, lessons: LessonSet = lessonSet()) {
  const port = new FakePort();
  const engine = createEngine({ lessons, port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 3000, ...options });
  engines.push(engine);
  return { engine, port };
}

const execIds = (port: FakePort) => port.calls.filter((c) => c.method === 'exec').map((c) => (c.args[2] as string[])[2].replace('x-request-id: ', ''));

/** The lesson set with the curl step relying on the ServiceEntry step before it. */
function relyingLessons(): LessonSet {
  const set = lessonSet();
  (set.lessons[1].steps[1] as ExecStep).dependsOn = ['se'];
  return set;
}

describe('engine: retrying a proof step', () => {
  it('a retry sends a new request with the step’s curl and looks for that one', async () => {
    const { engine, port } = setup({ verifyTimeoutMs: 3000, logLineGraceMs: 100 });
    engine.openLesson('02-http', 'curl');
    await engine.run();
    const [first] = execIds(port);
    engine.next();
    const failed = await engine.run();
    expect(failed.ok).toBe(false);
    expect(execIds(port)).toHaveLength(1); // the first look uses the curl step's request

    // The learner fixes the cluster; the old request never reaches the gateway, so only a new one can pass.
    const retry = engine.run();
    await waitFor(() => execIds(port).length === 2, 'a new request');
    const second = execIds(port)[1];
    expect(second).not.toBe(first);
    await waitFor(() => engine.snapshot().stepState.output.some((o) => o.text.includes(second)), 'the note about the new request');
    port.emit(gatewayLine(first)); // a late line of the old request is not this run's proof
    port.emit(gatewayLine(second));
    const verdict = await retry;
    expect(verdict.ok).toBe(true);
    expect(verdict.proofLine?.text).toContain(second);
    expect(engine.snapshot().stepState.output.map((o) => o.text).join('\n')).toContain(`Sent a new request (x-request-id: ${second}): HTTP 200`);
    // The curl step's printed command now shows the id that was sent.
    engine.back();
    expect(engine.kubectlFor(engine.snapshot().step)[0]).toContain(`x-request-id: ${second}`);
  });

  it('running a passed proof step again sends a new request too', async () => {
    const { engine, port } = setup();
    engine.openLesson('02-http', 'curl');
    await engine.run();
    engine.next();
    const firstRun = engine.run();
    await waitFor(() => port.follower !== undefined, 'the follower');
    port.emit(gatewayLine(execIds(port)[0]));
    expect((await firstRun).ok).toBe(true);
    const again = engine.run();
    await waitFor(() => execIds(port).length === 2, 'the new request');
    port.emit(gatewayLine(execIds(port)[1]));
    expect((await again).proofLine?.text).toContain(execIds(port)[1]);
  });

  it('without a request this session, the step sends one instead of accepting any old line', async () => {
    const { engine, port } = setup();
    engine.openLesson('02-http', 'log');
    const run = engine.run();
    await waitFor(() => execIds(port).length === 1, 'a request');
    port.emit(gatewayLine('an-earlier-session'));
    port.emit(gatewayLine(execIds(port)[0]));
    expect((await run).proofLine?.text).toContain(execIds(port)[0]);
  });
});

describe('engine: a failed proof is quick and honest', () => {
  it('says what is known soon after the request finished, not after the whole budget, and keeps following with elapsed time', async () => {
    const { engine, port } = setup({ verifyTimeoutMs: 30_000, logLineGraceMs: 300 });
    engine.openLesson('02-http', 'curl');
    await engine.run();
    const id = execIds(port)[0];
    engine.next();
    const started = Date.now();
    const verdict = await engine.run();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(verdict.ok).toBe(false);
    expect(verdict.summary).toMatch(new RegExp(`^No line for request ${id} in the gateway log \\d+ s after it finished`));
    expect(verdict.diagnosis).toContain('Still following in the background');
    await waitFor(() => /still following the logs of istio=egressgateway \(\d+ s since the request\)/.test(engine.snapshot().stepState.activity ?? ''), 'the elapsed time');
    port.emit(gatewayLine(id));
    await waitFor(() => engine.snapshot().stepState.phase === 'passed', 'the late pass');
  });
});

describe('engine: the log stream gets its moment', () => {
  it('a request that finished long before the step ran still has the grace period to show up in the tail', async () => {
    const { engine, port } = setup({ verifyTimeoutMs: 3000, logLineGraceMs: 300 });
    engine.openLesson('02-http', 'curl');
    await engine.run();
    const id = execIds(port)[0];
    await new Promise((r) => setTimeout(r, 400)); // the learner reads the text
    engine.next();
    const run = engine.run();
    await new Promise((r) => setTimeout(r, 100)); // the stream delivers its tail a moment later
    port.emit(gatewayLine(id));
    expect((await run).ok).toBe(true);
  });
});

describe('engine: reset moves the learner', () => {
  it('reset of a lesson goes to its first step; reset of everything to the first lesson', async () => {
    const { engine } = setup();
    engine.openLesson('02-http', 'log');
    await engine.reset('lesson');
    expect(engine.snapshot().lesson.id).toBe('02-http');
    expect(engine.snapshot().stepIndex).toBe(0);
    engine.openLesson('02-http', 'cleanup');
    await engine.reset('all');
    expect(engine.snapshot().lessonIndex).toBe(0);
    expect(engine.snapshot().stepIndex).toBe(0);
  });

  it('a step that relies on earlier objects says so when they are missing, instead of passing', async () => {
    const { engine, port } = setup({}, relyingLessons());
    engine.openLesson('02-http', 'curl');
    const missing = await engine.run();
    expect(missing.ok).toBe(false);
    expect(missing.summary).toBe('This step relies on ServiceEntry/cnn, which is not in the cluster: its result would mean nothing yet.');
    expect(missing.diagnosis).toBe('Go back (b) to “se” and apply it, then run this step again.');
    expect(execIds(port)).toHaveLength(1); // one attempt: waiting would not bring the object

    // A failing curl keeps its own diagnosis, after what is missing.
    port.execScript = () => ({ exitCode: 0, stdout: 'HTTP/1.1 503 Service Unavailable\r\n\r\n', stderr: '' });
    const failing = await engine.run();
    expect(failing.attempts).toBe(1);
    expect(failing.diagnosis).toMatch(/^This step relies on ServiceEntry\/cnn, .* Go back \(b\) to “se” and apply it, then run this step again\. \S/);
    port.execScript = () => ({ exitCode: 0, stdout: 'HTTP/1.1 200 OK\r\n\r\n', stderr: '' });
    engine.back();
    await engine.run();
    engine.next();
    expect((await engine.run()).ok).toBe(true);
    await engine.reset('lesson');
    engine.openLesson('02-http', 'curl');
    expect((await engine.run()).ok).toBe(false);
    engine.setLang('zh');
    expect(engine.snapshot().stepState.verdict?.summary).toBe('这一步依赖 ServiceEntry/cnn，但集群中没有：现在运行它，结果说明不了什么。');
  });
});

describe('engine: commands and language', () => {
  it('the printed curl carries the x-request-id it will send, before it runs', async () => {
    const { engine, port } = setup();
    engine.openLesson('02-http', 'curl');
    const printed = engine.kubectlFor(engine.snapshot().step)[0];
    const shown = /x-request-id: (egress-tutorial-[0-9a-f-]+)/.exec(printed)?.[1];
    expect(shown).toBeDefined();
    await engine.run();
    expect(execIds(port)[0]).toBe(shown);
  });

  it('switching language re-renders the verdict and the engine’s own lines', async () => {
    const { engine, port } = setup();
    port.execScript = () => ({ exitCode: 0, stdout: 'HTTP/1.1 503 Service Unavailable\r\n\r\n', stderr: '' });
    engine.openLesson('02-http', 'se');
    await engine.run();
    expect(engine.snapshot().stepState.verdict?.summary).toBe('Applied 1 object (1 changed).');
    engine.setLang('zh');
    expect(engine.snapshot().stepState.verdict?.summary).toBe('已应用 1 个对象（1 个有变化）。');
    expect(engine.snapshot().stepState.output[0].text).toContain('已创建');
    engine.setLang('en');
    expect(engine.snapshot().stepState.output[0].text).toContain('created');
  });

  it('a check step reads its checks again in the new language (their lines are the port’s)', async () => {
    const { engine, port } = setup();
    let lang = 'en';
    (port as FakePort & { setLang(l: string): void }).setLang = (l: string) => {
      lang = l;
      port.checkResults = [{ name: 'egress-gateway', level: 'pass', summary: lang === 'zh' ? '1 个出口网关 Pod 就绪' : '1 egress gateway pod Ready' }];
    };
    port.checkResults = [{ name: 'egress-gateway', level: 'pass', summary: '1 egress gateway pod Ready' }];
    engine.openLesson('01-setup', 'preflight');
    await engine.run();
    expect(engine.snapshot().stepState.checks?.[0].summary).toBe('1 egress gateway pod Ready');
    engine.setLang('zh');
    await waitFor(() => engine.snapshot().stepState.checks?.[0].summary === '1 个出口网关 Pod 就绪', 'the checks in Chinese');
    expect(engine.snapshot().stepState.verdict?.summary).toBe('1 项检查通过。');
    expect(port.calls.filter((c) => c.method === 'preflight')).toHaveLength(2);
  });

  it('the dry run shows what differs when an object is someone else’s', async () => {
    const { engine, port } = setup();
    port.existingForeign.add('ServiceEntry/cnn');
    engine.openLesson('02-http', 'se');
    const text = await engine.dryRun();
    expect(text).toContain('# ServiceEntry/cnn: conflict — exists');
    expect(text).toContain('#   - a');
    expect(text).toContain('#   + b');
  });
});
