// Following logs on the wire, against a log server that behaves like kube-apiserver's: timestamps,
// sinceTime with second precision, follow streams that end. Checks from-now-on, resume without
// loss or repeats, pod replacement and that abort ends everything.
import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { connectCluster } from '../../src/cluster/index.js';
import type { LogLine } from '../../src/cluster/port.js';
import { startFakeApi, type FakeApi } from './fake-api.js';

interface Entry {
  ts: Date;
  text: string;
}

/** A log server for pods of app=curl; `cutAfterLines` ends each follow stream after that many new lines. */
class LogWorld {
  pods: string[] = ['curl-a'];
  logs = new Map<string, Entry[]>();
  followers = new Map<string, Set<(e: Entry) => void>>();
  requests: URLSearchParams[] = [];
  open = 0;
  cutAfterLines = Infinity;

  write(pod: string, text: string): void {
    const entry = { ts: new Date(), text };
    this.logs.set(pod, [...(this.logs.get(pod) ?? []), entry]);
    for (const f of this.followers.get(pod) ?? []) f(entry);
  }

  podList(): unknown {
    return {
      kind: 'PodList',
      items: this.pods.map((name) => ({
        metadata: { name, namespace: 'default', creationTimestamp: new Date().toISOString() },
        spec: { containers: [{ name: 'curl' }, { name: 'istio-proxy' }] },
        status: { phase: 'Running', containerStatuses: [{ name: 'istio-proxy', state: { running: {} } }] },
      })),
    };
  }

  serve(pod: string, query: URLSearchParams, res: http.ServerResponse): void {
    this.requests.push(query);
    const format = (e: Entry): string => `${e.ts.toISOString().replace('Z', '123456Z')} ${e.text}\n`;
    let entries = this.logs.get(pod) ?? [];
    const since = query.get('sinceTime');
    if (since) entries = entries.filter((e) => Math.floor(e.ts.getTime() / 1000) * 1000 >= Date.parse(since));
    const tail = query.get('tailLines');
    if (tail) entries = entries.slice(-Number(tail));
    let sent = 0;
    const end = (): void => {
      this.followers.get(pod)?.delete(send);
      if (!res.writableEnded) {
        this.open--;
        res.end();
      }
    };
    // Only live lines count towards the cut: the replay after a reconnect must get through.
    const send = (e: Entry): void => {
      res.write(format(e));
      if (++sent >= this.cutAfterLines) end();
    };
    this.open++;
    res.on('close', end);
    for (const e of entries) res.write(format(e));
    if (!this.followers.has(pod)) this.followers.set(pod, new Set());
    this.followers.get(pod)!.add(send);
  }
}

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function start(world: LogWorld) {
  api = await startFakeApi((req) => {
    if (req.path === '/api/v1/namespaces/default/pods') return { status: 200, body: world.podList() };
    const m = /^\/api\/v1\/namespaces\/default\/pods\/([^/]+)\/log$/.exec(req.path);
    if (m && world.pods.includes(m[1])) return { status: 200, stream: (res) => world.serve(m[1], req.query, res) };
    return undefined;
  });
  return (await connectCluster({ kubeconfigYaml: api.kubeconfigYaml(), pollMs: 50 })).port;
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const TARGET = { namespace: 'default', labels: { app: 'curl' }, container: 'istio-proxy' };

describe('followLogs on the wire', () => {
  it('from now on, resumes after cut streams without loss or repeats, and abort ends every stream', async () => {
    const world = new LogWorld();
    world.write('curl-a', 'old line before following');
    const port = await start(world);
    world.cutAfterLines = 2;
    const lines: LogLine[] = [];
    const events: string[] = [];
    const controller = new AbortController();
    const following = port.followLogs(TARGET, { signal: controller.signal, onLine: (l) => lines.push(l), onEvent: (e) => events.push(e) });
    await until(() => world.open === 1, 'the first stream');
    expect(world.requests[0].get('follow')).toBe('true');
    expect(world.requests[0].get('timestamps')).toBe('true');
    expect(world.requests[0].get('container')).toBe('istio-proxy');
    for (let i = 0; i < 7; i++) {
      world.write('curl-a', `request ${i}`);
      await until(() => lines.some((l) => l.text === `request ${i}`), `request ${i}`);
      await until(() => world.open === 1, 'a stream to be open again');
    }
    // The reconnects asked from the last second seen, so the server repeated lines: none arrive twice.
    expect(lines.map((l) => l.text)).toEqual(['request 0', 'request 1', 'request 2', 'request 3', 'request 4', 'request 5', 'request 6']);
    expect(lines.every((l) => l.pod === 'curl-a' && l.container === 'istio-proxy')).toBe(true);
    expect(events.filter((e) => e === 'log stream of pod curl-a ended; reconnecting').length).toBeGreaterThanOrEqual(3);
    expect(world.requests.slice(1).every((q) => q.get('sinceTime')?.endsWith('Z'))).toBe(true);
    controller.abort();
    await expect(following).resolves.toBeUndefined();
    await until(() => world.open === 0, 'every stream to close');
    port.close();
  });

  it('picks up a replacement pod from its start and drops the gone one', async () => {
    const world = new LogWorld();
    const port = await start(world);
    const lines: LogLine[] = [];
    const events: string[] = [];
    const controller = new AbortController();
    const following = port.followLogs(TARGET, { signal: controller.signal, onLine: (l) => lines.push(l), onEvent: (e) => events.push(e) });
    await until(() => world.open === 1, 'the first stream');
    world.pods = ['curl-b'];
    world.write('curl-b', 'first line of the new pod');
    await until(() => events.includes('pod curl-a replaced, following curl-b'), 'the replacement event');
    await until(() => lines.some((l) => l.pod === 'curl-b' && l.text === 'first line of the new pod'), 'the new pod\'s line');
    controller.abort();
    await following;
    port.close();
  });

  it('says when no pod matches yet, and tailLines asks for earlier lines', async () => {
    const world = new LogWorld();
    world.pods = [];
    const port = await start(world);
    const events: string[] = [];
    const lines: LogLine[] = [];
    const controller = new AbortController();
    const following = port.followLogs(TARGET, { signal: controller.signal, onLine: (l) => lines.push(l), onEvent: (e) => events.push(e), tailLines: 5 });
    await until(() => events.length > 0, 'an event');
    expect(events[0]).toBe('no running pod with app=curl in namespace "default" yet; waiting for one');
    world.write('curl-a', 'earlier');
    world.pods = ['curl-a'];
    await until(() => lines.some((l) => l.text === 'earlier'), 'the earlier line');
    controller.abort();
    await following;
    port.close();
  });

  it('close() stops every follow and wait started through the port', async () => {
    const world = new LogWorld();
    const port = await start(world);
    const following = port.followLogs(TARGET, { signal: new AbortController().signal, onLine: () => undefined });
    await until(() => world.open === 1, 'the stream');
    const waiting = port.waitForPod({ ...TARGET, labels: { app: 'never' } }, { timeoutMs: 60_000 });
    port.close();
    await expect(following).resolves.toBeUndefined();
    await expect(waiting).rejects.toMatchObject({ reason: 'cancelled' });
    await until(() => world.open === 0, 'the stream to close');
  });
});
