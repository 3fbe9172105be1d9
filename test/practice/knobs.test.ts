import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, readyPod, start, stream, waitFor } from './helpers.js';
import { DEFAULT_KNOBS } from '../../src/practice/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';

let cluster: PracticeCluster;
let dir: string;
beforeAll(async () => {
  cluster = await start();
  dir = await mkdtemp(join(tmpdir(), 'practice-knobs-'));
});
afterAll(async () => {
  await cluster.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('knobs', () => {
  it('has healthy demo-profile defaults', () => {
    expect(DEFAULT_KNOBS).toMatchObject({ egressGateway: true, accessLog: true, outboundPolicy: 'ALLOW_ANY', injection: true, faultRate: 0, hangExec: false, deny: [] });
    expect(cluster.knobs().podReadyDelayMs).toBe(50);
  });

  it('removes and reinstalls the egress gateway, and rewrites the mesh config and injection label', async () => {
    cluster.setKnobs({ egressGateway: false, accessLog: false, outboundPolicy: 'REGISTRY_ONLY', injection: false });
    await waitFor('gateway pods gone', async () => ((await call(cluster, '/api/v1/namespaces/istio-system/pods?labelSelector=istio%3Degressgateway')).json.items.length === 0 ? true : undefined));
    expect((await call(cluster, '/api/v1/namespaces/istio-system/services/istio-egressgateway')).status).toBe(404);
    const mesh = (await call(cluster, '/api/v1/namespaces/istio-system/configmaps/istio')).json.data.mesh;
    expect(mesh).not.toContain('accessLogFile');
    expect(mesh).toContain('mode: REGISTRY_ONLY');
    expect((await call(cluster, '/api/v1/namespaces/default')).json.metadata.labels['istio-injection']).toBeUndefined();
    cluster.setKnobs({ egressGateway: true, accessLog: true, outboundPolicy: 'ALLOW_ANY', injection: true });
    const gw = await readyPod(cluster, 'istio-system', 'istio=egressgateway');
    expect(gw.metadata.labels.app).toBe('istio-egressgateway');
    expect((await call(cluster, '/api/v1/namespaces/istio-system/configmaps/istio')).json.data.mesh).toContain('accessLogFile: /dev/stdout');
  });

  it('answers a share of requests with 500 or 429 + Retry-After', async () => {
    cluster.setKnobs({ faultRate: 1, faultStatus: 429 });
    const r = await call(cluster, '/api/v1/namespaces');
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('1');
    expect(r.json).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', details: { retryAfterSeconds: 1 } });
    cluster.setKnobs({ faultStatus: 500 });
    const e = await call(cluster, '/api/v1/namespaces');
    expect(e.status).toBe(500);
    expect(e.json.reason).toBe('InternalError');
    cluster.setKnobs({ faultRate: 0 });
    expect((await call(cluster, '/api/v1/namespaces')).status).toBe(200);
  });

  it('denies what the deny knob lists: 403 with kube\'s message, and SelfSubjectAccessReview says no', async () => {
    cluster.setKnobs({ deny: [{ verb: 'create', group: 'networking.istio.io', resource: 'gateways' }, { verb: 'list', group: '', resource: 'pods' }] });
    const body = { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'g' }, spec: { selector: { istio: 'egressgateway' } } };
    const r = await call(cluster, '/apis/networking.istio.io/v1/namespaces/default/gateways', { method: 'POST', body });
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ reason: 'Forbidden', message: 'gateways.networking.istio.io is forbidden: User "practice-learner" cannot create resource "gateways" in API group "networking.istio.io" in the namespace "default"' });
    const pods = await call(cluster, '/api/v1/pods');
    expect(pods.json.message).toBe('pods is forbidden: User "practice-learner" cannot list resource "pods" in API group "" at the cluster scope');
    const review = (ra: Record<string, string>) => call(cluster, '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { method: 'POST', body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: ra } } });
    const no = await review({ verb: 'create', group: 'networking.istio.io', resource: 'gateways', namespace: 'default' });
    expect(no.status).toBe(201);
    expect(no.json.status.allowed).toBe(false);
    expect((await review({ verb: 'get', group: 'networking.istio.io', resource: 'gateways', namespace: 'default' })).json.status.allowed).toBe(true);
    cluster.setKnobs({ deny: [] });
    expect((await review({ verb: 'create', group: 'networking.istio.io', resource: 'gateways', namespace: 'default' })).json.status.allowed).toBe(true);
  });

  it('cuts follow log streams after cutLogStreamsAfterMs', async () => {
    cluster.setKnobs({ cutLogStreamsAfterMs: 50 });
    const gw = await readyPod(cluster, 'istio-system', 'istio=egressgateway');
    const s = stream(cluster, `/api/v1/namespaces/istio-system/pods/${gw.metadata.name}/log?container=istio-proxy&follow=true`);
    await s.ended;
    expect(s.lines.some((l) => l.includes('Envoy proxy is ready'))).toBe(true);
    cluster.setKnobs({ cutLogStreamsAfterMs: undefined });
  });

  it('writes the kubeconfig with mode 0600', async () => {
    const path = await cluster.writeKubeconfig(join(dir, 'sub', 'kubeconfig'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const text = await readFile(path, 'utf8');
    expect(text).toContain(cluster.url);
    expect(text).toContain('current-context: egress-tutorial-practice');
  });
});

describe('state file', () => {
  it('saves the store and resumes it after a restart', async () => {
    const file = join(dir, 'state.json');
    const a = await start({ stateFile: file });
    await call(a, '/api/v1/namespaces/default/configmaps', { method: 'POST', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'remember-me' }, data: { k: 'v' } } });
    await a.stop();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const b = await start({ stateFile: file });
    try {
      const r = await call(b, '/api/v1/namespaces/default/configmaps/remember-me');
      expect(r.status).toBe(200);
      expect(r.json.data).toEqual({ k: 'v' });
      expect((await call(b, '/api/v1/namespaces/istio-system/pods')).json.items).toHaveLength(3);
    } finally {
      await b.stop();
    }
    const c = await start({ stateFile: file, knobs: { egressGateway: false } });
    try {
      expect((await call(c, '/api/v1/namespaces/default/configmaps/remember-me')).status).toBe(200);
      expect((await call(c, '/apis/apps/v1/namespaces/istio-system/deployments/istio-egressgateway')).status).toBe(404);
    } finally {
      await c.stop();
    }
  });

  it('refuses a state file that is not one, with one sentence naming the fix, and leaves it alone', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{ nope');
    await expect(start({ stateFile: file })).rejects.toThrow(`The practice state file ${file} is not valid JSON; move it aside or choose another state file to start fresh.`);
    expect(await readFile(file, 'utf8')).toBe('{ nope');
  });
});

describe('start-up problems', () => {
  it('says in one sentence when the port is taken or the host is not loopback', async () => {
    const port = Number(new URL(cluster.url).port);
    await expect(start({ port })).rejects.toThrow(`Port ${port} on 127.0.0.1 is already in use; choose another port or leave it out for a random one.`);
    await expect(start({ host: '0.0.0.0' })).rejects.toThrow('The practice cluster listens on loopback only; "0.0.0.0" is not a loopback address.');
  });
});
