// Per-namespace proxy policy: the Sidecar resource (outbound policy, egress hosts) and the
// Telemetry resource (access logging).

import { CLUSTER_DOMAIN, hostsIntersect, ofKind, qualifyIfShort } from './istioHosts.js';
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

/**
 * Whether the pod's proxy writes access logs: the most specific Telemetry with `accessLogging`
 * (workload selector, then namespace, then root namespace) decides; otherwise mesh config.
 */
export function accessLogEnabled(state: MeshState, pod: MeshPod): boolean {
  const meshDefault = Boolean(state.meshConfig.accessLogFile);
  const telemetries = ofKind(state, 'Telemetry').filter((t) => asArray(t.spec.accessLogging).length > 0);
  const selects = (t: IstioObject): boolean => {
    const labels = asRecord(asRecord(t.spec.selector).matchLabels);
    return Object.entries(labels).every(([k, v]) => pod.labels[k] === v);
  };
  const hasSelector = (t: IstioObject): boolean => Object.keys(asRecord(asRecord(t.spec.selector).matchLabels)).length > 0;
  const tiers = [
    telemetries.filter((t) => t.namespace === pod.namespace && hasSelector(t) && selects(t)),
    telemetries.filter((t) => t.namespace === pod.namespace && !hasSelector(t)),
    telemetries.filter((t) => t.namespace === state.istioNamespace && !hasSelector(t)),
  ];
  const chosen = tiers.find((t) => t.length > 0);
  if (!chosen) return meshDefault;
  const rules = chosen.flatMap((t) => asArray(t.spec.accessLogging).map(asRecord));
  return rules.some((r) => {
    if (r.disabled === true) return false;
    const providers = asArray(r.providers).map((p) => asRecord(p).name);
    // No providers listed: the default provider, which exists when mesh config turns logging on.
    return providers.length === 0 ? meshDefault : providers.includes('envoy');
  });
}
