// Secrets on the practice cluster as kube-apiserver keeps them: stringData is write-only, merged
// into data (base64, winning over data's same key), and type defaults to Opaque.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, start } from './helpers.js';
import type { PracticeCluster } from '../../src/practice/types.js';

let cluster: PracticeCluster;
beforeAll(async () => {
  cluster = await start();
});
afterAll(async () => {
  await cluster.stop();
});

describe('Secret stringData', () => {
  it('is merged into data and not stored', async () => {
    const body = {
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'client-credential' },
      data: { 'tls.crt': Buffer.from('old').toString('base64'), other: Buffer.from('kept').toString('base64') },
      stringData: { 'tls.crt': 'CERT', 'tls.key': 'KEY' },
    };
    const created = await call(cluster, '/api/v1/namespaces/istio-system/secrets', { method: 'POST', body });
    expect(created.status).toBe(201);
    const got = await call(cluster, '/api/v1/namespaces/istio-system/secrets/client-credential');
    expect(got.json.stringData).toBeUndefined();
    expect(got.json.type).toBe('Opaque');
    const decoded = Object.fromEntries(Object.entries(got.json.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    expect(decoded).toEqual({ 'tls.crt': 'CERT', 'tls.key': 'KEY', other: 'kept' });
  });
});
