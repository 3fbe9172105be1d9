// Error translation: client-node's ApiException shapes, transport failures and retries all end
// as one ClusterError sentence, without bodies, stacks or credentials.
import { afterEach, describe, expect, it } from 'vitest';
import { ApiException } from '@kubernetes/client-node';
import { httpError, sanitize, toClusterError, transportError } from '../../src/cluster/kube/errors.js';
import { connectCluster } from '../../src/cluster/index.js';
import { ClusterError } from '../../src/cluster/port.js';
import { startFakeApi, status, type FakeApi } from './fake-api.js';

const where = { context: 'kind-egress', server: 'https://127.0.0.1:6443' };
let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('ApiException shapes', () => {
  const statusBody = (code: number, reason: string, message: string, details?: object): string =>
    JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message, details });

  it('403 keeps kube\'s readable message and names the fix', () => {
    const body = statusBody(403, 'Forbidden', 'gateways.networking.istio.io "cnn" is forbidden: User "dev" cannot patch resource "gateways" in API group "networking.istio.io" in the namespace "default"');
    const err = toClusterError(new ApiException(403, 'Unsuccessful HTTP Request', body, {}), where, 'apply Gateway "cnn"');
    expect(err.reason).toBe('forbidden');
    expect(err.status).toBe(403);
    expect(err.message).toBe(
      'Could not apply Gateway "cnn": forbidden (gateways.networking.istio.io "cnn" is forbidden: User "dev" cannot patch resource "gateways" in API group "networking.istio.io" in the namespace "default"); ask a cluster admin for this permission (check with kubectl auth can-i) or use the practice cluster.',
    );
    expect(err.message).not.toMatch(/HTTP-Code|Headers|Body:/);
  });

  it('401 has no body and says the credentials may have expired', () => {
    const err = toClusterError(new ApiException(401, 'Unsuccessful HTTP Request', undefined, {}), where);
    expect(err).toMatchObject({ reason: 'unauthorized', status: 401 });
    expect(err.message).toMatch(/context "kind-egress" at https:\/\/127\.0\.0\.1:6443 rejected the credentials .*log in again/);
  });

  it('404 tells an absent object from a kind that is not served', () => {
    const missing = httpError(404, statusBody(404, 'NotFound', 'gateways.networking.istio.io "cnn" not found', { name: 'cnn', kind: 'gateways' }), where, 'read Gateway "cnn"');
    expect(missing).toMatchObject({ reason: 'not-found', message: 'Could not read Gateway "cnn": gateways.networking.istio.io "cnn" not found.' });
    // client-node's discovery of an unserved group-version: an ApiException whose message is noise
    const unserved = toClusterError(new ApiException(404, 'Failed to fetch resource metadata for networking.istio.io/v1/Gateway', '404 page not found', {}), where, 'apply Gateway "cnn"');
    expect(unserved.reason).toBe('not-served');
    expect(unserved.message).toMatch(/does not serve this kind .*install Istio's CRDs/);
  });

  it('409, 422 (with causes), 429 and 5xx become sentences with the fix', () => {
    expect(httpError(409, statusBody(409, 'Conflict', 'Operation cannot be fulfilled'), where, 'apply x').reason).toBe('conflict');
    const invalid = httpError(
      422,
      statusBody(422, 'Invalid', 'Gateway.networking.istio.io "g" is invalid: spec.servers[0].port.number: Invalid value', {
        causes: [{ field: 'spec.servers[0].port.number', message: 'Invalid value: "x": must be an integer' }],
      }),
      where,
      'apply Gateway "g"',
    );
    expect(invalid.message).toBe('Could not apply Gateway "g": the API server rejected it as invalid (spec.servers[0].port.number: Invalid value: "x": must be an integer); fix the manifest.');
    expect(httpError(429, '', where, 'list pods', 5).message).toMatch(/throttling requests \(429 Too Many Requests\) after 5 attempts; wait a moment/);
    const server = httpError(503, statusBody(503, 'ServiceUnavailable', 'etcdserver: leader changed'), where, 'list pods', 3);
    expect(server).toMatchObject({ reason: 'server', status: 503 });
    expect(server.message).toMatch(/failed with 503 \(etcdserver: leader changed\) after 3 attempts; check the control plane's health/);
  });

  it('ws handshake failures (exec) and transport errors are classified', () => {
    const ws = { type: 'error', message: 'Unexpected server response: 403', error: new Error('Unexpected server response: 403') };
    expect(toClusterError(ws, where, 'exec').reason).toBe('forbidden');
    expect(transportError(Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), where).message).toBe(
      'The API server of context "kind-egress" at https://127.0.0.1:6443 presented a self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT): check certificate-authority-data in your kubeconfig or fetch a fresh kubeconfig from your cluster provider.',
    );
    expect(transportError({ name: 'FetchError', type: 'system', code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND' }, where).message).toMatch(/\(host name not found\)/);
    expect(toClusterError(Object.assign(new Error('The user aborted a request.'), { name: 'AbortError' }), where, 'list pods')).toMatchObject({ reason: 'cancelled' });
  });

  it('sanitize strips tokens and newlines', () => {
    const text = sanitize('failed: Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXZhbHVl\nsecond line token=abc123');
    expect(text).not.toMatch(/eyJ|abc123|\n/);
  });
});

describe('through client-node against a recording API server', () => {
  it('retries 429 and 500 with backoff, then succeeds', async () => {
    let calls = 0;
    api = await startFakeApi((req) => {
      if (req.path !== '/api/v1/namespaces/default/configmaps') return undefined;
      calls++;
      if (calls === 1) return { ...status(429, 'TooManyRequests', 'slow down'), headers: { 'retry-after': '0' } };
      if (calls === 2) return status(500, 'InternalError', 'boom');
      return { status: 200, body: { kind: 'ConfigMapList', items: [] } };
    });
    const { port } = await connectCluster({ kubeconfigYaml: api.kubeconfigYaml(), retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 } });
    const listed = await port.listManaged({ namespaces: ['default'] });
    expect(listed).toEqual([]);
    expect(calls).toBe(3);
    port.close();
  });

  it('a connection reset is tried once more; a second reset is an unreachable sentence', async () => {
    let resets = 1;
    api = await startFakeApi((req) => {
      if (req.path !== '/api/v1/namespaces/default/pods') return undefined;
      if (resets-- > 0) return { status: 0, reset: true };
      return { status: 200, body: { kind: 'PodList', items: [] } };
    });
    const { port } = await connectCluster({ kubeconfigYaml: api.kubeconfigYaml() });
    const client = { namespace: 'default', labels: { app: 'curl' }, container: 'curl' };
    const [check] = await port.preflight({ clientNamespace: 'default', istioNamespace: 'istio-system', client, checks: ['client-ready'] });
    expect(check.summary).toBe('No client pod (app=curl) in namespace "default" yet.'); // answered on the second try
    expect(api.requests.filter((r) => r.path === '/api/v1/namespaces/default/pods')).toHaveLength(2);
    resets = 2;
    const err = await port.waitForPod({ namespace: 'default', labels: { app: 'x' }, container: 'c' }, { timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ClusterError', reason: 'unreachable' });
    expect((err as Error).message).toMatch(/^Cannot reach the Kubernetes API of context "fake-ctx" at http:\/\/127\.0\.0\.1:\d+ \(/);
    port.close();
  });

  it('after a reset the retry goes out on a new connection, not on another idle one the server closed alike', async () => {
    let reset = false;
    api = await startFakeApi((req) => {
      if (req.path !== '/api/v1/namespaces/default/pods') return undefined;
      if (reset) {
        reset = false;
        return { status: 0, reset: true };
      }
      return { status: 200, body: { kind: 'PodList', items: [] }, delayMs: 50 };
    });
    const { port } = await connectCluster({ kubeconfigYaml: api.kubeconfigYaml() });
    const client = { namespace: 'default', labels: { app: 'curl' }, container: 'curl' };
    const check = () => port.preflight({ clientNamespace: 'default', istioNamespace: 'istio-system', client, checks: ['client-ready'] });
    await Promise.all([check(), check(), check()]); // three connections open, then idle in the pool
    const warm = new Set(api.requests.map((r) => r.remotePort));
    expect(warm.size).toBeGreaterThanOrEqual(3);
    reset = true;
    await check();
    const [resetOne, retry] = api.requests.slice(-2);
    expect(warm.has(resetOne.remotePort)).toBe(true);
    expect(warm.has(retry.remotePort)).toBe(false);
    port.close();
  });

  it('gives up after the retry budget with a sentence, never the body', async () => {
    api = await startFakeApi((req) => (req.path === '/api/v1/namespaces/default/pods' ? status(503, 'ServiceUnavailable', 'apiserver overloaded') : undefined));
    const { port } = await connectCluster({ kubeconfigYaml: api.kubeconfigYaml(), retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
    const err = await port.waitForPod({ namespace: 'default', labels: { app: 'curl' }, container: 'curl' }, { timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).message).toMatch(/^Could not list the pods with app=curl in namespace "default": the API server of context "fake-ctx" .* failed with 503 \(apiserver overloaded\) after 3 attempts/);
    expect(api.requests.filter((r) => r.path === '/api/v1/namespaces/default/pods')).toHaveLength(3);
    port.close();
  });

  it('401 and 403 at discovery mean the credentials were not accepted', async () => {
    api = await startFakeApi((req) => (req.path === '/apis' ? { status: 401, body: '' } : undefined));
    await expect(connectCluster({ kubeconfigYaml: api.kubeconfigYaml() })).rejects.toMatchObject({ reason: 'unauthorized', status: 401 });
    await api.close();
    api = await startFakeApi((req) => (req.path === '/apis' ? status(403, 'Forbidden', 'forbidden: User "system:anonymous" cannot get path "/apis"') : undefined));
    const err = (await connectCluster({ kubeconfigYaml: api.kubeconfigYaml() }).catch((e: unknown) => e)) as ClusterError;
    expect(err).toMatchObject({ reason: 'unauthorized' });
    expect((err as ClusterError).message).toMatch(/context "fake-ctx" .* refused discovery \(403 Forbidden\).*log in again/);
  });

  it('a TLS handshake failure is reported as such', async () => {
    api = await startFakeApi();
    const yaml = api.kubeconfigYaml().replace('http://', 'https://').replace('    insecure-skip-tls-verify: true\n', '');
    const err = (await connectCluster({ kubeconfigYaml: yaml }).catch((e: unknown) => e)) as ClusterError;
    expect(err).toBeInstanceOf(ClusterError);
    expect(err.reason).toBe('tls');
    expect(err.message).toMatch(/^The API server of context "fake-ctx" at https:\/\/127\.0\.0\.1:\d+ presented /);
  });

  it('sends the bearer token and resolves the namespace: -n, else the context\'s, else default', async () => {
    api = await startFakeApi();
    expect((await connectCluster({ kubeconfigYaml: api.kubeconfigYaml({ namespace: 'team-a' }) })).namespace).toBe('team-a');
    expect((await connectCluster({ kubeconfigYaml: api.kubeconfigYaml({ namespace: 'team-a' }), namespace: 'mine' })).namespace).toBe('mine');
    const { port, namespace } = await connectCluster({ kubeconfigYaml: api.kubeconfigYaml(), backend: 'practice' });
    expect(namespace).toBe('default');
    expect(port.identity()).toMatchObject({ backend: 'practice', context: 'fake-ctx', key: 'practice' });
    expect(api.requests.find((r) => r.path === '/apis')?.headers.authorization).toBe('Bearer fake-token-0123456789');
  });
});
