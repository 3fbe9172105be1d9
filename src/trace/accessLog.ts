// Whether a proxy on the request's path writes its access log, read from the Telemetry objects the
// client namespace can see and mesh config, resolved as pilot layers them (src/mesh's own rule,
// so the trace agrees with what the practice cluster's proxies really log). Pure: the engine read
// the objects through the cluster port.

import type { MeshFacts } from '../cluster/port.js';
import { accessLogSetting } from '../mesh/meshPolicy.js';
import type { IstioObject, MeshState } from '../mesh/types.js';
import type { LogOffBy } from './model.js';

export type AccessLogFacts = Pick<MeshFacts, 'objects'> & Partial<Pick<MeshFacts, 'meshAccessLog' | 'unreadable'>>;

export type ProxyAccessLog = { state: 'on' } | { state: 'off'; by: LogOffBy } | { state: 'unknown' };

function stateWith(facts: AccessLogFacts, istioNamespace: string, meshOn: boolean): MeshState {
  const objects: IstioObject[] = facts.objects
    .filter((o) => o.kind === 'Telemetry')
    .map((o) => ({ kind: 'Telemetry', name: o.name, namespace: o.namespace, spec: o.spec ?? {}, ...(o.created ? { created: o.created } : {}) }));
  return { istioNamespace, meshConfig: { outboundTrafficPolicy: 'ALLOW_ANY', ...(meshOn ? { accessLogFile: '/dev/stdout' } : {}) }, objects, pods: [], services: [] };
}

/**
 * The access log of the proxy of a pod (its namespace and labels). Unknown when a namespace whose
 * Telemetry counts could not be read, or when the answer hangs on mesh config that could not be.
 */
export function proxyAccessLog(facts: AccessLogFacts, istioNamespace: string, pod: { namespace: string; labels: Record<string, string> }): ProxyAccessLog {
  if ((facts.unreadable ?? []).some((ns) => ns === pod.namespace || ns === istioNamespace)) return { state: 'unknown' };
  const mesh = facts.meshAccessLog ?? 'unknown';
  const settings = mesh === 'unknown' ? [true, false].map((on) => accessLogSetting(stateWith(facts, istioNamespace, on), pod)) : [accessLogSetting(stateWith(facts, istioNamespace, mesh === 'on'), pod)];
  const [first] = settings;
  const key = (s: (typeof settings)[number]) => `${s.on}:${s.by ? `${s.by.namespace}/${s.by.name}` : ''}`;
  if (settings.some((s) => key(s) !== key(first))) return { state: 'unknown' };
  if (first.on) return { state: 'on' };
  return { state: 'off', by: first.by ? { kind: 'Telemetry', name: first.by.name, namespace: first.by.namespace } : { kind: 'MeshConfig' } };
}
