// Builds the mesh model's input (MeshState) from what the store holds.

import { load as loadYaml } from 'js-yaml';
import type { IstioObject, MeshPod, MeshSecret, MeshState } from '../mesh/types.js';
import { isPlainObject } from './patch.js';
import type { ResourceRegistry } from './resources.js';
import type { KObject, Store } from './store.js';
import { isPodReady } from './controllers.js';
import { proxyMode } from './injection.js';
import { translateGatewayApi, type GatewayApiObject } from '../mesh/gatewayApi.js';
import { withExportDefaults } from '../mesh/precedence.js';
import { alphaGatewayApiEnabled, GATEWAY_API_GROUP } from './gateway-api.js';

export const ISTIO_NAMESPACE = 'istio-system';

/** kube-system DaemonSets of CNIs that enforce NetworkPolicy. */
export const ENFORCING_CNIS = ['calico-node', 'cilium', 'antrea-agent', 'kube-router', 'weave-net'];

export function parseMeshConfig(text: string | undefined): MeshState['meshConfig'] {
  let doc: unknown;
  try {
    doc = loadYaml(text ?? '');
  } catch {
    doc = undefined;
  }
  const cfg = isPlainObject(doc) ? doc : {};
  const otp = isPlainObject(cfg.outboundTrafficPolicy) ? cfg.outboundTrafficPolicy : {};
  const out: MeshState['meshConfig'] = { outboundTrafficPolicy: otp.mode === 'REGISTRY_ONLY' ? 'REGISTRY_ONLY' : 'ALLOW_ANY' };
  if (typeof cfg.accessLogFile === 'string' && cfg.accessLogFile !== '') out.accessLogFile = cfg.accessLogFile;
  if (cfg.accessLogEncoding === 'JSON' || cfg.accessLogEncoding === 'TEXT') out.accessLogEncoding = cfg.accessLogEncoding;
  const list = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') && v.length > 0 ? (v as string[]) : undefined);
  const exportDefaults = {
    ...(list(cfg.defaultVirtualServiceExportTo) ? { virtualService: list(cfg.defaultVirtualServiceExportTo) } : {}),
    ...(list(cfg.defaultServiceExportTo) ? { serviceEntry: list(cfg.defaultServiceExportTo) } : {}),
    ...(list(cfg.defaultDestinationRuleExportTo) ? { destinationRule: list(cfg.defaultDestinationRuleExportTo) } : {}),
  };
  if (Object.keys(exportDefaults).length) out.exportDefaults = exportDefaults;
  return out;
}

/** Namespace labels that put a namespace's pods in ambient mode. */
export const AMBIENT_LABEL = 'istio.io/dataplane-mode';

export function toMeshPod(pod: KObject, nsLabels: Record<string, string> = {}, ztunnelRuns = false): MeshPod {
  const mode = proxyMode(pod);
  const spec = (pod.spec ?? {}) as Record<string, unknown>;
  const isZtunnel = (pod.metadata.namespace === ISTIO_NAMESPACE && pod.metadata.labels?.app === 'ztunnel');
  // istio-cni redirects a pod to ztunnel when its namespace (or the pod) says ambient and it has
  // no sidecar; the pod label istio.io/dataplane-mode=none opts it out.
  const podMode = pod.metadata.labels?.[AMBIENT_LABEL];
  const ambient = ztunnelRuns && mode === undefined && !isZtunnel && podMode !== 'none' && (podMode === 'ambient' || nsLabels[AMBIENT_LABEL] === 'ambient');
  const proxy = ((spec.containers as Record<string, unknown>[] | undefined) ?? []).find((c) => c?.name === 'istio-proxy');
  const proxyArgs = Array.isArray(proxy?.args) ? proxy.args : [];
  const waypointOf = proxyArgs[0] === 'proxy' && proxyArgs[1] === 'waypoint' ? pod.metadata.labels?.['gateway.networking.k8s.io/gateway-name'] : undefined;
  return {
    ...(ambient && !waypointOf ? { ambient: true } : {}),
    ...(waypointOf ? { waypoint: waypointOf } : {}),
    ...(isZtunnel ? { ztunnel: true } : {}),
    serviceAccount: typeof spec.serviceAccountName === 'string' ? spec.serviceAccountName : 'default',
    namespace: pod.metadata.namespace ?? 'default',
    name: pod.metadata.name,
    labels: pod.metadata.labels ?? {},
    ip: String((pod.status as Record<string, unknown> | undefined)?.podIP ?? ''),
    // A gateway's router-mode proxy captures nothing: only a sidecar intercepts the pod's traffic.
    hasSidecar: mode === 'sidecar',
    ready: isPodReady(pod),
    gateway: mode === 'router',
  };
}

export function buildMeshState(store: Store, registry: ResourceRegistry): MeshState {
  const cm = store.get({ group: '', plural: 'configmaps' }, ISTIO_NAMESPACE, 'istio');
  const objects: IstioObject[] = [];
  // Istio's own kinds only: a Gateway API Gateway is not a networking.istio.io Gateway.
  for (const res of registry.all.filter((r) => r.istio && r.group.endsWith('istio.io'))) {
    for (const o of store.list(res)) {
      objects.push({
        kind: res.kind as IstioObject['kind'],
        namespace: o.metadata.namespace ?? '',
        name: o.metadata.name,
        spec: (isPlainObject(o.spec) ? o.spec : {}) as Record<string, unknown>,
        created: o.metadata.creationTimestamp,
        labels: o.metadata.labels ?? {},
      });
    }
  }
  const services = store.list({ group: '', plural: 'services' }).map((s) => {
    const spec = (s.spec ?? {}) as Record<string, unknown>;
    const ports = ((spec.ports as Record<string, unknown>[]) ?? []).map((p) => {
      const port = Number(p.port);
      const target = typeof p.targetPort === 'number' ? p.targetPort : port;
      const out: { port: number; targetPort: number; name?: string } = { port, targetPort: target };
      if (typeof p.name === 'string') out.name = p.name;
      return out;
    });
    return { namespace: s.metadata.namespace ?? 'default', name: s.metadata.name, ports, selector: (spec.selector as Record<string, string>) ?? {} };
  });
  // istiod's view of the Gateway API: the Istio config it derives shapes traffic like any other.
  objects.push(...translateGatewayApi(gatewayApiInput(store, registry, objects, services)).generated);
  const nsLabels = new Map(store.list({ group: '', plural: 'namespaces' }).map((n) => [n.metadata.name, n.metadata.labels ?? {}]));
  const ztunnelRuns = store.get({ group: 'apps', plural: 'daemonsets' }, ISTIO_NAMESPACE, 'ztunnel') !== undefined;
  const networkPolicies = store.list({ group: 'networking.k8s.io', plural: 'networkpolicies' }).map((p) => ({
    namespace: p.metadata.namespace ?? 'default',
    name: p.metadata.name,
    spec: (isPlainObject(p.spec) ? p.spec : {}) as Record<string, unknown>,
  }));
  const meshConfig = parseMeshConfig((cm?.data as Record<string, string> | undefined)?.mesh);
  return {
    istioNamespace: ISTIO_NAMESPACE,
    meshConfig,
    objects: meshConfig.exportDefaults ? withExportDefaults(objects, meshConfig.exportDefaults) : objects,
    pods: store.list({ group: '', plural: 'pods' }).map((p) => toMeshPod(p, nsLabels.get(p.metadata.namespace ?? 'default'), ztunnelRuns)),
    services,
    networkPolicies,
    // As on a real cluster, the CNI running in kube-system decides whether policies are enforced.
    networkPolicyEnforced: ENFORCING_CNIS.some((name) => store.get({ group: 'apps', plural: 'daemonsets' }, 'kube-system', name) !== undefined),
    namespaces: store.list({ group: '', plural: 'namespaces' }).map((n) => ({ name: n.metadata.name, labels: n.metadata.labels ?? {} })),
    secrets: certificateSecrets(store),
  };
}

/** What istiod reads of the Gateway API: the objects of the served kinds, its alpha switch, the Istio objects and Services. */
export function gatewayApiInput(store: Store, registry: ResourceRegistry, istio: IstioObject[], services: MeshState['services']) {
  const objects: GatewayApiObject[] = [];
  for (const res of registry.all.filter((r) => r.group === GATEWAY_API_GROUP)) {
    for (const o of store.list(res)) {
      objects.push({ kind: res.kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name, spec: (isPlainObject(o.spec) ? o.spec : {}) as Record<string, unknown>, ...(o.metadata.creationTimestamp ? { created: o.metadata.creationTimestamp } : {}) });
    }
  }
  const alpha = alphaGatewayApiEnabled(store.get({ group: 'apps', plural: 'deployments' }, ISTIO_NAMESPACE, 'istiod'));
  return { objects, alpha, istio, services };
}

/** Secrets holding a certificate (what a gateway's SDS can serve for credentialName), decoded. */
function certificateSecrets(store: Store): MeshSecret[] {
  const out: MeshSecret[] = [];
  for (const s of store.list({ group: '', plural: 'secrets' })) {
    const data: Record<string, string> = {};
    const raw = isPlainObject(s.data) ? s.data : {};
    for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') data[k] = Buffer.from(v, 'base64').toString('utf8');
    if (data['tls.crt'] === undefined && data.cert === undefined) continue;
    out.push({ namespace: s.metadata.namespace ?? 'default', name: s.metadata.name, data });
  }
  return out;
}
