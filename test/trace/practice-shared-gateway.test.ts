// A class learner on the shared gateway who may list only their own namespace (the class's RBAC,
// enforced by the practice cluster for a ServiceAccount token): the engine's facts say other
// namespaces could not be listed, and the trace says that another namespace's Gateway may be the
// one answering, while the admin's trace names the older Gateway that does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCluster } from '../../src/cluster/index.js';
import type { ClusterPort, GatewayTarget, PodInfo } from '../../src/cluster/port.js';
import { classObjects, learnerKubeconfigYaml, learnerObjects } from '../../src/classroom/index.js';
import { LEARNER_SA } from '../../src/classroom/model.js';
import { collectTrace } from '../../src/engine/trace.js';
import type { RequestRecord } from '../../src/engine/runners.js';
import { traceText, type Trace } from '../../src/trace/index.js';
import { parseCurlOutput } from '../../src/verify/curl.js';
import { learnerHttpObjects } from '../cluster/classroom-helpers.js';
import { curlClient, startPractice, type Practice } from '../cluster/practice-helpers.js';

let p: Practice;
let learner: ClusterPort;
let pod: PodInfo;
const NS = 'class-l1';
const OTHER = 'class-l0';
const GATEWAY: GatewayTarget = { mode: 'shared', pods: { namespace: 'istio-system', labels: { istio: 'egressgateway' }, container: 'istio-proxy' } };
const options = { prefix: 'class', gateway: 'shared' as const, istioNamespace: 'istio-system' };

beforeAll(async () => {
  p = await startPractice();
  await p.port.applyObjects!(classObjects(options));
  // The other learner's Gateway and routes come first: theirs is the older Gateway for httpbin.org:80.
  for (const ns of [OTHER, NS]) {
    await p.port.applyObjects!(learnerObjects(ns, options));
    await p.port.apply([...curlClient(), ...learnerHttpObjects(ns, { gateway: 'shared' })], { lesson: '04-http-egress-gateway', step: 'all', namespace: ns });
    await new Promise((resolve) => setTimeout(resolve, 1100)); // creation times have second precision
  }
  pod = await p.port.waitForPod({ namespace: NS, labels: { app: 'curl' }, container: 'curl' }, { timeoutMs: 10_000 });
  const { token } = await p.port.requestToken!(NS, LEARNER_SA, { expirationSeconds: 3600 });
  ({ port: learner } = await connectCluster({ kubeconfigYaml: learnerKubeconfigYaml({ access: p.port.clusterAccess!(), namespace: NS, token }), backend: 'kube' }));
}, 40_000);
afterAll(async () => {
  learner?.close();
  await p?.stop();
});

async function send(): Promise<RequestRecord> {
  const record: RequestRecord = { startedAt: Date.now(), host: 'httpbin.org', pod: pod.name, clientIp: pod.ip, tls: false, port: 80, requestId: `shared-${Date.now()}` };
  const result = await p.port.exec(pod, 'curl', ['curl', '-sS', '-o', '/dev/null', '-D', '-', '-H', `x-request-id: ${record.requestId}`, 'http://httpbin.org/headers'], { timeoutMs: 10_000 });
  record.curl = parseCurlOutput(result.stdout, result.stderr, result.exitCode);
  record.finishedAt = Date.now();
  return record;
}

const trace = (port: ClusterPort, request: RequestRecord): Promise<Trace> =>
  collectTrace({ port, signal: new AbortController().signal, now: Date.now, request, client: { namespace: NS, labels: { app: 'curl' }, container: 'curl' }, gateway: GATEWAY, clientNamespace: NS, istioNamespace: 'istio-system', graceMs: 3_000, onTrace: () => undefined });

describe('a shared gateway seen by a learner who may list only their namespace', () => {
  it('facts: other namespaces unreadable; trace: the visible Gateway named, another namespace\'s may be answering', async () => {
    const facts = await learner.meshFacts({ clientNamespace: NS, istioNamespace: 'istio-system', wide: true });
    expect(facts.othersUnreadable).toBe(true);
    expect(facts.others).toEqual([]);
    const t = await trace(learner, await send());
    expect(t.hops[2].lit, traceText(t, 'en')).toBe(true);
    expect(t.hops[2].decidedBy[0]).toMatchObject({ kind: 'Gateway', namespace: NS, mayBeOther: true });
    expect(traceText(t, 'en', 200)).toContain("another namespace's Gateway may be the one answering (Gateways of other namespaces cannot be listed)");
  });

  it('the admin, who may list them all, is told which Gateway answers: the other learner\'s older one', async () => {
    const t = await trace(p.port, await send());
    expect(t.hops[2].decidedBy[0]).toMatchObject({ kind: 'Gateway', namespace: OTHER, also: [`${NS}/istio-egressgateway`] });
    expect(t.hops[2].decidedBy[0].mayBeOther).toBeUndefined();
  });
});
