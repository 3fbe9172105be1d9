// Istio's injector (the sidecar-injector webhook of istiod) as admission runs it on a new pod:
// which pods it selects, and the `sidecar` and `gateway` templates. A container the pod already
// names `istio-proxy` overlays the template's (strategic merge), and its `image: auto` means
// "the injector's image", as in pkg/kube/inject. The gateway template (inject.istio.io/templates:
// gateway) makes a router-mode proxy with no init container and no traffic capture.

import type { KObject } from './store.js';
import { clone, isPlainObject } from './patch.js';
import { strategicMerge } from './strategic-merge.js';

export const PROXY_IMAGE = 'docker.io/istio/proxyv2:1.27.3';
export const ISTIO_REVISION = 'default';
/** The image name the injector replaces with its own (pkg/kube/inject AutoImage). */
export const AUTO_IMAGE = 'auto';

type Container = Record<string, unknown> & { name?: string; image?: string; args?: unknown };

const PROXY_ARGS = ['--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning', '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info'];
const READINESS = { httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 4, successThreshold: 1 };
const RESOURCES = { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } };

/** Whether the injector selects the pod: the pod's `sidecar.istio.io/inject` label (or annotation), else its namespace's labels. */
export function injectionEnabled(ns: KObject | undefined, pod: KObject): boolean {
  const nsLabels = ns?.metadata.labels ?? {};
  const enabledNs = nsLabels['istio-injection'] === 'enabled' || (nsLabels['istio.io/rev'] !== undefined && nsLabels['istio-injection'] !== 'disabled');
  const podLabel = pod.metadata.labels?.['sidecar.istio.io/inject'];
  const podAnno = pod.metadata.annotations?.['sidecar.istio.io/inject'];
  if (podLabel === 'false' || (podLabel === undefined && podAnno === 'false')) return false;
  // The label selects the pod even where the namespace does not (the webhook's objectSelector).
  if (podLabel === 'true' && nsLabels['istio-injection'] !== 'disabled') return true;
  return enabledNs;
}

/** The templates the pod asks for (`inject.istio.io/templates`, comma-separated), else `sidecar`. */
export function injectionTemplates(pod: KObject): string[] {
  const raw = pod.metadata.annotations?.['inject.istio.io/templates'];
  if (raw === undefined) return ['sidecar'];
  return raw.split(',').map((t) => t.trim()).filter(Boolean);
}

/** Runs the injector's templates on a pod it selects. */
export function inject(pod: KObject): void {
  if (pod.metadata.annotations?.['sidecar.istio.io/status'] !== undefined) return; // injected already
  const templates = injectionTemplates(pod);
  if (templates.includes('gateway')) injectGateway(pod);
  else if (templates.includes('sidecar')) injectSidecar(pod);
}

/** pilot-agent's mode from the istio-proxy container's `proxy <mode>`: router for gateways. */
export function proxyMode(pod: KObject): 'router' | 'sidecar' | undefined {
  const spec = (pod.spec ?? {}) as Record<string, unknown>;
  const containers = (spec.containers as Container[] | undefined) ?? [];
  const inits = ((spec.initContainers as (Container & { restartPolicy?: string })[] | undefined) ?? []).filter((c) => c.restartPolicy === 'Always');
  const proxy = [...containers, ...inits].find((c) => isPlainObject(c) && c.name === 'istio-proxy');
  if (!proxy) return undefined;
  const args = Array.isArray(proxy.args) ? proxy.args : [];
  // ztunnel's DaemonSet names its container istio-proxy too; it is a node proxy, not the pod's.
  if (args[0] === 'proxy' && args[1] === 'ztunnel') return undefined;
  // A waypoint (`proxy waypoint`) captures nothing either: ztunnel sends it traffic over HBONE.
  if (args[0] === 'proxy' && args[1] === 'waypoint') return undefined;
  return args[0] === 'proxy' && args[1] === 'router' ? 'router' : 'sidecar';
}

/** The template's container with the pod's own `istio-proxy` laid over it (its `image: auto` dropped). */
function withPodOverrides(spec: Record<string, unknown>, template: Container): { containers: Container[]; proxy: Container } {
  const containers = ((spec.containers as Container[] | undefined) ?? []).filter(isPlainObject) as Container[];
  const i = containers.findIndex((c) => c.name === 'istio-proxy');
  let proxy = template;
  if (i >= 0) {
    const overlay = clone(containers[i]);
    if (overlay.image === AUTO_IMAGE) delete overlay.image;
    proxy = strategicMerge(template, overlay) as Container;
    containers.splice(i, 1);
  }
  return { containers, proxy };
}

function appContainers(containers: Container[]): string[] {
  return containers.map((c) => c.name).filter((n): n is string => typeof n === 'string' && n !== 'istio-proxy');
}

function statusAnnotation(initContainers: string[] | null, containers: string[], volumes: string[]): string {
  return JSON.stringify({ initContainers, containers, volumes, imagePullSecrets: null, revision: ISTIO_REVISION });
}

/** The Deployment a controller-made pod belongs to (its ReplicaSet's name less the template hash). */
function deploymentName(pod: KObject): string | undefined {
  const rs = pod.metadata.ownerReferences?.find((r) => r.kind === 'ReplicaSet')?.name;
  const hash = pod.metadata.labels?.['pod-template-hash'];
  return rs && hash && rs.endsWith(`-${hash}`) ? rs.slice(0, -hash.length - 1) : rs;
}

function podEnv(pod: KObject, apps: string[], interception: string): Record<string, unknown>[] {
  const ns = pod.metadata.namespace ?? 'default';
  const workload = deploymentName(pod);
  const field = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });
  return [
    { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
    { name: 'CA_ADDR', value: 'istiod.istio-system.svc:15012' },
    field('POD_NAME', 'metadata.name'),
    field('POD_NAMESPACE', 'metadata.namespace'),
    field('INSTANCE_IP', 'status.podIP'),
    field('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    field('HOST_IP', 'status.hostIP'),
    { name: 'ISTIO_CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1' } } },
    { name: 'PROXY_CONFIG', value: '{}\n' },
    { name: 'ISTIO_META_APP_CONTAINERS', value: apps.join(',') },
    { name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' },
    field('ISTIO_META_NODE_NAME', 'spec.nodeName'),
    { name: 'ISTIO_META_INTERCEPTION_MODE', value: interception },
    ...(workload
      ? [
          { name: 'ISTIO_META_WORKLOAD_NAME', value: workload },
          { name: 'ISTIO_META_OWNER', value: `kubernetes://apis/apps/v1/namespaces/${ns}/deployments/${workload}` },
        ]
      : []),
    { name: 'ISTIO_META_MESH_ID', value: 'cluster.local' },
    { name: 'TRUST_DOMAIN', value: 'cluster.local' },
  ];
}

function canonicalLabels(pod: KObject): Record<string, string> {
  const l = pod.metadata.labels ?? {};
  return {
    'service.istio.io/canonical-name': l['service.istio.io/canonical-name'] ?? l['app.kubernetes.io/name'] ?? l.app ?? deploymentName(pod) ?? pod.metadata.name,
    'service.istio.io/canonical-revision': l['service.istio.io/canonical-revision'] ?? l['app.kubernetes.io/version'] ?? l.version ?? 'latest',
  };
}

/** Annotations both templates set: revision, default containers (when the pod has its own), Prometheus merge. */
function commonAnnotations(pod: KObject, apps: string[]): Record<string, string> {
  const own = pod.metadata.annotations ?? {};
  const out: Record<string, string> = { 'istio.io/rev': ISTIO_REVISION };
  if (apps.length > 0) {
    out['kubectl.kubernetes.io/default-container'] = own['kubectl.kubernetes.io/default-container'] ?? apps[0];
    out['kubectl.kubernetes.io/default-logs-container'] = own['kubectl.kubernetes.io/default-logs-container'] ?? apps[0];
  }
  out['prometheus.io/path'] = own['prometheus.io/path'] ?? '/stats/prometheus';
  out['prometheus.io/port'] = own['prometheus.io/port'] ?? '15020';
  out['prometheus.io/scrape'] = own['prometheus.io/scrape'] ?? 'true';
  return out;
}

/** The `sidecar` template: istio-init (iptables capture), the istio-proxy sidecar, volumes, labels and the status annotation. */
export function injectSidecar(pod: KObject): void {
  const spec = pod.spec as Record<string, unknown>;
  const template: Container = {
    name: 'istio-proxy',
    image: PROXY_IMAGE,
    args: ['proxy', 'sidecar', ...PROXY_ARGS],
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    readinessProbe: READINESS,
    resources: RESOURCES,
    securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsGroup: 1337, runAsNonRoot: true, runAsUser: 1337 },
    volumeMounts: [
      { mountPath: '/var/run/secrets/workload-spiffe-uds', name: 'workload-socket' },
      { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
      { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
    ],
  };
  const { containers, proxy } = withPodOverrides(spec, template);
  const apps = appContainers(containers);
  containers.push(proxy);
  spec.containers = containers;
  const inits = (spec.initContainers as Container[]) ?? [];
  inits.push({
    name: 'istio-init',
    image: PROXY_IMAGE,
    args: ['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15021,15020', '--log_output_level=default:info'],
    resources: RESOURCES,
    securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: false, runAsGroup: 0, runAsNonRoot: false, runAsUser: 0 },
  });
  spec.initContainers = inits;
  const volumes = (spec.volumes as unknown[]) ?? [];
  volumes.push({ name: 'workload-socket', emptyDir: {} }, { name: 'istio-envoy', emptyDir: { medium: 'Memory' } }, { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert', defaultMode: 420 } });
  spec.volumes = volumes;
  pod.metadata.labels = { ...pod.metadata.labels, 'security.istio.io/tlsMode': 'istio', ...canonicalLabels(pod) };
  pod.metadata.annotations = {
    ...pod.metadata.annotations,
    ...commonAnnotations(pod, apps.length > 0 ? apps : ['istio-proxy']),
    'sidecar.istio.io/status': statusAnnotation(['istio-init'], ['istio-proxy'], ['workload-socket', 'istio-envoy', 'istiod-ca-cert']),
  };
}

const GATEWAY_VOLUMES = ['workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert'];

/**
 * The `gateway` template (gateway-injection-template.yaml): an istio-proxy in router mode, no
 * istio-init and no capture; unprivileged ports from 0 so the gateway binds 80 and 443 itself.
 */
export function injectGateway(pod: KObject): void {
  const spec = pod.spec as Record<string, unknown>;
  const others = appContainers(((spec.containers as Container[] | undefined) ?? []).filter(isPlainObject) as Container[]);
  const template: Container = {
    name: 'istio-proxy',
    image: PROXY_IMAGE,
    ports: [{ containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' }],
    args: ['proxy', 'router', ...PROXY_ARGS],
    securityContext: { runAsUser: 1337, runAsGroup: 1337 },
    env: podEnv(pod, others, 'REDIRECT'),
    readinessProbe: { ...READINESS, initialDelaySeconds: 0 },
    volumeMounts: [
      { name: 'workload-socket', mountPath: '/var/run/secrets/workload-spiffe-uds' },
      { name: 'credential-socket', mountPath: '/var/run/secrets/credential-uds' },
      { name: 'workload-certs', mountPath: '/var/run/secrets/workload-spiffe-credentials' },
      { name: 'istiod-ca-cert', mountPath: '/var/run/secrets/istio' },
      { name: 'istio-data', mountPath: '/var/lib/istio/data' },
      { name: 'istio-envoy', mountPath: '/etc/istio/proxy' },
      { name: 'istio-token', mountPath: '/var/run/secrets/tokens' },
      { name: 'istio-podinfo', mountPath: '/etc/istio/pod' },
    ],
  };
  const { containers, proxy } = withPodOverrides(spec, template);
  containers.push(proxy);
  spec.containers = containers;
  const securityContext = isPlainObject(spec.securityContext) ? spec.securityContext : {};
  spec.securityContext = { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }], ...securityContext };
  const volumes = ((spec.volumes as Record<string, unknown>[] | undefined) ?? []).filter((v) => !GATEWAY_VOLUMES.includes(String(v?.name)));
  volumes.push(
    { name: 'workload-socket', emptyDir: {} },
    { name: 'credential-socket', emptyDir: {} },
    { name: 'workload-certs', emptyDir: {} },
    { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
    { name: 'istio-data', emptyDir: {} },
    { name: 'istio-podinfo', downwardAPI: { defaultMode: 420, items: [{ path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } }, { path: 'annotations', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.annotations' } }] } },
    { name: 'istio-token', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] } },
    { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert', defaultMode: 420 } },
  );
  spec.volumes = volumes;
  pod.metadata.labels = { ...pod.metadata.labels, ...canonicalLabels(pod) };
  pod.metadata.annotations = {
    ...pod.metadata.annotations,
    ...commonAnnotations(pod, others),
    'sidecar.istio.io/status': statusAnnotation(null, ['istio-proxy'], GATEWAY_VOLUMES),
  };
}
