// Small reads of cluster state shared by the pre-flight and the mesh facts.

import type { Discovery } from './discovery.js';
import type { KnownObjects } from './known.js';
import { LESSON_LABEL } from '../port.js';
import { resourcePath } from './discovery.js';
import { namespaceTelemetryEnables, parseMeshConfig, selectorTelemetryEnables, sidecarOutboundPolicy, telemetryEnablesAccessLog, type MeshSettings } from './meshconfig.js';
import type { GatewayTarget } from '../port.js';
import type { RawObject } from './ownership.js';
import { labelSelector, type RawPod } from './pods.js';
import { say } from './lang.js';
import type { KubeRest } from './rest.js';

export interface Reads {
  rest: KubeRest;
  discovery: Discovery;
  /** The objects this session applied (optional: without it every delete reads first). */
  known?: KnownObjects;
}

export const EGRESS_GATEWAY_LABELS = { istio: 'egressgateway' };
/** ztunnel, ambient mode's per-node proxy (a DaemonSet in the Istio namespace). */
export const ZTUNNEL_LABELS = { app: 'ztunnel' };

export async function listPods(r: Reads, namespace: string, labels: Record<string, string>, signal?: AbortSignal): Promise<RawPod[]> {
  return (await listPodsAt(r, namespace, labels, signal)).pods;
}

/** The pods and the list's resourceVersion (where a watch of them starts). */
export async function listPodsAt(r: Reads, namespace: string, labels: Record<string, string>, signal?: AbortSignal): Promise<{ pods: RawPod[]; resourceVersion?: string }> {
  const selector = labelSelector(labels);
  const list = await r.rest.json<{ items?: RawPod[]; metadata?: { resourceVersion?: string } }>({
    method: 'GET',
    path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
    query: selector ? { labelSelector: selector } : undefined,
    signal,
    action: say(
      r.rest.where.lang,
      `list the pods${selector ? ` with ${selector}` : ''} in namespace "${namespace}"`,
      `列出命名空间 "${namespace}" 中${selector ? `带有 ${selector} 的` : '的'} Pod`,
    ),
  });
  return { pods: list.items ?? [], resourceVersion: list.metadata?.resourceVersion };
}

export async function getNamespace(r: Reads, name: string, signal?: AbortSignal): Promise<RawObject | undefined> {
  return r.rest.jsonOrAbsent<RawObject>({ method: 'GET', path: `/api/v1/namespaces/${encodeURIComponent(name)}`, signal, action: say(r.rest.where.lang, `read namespace "${name}"`, `读取命名空间 "${name}"`) });
}

/** The mesh config from ConfigMap "istio"; undefined when the ConfigMap does not exist. */
export async function meshSettings(r: Reads, istioNamespace: string, signal?: AbortSignal): Promise<MeshSettings | undefined> {
  const cm = await r.rest.jsonOrAbsent<{ data?: Record<string, string> }>({
    method: 'GET',
    path: `/api/v1/namespaces/${encodeURIComponent(istioNamespace)}/configmaps/istio`,
    signal,
    action: say(r.rest.where.lang, `read the mesh config (ConfigMap "istio" in "${istioNamespace}")`, `读取网格配置（"${istioNamespace}" 中的 ConfigMap "istio"）`),
  });
  return cm ? parseMeshConfig(cm.data?.mesh) : undefined;
}

/** Objects of an Istio kind in a namespace, in the served version; [] when the kind is not served. */
export async function listIstio(r: Reads, group: string, kind: string, namespace: string, signal?: AbortSignal): Promise<RawObject[]> {
  const version = await r.discovery.servedVersion(group, signal);
  if (!version) return [];
  const resource = await r.discovery.resource(`${group}/${version}`, kind, signal);
  if (!resource) return [];
  const list = await r.rest.jsonOrAbsent<{ items?: RawObject[] }>({
    method: 'GET',
    path: resourcePath(resource, namespace),
    signal,
    action: say(r.rest.where.lang, `list ${kind} objects in namespace "${namespace}"`, `列出命名空间 "${namespace}" 中的 ${kind} 对象`),
  });
  return (list?.items ?? []).map((item) => ({ ...item, kind: item.kind ?? kind }));
}

export interface AccessLogState {
  state: 'on' | 'off' | 'unknown';
  source?: string; // what turns it on
}

export async function accessLogState(r: Reads, istioNamespace: string, mesh: MeshSettings | undefined, signal?: AbortSignal): Promise<AccessLogState> {
  const lang = r.rest.where.lang;
  if (mesh?.accessLogFile) return { state: 'on', source: say(lang, `accessLogFile: ${mesh.accessLogFile} in the mesh config`, `网格配置中的 accessLogFile: ${mesh.accessLogFile}`) };
  const telemetries = await listIstio(r, 'telemetry.istio.io', 'Telemetry', istioNamespace, signal);
  const enabling = telemetryEnablesAccessLog(telemetries as never[], istioNamespace) as RawObject | undefined;
  if (enabling) return { state: 'on', source: `Telemetry ${istioNamespace}/${enabling.metadata?.name}` };
  return { state: mesh ? 'off' : 'unknown' };
}

/**
 * Whether the egress gateway the session uses writes access logs: the mesh config, a mesh-wide
 * Telemetry, or (own mode) a Telemetry in the learner's namespace without selector, or (shared
 * mode) a Telemetry in the Istio namespace selecting the gateway pods. `telemetry` is the object
 * that turns it on, when one does.
 */
export async function gatewayAccessLogState(
  r: Reads,
  istioNamespace: string,
  gateway: GatewayTarget,
  mesh: MeshSettings | undefined,
  signal?: AbortSignal,
): Promise<AccessLogState & { telemetry?: RawObject }> {
  const base = await accessLogState(r, istioNamespace, mesh, signal);
  if (base.state === 'on') return base;
  const ns = gateway.pods.namespace;
  const items = (ns === istioNamespace ? await listIstio(r, 'telemetry.istio.io', 'Telemetry', istioNamespace, signal) : await listIstio(r, 'telemetry.istio.io', 'Telemetry', ns, signal)) as RawObject[];
  const found = (namespaceTelemetryEnables(items as never[], ns) ?? selectorTelemetryEnables(items as never[], ns, gateway.pods.labels)) as RawObject | undefined;
  if (found) return { state: 'on', source: `Telemetry ${ns}/${found.metadata?.name}`, telemetry: found };
  return base;
}

export async function outboundPolicy(
  r: Reads,
  clientNamespace: string,
  mesh: MeshSettings | undefined,
  signal?: AbortSignal,
): Promise<{ policy: 'ALLOW_ANY' | 'REGISTRY_ONLY' | 'unknown'; source: string }> {
  const sidecars = await listIstio(r, 'networking.istio.io', 'Sidecar', clientNamespace, signal);
  const override = sidecarOutboundPolicy(sidecars as never[]);
  const lang = r.rest.where.lang;
  if (override) {
    // Name it: a Sidecar left over from an earlier lesson is the usual cause of later 502s.
    const sidecar = sidecars.find((s) => !(s.spec as { workloadSelector?: unknown } | undefined)?.workloadSelector && (s.spec as { outboundTrafficPolicy?: { mode?: string } } | undefined)?.outboundTrafficPolicy?.mode);
    const name = sidecar?.metadata?.name ?? '?';
    const lesson = sidecar?.metadata?.labels?.[LESSON_LABEL];
    return {
      policy: override,
      source: lesson
        ? say(lang, `Sidecar "${name}" in namespace "${clientNamespace}", left by the tutorial's lesson ${lesson}`, `命名空间 "${clientNamespace}" 中的 Sidecar "${name}"，由教程的课程 ${lesson} 留下`)
        : say(lang, `Sidecar "${name}" in namespace "${clientNamespace}"`, `命名空间 "${clientNamespace}" 中的 Sidecar "${name}"`),
    };
  }
  if (!mesh) return { policy: 'unknown', source: say(lang, 'the mesh config was not found', '找不到网格配置') };
  return { policy: mesh.outboundPolicy, source: say(lang, 'the mesh config', '网格配置') };
}
