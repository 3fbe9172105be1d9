import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, CURL_DEPLOYMENT, readyPod, stream, start, waitFor } from './helpers.js';
import type { PracticeCluster } from '../../src/practice/types.js';

let cluster: PracticeCluster;
beforeAll(async () => {
  cluster = await start();
});
afterAll(async () => {
  await cluster.stop();
});

const VS = '/apis/networking.istio.io/v1/namespaces/default/virtualservices/vs';
const apply = (body: unknown, manager: string, extra = '') =>
  call(cluster, `${VS}?fieldManager=${manager}${extra}`, { method: 'PATCH', contentType: 'application/apply-patch+yaml', body });
const vs = (hosts: string[], extra: Record<string, unknown> = {}) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'vs' }, spec: { hosts, ...extra } });

describe('server-side apply', () => {
  it('creates (201), records managedFields, updates (200) and keeps a no-op from bumping resourceVersion', async () => {
    const created = await apply(vs(['httpbin.org'], { gateways: ['mesh'] }), 'egress-tutorial');
    expect(created.status).toBe(201);
    expect(created.json.metadata.managedFields).toEqual([
      expect.objectContaining({ manager: 'egress-tutorial', operation: 'Apply', apiVersion: 'networking.istio.io/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:gateways': {}, 'f:hosts': {} } } }),
    ]);
    const same = await apply(vs(['httpbin.org'], { gateways: ['mesh'] }), 'egress-tutorial');
    expect(same.status).toBe(200);
    expect(same.json.metadata.resourceVersion).toBe(created.json.metadata.resourceVersion);
    // a field the manager stops applying is removed
    const dropped = await apply(vs(['httpbin.org']), 'egress-tutorial');
    expect(dropped.json.spec).toEqual({ hosts: ['httpbin.org'] });
    expect(Number(dropped.json.metadata.resourceVersion)).toBeGreaterThan(Number(created.json.metadata.resourceVersion));
  });

  it('answers 409 Conflict when another manager owns a field with another value, unless force=true', async () => {
    const conflict = await apply(vs(['other.org']), 'someone-else');
    expect(conflict.status).toBe(409);
    expect(conflict.json.reason).toBe('Conflict');
    expect(conflict.json.message).toBe('Apply failed with 1 conflict: conflict with "egress-tutorial": .spec.hosts');
    expect(conflict.json.details.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "egress-tutorial"', field: '.spec.hosts' }]);
    // same value: shared ownership, no conflict
    const shared = await apply(vs(['httpbin.org']), 'someone-else');
    expect(shared.status).toBe(200);
    expect(shared.json.metadata.managedFields.map((m: { manager: string }) => m.manager).sort()).toEqual(['egress-tutorial', 'someone-else']);
    const forced = await apply(vs(['other.org']), 'someone-else', '&force=true');
    expect(forced.status).toBe(200);
    expect(forced.json.spec.hosts).toEqual(['other.org']);
    expect(forced.json.metadata.managedFields.map((m: { manager: string }) => m.manager)).toEqual(['someone-else']);
  });

  it('names an Update manager with its apiVersion in conflicts, and requires fieldManager', async () => {
    await call(cluster, `${VS}?fieldManager=kubectl-edit`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { spec: { exportTo: ['.'] } } });
    const c = await apply(vs(['other.org'], { exportTo: ['*'] }), 'someone-else');
    expect(c.status).toBe(409);
    expect(c.json.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-edit" using networking.istio.io/v1: .spec.exportTo');
    const noManager = await call(cluster, VS, { method: 'PATCH', contentType: 'application/apply-patch+yaml', body: vs(['x.org']) });
    expect(noManager.status).toBe(400);
    expect(noManager.json.message).toBe('PATCH, fieldManager: Required value: is required for apply patch');
  });

  it('applies YAML bodies, validates them, and supports dryRun', async () => {
    const yaml = 'apiVersion: networking.istio.io/v1alpha3\nkind: Gateway\nmetadata:\n  name: gw\nspec:\n  selector:\n    istio: egressgateway\n  servers:\n  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: [httpbin.org]\n';
    const path = '/apis/networking.istio.io/v1alpha3/namespaces/default/gateways/gw?fieldManager=t';
    const dry = await call(cluster, `${path}&dryRun=All`, { method: 'PATCH', contentType: 'application/apply-patch+yaml', body: yaml });
    expect(dry.status).toBe(201);
    expect((await call(cluster, '/apis/networking.istio.io/v1/namespaces/default/gateways/gw')).status).toBe(404);
    expect((await call(cluster, path, { method: 'PATCH', contentType: 'application/apply-patch+yaml', body: yaml })).status).toBe(201);
    const invalid = await call(cluster, path, { method: 'PATCH', contentType: 'application/apply-patch+yaml', body: yaml.replace('number: 80', 'number: eighty') });
    expect(invalid.status).toBe(422);
    expect(invalid.json.message).toContain('Gateway.networking.istio.io "gw" is invalid');
  });
});

describe('watch', () => {
  it('streams ADDED, MODIFIED and DELETED from a resourceVersion, filtered by selectors', async () => {
    const list = await call(cluster, '/api/v1/namespaces/default/configmaps');
    const w = stream(cluster, `/api/v1/namespaces/default/configmaps?watch=true&labelSelector=w%3Dyes&resourceVersion=${list.json.metadata.resourceVersion}`);
    expect(await w.status).toBe(200);
    const cm = (name: string, labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { a: '1' } });
    await call(cluster, '/api/v1/namespaces/default/configmaps', { method: 'POST', body: cm('w1', { w: 'yes' }) });
    await call(cluster, '/api/v1/namespaces/default/configmaps', { method: 'POST', body: cm('w2', { w: 'no' }) });
    await call(cluster, '/api/v1/namespaces/default/configmaps/w1', { method: 'PATCH', contentType: 'application/merge-patch+json', body: { data: { a: '2' } } });
    await call(cluster, '/api/v1/namespaces/default/configmaps/w1', { method: 'DELETE' });
    await waitFor('three events', () => w.lines.length >= 3 || undefined);
    const events = w.lines.map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string; resourceVersion: string }; data: { a: string } } });
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'w1'], ['MODIFIED', 'w1'], ['DELETED', 'w1']]);
    expect(events[1].object.data.a).toBe('2');
    expect(Number(events[2].object.metadata.resourceVersion)).toBeGreaterThan(Number(events[1].object.metadata.resourceVersion));
    w.close();
    await w.ended;
  });

  it('sends one-row Tables per event when asked, as kubectl get -w does', async () => {
    const { request } = await import('node:https');
    const { caOf } = await import('./helpers.js');
    const text = await new Promise<string>((resolve, reject) => {
      const req = request(new URL('/api/v1/namespaces?watch=true&timeoutSeconds=1', cluster.url), { headers: { authorization: `Bearer ${cluster.token}`, accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' }, ca: caOf(cluster) }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
    const first = JSON.parse(text.split('\n')[0]);
    expect(first.type).toBe('ADDED');
    expect(first.object.kind).toBe('Table');
    expect(first.object.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Status', 'Age']);
    expect(first.object.rows).toHaveLength(1);
  });

  it('sends the current objects first without a resourceVersion, ends at timeoutSeconds, and expires old versions', async () => {
    const w = stream(cluster, '/api/v1/namespaces?watch=true&timeoutSeconds=1');
    await w.ended;
    const names = w.lines.map((l) => JSON.parse(l).object.metadata.name);
    expect(names).toEqual(expect.arrayContaining(['default', 'istio-system', 'kube-system']));
    expect(w.lines.every((l) => JSON.parse(l).type === 'ADDED')).toBe(true);
    const old = stream(cluster, '/api/v1/namespaces?watch=true&resourceVersion=-5');
    await old.ended;
    const err = JSON.parse(old.lines[0]);
    expect(err.type).toBe('ERROR');
    expect(err.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
  });
});

describe('server-side apply of built-in kinds', () => {
  it('keeps resourceVersion when a Service with server-defaulted fields is applied again unchanged', async () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'curl', labels: { app: 'curl' } }, spec: { ports: [{ port: 80, name: 'http' }], selector: { app: 'curl' } } };
    const path = '/api/v1/namespaces/default/services/curl?fieldManager=egress-tutorial';
    const first = await call(cluster, path, { method: 'PATCH', contentType: 'application/apply-patch+yaml', body: svc });
    expect(first.status).toBe(201);
    expect(first.json.spec).toMatchObject({ type: 'ClusterIP', ports: [{ port: 80, name: 'http', protocol: 'TCP', targetPort: 80 }] });
    expect(first.json.spec.clusterIP).toMatch(/^10\.96\./);
    const second = await call(cluster, path, { method: 'PATCH', contentType: 'application/apply-patch+yaml', body: svc });
    expect(second.status).toBe(200);
    expect(second.json.metadata.resourceVersion).toBe(first.json.metadata.resourceVersion);
    expect(second.json.spec.clusterIP).toBe(first.json.spec.clusterIP);
  });

  it('keeps a Deployment (and its pods) untouched when it is applied again unchanged', async () => {
    const path = '/apis/apps/v1/namespaces/default/deployments/curl?fieldManager=egress-tutorial';
    const first = await call(cluster, path, { method: 'PATCH', contentType: 'application/apply-patch+yaml', body: CURL_DEPLOYMENT });
    expect(first.status).toBe(201);
    const pod = await readyPod(cluster, 'default', 'app=curl');
    const now = (await call(cluster, '/apis/apps/v1/namespaces/default/deployments/curl')).json;
    const second = await call(cluster, path, { method: 'PATCH', contentType: 'application/apply-patch+yaml', body: CURL_DEPLOYMENT });
    expect(second.json.metadata.resourceVersion).toBe(now.metadata.resourceVersion);
    expect(second.json.metadata.generation).toBe(1);
    expect((await readyPod(cluster, 'default', 'app=curl')).metadata.name).toBe(pod.metadata.name);
  });
});
