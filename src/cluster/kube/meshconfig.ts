// Reading Istio's mesh config (ConfigMap "istio", key "mesh") and Telemetry objects for the two
// facts the lessons depend on: is access logging on, and what is the outbound traffic policy. Pure.

import yaml from 'js-yaml';

export interface MeshSettings {
  accessLogFile?: string;
  accessLogEncoding?: string;
  outboundPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
  /** meshConfig.defaultVirtualServiceExportTo (absent: Istio's default, every namespace). */
  defaultVirtualServiceExportTo?: string[];
}

/** Parse the `mesh` key; an empty or missing config means Istio's defaults (no access log, ALLOW_ANY). */
export function parseMeshConfig(text: string | undefined): MeshSettings | undefined {
  let doc: unknown = {};
  if (text && text.trim()) {
    try {
      doc = yaml.load(text);
    } catch {
      return undefined;
    }
  }
  const mesh = (doc && typeof doc === 'object' ? doc : {}) as Record<string, unknown>;
  const otp = (mesh.outboundTrafficPolicy ?? {}) as Record<string, unknown>;
  return {
    accessLogFile: typeof mesh.accessLogFile === 'string' && mesh.accessLogFile.trim() ? mesh.accessLogFile.trim() : undefined,
    accessLogEncoding: typeof mesh.accessLogEncoding === 'string' ? mesh.accessLogEncoding : undefined,
    outboundPolicy: otp.mode === 'REGISTRY_ONLY' ? 'REGISTRY_ONLY' : 'ALLOW_ANY',
    ...(Array.isArray(mesh.defaultVirtualServiceExportTo) ? { defaultVirtualServiceExportTo: mesh.defaultVirtualServiceExportTo.filter((x): x is string => typeof x === 'string') } : {}),
  };
}

interface TelemetryLike {
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
  spec?: { selector?: { matchLabels?: Record<string, string> }; targetRef?: unknown; targetRefs?: unknown; accessLogging?: { providers?: { name?: string }[]; disabled?: boolean }[] };
}

const turnsOn = (t: TelemetryLike): boolean => (t.spec?.accessLogging ?? []).some((a) => a.disabled !== true && (a.providers === undefined || a.providers.length > 0));

/** A Telemetry in `namespace` without selector that turns the access log on for its proxies (C2). */
export function namespaceTelemetryEnables(items: TelemetryLike[], namespace: string): TelemetryLike | undefined {
  return items.find((t) => (t.metadata?.namespace ?? namespace) === namespace && !t.spec?.selector && !t.spec?.targetRef && !t.spec?.targetRefs && turnsOn(t));
}

/** A Telemetry in `namespace` whose selector matches pods with `labels` and turns their access log on. */
export function selectorTelemetryEnables(items: TelemetryLike[], namespace: string, labels: Record<string, string>): TelemetryLike | undefined {
  return items.find((t) => {
    if ((t.metadata?.namespace ?? namespace) !== namespace) return false;
    const match = t.spec?.selector?.matchLabels;
    if (!match || Object.keys(match).length === 0) return false;
    return Object.entries(match).every(([k, v]) => labels[k] === v) && turnsOn(t);
  });
}

/** The tutorial's Telemetry for the shared gateway's log (selector istio=egressgateway in the Istio namespace). */
export const GATEWAY_TELEMETRY = 'egress-tutorial-gateway-access-log';
/** The tutorial's Telemetry in a learner namespace (its sidecar, and in own mode its gateway). */
export const NAMESPACE_TELEMETRY = 'egress-tutorial-access-log';

type TelemetryManifest = { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: Record<string, unknown> };

/** Access logs for the proxies of one namespace: no selector (C2). */
export function namespaceAccessLogTelemetry(apiVersion: string, namespace: string): TelemetryManifest {
  return { apiVersion, kind: 'Telemetry', metadata: { name: NAMESPACE_TELEMETRY, namespace }, spec: { accessLogging: [{ providers: [{ name: 'envoy' }] }] } };
}

/** Access logs for the shared egress gateway's pods only: in the Istio namespace, selecting them. */
export function gatewayAccessLogTelemetry(apiVersion: string, istioNamespace: string, labels: Record<string, string>): TelemetryManifest {
  return {
    apiVersion,
    kind: 'Telemetry',
    metadata: { name: GATEWAY_TELEMETRY, namespace: istioNamespace },
    spec: { selector: { matchLabels: { ...labels } }, accessLogging: [{ providers: [{ name: 'envoy' }] }] },
  };
}

/** A mesh-wide Telemetry (in the root namespace, no selector) that turns access logging on. */
export function telemetryEnablesAccessLog(items: TelemetryLike[], rootNamespace: string): TelemetryLike | undefined {
  return items.find((t) => {
    if (t.metadata?.namespace && t.metadata.namespace !== rootNamespace) return false;
    if (t.spec?.selector || t.spec?.targetRef || t.spec?.targetRefs) return false;
    return (t.spec?.accessLogging ?? []).some((a) => a.disabled !== true && (a.providers === undefined || a.providers.length > 0));
  });
}

/** The Telemetry manifest that turns on Envoy access logs mesh-wide (offered by the pre-flight). */
export function accessLogTelemetry(apiVersion: string, rootNamespace: string): { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: Record<string, unknown> } {
  return {
    apiVersion,
    kind: 'Telemetry',
    metadata: { name: 'mesh-default', namespace: rootNamespace },
    spec: { accessLogging: [{ providers: [{ name: 'envoy' }] }] },
  };
}

interface SidecarLike {
  spec?: { workloadSelector?: unknown; outboundTrafficPolicy?: { mode?: string } };
}

/** A namespace-wide Sidecar's outbound policy overrides the mesh's for that namespace. */
export function sidecarOutboundPolicy(items: SidecarLike[]): 'ALLOW_ANY' | 'REGISTRY_ONLY' | undefined {
  const nsWide = items.find((s) => !s.spec?.workloadSelector && s.spec?.outboundTrafficPolicy?.mode);
  const mode = nsWide?.spec?.outboundTrafficPolicy?.mode;
  return mode === 'REGISTRY_ONLY' || mode === 'ALLOW_ANY' ? mode : undefined;
}
