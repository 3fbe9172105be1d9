// Conformance with the real kubectl: a learner's own egress gateway (contract C1) made by
// Istio's gateway injection in a learner namespace, and the same Deployment where nothing injects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dump } from 'js-yaml';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';
import { learnerHttpObjects, ownGateway } from '../cluster/classroom-helpers.js';
import { Kubectl } from './kubectl.js';

let cluster: PracticeCluster;
let k: Kubectl;
const yaml = (objects: unknown[]): string => objects.map((o) => dump(o)).join('---\n');

beforeAll(async () => {
  cluster = await startPracticeCluster({ knobs: { podReadyDelayMs: 200 } });
  k = await Kubectl.for(cluster);
});
afterAll(async () => {
  await cluster.stop();
  await k.dispose();
});

describe('gateway injection with kubectl', () => {
  it('kubectl apply of the C1 gateway in a learner namespace: the Deployment becomes Available, the pod a router', async () => {
    const ns = await k.apply(yaml([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'learner-07', labels: { 'istio-injection': 'enabled' } } }]));
    expect(ns.code, ns.stderr).toBe(0);
    const r = await k.apply(yaml(ownGateway('learner-07')));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('serviceaccount/egressgateway serverside-applied\ndeployment.apps/egressgateway serverside-applied\nservice/egressgateway serverside-applied\n');
    const w = await k.run(['wait', '--for=condition=Available', 'deployment/egressgateway', '-n', 'learner-07', '--timeout=20s']);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toBe('deployment.apps/egressgateway condition met\n');
    const pods = await k.run(['get', 'pods', '-n', 'learner-07', '-l', 'istio=egressgateway-learner-07']);
    expect(pods.stdout).toMatch(/^egressgateway-\S+\s+1\/1\s+Running\s+0\s+/m);
    const spec = await k.run(['get', 'pods', '-n', 'learner-07', '-l', 'app=egressgateway', '-o', 'jsonpath={.items[0].spec.containers[0].image} {.items[0].spec.containers[0].args[1]} {.items[0].spec.initContainers}']);
    expect(spec.stdout).toBe('docker.io/istio/proxyv2:1.27.3 router ');
    const status = await k.run(['get', 'pods', '-n', 'learner-07', '-l', 'app=egressgateway', '-o', `jsonpath={.items[0].metadata.annotations.sidecar\\.istio\\.io/status}`]);
    expect(JSON.parse(status.stdout)).toMatchObject({ initContainers: null, containers: ['istio-proxy'], revision: 'default' });
    const logs = await k.run(['logs', 'deploy/egressgateway', '-n', 'learner-07']);
    expect(logs.stdout).toContain('type=router');
    expect(logs.stdout).toMatch(/Envoy proxy is ready\n$/);
  }, 40_000);

  it("the learner's objects through their own gateway: curl answers 200, the gateway's log has the line", async () => {
    const curl = await k.apply(yaml([
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'curl', namespace: 'learner-07' }, spec: { selector: { matchLabels: { app: 'curl' } }, template: { metadata: { labels: { app: 'curl' } }, spec: { containers: [{ name: 'curl', image: 'docker.io/curlimages/curl:8.16.0', command: ['/bin/sleep', 'infinity'] }] } } } },
      ...learnerHttpObjects('learner-07', { gateway: 'own', exportTo: ['.'] }),
    ]));
    expect(curl.code, curl.stderr).toBe(0);
    expect((await k.run(['wait', '--for=condition=Ready', 'pod', '-l', 'app=curl', '-n', 'learner-07', '--timeout=20s'])).code).toBe(0);
    const r = await k.run(['exec', '-n', 'learner-07', 'deploy/curl', '-c', 'curl', '--', 'curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', '-H', 'x-request-id: learner-07-proof', 'http://httpbin.org/headers']);
    expect(r.stdout, r.stderr).toBe('200');
    const log = await k.run(['logs', '-n', 'learner-07', '-l', 'istio=egressgateway-learner-07', '-c', 'istio-proxy', '--tail=1']);
    expect(log.stdout).toMatch(/"GET \/headers HTTP\/2" 200 - via_upstream .*"learner-07-proof" "httpbin\.org" .* outbound\|80\|\|httpbin\.org /);
    const istioSystem = await k.run(['logs', '-n', 'istio-system', '-l', 'istio=egressgateway', '-c', 'istio-proxy', '--tail=-1']);
    expect(istioSystem.stdout).not.toContain('learner-07-proof');
  }, 40_000);

  it('where nothing injects, the pod cannot pull `auto`: kubectl shows ErrImagePull / ImagePullBackOff', async () => {
    expect((await k.apply(yaml([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'plain' } }]))).code).toBe(0);
    expect((await k.apply(yaml(ownGateway('plain', {})))).code).toBe(0);
    let status = '';
    for (let i = 0; i < 100 && !/ImagePullBackOff/.test(status); i++) {
      status = (await k.run(['get', 'pods', '-n', 'plain', '-l', 'app=egressgateway', '--no-headers'])).stdout;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toMatch(/^egressgateway-\S+\s+0\/1\s+ImagePullBackOff\s+0\s+/);
    const w = await k.run(['wait', '--for=condition=Available', 'deployment/egressgateway', '-n', 'plain', '--timeout=1s']);
    expect(w.code).not.toBe(0);
    expect(w.stderr).toContain('timed out waiting for the condition');
  }, 40_000);
});
