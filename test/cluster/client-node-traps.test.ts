// The client-node 1.4 traps the engineering notes name, shown against a recording API server:
// what client-node itself does, and that our port does not fall into it.
import { afterEach, describe, expect, it } from 'vitest';
import { KubeConfig, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { connectCluster } from '../../src/cluster/index.js';
import type { KubeObject } from '../../src/lesson/model.js';
import { startFakeApi, status, type Answer, type FakeApi, type Recorded } from './fake-api.js';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** A Deployment with a field client-node 1.4's V1PodSpec model does not know. */
function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'curl' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'curl' } },
      template: {
        metadata: { labels: { app: 'curl' } },
        spec: { futureFieldNotInTheModel: 'keep-me', containers: [{ name: 'curl', image: 'curlimages/curl', command: ['sleep', 'infinity'] }] },
      },
    },
  };
}

/** Echo server-side apply: store what was sent, answer it back with a resourceVersion. */
function echoApply(req: Recorded): Answer | undefined {
  if (!req.path.startsWith('/apis/apps/v1/namespaces/default/deployments/')) return undefined;
  if (req.method === 'GET') return status(404, 'NotFound', 'deployments.apps "curl" not found', { name: 'curl', kind: 'deployments' });
  if (req.method === 'PATCH') {
    const sent = JSON.parse(req.body) as Record<string, Record<string, unknown>>;
    return { status: 201, body: { ...sent, metadata: { ...sent.metadata, resourceVersion: '1', uid: 'u' } } };
  }
  return undefined;
}

function patches(): Recorded[] {
  return api!.requests.filter((r) => r.method === 'PATCH');
}

describe('KubernetesObjectApi and built-in kinds', () => {
  it('client-node drops unknown fields of built-in kinds and mutates its input (the trap)', async () => {
    api = await startFakeApi(echoApply);
    const kc = new KubeConfig();
    kc.loadFromString(api.kubeconfigYaml());
    const client = KubernetesObjectApi.makeApiClient(kc);
    const input = deployment();
    await client.patch(input, undefined, undefined, 'egress-tutorial', undefined, PatchStrategy.ServerSideApply);
    const sent = patches()[0];
    expect(sent.headers['content-type']).toBe('application/apply-patch+yaml');
    expect(sent.body).not.toContain('futureFieldNotInTheModel');
    expect(input.metadata.namespace).toBe('default'); // filled into the caller's object
  });

  it('our apply sends the object intact, as server-side apply with the field manager, and leaves the input alone', async () => {
    api = await startFakeApi(echoApply);
    const { port } = await connectCluster({ kubeconfigYaml: api.kubeconfigYaml() });
    const input = deployment();
    const before = JSON.stringify(input);
    const [outcome] = await port.apply([input], { lesson: '02-setup', step: 'client', namespace: 'default' });
    expect(outcome).toMatchObject({ result: 'created', ref: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'curl', namespace: 'default' } });
    expect(JSON.stringify(input)).toBe(before);
    const sent = patches()[0];
    expect(sent.path).toBe('/apis/apps/v1/namespaces/default/deployments/curl');
    expect(sent.headers['content-type']).toBe('application/apply-patch+yaml');
    expect(sent.query.get('fieldManager')).toBe('egress-tutorial');
    expect(sent.query.get('force')).toBeNull();
    const body = JSON.parse(sent.body);
    expect(body.spec.template.spec.futureFieldNotInTheModel).toBe('keep-me');
    expect(body.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'egress-tutorial',
      'egress-tutorial.dev/lesson': '02-setup',
      'egress-tutorial.dev/step': 'client',
    });
    port.close();
  });

  it('dry-run asks the server with dryRun=All and returns its answer as YAML', async () => {
    api = await startFakeApi(echoApply);
    const { port } = await connectCluster({ kubeconfigYaml: api.kubeconfigYaml() });
    const [outcome] = await port.apply([deployment()], { lesson: 'l', step: 's', namespace: 'default', dryRun: true });
    expect(patches()[0].query.get('dryRun')).toBe('All');
    expect(outcome.serverYaml).toMatch(/^apiVersion: apps\/v1\nkind: Deployment\n/);
    expect(outcome.serverYaml).toContain('futureFieldNotInTheModel: keep-me');
    expect(outcome.serverYaml).toContain("resourceVersion: '1'");
    port.close();
  });
});
