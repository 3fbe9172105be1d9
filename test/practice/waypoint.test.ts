// istiod's waypoint deployment and the egress waypoint end to end on the practice cluster (ambient
// profile): a Gateway of class istio-waypoint gets its Deployment and Service and reports
// Programmed; a ServiceEntry labelled istio.io/use-waypoint sends the ambient client's curl through
// it (the waypoint's Envoy line, ztunnel's HBONE line); an AuthorizationPolicy targeting the
// ServiceEntry answers 403 at the waypoint. The Gateway API kinds are the practice cluster's own
// (its upstream CRDs, served by default).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPracticeCluster } from '../../src/practice/index.js';
import { connectCluster } from '../../src/cluster/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';
import { call, waitFor } from './helpers.js';
import { waypointObjects } from '../../src/practice/waypoint.js';

let cluster: PracticeCluster;
beforeAll(async () => {
  cluster = await startPracticeCluster({ knobs: { ambient: true, podReadyDelayMs: 0 } });
});
afterAll(async () => cluster?.stop());

const NS = 'amb';
const post = (path: string, body: unknown) => call(cluster, path, { method: 'POST', body });
/** curl in the client pod, through client-node's exec as the tutorial runs it. */
const exec = async (pod: string, argv: string[]) => {
  const { port } = await connectCluster({ kubeconfigYaml: cluster.kubeconfig(), backend: 'practice', pollMs: 100 });
  try {
    return await port.exec({ namespace: NS, name: pod }, 'curl', argv, {});
  } finally {
    port.close();
  }
};

describe('an egress waypoint on the ambient practice cluster', () => {
  it('istiod deploys the waypoint for a Gateway of class istio-waypoint and reports Programmed', async () => {
    await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'istio.io/dataplane-mode': 'ambient' } } });
    const gw = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'waypoint', namespace: NS, labels: { 'istio.io/waypoint-for': 'service' } }, spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] } };
    expect((await post(`/apis/gateway.networking.k8s.io/v1/namespaces/${NS}/gateways`, gw)).status).toBe(201);
    const status = await waitFor('Programmed', async () => {
      const s = (await call(cluster, `/apis/gateway.networking.k8s.io/v1/namespaces/${NS}/gateways/waypoint`)).json.status;
      return s?.conditions?.find((c: { type: string; status: string }) => c.type === 'Programmed' && c.status === 'True') ? s : undefined;
    });
    expect(status.conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`)).toEqual(['Accepted=True', 'Programmed=True']);
    expect(status.addresses[0].type).toBe('IPAddress');
    const deploy = (await call(cluster, `/apis/apps/v1/namespaces/${NS}/deployments/waypoint`)).json;
    expect(deploy.metadata.ownerReferences[0]).toMatchObject({ kind: 'Gateway', name: 'waypoint' });
    expect(deploy.spec.template.spec.containers[0].args.slice(0, 2)).toEqual(['proxy', 'waypoint']);
    const svc = (await call(cluster, `/api/v1/namespaces/${NS}/services/waypoint`)).json;
    expect(svc.spec.ports.map((p: { name: string; port: number }) => `${p.name}:${p.port}`)).toEqual(['status-port:15021', 'mesh:15008']);
  });

  it('the labelled ServiceEntry sends the ambient client through the waypoint; a targetRefs policy denies at the waypoint', async () => {
    expect((await post(`/apis/apps/v1/namespaces/${NS}/deployments`, {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'curl', namespace: NS },
      spec: { replicas: 1, selector: { matchLabels: { app: 'curl' } }, template: { metadata: { labels: { app: 'curl' } }, spec: { containers: [{ name: 'curl', image: 'docker.io/curlimages/curl:8.16.0', command: ['/bin/sleep', 'infinity'] }] } } },
    })).status).toBe(201);
    const se = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'httpbin', namespace: NS, labels: { 'istio.io/use-waypoint': 'waypoint' } }, spec: { hosts: ['httpbin.org'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'DNS' } };
    expect((await post(`/apis/networking.istio.io/v1/namespaces/${NS}/serviceentries`, se)).status).toBe(201);
    const pod = await waitFor('curl pod', async () => (await call(cluster, `/api/v1/namespaces/${NS}/pods?labelSelector=app%3Dcurl`)).json.items.find((p: any) => p.status?.phase === 'Running')); // eslint-disable-line @typescript-eslint/no-explicit-any
    const ok = await exec(pod.metadata.name, ['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', 'http://httpbin.org/get']);
    expect(ok).toMatchObject({ exitCode: 0, stdout: '200' });
    const wpPod = (await call(cluster, `/api/v1/namespaces/${NS}/pods?labelSelector=${encodeURIComponent('gateway.networking.k8s.io/gateway-name=waypoint')}`)).json.items[0];
    const wpLog = (await call(cluster, `/api/v1/namespaces/${NS}/pods/${wpPod.metadata.name}/log?container=istio-proxy`)).text;
    expect(wpLog).toMatch(/"GET \/get HTTP\/1\.1" 200 - via_upstream .* outbound\|80\|\|httpbin\.org /);
    const zLog = (await call(cluster, '/api/v1/namespaces/istio-system/pods/ztunnel-7xk2p/log?container=istio-proxy')).text;
    expect(zLog).toContain(`dst.addr=${wpPod.status.podIP}:15008 dst.hbone_addr=240.240.`);
    expect(zLog).toContain(`dst.workload="${wpPod.metadata.name}"`);

    const ap = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'httpbin-get-only', namespace: NS }, spec: { targetRefs: [{ kind: 'ServiceEntry', group: 'networking.istio.io', name: 'httpbin' }], action: 'ALLOW', rules: [{ to: [{ operation: { methods: ['GET'], paths: ['/get'] } }] }] } };
    expect((await post(`/apis/security.istio.io/v1/namespaces/${NS}/authorizationpolicies`, ap)).status).toBe(201);
    expect((await exec(pod.metadata.name, ['curl', '-sS', 'http://httpbin.org/headers'])).stdout).toBe('RBAC: access denied');
    expect((await exec(pod.metadata.name, ['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', 'http://httpbin.org/get'])).stdout).toBe('200');
  });

  it('names and labels the objects as pilot\'s waypoint template does', () => {
    const objs = waypointObjects({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'egress', namespace: 'team-a', uid: 'u1' }, spec: { gatewayClassName: 'istio-waypoint' } });
    expect(objs.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['ServiceAccount/team-a/egress', 'Deployment/team-a/egress', 'Service/team-a/egress']);
    for (const o of objs) expect(o.metadata.labels).toMatchObject({ 'gateway.networking.k8s.io/gateway-name': 'egress', 'istio.io/dataplane-mode': 'none' });
  });
});
