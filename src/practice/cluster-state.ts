// The initial state ("a kind cluster with Istio's demo profile") and what each knob changes,
// applied through the API so admission and controllers treat them like any other object.

import { setIstiodEnv } from './istiod-env.js';
import { dump as dumpYaml, load as loadYaml } from 'js-yaml';
import type { Api } from './api.js';
import { PROXY_IMAGE } from './admission.js';
import { isPlainObject } from './patch.js';
import type { KObject } from './store.js';
import type { PracticeKnobs } from './types.js';
import { ISTIO_NAMESPACE } from './mesh-state.js';

const MANAGER = 'istio-operator';

function res(api: Api, group: string, kind: string) {
  const r = api.registry.byKind(group, kind);
  if (!r) throw new Error(`practice cluster: ${kind} is not registered`);
  return r;
}

function ensure(api: Api, obj: KObject): void {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  const r = res(api, group, obj.kind);
  const namespace = r.namespaced ? obj.metadata.namespace : undefined;
  if (api.store.get(r, namespace, obj.metadata.name)) return;
  api.create({ res: r, version, namespace }, obj, { dryRun: false, fieldManager: MANAGER });
}

function remove(api: Api, group: string, kind: string, namespace: string | undefined, name: string): void {
  const r = res(api, group, kind);
  if (api.store.get(r, namespace, name)) api.store.delete(r, namespace, name);
}

/** The CNI DaemonSets the practice cluster can have: Calico enforces NetworkPolicy, kindnet does not. */
export const CNI_DAEMONSETS = {
  calico: { name: 'calico-node', image: 'docker.io/calico/node:v3.29.1', label: 'calico-node' },
  kindnet: { name: 'kindnet', image: 'docker.io/kindest/kindnetd:v20250214-acbabc1a', label: 'kindnet' },
} as const;

function cniDaemonSet(cni: keyof typeof CNI_DAEMONSETS): KObject {
  const d = CNI_DAEMONSETS[cni];
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: d.name, namespace: 'kube-system', labels: { 'k8s-app': d.label } },
    spec: {
      selector: { matchLabels: { 'k8s-app': d.label } },
      template: { metadata: { labels: { 'k8s-app': d.label } }, spec: { hostNetwork: true, containers: [{ name: d.label, image: d.image }] } },
    },
  };
}

/** Ambient mode's node agents (one node: one pod each), as the ambient profile installs them. */
export const AMBIENT_DAEMONSETS = {
  ztunnel: { name: 'ztunnel', image: 'docker.io/istio/ztunnel:1.27.3-distroless', container: 'istio-proxy', args: ['proxy', 'ztunnel'] },
  cni: { name: 'istio-cni-node', image: 'docker.io/istio/install-cni:1.27.3-distroless', container: 'install-cni', args: ['--log_output_level=info'] },
} as const;
export const ZTUNNEL_POD = 'ztunnel-7xk2p';
const CNI_POD = 'istio-cni-node-q8m4d';

function ambientDaemonSet(which: keyof typeof AMBIENT_DAEMONSETS): KObject {
  const d = AMBIENT_DAEMONSETS[which];
  const labels = { 'k8s-app': d.name, app: d.name, 'app.kubernetes.io/name': d.name, 'istio.io/rev': 'default', 'sidecar.istio.io/inject': 'false' };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: d.name, namespace: ISTIO_NAMESPACE, labels: { app: d.name, 'app.kubernetes.io/name': d.name, 'istio.io/rev': 'default' } },
    spec: {
      selector: { matchLabels: { 'k8s-app': d.name } },
      template: { metadata: { labels }, spec: { serviceAccountName: d.name, containers: [{ name: d.container, image: d.image, args: [...d.args] }] } },
    },
  };
}

/** The DaemonSet's one pod (the practice cluster has one node and no DaemonSet controller). */
function ambientPod(api: Api, which: keyof typeof AMBIENT_DAEMONSETS, podName: string): KObject {
  const ds = api.store.get(res(api, 'apps', 'DaemonSet'), ISTIO_NAMESPACE, AMBIENT_DAEMONSETS[which].name);
  const template = ((ds?.spec as Record<string, unknown> | undefined)?.template ?? {}) as { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podName,
      namespace: ISTIO_NAMESPACE,
      labels: { ...template.metadata.labels, 'controller-revision-hash': '6d5b8c7f4' },
      ...(ds ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: ds.metadata.name, uid: ds.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: { ...template.spec, nodeName: 'egress-tutorial-control-plane' },
  };
}

function namespace(name: string, labels: Record<string, string> = {}): KObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

function gatewayDeployment(name: string, istioLabel: string, serviceAccount: string): KObject {
  const labels = { app: name, istio: istioLabel, 'istio.io/rev': 'default', 'install.operator.istio.io/owning-resource': 'unknown', 'operator.istio.io/component': istioLabel === 'egressgateway' ? 'EgressGateways' : 'IngressGateways' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ISTIO_NAMESPACE, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name, istio: istioLabel } },
      template: {
        metadata: {
          labels: { ...labels, 'sidecar.istio.io/inject': 'false', 'service.istio.io/canonical-name': name, 'service.istio.io/canonical-revision': 'latest' },
          annotations: { 'prometheus.io/path': '/stats/prometheus', 'prometheus.io/port': '15020', 'prometheus.io/scrape': 'true', 'istio.io/rev': 'default' },
        },
        spec: {
          serviceAccountName: serviceAccount,
          containers: [
            {
              name: 'istio-proxy',
              image: PROXY_IMAGE,
              args: ['proxy', 'router', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning', '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info'],
              ports: [
                { containerPort: 8080, protocol: 'TCP' },
                { containerPort: 8443, protocol: 'TCP' },
                { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' },
              ],
              readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, periodSeconds: 2, timeoutSeconds: 1, failureThreshold: 30, successThreshold: 1 },
            },
          ],
        },
      },
    },
  };
}

function service(name: string, labels: Record<string, string>, selector: Record<string, string>, ports: { name: string; port: number; targetPort: number }[], type = 'ClusterIP'): KObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ISTIO_NAMESPACE, labels }, spec: { type, selector, ports: ports.map((p) => ({ ...p, protocol: 'TCP' })) } };
}

function serviceAccount(name: string): KObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ISTIO_NAMESPACE } };
}

export function meshConfigYaml(knobs: PracticeKnobs, previous?: string): string {
  let doc: Record<string, unknown> = {
    defaultConfig: { discoveryAddress: 'istiod.istio-system.svc:15012' },
    defaultProviders: { metrics: ['prometheus'] },
    enablePrometheusMerge: true,
    rootNamespace: ISTIO_NAMESPACE,
    trustDomain: 'cluster.local',
  };
  if (previous !== undefined) {
    try {
      const parsed = loadYaml(previous);
      if (isPlainObject(parsed)) doc = parsed;
    } catch {
      // a broken mesh config is replaced, as a reinstall would
    }
  }
  if (knobs.accessLog) doc.accessLogFile = '/dev/stdout';
  else delete doc.accessLogFile;
  // A reinstall without the setting resets it, as istioctl's would.
  if (knobs.privateRoutes) doc.defaultVirtualServiceExportTo = ['.'];
  else delete doc.defaultVirtualServiceExportTo;
  doc.outboundTrafficPolicy = { ...(isPlainObject(doc.outboundTrafficPolicy) ? doc.outboundTrafficPolicy : {}), mode: knobs.outboundPolicy };
  const sorted = Object.fromEntries(Object.entries(doc).sort(([a], [b]) => a.localeCompare(b)));
  return dumpYaml(sorted, { lineWidth: 120 });
}

export function seedCluster(api: Api, knobs: PracticeKnobs): void {
  ensure(api, namespace('default', knobs.injection ? { 'istio-injection': 'enabled' } : {}));
  ensure(api, namespace('kube-system'));
  ensure(api, namespace('kube-public'));
  ensure(api, namespace('kube-node-lease'));
  ensure(api, namespace(ISTIO_NAMESPACE));
  ensure(api, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] } });
  ensure(api, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: ISTIO_NAMESPACE, labels: { 'install.operator.istio.io/owning-resource': 'unknown', 'istio.io/rev': 'default', 'operator.istio.io/component': 'Pilot', release: 'istio' } }, data: { mesh: meshConfigYaml(knobs), meshNetworks: 'networks: {}' } });
  ensure(api, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio-ca-root-cert', namespace: ISTIO_NAMESPACE, labels: { 'istio.io/config': 'true' } }, data: { 'root-cert.pem': '-----BEGIN CERTIFICATE-----\n(practice cluster: no certificate)\n-----END CERTIFICATE-----\n' } });
  ensure(api, serviceAccount('istiod'));
  ensure(api, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'istiod', namespace: ISTIO_NAMESPACE, labels: { app: 'istiod', istio: 'pilot', 'istio.io/rev': 'default', release: 'istio' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { istio: 'pilot' } },
      template: {
        metadata: { labels: { app: 'istiod', istio: 'pilot', 'istio.io/rev': 'default', 'sidecar.istio.io/inject': 'false' } },
        spec: {
          serviceAccountName: 'istiod',
          containers: [{ name: 'discovery', image: 'docker.io/istio/pilot:1.27.3', args: ['discovery', '--monitoringAddr=:15014', '--log_output_level=default:info', '--domain', 'cluster.local', '--keepaliveMaxServerConnectionAge', '30m'], ports: [{ containerPort: 8080, protocol: 'TCP' }, { containerPort: 15010, protocol: 'TCP' }, { containerPort: 15017, protocol: 'TCP' }] }],
        },
      },
    },
  });
  ensure(api, service('istiod', { app: 'istiod', istio: 'pilot', 'istio.io/rev': 'default' }, { app: 'istiod', istio: 'pilot' }, [
    { name: 'grpc-xds', port: 15010, targetPort: 15010 },
    { name: 'https-dns', port: 15012, targetPort: 15012 },
    { name: 'https-webhook', port: 443, targetPort: 15017 },
    { name: 'http-monitoring', port: 15014, targetPort: 15014 },
  ]));
  ensure(api, serviceAccount('istio-ingressgateway-service-account'));
  ensure(api, gatewayDeployment('istio-ingressgateway', 'ingressgateway', 'istio-ingressgateway-service-account'));
  ensure(api, service('istio-ingressgateway', { app: 'istio-ingressgateway', istio: 'ingressgateway' }, { app: 'istio-ingressgateway', istio: 'ingressgateway' }, [
    { name: 'status-port', port: 15021, targetPort: 15021 },
    { name: 'http2', port: 80, targetPort: 8080 },
    { name: 'https', port: 443, targetPort: 8443 },
  ], 'LoadBalancer'));
  applyKnobs(api, knobs);
}

/** Brings the cluster to what the knobs describe, as `istioctl install` with those flags would. */
export function applyKnobs(api: Api, knobs: PracticeKnobs): void {
  if (knobs.egressGateway) {
    ensure(api, serviceAccount('istio-egressgateway-service-account'));
    ensure(api, gatewayDeployment('istio-egressgateway', 'egressgateway', 'istio-egressgateway-service-account'));
    ensure(api, service('istio-egressgateway', { app: 'istio-egressgateway', istio: 'egressgateway' }, { app: 'istio-egressgateway', istio: 'egressgateway' }, [
      { name: 'http2', port: 80, targetPort: 8080 },
      { name: 'https', port: 443, targetPort: 8443 },
    ]));
  } else {
    remove(api, 'apps', 'Deployment', ISTIO_NAMESPACE, 'istio-egressgateway');
    remove(api, '', 'Service', ISTIO_NAMESPACE, 'istio-egressgateway');
    remove(api, '', 'ServiceAccount', ISTIO_NAMESPACE, 'istio-egressgateway-service-account');
  }
  const cmRes = res(api, '', 'ConfigMap');
  const cm = api.store.get(cmRes, ISTIO_NAMESPACE, 'istio');
  if (cm) {
    const data = { ...((cm.data as Record<string, string>) ?? {}) };
    const mesh = meshConfigYaml(knobs, data.mesh);
    if (mesh !== data.mesh) api.store.update(cmRes, { ...cm, data: { ...data, mesh } });
  }
  // The CNI: which DaemonSet runs in kube-system tells whether NetworkPolicy is enforced.
  const cni = knobs.cni ?? 'calico';
  for (const name of Object.keys(CNI_DAEMONSETS) as (keyof typeof CNI_DAEMONSETS)[]) if (name !== cni) remove(api, 'apps', 'DaemonSet', 'kube-system', CNI_DAEMONSETS[name].name);
  ensure(api, cniDaemonSet(cni));
  applyAmbient(api, knobs.ambient === true);
  const nsRes = res(api, '', 'Namespace');
  const ns = api.store.get(nsRes, undefined, 'default');
  if (ns) {
    const labels = { ...(ns.metadata.labels ?? {}) };
    const had = labels['istio-injection'] === 'enabled';
    if (knobs.injection && !had) labels['istio-injection'] = 'enabled';
    if (!knobs.injection && had) delete labels['istio-injection'];
    if (had !== knobs.injection) api.store.update(nsRes, { ...ns, metadata: { ...ns.metadata, labels } });
  }
}

/** The ambient profile: ztunnel and istio-cni-node with their pods, istiod told to serve ambient. */
function applyAmbient(api: Api, on: boolean): void {
  if (on) {
    for (const [which, pod] of [['ztunnel', ZTUNNEL_POD], ['cni', CNI_POD]] as const) {
      ensure(api, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: AMBIENT_DAEMONSETS[which].name, namespace: ISTIO_NAMESPACE } });
      ensure(api, ambientDaemonSet(which));
      ensure(api, ambientPod(api, which, pod));
    }
  } else {
    remove(api, '', 'Pod', ISTIO_NAMESPACE, ZTUNNEL_POD);
    remove(api, '', 'Pod', ISTIO_NAMESPACE, CNI_POD);
    for (const d of Object.values(AMBIENT_DAEMONSETS)) {
      remove(api, 'apps', 'DaemonSet', ISTIO_NAMESPACE, d.name);
      remove(api, '', 'ServiceAccount', ISTIO_NAMESPACE, d.name);
    }
  }
  setIstiodEnv(api, 'PILOT_ENABLE_AMBIENT', on ? 'true' : undefined);
}
