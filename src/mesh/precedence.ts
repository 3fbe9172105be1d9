// Which of several conflicting objects Istio uses: pilot sorts config by creation time (then
// name, then namespace), and a proxy sees a VirtualService of its own namespace kept private
// before one exported to it by name, before a public one (PushContext.VirtualServicesForGateway).

import { asStrings } from './specValues.js';
import type { IstioObject } from './types.js';

const createdMs = (o: IstioObject): number => {
  const ms = o.created ? Date.parse(o.created) : NaN;
  return Number.isNaN(ms) ? 0 : ms;
};

/** Oldest first; equal creation times (they have second precision) by name, then namespace. */
export function byAge(a: IstioObject, b: IstioObject): number {
  return createdMs(a) - createdMs(b) || cmp(a.name, b.name) || cmp(a.namespace, b.namespace);
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The objects sorted oldest first (a copy). */
export const oldestFirst = (objects: IstioObject[]): IstioObject[] => [...objects].sort(byAge);

/**
 * How a proxy in `namespace` sees an object by its exportTo: 0 private to the proxy's own
 * namespace, 1 exported to that namespace by name, 2 public (absent, or `*`); undefined: hidden.
 */
export function exportTier(obj: IstioObject, namespace: string): 0 | 1 | 2 | undefined {
  const exportTo = asStrings(obj.spec.exportTo);
  if (exportTo.length === 0 || exportTo.includes('*')) return 2;
  if (exportTo.includes('~')) return undefined;
  if (obj.namespace === namespace && (exportTo.includes('.') || exportTo.includes(namespace))) return 0;
  return exportTo.includes(namespace) ? 1 : undefined;
}

/**
 * The VirtualServices a proxy in `namespace` sees, in the order pilot hands them to it. Among the
 * public ones, those istiod derived from Gateway API routes of the proxy's own namespace come first
 * (pilot's "consumer override", for routes with gateway semantics).
 */
export function virtualServicesInOrder(objects: IstioObject[], namespace: string): IstioObject[] {
  const rank = (vs: IstioObject, tier: 0 | 1 | 2): number => (tier < 2 ? tier : vs.generatedFrom && vs.namespace === namespace ? 2 : 3);
  return objects
    .map((vs) => ({ vs, tier: exportTier(vs, namespace) }))
    .filter((e): e is { vs: IstioObject; tier: 0 | 1 | 2 } => e.tier !== undefined)
    .map((e) => ({ vs: e.vs, rank: rank(e.vs, e.tier) }))
    .sort((a, b) => a.rank - b.rank || byAge(a.vs, b.vs))
    .map((e) => e.vs);
}

/** Mesh config's defaultVirtualServiceExportTo, defaultServiceExportTo and defaultDestinationRuleExportTo. */
export interface ExportDefaults {
  virtualService?: string[];
  serviceEntry?: string[];
  destinationRule?: string[];
}

/**
 * The objects as pilot sees their visibility: one without exportTo gets mesh config's default for
 * its kind (pilot's exportToDefaults), generated ones from Gateway API routes included.
 */
export function withExportDefaults(objects: IstioObject[], defaults: ExportDefaults): IstioObject[] {
  const byKind: Partial<Record<IstioObject['kind'], string[] | undefined>> = { VirtualService: defaults.virtualService, ServiceEntry: defaults.serviceEntry, DestinationRule: defaults.destinationRule };
  return objects.map((o) => {
    const d = byKind[o.kind];
    if (!d || d.length === 0 || asStrings(o.spec.exportTo).length > 0) return o;
    return { ...o, spec: { ...o.spec, exportTo: [...d] } };
  });
}

/**
 * Envoy picks the most specific of several matching host patterns: an exact name before any
 * wildcard, a longer wildcard suffix before a shorter one. Negative when `a` is more specific.
 */
export function bySpecificity(a: string, b: string): number {
  const wa = a.includes('*');
  const wb = b.includes('*');
  if (wa !== wb) return wa ? 1 : -1;
  return b.length - a.length;
}
