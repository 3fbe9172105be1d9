// Several learners on one practice cluster, through real client-node: own egress gateways made
// by gateway injection in learner namespaces, several clients at once, and the shared gateway's
// conflict and exportTo rules as Istio applies them.
import { CoreV1Api, KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PodInfo } from '../../src/cluster/port.js';
import { curlClient, startPractice, type Practice } from './practice-helpers.js';
import { accessLines, learnerHttpObjects, learnerNamespace, ownGateway } from './classroom-helpers.js';

let p: Practice;
let core: CoreV1Api;
let kc: KubeConfig;
const LEARNERS = ['learner-01', 'learner-02'];
const clients = new Map<string, PodInfo>();
const clientIps = new Map<string, string>();
const gateways = new Map<string, PodInfo>();
let shared: PodInfo;

const curl = (ns: string, id: string, url = 'http://httpbin.org/headers') =>
  p.port.exec(clients.get(ns)!, 'curl', ['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', '-H', `x-request-id: ${id}`, url], { timeoutMs: 10_000 });
const proxyLog = async (pod: { namespace: string; name: string }): Promise<string[]> =>
  accessLines(await core.readNamespacedPodLog({ name: pod.name, namespace: pod.namespace, container: 'istio-proxy' }));
const apply = (ns: string, objects: Parameters<Practice['port']['apply']>[0]) => p.port.apply(objects, { lesson: '04-http-egress-gateway', step: 'apply', namespace: ns });
const requestId = (line: string): string => /"([^"]+)" "httpbin\.org"/.exec(line)?.[1] ?? '';
const remoteIp = (line: string): string => (line.split(' ').at(-3) ?? '').split(':')[0];

beforeAll(async () => {
  p = await startPractice();
  kc = new KubeConfig();
  kc.loadFromString(p.cluster.kubeconfig());
  core = kc.makeApiClient(CoreV1Api);
  for (const ns of LEARNERS) {
    await apply(ns, [learnerNamespace(ns)]);
    await apply(ns, [...curlClient(), ...ownGateway(ns)]);
  }
  for (const ns of LEARNERS) {
    const client = await p.port.waitForPod({ namespace: ns, labels: { app: 'curl' }, container: 'curl' }, { timeoutMs: 10_000 });
    clients.set(ns, client);
    clientIps.set(ns, String((await core.readNamespacedPod({ name: client.name, namespace: ns })).status?.podIP));
    gateways.set(ns, await p.port.waitForPod({ namespace: ns, labels: { istio: `egressgateway-${ns}` }, container: 'istio-proxy' }, { timeoutMs: 10_000 }));
  }
  shared = await p.port.waitForPod({ namespace: 'istio-system', labels: { istio: 'egressgateway' }, container: 'istio-proxy' }, { timeoutMs: 10_000 });
}, 30_000);
afterAll(async () => {
  await p?.stop();
});

describe('own egress gateways (C1) with two learners at once', () => {
  it('the injected gateway pod is a router: proxy image, `proxy router`, no istio-init, its own start-up log', async () => {
    const gw = gateways.get('learner-01')!;
    const pod = await core.readNamespacedPod({ name: gw.name, namespace: gw.namespace });
    const proxy = pod.spec?.containers.find((c) => c.name === 'istio-proxy');
    expect(proxy?.image).toBe('docker.io/istio/proxyv2:1.27.3');
    expect(proxy?.args?.slice(0, 2)).toEqual(['proxy', 'router']);
    expect(pod.spec?.initContainers ?? []).toEqual([]);
    expect(JSON.parse(pod.metadata?.annotations?.['sidecar.istio.io/status'] ?? '{}')).toMatchObject({ initContainers: null, containers: ['istio-proxy'] });
    const log = await core.readNamespacedPodLog({ name: gw.name, namespace: gw.namespace, container: 'istio-proxy' });
    expect(log).toContain(`type=router id=${gw.name}.learner-01`);
  });

  it('concurrent requests from both learners: every line in the right gateway log, from the right client', async () => {
    for (const ns of LEARNERS) await apply(ns, learnerHttpObjects(ns, { gateway: 'own', exportTo: ['.'] }));
    const runs = LEARNERS.flatMap((ns) => [1, 2, 3].map((i) => curl(ns, `${ns}-own-${i}`)));
    const results = await Promise.all(runs);
    expect(results.map((r) => r.stdout)).toEqual(Array(6).fill('200'));
    for (const ns of LEARNERS) {
      const lines = await proxyLog(gateways.get(ns)!);
      expect(lines.map(requestId).sort()).toEqual([1, 2, 3].map((i) => `${ns}-own-${i}`));
      expect(new Set(lines.map(remoteIp))).toEqual(new Set([clientIps.get(ns)]));
    }
    expect((await proxyLog(shared)).filter((l) => /-own-/.test(l))).toEqual([]);
  });
});

describe('two learners on the shared istio-system gateway', () => {
  it('exportTo ["."] hides the gateway half: 404 NR from the gateway; [".", "istio-system"] works', async () => {
    await apply('learner-01', learnerHttpObjects('learner-01', { gateway: 'shared', exportTo: ['.'] }));
    expect((await curl('learner-01', 'dot-only')).stdout).toBe('404');
    expect((await proxyLog(shared)).find((l) => l.includes('"dot-only"'))).toContain(' 404 NR route_not_found ');
    await apply('learner-01', learnerHttpObjects('learner-01', { gateway: 'shared', exportTo: ['.', 'istio-system'] }));
    expect((await curl('learner-01', 'exported')).stdout).toBe('200');
  });

  it("the oldest learner's gateway-side catch-all route answers for everyone: a typo there breaks the other learner", async () => {
    // learner-01's objects are older (applied above); learner-02 applies a typo in its gateway-side route.
    await new Promise((r) => setTimeout(r, 1100)); // creationTimestamp has second precision
    const typo = { route: [{ destination: { host: 'httpbin.og', port: { number: 80 } } }] };
    await apply('learner-02', learnerHttpObjects('learner-02', { gateway: 'shared', exportTo: ['.', 'istio-system'], gatewayRoute: typo }));
    const [a, b] = await Promise.all([curl('learner-01', 'shared-a'), curl('learner-02', 'shared-b')]);
    // learner-02's typo is never used: learner-01's older route carries learner-02's request too.
    expect([a.stdout, b.stdout]).toEqual(['200', '200']);
    const lines = await proxyLog(shared);
    expect(remoteIp(lines.find((l) => l.includes('"shared-b"'))!)).toBe(clientIps.get('learner-02'));
    expect(remoteIp(lines.find((l) => l.includes('"shared-a"'))!)).toBe(clientIps.get('learner-01'));

    // Recreated, learner-01's objects are the newer ones: learner-02's typo now answers for learner-01.
    await p.port.delete(learnerHttpObjects('learner-01', { gateway: 'shared' }).map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: 'learner-01' })), { namespace: 'learner-01' });
    await new Promise((r) => setTimeout(r, 1100));
    await apply('learner-01', learnerHttpObjects('learner-01', { gateway: 'shared', exportTo: ['.', 'istio-system'] }));
    expect((await curl('learner-01', 'after-typo')).stdout).toBe('503');
    expect((await proxyLog(shared)).find((l) => l.includes('"after-typo"'))).toContain(' 503 NC cluster_not_found ');
  }, 15_000);
});

describe('gateway injection and Telemetry per learner namespace', () => {
  it('without any injection selecting it, the `image: auto` pod cannot start: ErrImagePull, then ImagePullBackOff', async () => {
    await apply('learner-03', [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'learner-03' } }]);
    // Watch the pods, so that no status the kubelet passes through is missed.
    const reasons: string[] = [];
    let pullMessage = '';
    const watching = await new Watch(kc).watch('/api/v1/namespaces/learner-03/pods', {}, (_type, pod: V1Pod) => {
      const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting;
      if (waiting?.reason && reasons.at(-1) !== waiting.reason) reasons.push(waiting.reason);
      if (waiting?.reason === 'ErrImagePull') pullMessage = waiting.message ?? '';
    }, () => undefined);
    try {
      await apply('learner-03', ownGateway('learner-03', {}));
      const deadline = Date.now() + 8000;
      while (!reasons.includes('ImagePullBackOff') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    } finally {
      watching.abort();
    }
    expect(pullMessage).toContain('"docker.io/library/auto:latest"');
    expect(reasons).toEqual(['ContainerCreating', 'ErrImagePull', 'ImagePullBackOff']);
    const pods = await core.listNamespacedPod({ namespace: 'learner-03', labelSelector: 'app=egressgateway' });
    expect(pods.items[0].status?.phase).toBe('Pending');
    expect(pods.items[0].spec?.containers[0].image).toBe('auto');
    expect(pods.items[0].metadata?.annotations?.['sidecar.istio.io/status']).toBeUndefined();
  });

  it("a Telemetry in one learner's namespace switches that learner's sidecar and own gateway off, not the other's", async () => {
    await apply('learner-02', [{ apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name: 'no-logs' }, spec: { accessLogging: [{ providers: [{ name: 'envoy' }], disabled: true }] } }]);
    for (const ns of LEARNERS) await apply(ns, learnerHttpObjects(ns, { gateway: 'own', exportTo: ['.'] }));
    const [a, b] = await Promise.all([curl('learner-01', 'telemetry-a'), curl('learner-02', 'telemetry-b')]);
    expect([a.stdout, b.stdout]).toEqual(['200', '200']);
    expect((await proxyLog(gateways.get('learner-01')!)).some((l) => l.includes('"telemetry-a"'))).toBe(true);
    expect((await proxyLog(clients.get('learner-01')!)).some((l) => l.includes('"telemetry-a"'))).toBe(true);
    expect((await proxyLog(gateways.get('learner-02')!)).some((l) => l.includes('"telemetry-b"'))).toBe(false);
    expect((await proxyLog(clients.get('learner-02')!)).some((l) => l.includes('"telemetry-b"'))).toBe(false);
  });
});
