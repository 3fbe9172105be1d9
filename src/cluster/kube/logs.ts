// Follows one container in every pod matching a selector, merged into one line callback: from now
// on (or the last N lines), reconnecting when a stream ends, picking up new pods and dropping gone
// ones. client-node's Log pipes the response into our writable and ends it when the server ends
// the stream; aborting its controller does NOT end the writable, so we end ours ourselves.
// Lines are requested with timestamps so a reconnect can resume exactly where the last one stopped.

import { Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { Log, type KubeConfig } from '@kubernetes/client-node';
import { ClusterError, type FollowOptions, type LogLine } from '../port.js';
import type { PodTarget } from '../../lesson/model.js';
import { sleep } from './backoff.js';
import { toClusterError, type Where } from './errors.js';
import { say } from './lang.js';
import { isTerminating, labelSelector, type RawPod } from './pods.js';
import type { KubeRest } from './rest.js';

export const MAX_LINE_CHARS = 16_384; // a longer line is cut: the log panel is not a file viewer
export const MAX_PODS = 32; // more matching pods than this are not followed (a selector gone wrong)

/** "2026-11-24T06:11:21.123456789Z text" → epoch ms (ms precision) and the text. Pure. */
export function splitTimestamp(line: string): { ts?: number; tsText?: string; text: string } {
  const space = line.indexOf(' ');
  if (space > 0 && space <= 40) {
    const head = line.slice(0, space);
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(head)) {
      const ts = Date.parse(head);
      if (Number.isFinite(ts)) return { ts, tsText: head, text: line.slice(space + 1) };
    }
  }
  return { text: line };
}

/**
 * Splits a byte stream into lines (UTF-8 safe), drops what an earlier connection already
 * delivered, and hands the rest on. One per connection.
 */
export class LineSink extends Writable {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly onRaw: (line: string) => void) {
    super();
  }

  private push(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    if (this.partial.length > MAX_LINE_CHARS) {
      this.onRaw(this.partial.slice(0, MAX_LINE_CHARS));
      this.partial = '';
    }
    for (const line of parts) this.onRaw(line.endsWith('\r') ? line.slice(0, -1) : line);
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.push(typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.push(this.decoder.end());
    if (this.partial) this.onRaw(this.partial);
    this.partial = '';
    callback();
  }
}

/** Per pod: where the last delivered line was, so reconnects neither lose nor repeat lines. */
export class ResumePoint {
  lastTs?: number;
  private readonly atLast = new Set<string>();

  /** True when the line is new; remembers it. */
  accept(ts: number | undefined, text: string): boolean {
    if (ts === undefined) return true;
    if (this.lastTs !== undefined && ts < this.lastTs) return false;
    if (this.lastTs !== undefined && ts === this.lastTs) {
      if (this.atLast.has(text)) return false;
    } else {
      this.lastTs = ts;
      this.atLast.clear();
    }
    this.atLast.add(text);
    return true;
  }
}

interface Follower {
  pod: string;
  controller?: AbortController;
  sink?: LineSink;
  resume: ResumePoint;
  since?: number; // lines before this (epoch ms) are not wanted
  tailLines?: number;
  failures: number;
  connecting: boolean;
  stopped: boolean;
}

export interface FollowDeps {
  kc: KubeConfig;
  rest: KubeRest;
  where: Where;
  pollMs?: number; // how often the pod list is refreshed (default 1 s)
  now?: () => number;
}

function containerRunning(pod: RawPod, container: string): boolean {
  if (pod.status?.phase !== 'Running') return false;
  const statuses = [...(pod.status.containerStatuses ?? []), ...(pod.status.initContainerStatuses ?? [])];
  const status = statuses.find((s) => s.name === container);
  return status ? Boolean(status.state?.running) : true;
}

export async function followLogs(deps: FollowDeps, target: PodTarget, options: FollowOptions): Promise<void> {
  const { kc, rest, where } = deps;
  const now = deps.now ?? Date.now;
  const pollMs = deps.pollMs ?? 1000;
  const signal = options.signal;
  const startedAt = now();
  const followers = new Map<string, Follower>();
  const selector = labelSelector(target.labels);
  const event = (message: string): void => options.onEvent?.(message);
  const t = (en: string, zh: string): string => say(where.lang, en, zh);
  let firstList = true;
  const announced = new Set<string>(); // Terminating pods already told about
  const replacedPending: string[] = []; // Terminating or gone pods whose replacement is not followed yet
  let fatal: ClusterError | undefined;
  let wake: (() => void) | undefined;

  if (signal.aborted) return;

  const stop = (f: Follower): void => {
    f.stopped = true;
    f.controller?.abort();
    f.sink?.end(); // the Log controller's abort leaves our writable open
  };

  const deliver = (f: Follower, raw: string): void => {
    if (f.stopped || signal.aborted) return;
    const { ts, text } = splitTimestamp(raw);
    if (f.since !== undefined && ts !== undefined && ts < f.since) return;
    if (!f.resume.accept(ts, text)) return;
    const line: LogLine = { pod: f.pod, container: target.container, text: text.slice(0, MAX_LINE_CHARS), receivedAt: now() };
    options.onLine(line);
  };

  const connect = async (f: Follower): Promise<void> => {
    if (f.stopped || f.connecting || signal.aborted) return;
    f.connecting = true;
    const sink = new LineSink((raw) => deliver(f, raw));
    f.sink = sink;
    const opened = now();
    sink.on('finish', () => {
      if (f.stopped || signal.aborted || f.sink !== sink) return;
      // The server ended the stream (or the connection dropped): resume where it stopped.
      if (now() - opened > 10_000) f.failures = 0;
      f.failures++;
      event(t(`log stream of pod ${f.pod} ended; reconnecting`, `Pod ${f.pod} 的日志流已结束；正在重新连接`));
      void reconnectLater(f);
    });
    sink.on('error', () => undefined);
    const logOptions: { follow: boolean; timestamps: boolean; tailLines?: number; sinceTime?: string } = { follow: true, timestamps: true };
    if (f.resume.lastTs !== undefined) {
      logOptions.sinceTime = new Date(Math.floor(f.resume.lastTs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    } else if (f.tailLines) {
      logOptions.tailLines = f.tailLines;
    } else if (f.since !== undefined) {
      logOptions.sinceTime = new Date(Math.floor(f.since / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    }
    try {
      // client-node hands out the AbortController only once the response head has arrived; a
      // follower stopped before that is aborted here, as soon as it exists.
      const controller = await new Log(kc).log(target.namespace, f.pod, target.container, sink, logOptions);
      f.controller = controller;
      if (f.stopped || signal.aborted) controller.abort();
    } catch (err) {
      const e = toClusterError(err, where, t(`follow the log of pod "${f.pod}"`, `跟踪 Pod "${f.pod}" 的日志`));
      if (e.reason === 'unauthorized' || e.reason === 'forbidden') {
        fatal = e;
        wake?.();
      } else if (!f.stopped && !signal.aborted) {
        f.failures++;
        if (f.failures === 1 || f.failures % 5 === 0) {
          event(t(`cannot follow pod ${f.pod} yet${e.status ? ` (HTTP ${e.status})` : ''}; retrying`, `暂时无法跟踪 Pod ${f.pod}${e.status ? `（HTTP ${e.status}）` : ''}；正在重试`));
        }
        f.sink = undefined;
        void reconnectLater(f);
      }
    } finally {
      f.connecting = false;
    }
  };

  const reconnectLater = async (f: Follower): Promise<void> => {
    const delay = Math.min(200 * 2 ** Math.min(f.failures - 1, 5), 5000);
    try {
      await sleep(delay, signal);
    } catch {
      return;
    }
    if (!f.stopped && followers.get(f.pod) === f) await connect(f);
  };

  const refresh = async (): Promise<void> => {
    const list = await rest.json<{ items?: RawPod[] }>({
      method: 'GET',
      path: `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods`,
      query: { labelSelector: selector },
      signal,
      action: t(`list the pods with ${selector} in namespace "${target.namespace}"`, `列出命名空间 "${target.namespace}" 中带有 ${selector} 的 Pod`),
    });
    // A Terminating pod already followed stays followed until it is gone (its last requests'
    // lines); a new Terminating pod is not picked up. The others by whether their container runs.
    const all = (list.items ?? []).filter((p) => p.metadata?.name && containerRunning(p, target.container));
    const pods = all.filter((p) => !isTerminating(p) || followers.has(p.metadata!.name!));
    const names = new Set(pods.slice(0, MAX_PODS).map((p) => p.metadata!.name!));
    const gone = [...followers.keys()].filter((name) => !names.has(name));
    const added = [...names].filter((name) => !followers.has(name));
    const terminating = pods.filter((p) => isTerminating(p) && !announced.has(p.metadata!.name!)).map((p) => p.metadata!.name!);
    for (const name of terminating) announced.add(name);
    // A restart: pods Terminating or gone, and (now or at a later poll) new ones to follow.
    for (const name of [...terminating, ...gone]) if (!replacedPending.includes(name)) replacedPending.push(name);
    const restarted = !firstList && replacedPending.length > 0 && added.length > 0 ? replacedPending.splice(0) : [];
    if (restarted.length) options.onRestart?.({ replaced: restarted, added });
    for (const name of gone) {
      stop(followers.get(name)!);
      followers.delete(name);
    }
    for (const name of added) {
      const pod = pods.find((p) => p.metadata?.name === name)!;
      const created = Date.parse(pod.metadata?.creationTimestamp ?? '');
      // Pods that exist now: from now on (or the last N lines). Pods that appear later: from their start.
      const isNew = !firstList && Number.isFinite(created) && created >= startedAt - 1000;
      const f: Follower = {
        pod: name,
        resume: new ResumePoint(),
        since: isNew ? undefined : options.tailLines ? undefined : startedAt,
        tailLines: isNew ? undefined : options.tailLines,
        failures: 0,
        connecting: false,
        stopped: false,
      };
      followers.set(name, f);
      void connect(f);
    }
    if (restarted.length && !gone.length) event(t(`pod ${restarted.join(', ')} is terminating (restarted): following its replacement ${added.join(', ')} too`, `Pod ${restarted.join(', ')} 正在终止（重启）：同时跟踪替换它的 ${added.join(', ')}`));
    else if (terminating.length && !added.length) event(t(`pod ${terminating.join(', ')} is terminating; following it until it is gone`, `Pod ${terminating.join(', ')} 正在终止；继续跟踪直到它消失`));
    else if (gone.length && added.length) event(t(`pod ${gone.join(', ')} replaced, following ${added.join(', ')}`, `Pod ${gone.join(', ')} 已被替换，改为跟踪 ${added.join(', ')}`));
    else if (gone.length) event(t(`pod ${gone.join(', ')} is gone`, `Pod ${gone.join(', ')} 已消失`));
    else if (added.length && !firstList) event(t(`following new pod ${added.join(', ')}`, `开始跟踪新 Pod ${added.join(', ')}`));
    if (pods.length > MAX_PODS && firstList) event(t(`${pods.length} pods match ${selector}; following the first ${MAX_PODS}`, `有 ${pods.length} 个 Pod 匹配 ${selector}；只跟踪前 ${MAX_PODS} 个`));
    if (firstList && names.size === 0) {
      event(t(`no running pod with ${selector} in namespace "${target.namespace}" yet; waiting for one`, `命名空间 "${target.namespace}" 中还没有带 ${selector} 的运行中 Pod；正在等待`));
    }
    firstList = false;
  };

  try {
    try {
      await refresh(); // a failure here (no permission, no cluster) is the caller's to show
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
    let listFailures = 0;
    while (!signal.aborted && !fatal) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, pollMs);
        wake = done;
        signal.addEventListener('abort', done, { once: true });
      });
      if (signal.aborted || fatal) break;
      try {
        await refresh();
        listFailures = 0;
      } catch (err) {
        if (signal.aborted) break;
        const e = err instanceof ClusterError ? err : toClusterError(err, where);
        if (e.reason === 'unauthorized' || e.reason === 'forbidden') throw e;
        listFailures++;
        if (listFailures === 1) event(t(`cannot list the pods (${e.reason}); retrying`, `无法列出 Pod（${e.reason}）；正在重试`));
      }
    }
    if (fatal && !signal.aborted) throw fatal;
  } finally {
    for (const f of followers.values()) stop(f);
    followers.clear();
  }
}
