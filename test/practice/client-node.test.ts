// The kube backend's path: real @kubernetes/client-node 1.4 against the practice cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { AppsV1Api, CoreV1Api, Exec, KubeConfig, KubernetesObjectApi, Log, PatchStrategy, Watch, type KubernetesObject, type V1Status } from '@kubernetes/client-node';
import { start, waitFor } from './helpers.js';
import type { PracticeCluster } from '../../src/practice/types.js';

let cluster: PracticeCluster;
let kc: KubeConfig;
beforeAll(async () => {
  cluster = await start();
  kc = new KubeConfig();
  kc.loadFromString(cluster.kubeconfig());
});
afterAll(async () => {
  await cluster.stop();
});

const FM = 'egress-tutorial';

describe('client-node against the practice cluster', () => {
  it('accepts the kubeconfig as is and lists namespaces', async () => {
    expect(kc.getCurrentContext()).toBe('egress-tutorial-practice');
    const core = kc.makeApiClient(CoreV1Api);
    const ns = await core.listNamespace();
    expect(ns.items.map((n) => n.metadata?.name)).toEqual(expect.arrayContaining(['default', 'istio-system']));
  });

  it('server-side applies Istio kinds in any served version and built-in kinds, then reads, lists and deletes them', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const se: KubernetesObject & { spec: unknown } = { apiVersion: 'networking.istio.io/v1alpha3', kind: 'ServiceEntry', metadata: { name: 'cnn', namespace: 'default' }, spec: { hosts: ['httpbin.org'], ports: [{ number: 80, name: 'http-port', protocol: 'HTTP' }], resolution: 'DNS' } };
    const applied = await objects.patch(structuredClone(se), undefined, undefined, FM, true, PatchStrategy.ServerSideApply);
    expect(applied.metadata?.managedFields?.[0]?.manager).toBe(FM);
    const read = await objects.read({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'cnn', namespace: 'default' } });
    expect(read.apiVersion).toBe('networking.istio.io/v1');
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: 'default' }, data: { a: 'b' } };
    await objects.patch(structuredClone(cm), undefined, undefined, FM, true, PatchStrategy.ServerSideApply);
    const list = await objects.list('networking.istio.io/v1beta1', 'ServiceEntry', 'default');
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['cnn']);
    await objects.delete({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'cnn', namespace: 'default' } });
    await expect(objects.read({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'cnn', namespace: 'default' } })).rejects.toMatchObject({ code: 404 });
    const invalid = objects.patch({ ...structuredClone(se), spec: { hosts: 'httpbin.org' } }, undefined, undefined, FM, true, PatchStrategy.ServerSideApply);
    await expect(invalid).rejects.toMatchObject({ code: 422 });
  });

  it('answers 404 for a group/version that is not served', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kc);
    await expect(objects.read({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'x', namespace: 'default' } })).rejects.toMatchObject({ code: 404 });
  });

  it('runs a deployment to a Ready pod, execs in it, follows its logs, and watches', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    const events: string[] = [];
    const watch = await new Watch(kc).watch('/api/v1/namespaces/default/pods', { labelSelector: 'app=web' }, (type, obj: { metadata: { name: string } }) => events.push(`${type} ${obj.metadata.name}`), () => undefined);
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: { metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'curl', image: 'curlimages/curl' }] } } } },
    });
    const pod = await waitFor('web pod Ready', async () => {
      const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' });
      return pods.items.find((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    });
    expect(pod.spec?.containers.map((c) => c.name)).toEqual(['curl', 'istio-proxy']);
    expect(events[0]).toMatch(/^ADDED web-/);
    watch.abort();

    const logOut = new PassThrough();
    let logged = '';
    logOut.on('data', (c: Buffer) => (logged += c.toString('utf8')));
    const logAbort = await new Log(kc).log('default', pod.metadata?.name ?? '', 'istio-proxy', logOut, { follow: true, tailLines: 1 });

    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const status = await new Promise<V1Status>((resolve, reject) => {
      new Exec(kc).exec('default', pod.metadata?.name ?? '', 'curl', ['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', 'http://httpbin.org/get'], stdout, stderr, null, false, resolve).catch(reject);
    });
    expect(status.status).toBe('Success');
    await waitFor('exec stdout', () => (out === '200' ? true : undefined));
    await waitFor('followed access-log line', () => (logged.includes('"GET /get HTTP/1.1" 200') ? true : undefined));
    expect(logged.split('\n')[0]).toContain('Envoy proxy is ready');
    logAbort.abort();

    const failed = await new Promise<V1Status>((resolve, reject) => {
      new Exec(kc).exec('default', pod.metadata?.name ?? '', 'curl', ['sh', '-c', 'exit 7'], new PassThrough(), new PassThrough(), null, false, resolve).catch(reject);
    });
    expect(failed).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '7' }] } });
    await apps.deleteNamespacedDeployment({ namespace: 'default', name: 'web' });
    await waitFor('web pods gone', async () => ((await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' })).items.length === 0 ? true : undefined));
  });
});
