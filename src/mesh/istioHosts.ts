// Host names as Istio reads them: wildcards, short names qualified by namespace, exportTo visibility.

import { asStrings } from './specValues.js';
import type { IstioObject, MeshState } from './types.js';

export const CLUSTER_DOMAIN = 'svc.cluster.local';

/** Istio host matching: `*` matches anything, `*.example.com` any name ending in `.example.com`. */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === '*') return true;
  if (p.startsWith('*.')) return h.endsWith(p.slice(1));
  if (p.startsWith('*')) return h.endsWith(p.slice(1));
  return p === h;
}

/** Whether two host patterns (either may be a wildcard) can name the same host. */
export function hostsIntersect(a: string, b: string): boolean {
  return hostMatches(a, b) || hostMatches(b, a);
}

/** exportTo: absent or `*` → every namespace; `.` → the object's own; `~` → none; else the names listed. */
export function isExportedTo(obj: IstioObject, namespace: string): boolean {
  const exportTo = asStrings(obj.spec.exportTo);
  if (exportTo.length === 0) return true;
  return exportTo.some((e) => e === '*' || (e === '.' ? obj.namespace === namespace : e === namespace));
}

/** The namespace a service host lives in: `<name>.<ns>.svc.cluster.local` → ns; else undefined. */
export function clusterHostNamespace(fqdn: string): string | undefined {
  return fqdn.toLowerCase().endsWith('.' + CLUSTER_DOMAIN) ? fqdn.split('.')[1] : undefined;
}

export const ofKind = (state: MeshState, kind: IstioObject['kind']): IstioObject[] => state.objects.filter((o) => o.kind === kind);

/** A short or partial service name written in an object of `namespace`, made fully qualified. */
export function qualifyHost(host: string, namespace: string): string {
  const h = host.toLowerCase();
  if (h.includes('*') || h.endsWith('.' + CLUSTER_DOMAIN)) return h;
  const parts = h.split('.');
  if (parts.length === 1) return `${h}.${namespace}.${CLUSTER_DOMAIN}`;
  if (parts.length === 2 || (parts.length === 3 && parts[2] === 'svc')) return `${parts[0]}.${parts[1]}.${CLUSTER_DOMAIN}`;
  return h;
}

// A VS host with no dot is a short service name; external names are kept as written.
export function qualifyIfShort(host: string, namespace: string): string {
  return host.includes('.') || host.includes('*') ? host.toLowerCase() : qualifyHost(host, namespace);
}
