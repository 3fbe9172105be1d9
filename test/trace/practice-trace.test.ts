// Integration: collecting traces through real client-node against the practice cluster, with two
// client pods (two namespaces, same labels) sending at the same moment: each trace holds its own
// pod's lines only. Both logs are followed through the port (bounded, reconnecting).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayTarget, PodInfo } from '../../src/cluster/port.js';
import { collectTrace } from '../../src/engine/trace.js';
import type { RequestRecord } from '../../src/engine/runners.js';
import type { KubeObject } from '../../src/lesson/model.js';
import { traceText, type Trace } from '../../src/trace/index.js';
import { parseCurlOutput } from '../../src/verify/curl.js';
import { curlClient, startPractice, type Practice } from '../cluster/practice-helpers.js';
import { seedObjects } from '../fixtures/seed.js';

let p: Practice;
const pods: Record<string, PodInfo> = {};
const NAMESPACES = ['default', 'learner-2'];
const GATEWAY: GatewayTarget = { mode: 'shared', pods: { namespace: 'istio-system', labels: { istio: 'egressgateway' }, container: 'istio-proxy' } };

/** The seed's objects for one namespace: both parts, exported to the gateway (as the lessons do). */
function objectsFor(namespace: string, part: 'http' | 'https'): KubeObject[] {
  return seedObjects(part).map((o) => {
    const obj = structuredClone(o) as unknown as KubeObject;
    obj.apiVersion = 'networking.istio.io/v1';
    obj.metadata = { ...obj.metadata, namespace };
    return obj;
  });
}

beforeAll(async () => {
  p = await startPractice();
  for (const ns of NAMESPACES) {
    if (ns !== 'default') await p.other.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'istio-injection': 'enabled' } } });
    await p.port.apply(curlClient(), { lesson: '02-setup', step: 'client', namespace: ns });
    pods[ns] = await p.port.waitForPod({ namespace: ns, labels: { app: 'curl' }, container: 'curl' }, { timeoutMs: 10_000 });
  }
}, 30_000);
afterAll(async () => {
  await p?.stop();
});

/** Send one request from the namespace's client, as the engine's exec step records it. */
async function send(ns: string, url: string, requestId?: string): Promise<RequestRecord> {
  const pod = pods[ns];
  const tls = url.startsWith('https:');
  const argv = ['curl', '-sS', '-o', '/dev/null', '-D', '-', ...(requestId ? ['-H', `x-request-id: ${requestId}`] : []), url];
  const record: RequestRecord = { startedAt: Date.now(), host: new URL(url).hostname, pod: pod.name, clientIp: pod.ip, tls, port: tls ? 443 : 80, ...(requestId ? { requestId } : {}) };
  const result = await p.port.exec(pod, 'curl', argv, { timeoutMs: 10_000 });
  record.curl = parseCurlOutput(result.stdout, result.stderr, result.exitCode);
  record.finishedAt = Date.now();
  return record;
}

function trace(ns: string, request: RequestRecord): Promise<Trace> {
  return collectTrace({ port: p.port, signal: new AbortController().signal, now: Date.now, request, client: { namespace: ns, labels: { app: 'curl' }, container: 'curl' }, gateway: GATEWAY, clientNamespace: ns, istioNamespace: 'istio-system', graceMs: 3_000, onTrace: () => undefined });
}

const lineOf = (t: Trace, id: 'sidecar' | 'gateway') => t.hops.find((h) => h.id === id)?.line;

describe('trace on the practice cluster', () => {
  it('a bypassed request: the sidecar sent it straight out, no gateway hop', async () => {
    const request = await send('default', 'http://httpbin.org/headers', 'bypass-1');
    const t = await trace('default', request);
    expect(t.hops.map((h) => [h.id, h.lit, h.why])).toEqual([
      ['client', true, undefined],
      ['sidecar', true, undefined],
      ['gateway', false, 'bypassed'],
      ['external', true, undefined],
    ]);
    expect(t.hops[1].fields?.upstreamCluster).toBe('PassthroughCluster');
    expect(traceText(t, 'en')).toContain('○ 3/4 egress gateway · no evidence: the request bypassed the egress gateway');
  });

  it('HTTP through the gateway from two pods at once: joined by x-request-id, never across pods', async () => {
    for (const ns of NAMESPACES) await p.port.apply(objectsFor(ns, 'http'), { lesson: '04-http-egress-gateway', step: 'all', namespace: ns });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [a, b] = await Promise.all(NAMESPACES.map((ns, i) => send(ns, 'http://httpbin.org/headers', `two-pods-${i}`)));
    const [ta, tb] = await Promise.all([trace(NAMESPACES[0], a), trace(NAMESPACES[1], b)]);
    for (const [t, request, ns] of [[ta, a, NAMESPACES[0]], [tb, b, NAMESPACES[1]]] as const) {
      expect(t.hops.every((h) => h.lit), traceText(t, 'en')).toBe(true);
      expect(t.joinedBy).toBe('request-id');
      expect(lineOf(t, 'sidecar')?.pod).toBe(request.pod);
      expect(lineOf(t, 'sidecar')?.text).toContain(`"${request.requestId}"`);
      expect(lineOf(t, 'gateway')?.text).toContain(`"${request.requestId}"`);
      expect(lineOf(t, 'gateway')?.text).toContain(`${request.clientIp}:`);
      expect(t.hops[1].decidedBy).toEqual([
        { kind: 'VirtualService', name: 'direct-cnn-through-egress-gateway', namespace: ns, part: 'http[0]' },
        { kind: 'DestinationRule', name: 'egressgateway-for-cnn', namespace: ns, part: 'subset cnn' },
      ]);
      expect(t.hops[2].decidedBy.map((d) => d.kind)).toEqual(['Gateway', 'VirtualService', 'ServiceEntry']);
    }
    expect(a.pod).not.toBe(b.pod);
    // One shared gateway, two namespaces' Gateways for httpbin.org:80: the older (default's, applied
    // first) answers both learners, and each trace says so and names the other claimant (IST0145).
    for (const t of [ta, tb]) {
      expect(t.hops[2].decidedBy[0]).toMatchObject({ kind: 'Gateway', name: 'istio-egressgateway', namespace: 'default', also: ['learner-2/istio-egressgateway'], claim: 'httpbin.org:80' });
      expect(t.hops[2].decidedBy[1]).toMatchObject({ kind: 'VirtualService', namespace: 'default' });
    }
    expect(traceText(tb, 'en', 200)).toContain('the oldest Gateway for httpbin.org:80 on this gateway answers (IST0145); also claimed by learner-2/istio-egressgateway');
  });

  it('TLS passthrough from two pods at once: joined by source address and SNI, never across pods', async () => {
    for (const ns of NAMESPACES) await p.port.apply(objectsFor(ns, 'https'), { lesson: '05-https-passthrough', step: 'all', namespace: ns });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [a, b] = await Promise.all(NAMESPACES.map((ns) => send(ns, 'https://www.baidu.com?q=1')));
    const [ta, tb] = await Promise.all([trace(NAMESPACES[0], a), trace(NAMESPACES[1], b)]);
    for (const [t, request] of [[ta, a], [tb, b]] as const) {
      expect(t.protocol).toBe('tls');
      expect(t.hops.every((h) => h.lit), traceText(t, 'en')).toBe(true);
      expect(t.joinedBy).toBe('address');
      expect(lineOf(t, 'sidecar')?.pod).toBe(request.pod);
      // The gateway's downstream remote address is this pod's sidecar's source address.
      const source = / (\d+\.\d+\.\d+\.\d+:\d+) \d+\.\d+\.\d+\.\d+:443 /.exec(lineOf(t, 'sidecar')!.text)?.[1];
      expect(source?.startsWith(`${request.clientIp}:`)).toBe(true);
      expect(lineOf(t, 'gateway')?.text).toContain(` ${source} www.baidu.com`);
      expect(t.hops[2].decidedBy[0]).toMatchObject({ kind: 'Gateway', part: 'server 443/TLS PASSTHROUGH' });
    }
    expect(lineOf(ta, 'gateway')?.text).not.toBe(lineOf(tb, 'gateway')?.text);
  });

  it("a Telemetry that silences one namespace's client: its trace names it on the dim sidecar hop, the other namespace's trace is lit", async () => {
    for (const ns of NAMESPACES) await p.port.apply(objectsFor(ns, 'http'), { lesson: '04-http-egress-gateway', step: 'all', namespace: ns });
    const quiet = { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name: 'quiet-curl', namespace: 'learner-2' }, spec: { selector: { matchLabels: { app: 'curl' } }, accessLogging: [{ disabled: true }] } };
    await p.other.create(quiet);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const [a, b] = await Promise.all(NAMESPACES.map((ns, i) => send(ns, 'http://httpbin.org/headers', `telemetry-${i}`)));
      const [ta, tb] = await Promise.all([trace(NAMESPACES[0], a), trace(NAMESPACES[1], b)]);
      expect(ta.hops.every((h) => h.lit), traceText(ta, 'en')).toBe(true);
      expect(tb.hops[1], traceText(tb, 'en')).toMatchObject({ lit: false, why: 'log-off', logOffBy: { kind: 'Telemetry', name: 'quiet-curl', namespace: 'learner-2' } });
      expect(tb.hops[2].lit).toBe(true);
      expect(lineOf(tb, 'gateway')?.text).toContain('"telemetry-1"');
      expect(traceText(tb, 'en', 120)).toContain('· no evidence: access log off for this proxy (Telemetry learner-2/quiet-curl)');
    } finally {
      await p.other.delete(quiet);
    }
  });
});
