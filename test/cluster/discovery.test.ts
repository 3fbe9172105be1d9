// Discovery: cached answers, asked again when something is missing and the answer is stale
// (the learner installed Istio while the tutorial was running).
import { afterEach, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { Discovery, resourcePath } from '../../src/cluster/kube/discovery.js';
import { KubeRest } from '../../src/cluster/kube/rest.js';
import { startFakeApi, type FakeApi } from './fake-api.js';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('Discovery', () => {
  it('caches, and re-asks for a missing group once the answer is stale', async () => {
    let istio = false;
    api = await startFakeApi((req) =>
      req.path === '/apis'
        ? { status: 200, body: { groups: istio ? [{ name: 'networking.istio.io', versions: [{ version: 'v1alpha3' }, { version: 'v1' }] }] : [] } }
        : undefined,
    );
    const kc = new KubeConfig();
    kc.loadFromString(api.kubeconfigYaml());
    let clock = 0;
    const discovery = new Discovery(new KubeRest(kc, { context: 'fake-ctx', server: api.url }, null), () => clock);
    expect(await discovery.servedVersion('networking.istio.io')).toBeUndefined();
    istio = true;
    expect(await discovery.servedVersion('networking.istio.io')).toBeUndefined(); // fresh answer: cached
    clock = 6000;
    expect(await discovery.servedVersion('networking.istio.io')).toBe('v1');
    const asked = api.requests.filter((r) => r.path === '/apis').length;
    expect(await discovery.servedVersion('networking.istio.io')).toBe('v1');
    expect(api.requests.filter((r) => r.path === '/apis').length).toBe(asked);
  });

  it('resolves kinds to paths, and names what to install when a kind is not served', async () => {
    api = await startFakeApi();
    const kc = new KubeConfig();
    kc.loadFromString(api.kubeconfigYaml());
    const discovery = new Discovery(new KubeRest(kc, { context: 'fake-ctx', server: api.url }, null));
    const gateway = await discovery.resolve('networking.istio.io/v1beta1', 'Gateway');
    expect(resourcePath(gateway, 'default', 'cnn')).toBe('/apis/networking.istio.io/v1/namespaces/default/gateways/cnn');
    const ns = await discovery.resolve('v1', 'Namespace');
    expect(resourcePath(ns, 'ignored', 'default')).toBe('/api/v1/namespaces/default');
    await expect(discovery.resolve('telemetry.istio.io/v1', 'Telemetry')).rejects.toMatchObject({
      reason: 'not-served',
      message: 'The cluster of context "fake-ctx" does not serve Telemetry (telemetry.istio.io): install Istio (istioctl install --set profile=demo) so that its CRDs are served.',
    });
  });
});
