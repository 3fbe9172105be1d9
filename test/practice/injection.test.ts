// Istio's injector as the practice cluster's admission runs it: which pods it selects, and what
// the sidecar and gateway templates make of a pod that already has an istio-proxy container.
import { describe, expect, it } from 'vitest';
import { inject, injectionEnabled, injectionTemplates, PROXY_IMAGE, proxyMode } from '../../src/practice/injection.js';
import type { KObject } from '../../src/practice/store.js';

const ns = (labels: Record<string, string> = {}): KObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'learner-01', labels } });
const gatewayPod = (extra: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'egressgateway-7d9c8b6f5d-x2x9k',
    namespace: 'learner-01',
    labels: { app: 'egressgateway', istio: 'egressgateway-learner-01', 'sidecar.istio.io/inject': 'true', 'pod-template-hash': '7d9c8b6f5d' },
    annotations: { 'inject.istio.io/templates': 'gateway' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'egressgateway-7d9c8b6f5d', uid: 'u', controller: true }],
  },
  spec: { serviceAccountName: 'egressgateway', containers: [{ name: 'istio-proxy', image: 'auto', ...extra }] },
});
type C = { name: string; image?: string; args?: string[]; ports?: { containerPort: number }[]; env?: { name: string; value?: string }[]; resources?: unknown };
const containers = (pod: KObject): C[] => (pod.spec as { containers: C[] }).containers;

describe('which pods the injector selects', () => {
  it('the pod label selects it anywhere but a namespace with injection disabled; false opts out', () => {
    expect(injectionEnabled(ns(), gatewayPod())).toBe(true);
    expect(injectionEnabled(ns({ 'istio-injection': 'disabled' }), gatewayPod())).toBe(false);
    const plain = gatewayPod();
    delete plain.metadata.labels!['sidecar.istio.io/inject'];
    expect(injectionEnabled(ns(), plain)).toBe(false);
    expect(injectionEnabled(ns({ 'istio-injection': 'enabled' }), plain)).toBe(true);
    expect(injectionEnabled(ns({ 'istio.io/rev': 'default' }), plain)).toBe(true);
    const optOut = { ...plain, metadata: { ...plain.metadata, labels: { ...plain.metadata.labels, 'sidecar.istio.io/inject': 'false' } } };
    expect(injectionEnabled(ns({ 'istio-injection': 'enabled' }), optOut)).toBe(false);
  });

  it('templates come from inject.istio.io/templates, comma-separated, else sidecar', () => {
    expect(injectionTemplates(gatewayPod())).toEqual(['gateway']);
    const p = gatewayPod();
    p.metadata.annotations = { 'inject.istio.io/templates': ' gateway , spire' };
    expect(injectionTemplates(p)).toEqual(['gateway', 'spire']);
    delete p.metadata.annotations;
    expect(injectionTemplates(p)).toEqual(['sidecar']);
  });
});

describe('the gateway template', () => {
  it('fills in the proxy: image, router mode, no init container, unprivileged ports, status annotation', () => {
    const pod = gatewayPod();
    inject(pod);
    const [proxy] = containers(pod);
    expect(containers(pod)).toHaveLength(1);
    expect(proxy.image).toBe(PROXY_IMAGE);
    expect(proxy.args?.slice(0, 2)).toEqual(['proxy', 'router']);
    expect(proxyMode(pod)).toBe('router');
    const spec = pod.spec as Record<string, unknown>;
    expect(spec.initContainers).toBeUndefined();
    expect(spec.securityContext).toEqual({ sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] });
    expect(proxy.env).toContainEqual({ name: 'ISTIO_META_WORKLOAD_NAME', value: 'egressgateway' });
    expect(proxy.env).toContainEqual({ name: 'ISTIO_META_OWNER', value: 'kubernetes://apis/apps/v1/namespaces/learner-01/deployments/egressgateway' });
    const status = JSON.parse(pod.metadata.annotations!['sidecar.istio.io/status']);
    expect(status).toEqual({ initContainers: null, containers: ['istio-proxy'], volumes: expect.arrayContaining(['istio-envoy', 'istio-token', 'istiod-ca-cert']), imagePullSecrets: null, revision: 'default' });
    expect(pod.metadata.labels).toMatchObject({ 'service.istio.io/canonical-name': 'egressgateway', 'service.istio.io/canonical-revision': 'latest' });
    expect(pod.metadata.labels!['security.istio.io/tlsMode']).toBeUndefined();
    // Only istio-proxy: no default-container annotations.
    expect(pod.metadata.annotations!['kubectl.kubernetes.io/default-container']).toBeUndefined();
  });

  it("the pod's own container fields win over the template's (ports, env, resources); a real image is kept", () => {
    const pod = gatewayPod({ image: 'registry.example/proxyv2:custom', ports: [{ containerPort: 8080 }], env: [{ name: 'ISTIO_META_CLUSTER_ID', value: 'east' }], resources: { limits: { cpu: '1' } } });
    inject(pod);
    const [proxy] = containers(pod);
    expect(proxy.image).toBe('registry.example/proxyv2:custom');
    expect(proxy.ports?.map((p) => p.containerPort)).toEqual([15090, 8080]);
    expect(proxy.env?.filter((e) => e.name === 'ISTIO_META_CLUSTER_ID')).toEqual([{ name: 'ISTIO_META_CLUSTER_ID', value: 'east' }]);
    expect(proxy.resources).toEqual({ limits: { cpu: '1' } });
  });

  it('runs once: a pod that carries the status annotation is left alone', () => {
    const pod = gatewayPod();
    inject(pod);
    const once = JSON.stringify(pod);
    inject(pod);
    expect(JSON.stringify(pod)).toBe(once);
  });
});

describe('the sidecar template', () => {
  it("merges a pod's own istio-proxy container (image auto) instead of adding a second one", () => {
    const pod = gatewayPod();
    delete pod.metadata.annotations;
    (pod.spec as { containers: C[] }).containers.unshift({ name: 'app', image: 'docker.io/curlimages/curl:8.16.0' });
    inject(pod);
    expect(containers(pod).map((c) => `${c.name}=${c.image}`)).toEqual(['app=docker.io/curlimages/curl:8.16.0', `istio-proxy=${PROXY_IMAGE}`]);
    expect(proxyMode(pod)).toBe('sidecar');
    expect(((pod.spec as { initContainers: C[] }).initContainers).map((c) => c.name)).toEqual(['istio-init']);
    expect(pod.metadata.annotations!['kubectl.kubernetes.io/default-container']).toBe('app');
  });
});
