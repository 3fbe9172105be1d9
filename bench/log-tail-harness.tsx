// The log-tail benchmark's workload, run in its own process by bench/log-tail.mjs (which bundles
// it with the product's build settings). A synthetic ClusterPort emits Envoy access-log lines
// from three gateway pods at a fixed rate; they go through the real engine (logs step, bounded
// ring, coalesced notifications) and the real ink App (throttled snapshot, log panel) into a
// fake 100x30 terminal that counts what ink writes. It prints one JSON object with the figures.
//
// The synthetic port is a benchmark double: it lives here, never in the shipped bundle.
import { PassThrough, Writable } from 'node:stream';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { render } from 'ink';
import React from 'react';
import type {
  ApplyOutcome,
  CheckResult,
  ClusterIdentity,
  ClusterPort,
  DeleteOutcome,
  ExecResult,
  FollowOptions,
  MeshFacts,
  PodInfo,
} from '../src/cluster/port.js';
import { createEngine } from '../src/engine/index.js';
import type { ProgressStore, SavedProgress } from '../src/engine/types.js';
import type { LessonSet, LogsStep, ObjectRef, PodTarget } from '../src/lesson/model.js';
import { App } from '../src/ui/App.js';
import { RENDER_FPS } from '../src/ui/hooks.js';

const MB = 1024 * 1024;
// eslint-disable-next-line no-control-regex
const SYNC_MARKERS = /\x1b\[\?2026[hl]/g;
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const LINES_PER_SECOND = Number(args.get('rate') ?? 5000);
const SECONDS = Number(args.get('seconds') ?? 30);
const WARMUP_SECONDS = Number(args.get('warmup') ?? 3);
const PODS = ['istio-egressgateway-7d9f8b6c5-2xkqp', 'istio-egressgateway-7d9f8b6c5-8mzrt', 'istio-egressgateway-7d9f8b6c5-vw4hn'];
const TICK_MS = 10;

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** One Envoy access-log line (Istio's default text format) for request number n. */
function accessLogLine(n: number, pod: number): string {
  const when = new Date().toISOString();
  const id = `${(n * 2654435761) >>> 0}`.padStart(10, '0');
  return (
    `[${when}] "GET /status/200 HTTP/1.1" 200 - via_upstream - "-" 0 0 ${n % 50} ${n % 40} "10.244.0.${pod + 10}" "curl/8.10.1" ` +
    `"6c1e${id}-1b2d-4e7f-9a3b-${id}ab" "httpbin.org" "34.227.213.82:80" outbound|80||httpbin.org 10.244.0.${pod + 20}:51234 ` +
    `10.244.0.${pod + 20}:8080 10.244.0.${pod + 30}:40066 - -`
  );
}

/** A cluster port whose only real work is the log flood; everything else answers at once. */
class FloodPort implements ClusterPort {
  emitted = 0;
  identity(): ClusterIdentity {
    return { backend: 'practice', context: 'bench', server: 'http://127.0.0.1:0', key: 'practice:bench' };
  }
  async preflight(): Promise<CheckResult[]> {
    return [];
  }
  async servedVersion(): Promise<string | undefined> {
    return 'v1';
  }
  async apply(): Promise<ApplyOutcome[]> {
    return [];
  }
  async delete(): Promise<DeleteOutcome[]> {
    return [];
  }
  async waitForPod(target: PodTarget): Promise<PodInfo> {
    return { name: PODS[0], namespace: target.namespace, phase: 'Running', ready: true, containers: [target.container], hasSidecar: true };
  }
  async exec(): Promise<ExecResult> {
    return { exitCode: 0, stdout: '', stderr: '' };
  }
  followLogs(target: PodTarget, options: FollowOptions): Promise<void> {
    return new Promise((resolve) => {
      const perTick = (LINES_PER_SECOND * TICK_MS) / 1000;
      const started = performance.now();
      // Emit by elapsed time, not by tick count, so a slow event loop shows up as lag, not as a lower rate.
      const timer = setInterval(() => {
        const due = Math.floor(((performance.now() - started) / TICK_MS) * perTick);
        for (; this.emitted < due; this.emitted++) {
          const pod = this.emitted % PODS.length;
          options.onLine({ pod: PODS[pod], container: target.container, text: accessLogLine(this.emitted, pod), receivedAt: Date.now() });
        }
      }, TICK_MS);
      options.signal.addEventListener(
        'abort',
        () => {
          clearInterval(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
  async listManaged(): Promise<ObjectRef[]> {
    return [];
  }
  async deleteManaged(): Promise<DeleteOutcome[]> {
    return [];
  }
  async meshFacts(): Promise<MeshFacts> {
    return { outboundPolicy: 'ALLOW_ANY', accessLogging: 'on', egressGatewayPods: 3, clientHasSidecar: true, objects: [] };
  }
  close(): void {}
}

class MemoryProgress implements ProgressStore {
  private saved?: SavedProgress;
  load(): SavedProgress | undefined {
    return this.saved;
  }
  save(progress: SavedProgress): void {
    this.saved = progress;
  }
  clear(): void {
    this.saved = undefined;
  }
}

const en = (text: string) => ({ en: text, zh: text });
const logsStep: LogsStep = {
  id: 'gateway-log',
  kind: 'logs',
  title: en('Follow the egress gateway log'),
  body: en('Every request that leaves through the gateway is one line here.'),
  source: { file: 'bench/lesson.yaml', line: 1 },
  target: { namespace: 'istio-system', labels: { istio: 'egressgateway' }, container: 'istio-proxy' },
  // Never matches, so the step keeps following for the whole run, as a learner's screen would.
  expect: { authority: 'never.example', responseCode: 200 },
};
const lessons: LessonSet = {
  dir: '/bench/lessons',
  variables: [],
  values: {},
  lessons: [{ id: '01-log-flood', title: en('Log flood'), summary: en('A log flood.'), requires: [], steps: [logsStep], source: { file: 'bench/lesson.yaml', line: 1 } }],
};

/** A terminal ink can draw on: counts frames and bytes, keeps the output since the last mark. */
class CountingTerminal extends Writable {
  readonly isTTY = true;
  columns = 100;
  rows = 30;
  frames = 0;
  bytes = 0;
  private recent = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    const text = chunk.toString();
    // ink brackets each frame with synchronized-update markers, written separately.
    if (text.replace(SYNC_MARKERS, '').length > 0) this.frames++;
    this.bytes += text.length;
    this.recent = (this.recent + text).slice(-64 * 1024);
    done();
  }
  /** Output written since the last mark(). */
  get last(): string {
    return this.recent;
  }
  mark(): void {
    this.recent = '';
  }
}

/** A keyboard ink can read: raw mode is accepted and ignored. */
function fakeKeyboard(): NodeJS.ReadStream {
  const stdin = new PassThrough() as unknown as NodeJS.ReadStream & { setRawMode(mode: boolean): void };
  Object.assign(stdin, { isTTY: true, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin });
  return stdin;
}

let lastScreen = () => '';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitFor(what: string, test: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; the screen showed:\n${lastScreen()}`);
    await sleep(20);
  }
}

/** Press a key until the screen answers (a key can arrive before the screen listens for it, on a busy machine). */
async function press(stdin: NodeJS.ReadStream, stdout: CountingTerminal, key: string, what: string, test: () => boolean): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    stdout.mark();
    stdin.write(key);
    try {
      await waitFor(what, test, 3000);
      return;
    } catch (error) {
      if (attempt === 5) throw error;
    }
  }
}

async function main(): Promise<void> {
  const port = new FloodPort();
  const engine = createEngine({ lessons, port, progress: new MemoryProgress(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 1000 });
  let notifications = 0;
  engine.subscribe(() => notifications++);

  const stdout = new CountingTerminal();
  const stdin = fakeKeyboard();
  lastScreen = () => stdout.last.slice(-3000);
  const app = render(<App lang="en" preferPractice={true} connect={async () => engine} warnings={[]} describeTarget="bench" plain={false} loadRenderer={async () => (await import('../src/ui/markdown.js')).getRenderer()} />, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin,
    stderr: new CountingTerminal() as unknown as NodeJS.WriteStream,
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: RENDER_FPS,
  });

  // Lesson list -> Enter opens the lesson -> Enter runs the logs step (it changes nothing: no y/n).
  await waitFor('the lesson list', () => stdout.last.includes('Log flood'));
  await press(stdin, stdout, '\r', 'the step screen', () => stdout.last.includes('Follow the egress gateway log'));
  await press(stdin, stdout, '\r', 'log lines on screen', () => stdout.last.includes('GET /status/200'));

  await sleep(WARMUP_SECONDS * 1000);
  gc();
  const memBefore = process.memoryUsage();
  const before = { rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed, frames: stdout.frames, bytes: stdout.bytes, lines: port.emitted, notifications };
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let peakRss = before.rss;
  const rssTimeline: number[] = []; // growth in MB, every 500 ms: a plateau is bounded, a slope is a leak
  const started = performance.now();
  while (performance.now() - started < SECONDS * 1000) {
    await sleep(500);
    const rss = process.memoryUsage().rss;
    peakRss = Math.max(peakRss, rss);
    rssTimeline.push(Math.round(((rss - before.rss) / MB) * 10) / 10);
  }
  delay.disable();
  const elapsed = (performance.now() - started) / 1000;
  gc();
  const memAfter = process.memoryUsage();
  const after = { rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed, frames: stdout.frames, bytes: stdout.bytes, lines: port.emitted, notifications };

  // Still responsive under the flood: time from a key to the frame that answers it.
  stdout.mark();
  const keyStarted = performance.now();
  stdin.write('?');
  await waitFor('the help overlay', () => stdout.last.includes('Press any key to close the help'));
  const keyMs = performance.now() - keyStarted;

  engine.dispose();
  app.unmount();
  const result = {
    seconds: elapsed,
    linesPerSecond: (after.lines - before.lines) / elapsed,
    pods: PODS.length,
    rssGrowthMB: (after.rss - before.rss) / MB,
    peakRssGrowthMB: (peakRss - before.rss) / MB,
    heapGrowthMB: (after.heap - before.heap) / MB,
    rssAtStartMB: before.rss / MB,
    framesPerSecond: (after.frames - before.frames) / elapsed,
    bytesPerFrame: (after.bytes - before.bytes) / Math.max(1, after.frames - before.frames),
    notificationsPerSecond: (after.notifications - before.notifications) / elapsed,
    renderFpsLimit: RENDER_FPS,
    eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
    eventLoopDelayMaxMs: delay.max / 1e6,
    keyToFrameMs: keyMs,
    rssTimeline,
    memoryBefore: memBefore,
    memoryAfter: memAfter,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`log-tail harness failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
