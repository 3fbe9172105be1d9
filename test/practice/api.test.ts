import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, CURL_DEPLOYMENT, SERVICE_ENTRY, start } from './helpers.js';
import type { PracticeCluster } from '../../src/practice/types.js';

let cluster: PracticeCluster;
beforeAll(async () => {
  cluster = await start();
});
afterAll(async () => {
  await cluster.stop();
});

const SE_PATH = '/apis/networking.istio.io/v1/namespaces/default/serviceentries';

describe('authentication', () => {
  it('answers 401 metav1.Status without a token or with a wrong one', async () => {
    for (const token of [null, 'wrong-token']) {
      const r = await call(cluster, '/api/v1/namespaces', { token });
      expect(r.status).toBe(401);
      expect(r.json).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
    }
  });

  it('serves HTTPS on loopback with a random token', () => {
    expect(cluster.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(cluster.token.length).toBeGreaterThanOrEqual(32);
    expect(cluster.contextName).toBe('egress-tutorial-practice');
  });
});

describe('discovery', () => {
  it('serves /version, /api, /apis and group versions', async () => {
    expect((await call(cluster, '/version')).json.gitVersion).toMatch(/^v1\.32\./);
    expect((await call(cluster, '/api')).json.versions).toEqual(['v1']);
    const apis = (await call(cluster, '/apis')).json;
    const networking = apis.groups.find((g: { name: string }) => g.name === 'networking.istio.io');
    expect(networking.preferredVersion.version).toBe('v1');
    expect(networking.versions.map((v: { version: string }) => v.version)).toEqual(['v1', 'v1beta1', 'v1alpha3']);
    expect(apis.groups.map((g: { name: string }) => g.name)).toEqual(expect.arrayContaining(['apps', 'telemetry.istio.io', 'authorization.k8s.io']));
    const gv = (await call(cluster, '/apis/networking.istio.io/v1alpha3')).json;
    expect(gv.resources.find((r: { name: string }) => r.name === 'serviceentries')).toMatchObject({ kind: 'ServiceEntry', namespaced: true, shortNames: ['se'] });
    const core = (await call(cluster, '/api/v1')).json;
    expect(core.resources.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(['pods', 'pods/log', 'pods/exec', 'configmaps', 'services']));
  });

  it('answers 404 for a group, version or resource that is not served', async () => {
    for (const p of ['/apis/gateway.networking.x-k8s.io/v1alpha1', '/apis/networking.istio.io/v9/namespaces/default/gateways', '/api/v1/namespaces/default/widgets']) {
      const r = await call(cluster, p);
      expect(r.status, p).toBe(404);
      expect(r.json).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'the server could not find the requested resource' });
    }
  });

  it('lists the PATCH operations with fieldValidation in /openapi/v3 for kubectl', async () => {
    const index = (await call(cluster, '/openapi/v3')).json;
    const url = index.paths['apis/networking.istio.io/v1alpha3'].serverRelativeURL;
    const doc = (await call(cluster, url)).json;
    const op = doc.paths['/apis/networking.istio.io/v1alpha3/namespaces/{namespace}/gateways/{name}'].patch;
    expect(op['x-kubernetes-group-version-kind']).toEqual({ group: 'networking.istio.io', version: 'v1alpha3', kind: 'Gateway' });
    expect(op.parameters.map((p: { name: string }) => p.name)).toContain('fieldValidation');
    expect((await call(cluster, '/openapi/v2')).status).toBe(404);
  });
});

describe('objects', () => {
  it('creates, reads in every version, updates and deletes an Istio object stored once', async () => {
    const created = await call(cluster, '/apis/networking.istio.io/v1alpha3/namespaces/default/serviceentries', { method: 'POST', body: SERVICE_ENTRY });
    expect(created.status).toBe(201);
    expect(created.json.metadata).toMatchObject({ name: 'cnn', namespace: 'default', generation: 1 });
    expect(created.json.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    const v1 = await call(cluster, `${SE_PATH}/cnn`);
    expect(v1.json.apiVersion).toBe('networking.istio.io/v1');
    expect(v1.json.spec.hosts).toEqual(['httpbin.org']);
    const beta = await call(cluster, '/apis/networking.istio.io/v1beta1/namespaces/default/serviceentries');
    expect(beta.json.items.map((i: { apiVersion: string; metadata: { name: string } }) => [i.apiVersion, i.metadata.name])).toEqual([['networking.istio.io/v1beta1', 'cnn']]);

    const again = await call(cluster, SE_PATH, { method: 'POST', body: { ...SERVICE_ENTRY, apiVersion: 'networking.istio.io/v1' } });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ reason: 'AlreadyExists', message: 'serviceentries.networking.istio.io "cnn" already exists' });

    const put = await call(cluster, `${SE_PATH}/cnn`, { method: 'PUT', body: { ...v1.json, spec: { ...v1.json.spec, resolution: 'NONE' } } });
    expect(put.status).toBe(200);
    expect(put.json.metadata.generation).toBe(2);
    expect(Number(put.json.metadata.resourceVersion)).toBeGreaterThan(Number(v1.json.metadata.resourceVersion));
    const stale = await call(cluster, `${SE_PATH}/cnn`, { method: 'PUT', body: v1.json });
    expect(stale.status).toBe(409);
    expect(stale.json.reason).toBe('Conflict');
    expect(stale.json.message).toBe('Operation cannot be fulfilled on serviceentries.networking.istio.io "cnn": the object has been modified; please apply your changes to the latest version and try again');

    const merge = await call(cluster, `${SE_PATH}/cnn`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { labels: { team: 'a' } }, spec: { resolution: 'DNS' } } });
    expect(merge.json.metadata.labels).toEqual({ team: 'a' });
    expect(merge.json.spec.resolution).toBe('DNS');
    const jp = await call(cluster, `${SE_PATH}/cnn`, { method: 'PATCH', contentType: 'application/json-patch+json', body: [{ op: 'add', path: '/spec/hosts/-', value: 'example.org' }] });
    expect(jp.json.spec.hosts).toEqual(['httpbin.org', 'example.org']);

    const del = await call(cluster, `${SE_PATH}/cnn`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    const gone = await call(cluster, `${SE_PATH}/cnn`);
    expect(gone.status).toBe(404);
    expect(gone.json).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'serviceentries.networking.istio.io "cnn" not found', details: { name: 'cnn', group: 'networking.istio.io', kind: 'serviceentries' } });
  });

  it('rejects an invalid Istio object with 422 Invalid, the CRD message and causes', async () => {
    const bad = { ...SERVICE_ENTRY, metadata: { name: 'bad' }, spec: { ...SERVICE_ENTRY.spec, resolution: 'FOO' } };
    const r = await call(cluster, '/apis/networking.istio.io/v1alpha3/namespaces/default/serviceentries', { method: 'POST', body: bad });
    expect(r.status).toBe(422);
    expect(r.json.reason).toBe('Invalid');
    expect(r.json.message).toContain('ServiceEntry.networking.istio.io "bad" is invalid');
    expect(r.json.message).toContain('spec.resolution');
    expect(r.json.details.causes[0]).toMatchObject({ field: 'spec.resolution', reason: 'FieldValueNotSupported' });
    expect((await call(cluster, `${SE_PATH}/bad`)).status).toBe(404);
  });

  it('prunes unknown fields with fieldValidation=Warn (with a Warning header) or Ignore, and rejects them otherwise', async () => {
    const body = { ...SERVICE_ENTRY, apiVersion: 'networking.istio.io/v1', metadata: { name: 'loose' }, spec: { ...SERVICE_ENTRY.spec, colour: 'blue' } };
    const strict = await call(cluster, SE_PATH, { method: 'POST', body });
    expect(strict.status).toBe(422);
    expect(strict.json.message).toContain('unknown field "spec.colour"');
    const warn = await call(cluster, `${SE_PATH}?fieldValidation=Warn`, { method: 'POST', body });
    expect(warn.status).toBe(201);
    expect(warn.headers.warning).toBe('299 - "unknown field \\"spec.colour\\""');
    expect(warn.json.spec.colour).toBeUndefined();
    const ignore = await call(cluster, `${SE_PATH}/loose?fieldValidation=Ignore&fieldManager=t`, { method: 'PATCH', contentType: 'application/apply-patch+yaml', body });
    expect(ignore.status).toBe(200);
    expect(ignore.headers.warning).toBeUndefined();
    expect(ignore.json.spec.colour).toBeUndefined();
    await call(cluster, `${SE_PATH}/loose`, { method: 'DELETE' });
  });

  it('answers dry-run create, patch and delete without storing anything', async () => {
    const dry = await call(cluster, `${SE_PATH}?dryRun=All`, { method: 'POST', body: { ...SERVICE_ENTRY, apiVersion: 'networking.istio.io/v1', metadata: { name: 'dry' } } });
    expect(dry.status).toBe(201);
    expect(dry.json.metadata.name).toBe('dry');
    expect((await call(cluster, `${SE_PATH}/dry`)).status).toBe(404);
    await call(cluster, SE_PATH, { method: 'POST', body: { ...SERVICE_ENTRY, apiVersion: 'networking.istio.io/v1', metadata: { name: 'kept' } } });
    const p = await call(cluster, `${SE_PATH}/kept?dryRun=All`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { spec: { resolution: 'NONE' } } });
    expect(p.json.spec.resolution).toBe('NONE');
    expect((await call(cluster, `${SE_PATH}/kept`)).json.spec.resolution).toBe('DNS');
    expect((await call(cluster, `${SE_PATH}/kept?dryRun=All`, { method: 'DELETE' })).status).toBe(200);
    expect((await call(cluster, `${SE_PATH}/kept`)).status).toBe(200);
    await call(cluster, `${SE_PATH}/kept`, { method: 'DELETE' });
  });

  it('filters lists by label selectors (=, !=, in, exists, !) and field selectors', async () => {
    const mk = (name: string, labels: Record<string, string>) => call(cluster, '/api/v1/namespaces/default/configmaps', { method: 'POST', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: {} } });
    await mk('sel-a', { tier: 'web', env: 'prod' });
    await mk('sel-b', { tier: 'db', env: 'prod' });
    await mk('sel-c', { tier: 'web' });
    const names = async (q: string) => (await call(cluster, `/api/v1/namespaces/default/configmaps?${q}`)).json.items.map((i: { metadata: { name: string } }) => i.metadata.name).filter((n: string) => n.startsWith('sel-'));
    expect(await names('labelSelector=tier%3Dweb')).toEqual(['sel-a', 'sel-c']);
    expect(await names('labelSelector=tier%21%3Dweb')).toEqual(['sel-b']);
    expect(await names(`labelSelector=${encodeURIComponent('tier in (db,cache)')}`)).toEqual(['sel-b']);
    expect(await names('labelSelector=env')).toEqual(['sel-a', 'sel-b']);
    expect(await names(`labelSelector=${encodeURIComponent('!env,tier')}`)).toEqual(['sel-c']);
    expect(await names('fieldSelector=metadata.name%3Dsel-b')).toEqual(['sel-b']);
    expect(await names('fieldSelector=metadata.name%21%3Dsel-b&labelSelector=tier')).toEqual(['sel-a', 'sel-c']);
    const bad = await call(cluster, '/api/v1/namespaces/default/configmaps?fieldSelector=spec.foo%3Dx');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ reason: 'BadRequest', message: 'field label not supported: spec.foo' });
    const coll = await call(cluster, '/api/v1/namespaces/default/configmaps?labelSelector=tier%3Dweb', { method: 'DELETE' });
    expect(coll.status).toBe(200);
    expect(await names('labelSelector=tier')).toEqual(['sel-b']);
  });

  it('filters pods by status.phase and answers errors for missing namespaces and bad methods', async () => {
    const running = await call(cluster, '/api/v1/pods?fieldSelector=status.phase%3DRunning');
    expect(running.json.items.length).toBeGreaterThanOrEqual(3);
    expect((await call(cluster, '/api/v1/pods?fieldSelector=status.phase%3DFailed')).json.items).toEqual([]);
    const nons = await call(cluster, '/api/v1/namespaces/nope/configmaps', { method: 'POST', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } });
    expect(nons.status).toBe(404);
    expect(nons.json.message).toBe('namespaces "nope" not found');
    const crd = await call(cluster, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gateways.networking.istio.io', { method: 'DELETE' });
    expect(crd.status).toBe(405);
    expect(crd.json.reason).toBe('MethodNotAllowed');
    const badName = await call(cluster, '/api/v1/namespaces/default/configmaps', { method: 'POST', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name' } } });
    expect(badName.status).toBe(422);
    expect(badName.json.message).toContain('ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"');
    const badBody = await call(cluster, '/api/v1/namespaces/default/configmaps', { method: 'POST', body: '{not json' });
    expect(badBody.status).toBe(400);
    expect(badBody.json.reason).toBe('BadRequest');
  });

  it('refuses to delete the default namespace and cascades a namespace delete', async () => {
    const r = await call(cluster, '/api/v1/namespaces/default', { method: 'DELETE' });
    expect(r.status).toBe(403);
    await call(cluster, '/api/v1/namespaces', { method: 'POST', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'scratch' } } });
    expect((await call(cluster, '/api/v1/namespaces/scratch/serviceaccounts/default')).status).toBe(200);
    await call(cluster, '/apis/apps/v1/namespaces/scratch/deployments', { method: 'POST', body: CURL_DEPLOYMENT });
    await call(cluster, '/api/v1/namespaces/scratch', { method: 'DELETE' });
    expect((await call(cluster, '/apis/apps/v1/namespaces/scratch/deployments/curl')).status).toBe(404);
    expect((await call(cluster, '/api/v1/namespaces/scratch/pods')).json.items).toEqual([]);
  });
});
