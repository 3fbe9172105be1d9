// Per-namespace proxy policy: the Sidecar resource (outbound policy, egress hosts) and the
// Telemetry resource (access logging).

import { CLUSTER_DOMAIN, hostsIntersect, ofKind, qualifyIfShort } from './istioHosts.js';
import { oldestFirst } from './precedence.js';
import { asArray, asRecord, asStrings } from './specValues.js';
import type { IstioObject, MeshPod, MeshState } from './types.js';

/** The Sidecar that configures the sidecars of a namespace: its own (no workloadSelector), else the root namespace's. */
function namespaceSidecar(state: MeshState, namespace: string): IstioObject | undefined {
  const sidecars = ofKind(state, 'Sidecar').filter((s) => s.spec.workloadSelector === undefined);
  return sidecars.find((s) => s.namespace === namespace) ?? sidecars.find((s) => s.namespace === state.istioNamespace);
}

/**
 * The mesh as a sidecar in `namespace` sees it: a Sidecar's `egress.hosts` ("ns/host", with `*`,
 * `.` and `~`) limit which services, ServiceEntries and VirtualServices it imports.
 */
export function sidecarView(state: MeshState, namespace: string): MeshState {
  const sidecar = namespaceSidecar(state, namespace);
  const hosts = asArray(sidecar?.spec.egress).map(asRecord).flatMap((e) => asStrings(e.hosts));
  if (!sidecar || hosts.length === 0) return state;
  const imports = hosts.map((h) => {
    const slash = h.indexOf('/');
    const ns = slash === -1 ? '*' : h.slice(0, slash);
    return { namespace: ns === '.' ? namespace : ns, host: slash === -1 ? h : h.slice(slash + 1) };
  });
  const imported = (objectNamespace: string, host: string): boolean =>
    imports.some((i) => i.namespace !== '~' && (i.namespace === '*' || i.namespace === objectNamespace) && hostsIntersect(i.host, host));
  return {
    ...state,
    services: state.services.filter((s) => imported(s.namespace, `${s.name}.${s.namespace}.${CLUSTER_DOMAIN}`)),
    objects: state.objects.filter((o) =>
      o.kind === 'ServiceEntry' || o.kind === 'VirtualService' ? asStrings(o.spec.hosts).some((h) => imported(o.namespace, qualifyIfShort(h, o.namespace))) : true,
    ),
  };
}

/** The outbound policy for a namespace: its Sidecar (no workloadSelector), else the root namespace's, else mesh config. */
export function outboundPolicy(state: MeshState, namespace: string): 'ALLOW_ANY' | 'REGISTRY_ONLY' {
  const sidecars = ofKind(state, 'Sidecar').filter((s) => s.spec.workloadSelector === undefined);
  for (const ns of [namespace, state.istioNamespace]) {
    const sidecar = sidecars.find((s) => s.namespace === ns);
    const mode = asRecord(sidecar?.spec.outboundTrafficPolicy).mode;
    if (mode === 'ALLOW_ANY' || mode === 'REGISTRY_ONLY') return mode;
    if (sidecar) break; // a Sidecar without a mode means the mesh default
  }
  return state.meshConfig.outboundTrafficPolicy;
}

/** Whether a proxy writes its envoy access log, and which Telemetry said so last (none: mesh config decided). */
export interface AccessLogSetting {
  on: boolean;
  by?: IstioObject;
}

/**
 * Whether the pod's proxy (sidecar or gateway) writes access logs, as pilot layers Telemetry:
 * the root namespace's namespace-wide one (mesh-wide), then the pod's namespace's namespace-wide
 * one, then those of the pod's namespace whose `selector.matchLabels` pick the pod; a later
 * layer overrides an earlier one for the providers it names. Without any accessLogging, mesh
 * config's accessLogFile decides. A Telemetry only ever reaches the proxies of its own namespace
 * (or every proxy, from the root namespace): a learner's cannot turn on istio-system's gateway.
 */
export function accessLogSetting(state: MeshState, pod: Pick<MeshPod, 'namespace' | 'labels'>): AccessLogSetting {
  const meshDefault = Boolean(state.meshConfig.accessLogFile);
  const telemetries = oldestFirst(ofKind(state, 'Telemetry'));
  const matchLabels = (t: IstioObject): Record<string, unknown> => asRecord(asRecord(t.spec.selector).matchLabels);
  const namespaceWide = (ns: string): IstioObject | undefined => telemetries.find((t) => t.namespace === ns && Object.keys(matchLabels(t)).length === 0);
  const root = namespaceWide(state.istioNamespace);
  const layers = [
    root,
    pod.namespace === state.istioNamespace ? undefined : namespaceWide(pod.namespace),
    ...telemetries.filter((t) => {
      const labels = Object.entries(matchLabels(t));
      return t.namespace === pod.namespace && labels.length > 0 && labels.every(([k, v]) => pod.labels[k] === v);
    }),
  ].filter((t): t is IstioObject => t !== undefined && asArray(t.spec.accessLogging).length > 0);
  if (layers.length === 0) return { on: meshDefault };
  // The envoy provider's state, layer by layer. No providers listed means the default provider,
  // which is envoy's file log when mesh config turns logging on, and nothing otherwise.
  let envoy: AccessLogSetting | undefined;
  for (const t of layers) {
    for (const rule of asArray(t.spec.accessLogging).map(asRecord)) {
      const providers = asArray(rule.providers).map((p) => asRecord(p).name);
      const names = providers.length === 0 ? (meshDefault ? ['envoy'] : []) : providers;
      if (names.includes('envoy')) envoy = { on: rule.disabled !== true, by: t };
    }
  }
  // No layer named envoy: nothing turned it on (a Telemetry's providers replace mesh config's default).
  return envoy ?? { on: false, by: layers[layers.length - 1] };
}

export function accessLogEnabled(state: MeshState, pod: MeshPod): boolean {
  return accessLogSetting(state, pod).on;
}
