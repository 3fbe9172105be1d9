// Mutating admission: defaults kube-apiserver fills in, cluster IPs, and Istio's sidecar injector.

import type { ResourceInfo } from './resources.js';
import type { KObject, Store } from './store.js';
import { isPlainObject } from './patch.js';

export const PROXY_IMAGE = 'docker.io/istio/proxyv2:1.27.3';
export const ISTIO_REVISION = 'default';

type Container = Record<string, unknown> & { name?: string; image?: string };

function defaultContainers(list: unknown): void {
  if (!Array.isArray(list)) return;
  for (const c of list as Container[]) {
    if (!isPlainObject(c)) continue;
    c.imagePullPolicy ??= typeof c.image === 'string' && (c.image.endsWith(':latest') || !/:[^/]+$/.test(c.image)) ? 'Always' : 'IfNotPresent';
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    c.resources ??= {};
  }
}

export function defaultPodSpec(spec: Record<string, unknown>): void {
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.serviceAccountName ??= (spec.serviceAccount as string | undefined) ?? 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  defaultContainers(spec.containers);
  defaultContainers(spec.initContainers);
}

export function injectionEnabled(ns: KObject | undefined, pod: KObject): boolean {
  const nsLabels = ns?.metadata.labels ?? {};
  const enabledNs = nsLabels['istio-injection'] === 'enabled' || (nsLabels['istio.io/rev'] !== undefined && nsLabels['istio-injection'] !== 'disabled');
  const podLabel = pod.metadata.labels?.['sidecar.istio.io/inject'];
  const podAnno = pod.metadata.annotations?.['sidecar.istio.io/inject'];
  if (podLabel === 'false' || podAnno === 'false') return false;
  if (podLabel === 'true' && ns?.metadata.labels?.['istio-injection'] !== 'disabled') return true;
  return enabledNs;
}

/** What Istio's injector adds: istio-init, istio-proxy, volumes, labels and the status annotation. */
export function injectSidecar(pod: KObject): void {
  const spec = pod.spec as Record<string, unknown>;
  const containers = (spec.containers as Container[]) ?? [];
  if (containers.some((c) => c.name === 'istio-proxy')) return;
  const app = pod.metadata.labels?.app ?? pod.metadata.labels?.['app.kubernetes.io/name'] ?? pod.metadata.name;
  containers.push({
    name: 'istio-proxy',
    image: PROXY_IMAGE,
    args: ['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning', '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info'],
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 4, successThreshold: 1 },
    resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } },
    securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsGroup: 1337, runAsNonRoot: true, runAsUser: 1337 },
    volumeMounts: [
      { mountPath: '/var/run/secrets/workload-spiffe-uds', name: 'workload-socket' },
      { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
      { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
    ],
  });
  spec.containers = containers;
  const inits = (spec.initContainers as Container[]) ?? [];
  inits.push({
    name: 'istio-init',
    image: PROXY_IMAGE,
    args: ['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15021,15020', '--log_output_level=default:info'],
    resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } },
    securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: false, runAsGroup: 0, runAsNonRoot: false, runAsUser: 0 },
  });
  spec.initContainers = inits;
  const volumes = (spec.volumes as unknown[]) ?? [];
  volumes.push({ name: 'workload-socket', emptyDir: {} }, { name: 'istio-envoy', emptyDir: { medium: 'Memory' } }, { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert', defaultMode: 420 } });
  spec.volumes = volumes;
  pod.metadata.labels = {
    ...pod.metadata.labels,
    'security.istio.io/tlsMode': 'istio',
    'service.istio.io/canonical-name': app,
    'service.istio.io/canonical-revision': pod.metadata.labels?.version ?? 'latest',
  };
  pod.metadata.annotations = {
    ...pod.metadata.annotations,
    'istio.io/rev': ISTIO_REVISION,
    'kubectl.kubernetes.io/default-container': containers[0]?.name ?? 'istio-proxy',
    'kubectl.kubernetes.io/default-logs-container': containers[0]?.name ?? 'istio-proxy',
    'prometheus.io/path': '/stats/prometheus',
    'prometheus.io/port': '15020',
    'prometheus.io/scrape': 'true',
    'sidecar.istio.io/status': JSON.stringify({
      initContainers: ['istio-init'],
      containers: ['istio-proxy'],
      volumes: ['workload-socket', 'istio-envoy', 'istiod-ca-cert'],
      imagePullSecrets: null,
      revision: ISTIO_REVISION,
    }),
  };
}

export class Admission {
  private nextServiceIp = 10;

  constructor(private readonly store: Store) {}

  admit = (res: ResourceInfo, obj: KObject, old: KObject | undefined): void => {
    if (res.group === '' && res.plural === 'namespaces') {
      obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name };
      obj.spec = { finalizers: ['kubernetes'], ...(obj.spec as object) };
      obj.status = { phase: 'Active', ...(old?.status as object) };
    } else if (res.group === '' && res.plural === 'pods') {
      if (!isPlainObject(obj.spec)) obj.spec = { containers: [] };
      if (old) {
        obj.status = old.status;
        return;
      }
      const ns = this.store.get({ group: '', plural: 'namespaces' }, undefined, obj.metadata.namespace ?? 'default');
      if (injectionEnabled(ns, obj)) injectSidecar(obj);
      defaultPodSpec(obj.spec as Record<string, unknown>);
      obj.status = { phase: 'Pending', qosClass: 'BestEffort' };
    } else if (res.group === '' && res.plural === 'services') {
      const spec = (isPlainObject(obj.spec) ? obj.spec : {}) as Record<string, unknown>;
      obj.spec = spec;
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      const oldIp = (old?.spec as Record<string, unknown> | undefined)?.clusterIP;
      if (spec.clusterIP === undefined) spec.clusterIP = oldIp ?? this.allocateServiceIp();
      spec.clusterIPs ??= spec.clusterIP === 'None' ? ['None'] : [spec.clusterIP];
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
      spec.internalTrafficPolicy ??= 'Cluster';
      if (Array.isArray(spec.ports)) {
        for (const p of spec.ports as Record<string, unknown>[]) {
          p.protocol ??= 'TCP';
          p.targetPort ??= p.port;
        }
      }
      obj.status ??= old?.status ?? { loadBalancer: {} };
    } else if (res.group === 'apps' && (res.plural === 'deployments' || res.plural === 'replicasets')) {
      const spec = (isPlainObject(obj.spec) ? obj.spec : {}) as Record<string, unknown>;
      obj.spec = spec;
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      if (res.plural === 'deployments') {
        spec.progressDeadlineSeconds ??= 600;
        spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
      }
      const template = spec.template as Record<string, unknown> | undefined;
      if (template && isPlainObject(template.spec)) defaultPodSpec(template.spec as Record<string, unknown>);
      if (old) obj.status = old.status;
      else obj.status ??= {};
    } else if (res.group === '' && res.plural === 'serviceaccounts') {
      // nothing to default
    }
  };

  private readonly usedIps = new Set<string>();

  allocateServiceIp(): string {
    for (;;) {
      const n = this.nextServiceIp++;
      const ip = `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
      if (!this.usedIps.has(ip)) return ip;
    }
  }

  /** After a restore: never hand out an IP a stored service already has. */
  skipUsedServiceIps(services: KObject[]): void {
    for (const s of services) {
      const ip = (s.spec as Record<string, unknown> | undefined)?.clusterIP;
      if (typeof ip === 'string') this.usedIps.add(ip);
    }
  }
}
