// The practice cluster's ambient profile: ztunnel and istio-cni-node DaemonSets with their pods,
// istiod with PILOT_ENABLE_AMBIENT; a pod of a namespace labelled istio.io/dataplane-mode=ambient
// gets no sidecar and its curl leaves ztunnel's line in ztunnel's log. The default stays sidecar-only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPractice, type Practice, waitFor } from '../cluster/practice-helpers.js';
import { call } from './helpers.js';

let p: Practice;
beforeAll(async () => {
  p = await startPractice({ ambient: true, podReadyDelayMs: 0 });
});
afterAll(async () => p.stop());

const curlDeployment = (ns: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'curl', namespace: ns },
  spec: { replicas: 1, selector: { matchLabels: { app: 'curl' } }, template: { metadata: { labels: { app: 'curl' } }, spec: { containers: [{ name: 'curl', image: 'docker.io/curlimages/curl:8.16.0', command: ['/bin/sleep', 'infinity'] }] } } },
});

describe('practice --profile ambient', () => {
  it('runs ztunnel and istio-cni-node in istio-system and tells istiod to serve ambient', async () => {
    for (const ds of ['ztunnel', 'istio-cni-node']) expect((await call(p.cluster, `/apis/apps/v1/namespaces/istio-system/daemonsets/${ds}`)).status).toBe(200);
    const pods = await waitFor(async () => {
      const r = (await call(p.cluster, '/api/v1/namespaces/istio-system/pods?labelSelector=app%3Dztunnel')).json.items;
      return r.length && r[0].status?.phase === 'Running' ? r : undefined;
    });
    expect(pods[0].metadata.ownerReferences[0]).toMatchObject({ kind: 'DaemonSet', name: 'ztunnel' });
    const istiod = (await call(p.cluster, '/apis/apps/v1/namespaces/istio-system/deployments/istiod')).json;
    expect(istiod.spec.template.spec.containers[0].env).toContainEqual({ name: 'PILOT_ENABLE_AMBIENT', value: 'true' });
  });

  it('an ambient namespace\'s pod has no sidecar; its curl is carried by ztunnel, which logs it', async () => {
    await call(p.cluster, '/api/v1/namespaces', { method: 'POST', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'amb', labels: { 'istio.io/dataplane-mode': 'ambient' } } } });
    expect((await call(p.cluster, '/apis/apps/v1/namespaces/amb/deployments', { method: 'POST', body: curlDeployment('amb') })).status).toBe(201);
    const pod = await waitFor(async () => (await call(p.cluster, '/api/v1/namespaces/amb/pods')).json.items.find((x: any) => x.status?.phase === 'Running')); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(pod.spec.containers.map((c: { name: string }) => c.name)).toEqual(['curl']);
    const out = await p.port.exec({ namespace: 'amb', name: pod.metadata.name }, 'curl', ['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', 'http://httpbin.org/get'], {});
    expect(out).toMatchObject({ exitCode: 0, stdout: '200' });
    const log = (await call(p.cluster, '/api/v1/namespaces/istio-system/pods/ztunnel-7xk2p/log?container=istio-proxy')).text;
    expect(log).toMatch(new RegExp(`info\\taccess\\tconnection complete\\tsrc\\.addr=[\\d.]+:\\d+ src\\.workload="${pod.metadata.name}" src\\.namespace="amb" src\\.identity="spiffe://cluster\\.local/ns/amb/sa/default" dst\\.addr=[\\d.]+:80 `));
  });

  it('switching the profile off removes ztunnel and the env; the default namespace keeps injecting sidecars', async () => {
    p.cluster.setKnobs({ ambient: false });
    expect((await call(p.cluster, '/apis/apps/v1/namespaces/istio-system/daemonsets/ztunnel')).status).toBe(404);
    expect((await call(p.cluster, '/api/v1/namespaces/istio-system/pods?labelSelector=app%3Dztunnel')).json.items).toEqual([]);
    const istiod = (await call(p.cluster, '/apis/apps/v1/namespaces/istio-system/deployments/istiod')).json;
    expect(istiod.spec.template.spec.containers[0].env ?? []).not.toContainEqual({ name: 'PILOT_ENABLE_AMBIENT', value: 'true' });
    p.cluster.setKnobs({ ambient: true });
    expect((await call(p.cluster, '/apis/apps/v1/namespaces/istio-system/daemonsets/ztunnel')).status).toBe(200);
  });
});
