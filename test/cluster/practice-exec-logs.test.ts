// Exec over the WebSocket API and log following with reconnects, through real client-node
// against the practice cluster (its mesh model answers curl).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterError, type LogLine } from '../../src/cluster/port.js';
import { CLIENT, CLIENT_PROXY, GATEWAY, curlClient, egressObjects, serviceEntry, startPractice, waitFor, type Practice } from './practice-helpers.js';

let p: Practice;
let pod: { namespace: string; name: string };

beforeAll(async () => {
  p = await startPractice();
  await p.port.apply(curlClient(), { lesson: '02-setup', step: 'client', namespace: 'default' });
  const info = await p.port.waitForPod(CLIENT, { timeoutMs: 10_000 });
  pod = { namespace: info.namespace, name: info.name };
});
afterAll(async () => {
  await p?.stop();
});

const CURL = ['curl', '-sSL', '-o', '/dev/null', '-D', '-', 'http://httpbin.org/headers'];

describe('exec', () => {
  it('runs curl in the client container: stdout as it arrives, exit code 0, HTTP 200', async () => {
    const chunks: string[] = [];
    const result = await p.port.exec(pod, 'curl', CURL, { onStdout: (t) => chunks.push(t), timeoutMs: 10_000 });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^HTTP\/[\d.]+ 200/m);
    expect(chunks.join('')).toBe(result.stdout);
    expect(process.stdout.writableEnded).toBe(false); // our own streams, never the process's
  });

  it('reports a non-zero exit code from the status channel', async () => {
    const result = await p.port.exec(pod, 'curl', ['false'], { timeoutMs: 10_000 });
    expect(result.exitCode).toBe(1);
    const failed = await p.port.exec(pod, 'curl', ['curl', '-sS', 'http://no-such-host.invalid/'], { timeoutMs: 10_000 });
    expect(failed.exitCode).toBe(6);
    expect(failed.stderr).toMatch(/resolve/i);
  });

  it('a missing pod or container is one sentence', async () => {
    const err = await p.port.exec({ namespace: 'default', name: 'no-such-pod' }, 'curl', ['true'], { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).message).toMatch(/^Could not run true in container "curl" of pod "no-such-pod": /);
  });

  it('a hanging session times out, and Esc (abort) cancels it', async () => {
    p.cluster.setKnobs({ hangExec: true });
    try {
      const timedOut = await p.port.exec(pod, 'curl', CURL, { timeoutMs: 300 }).catch((e: unknown) => e);
      // Nothing came back and the stream stayed open: a hung exec (issue 16 item 6), not a timeout of the command.
      expect(timedOut).toMatchObject({ name: 'ClusterError', reason: 'hung' });
      expect((timedOut as Error).message).toMatch(/^The exec session to run curl in container "curl" of pod "curl-[a-z0-9-]+" stayed open for 300 ms with no output and no exit status, so it was stopped/);
      const controller = new AbortController();
      const running = p.port.exec(pod, 'curl', CURL, { timeoutMs: 60_000, signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await expect(running).rejects.toMatchObject({ reason: 'cancelled' });
    } finally {
      p.cluster.setKnobs({ hangExec: false });
    }
  });
});

describe('followLogs', () => {
  it('follows the sidecar from now on and sees the tagged request', async () => {
    await p.port.exec(pod, 'curl', [...CURL.slice(0, -1), '-H', 'x-request-id: before-follow', CURL.at(-1)!], { timeoutMs: 10_000 });
    const lines: LogLine[] = [];
    const controller = new AbortController();
    const following = p.port.followLogs(CLIENT_PROXY, { signal: controller.signal, onLine: (l) => lines.push(l) });
    await p.port.exec(pod, 'curl', [...CURL.slice(0, -1), '-H', 'x-request-id: follow-test-1', CURL.at(-1)!], { timeoutMs: 10_000 });
    const line = await waitFor(() => lines.find((l) => l.text.includes('follow-test-1')), 5000, 'the access log line');
    expect(line).toMatchObject({ pod: pod.name, container: 'istio-proxy' });
    expect(line.text).toContain('httpbin.org');
    expect(line.text).not.toMatch(/^\d{4}-\d{2}-\d{2}T/); // kube's timestamp prefix is stripped
    // Lines written before following started are not delivered (from now on).
    expect(lines.filter((l) => l.text.includes('before-follow'))).toEqual([]);
    controller.abort();
    await expect(following).resolves.toBeUndefined();
  });

  it('tailLines includes earlier lines', async () => {
    const lines: LogLine[] = [];
    const controller = new AbortController();
    const following = p.port.followLogs(CLIENT_PROXY, { signal: controller.signal, onLine: (l) => lines.push(l), tailLines: 50 });
    await waitFor(() => lines.find((l) => l.text.includes('before-follow')), 5000, 'the earlier line');
    controller.abort();
    await following;
  });

  it('reconnects when the server cuts the stream, without losing or repeating lines', async () => {
    p.cluster.setKnobs({ cutLogStreamsAfterMs: 250 });
    const lines: LogLine[] = [];
    const events: string[] = [];
    const controller = new AbortController();
    const following = p.port.followLogs(CLIENT_PROXY, { signal: controller.signal, onLine: (l) => lines.push(l), onEvent: (e) => events.push(e) });
    try {
      for (let i = 0; i < 4; i++) {
        await p.port.exec(pod, 'curl', [...CURL.slice(0, -1), '-H', `x-request-id: cut-${i}`, CURL.at(-1)!], { timeoutMs: 10_000 });
        await waitFor(() => lines.find((l) => l.text.includes(`cut-${i}`)), 5000, `line cut-${i}`);
        await waitFor(() => events.filter((e) => e.includes('ended; reconnecting')).length > i, 5000, 'a cut');
      }
      const ids = lines.map((l) => /cut-\d/.exec(l.text)?.[0]).filter(Boolean);
      expect(ids).toEqual(['cut-0', 'cut-1', 'cut-2', 'cut-3']);
      expect(events.some((e) => e === `log stream of pod ${pod.name} ended; reconnecting`)).toBe(true);
    } finally {
      p.cluster.setKnobs({ cutLogStreamsAfterMs: undefined });
      controller.abort();
      await following;
    }
  });

  it('follows every egress gateway pod through the whole seed flow', async () => {
    await p.port.apply([serviceEntry(), ...egressObjects()], { lesson: '04-http-egress-gateway', step: 'all', namespace: 'default' });
    const lines: LogLine[] = [];
    const controller = new AbortController();
    const following = p.port.followLogs(GATEWAY, { signal: controller.signal, onLine: (l) => lines.push(l) });
    try {
      let found: LogLine | undefined;
      for (let attempt = 0; attempt < 20 && !found; attempt++) {
        const result = await p.port.exec(pod, 'curl', [...CURL.slice(0, -1), '-H', `x-request-id: gw-${attempt}`, CURL.at(-1)!], { timeoutMs: 10_000 });
        expect(result.stdout).toMatch(/^HTTP\/[\d.]+ 200/m);
        found = await waitFor(() => lines.find((l) => l.text.includes(`gw-${attempt}`)), 1000, 'gateway line').catch(() => undefined);
      }
      expect(found?.text).toContain('outbound|80||httpbin.org');
      expect(found?.pod).toMatch(/^istio-egressgateway-/);
    } finally {
      controller.abort();
      await following;
    }
  });

  it('notices when the followed pod is replaced', async () => {
    const events: string[] = [];
    const controller = new AbortController();
    const following = p.port.followLogs(CLIENT_PROXY, { signal: controller.signal, onLine: () => undefined, onEvent: (e) => events.push(e) });
    try {
      await new Promise((resolve) => setTimeout(resolve, 150));
      await p.other.delete({ apiVersion: 'v1', kind: 'Pod', metadata: { name: pod.name, namespace: 'default' } });
      await waitFor(() => events.find((e) => e.includes(pod.name) && (e.includes('replaced') || e.includes('gone'))), 8000, 'the replacement event');
      const fresh = await p.port.waitForPod(CLIENT, { timeoutMs: 10_000 });
      expect(fresh.name).not.toBe(pod.name);
      await waitFor(() => events.find((e) => e.includes(fresh.name)), 8000, 'following the new pod');
      pod = { namespace: fresh.namespace, name: fresh.name };
    } finally {
      controller.abort();
      await following;
    }
  });
});
