// Reading Istio's mesh config (ConfigMap "istio", key "mesh") and Telemetry objects for the two
// facts the lessons depend on: is access logging on, and what is the outbound traffic policy. Pure.

import yaml from 'js-yaml';

export interface MeshSettings {
  accessLogFile?: string;
  accessLogEncoding?: string;
  outboundPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
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
  };
}

interface TelemetryLike {
  metadata?: { name?: string; namespace?: string };
  spec?: { selector?: unknown; targetRef?: unknown; targetRefs?: unknown; accessLogging?: { providers?: { name?: string }[]; disabled?: boolean }[] };
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
