// Which version of an API group to use. Pure: discovery feeds it the served versions.

/** Istio's CRDs serve several versions; the lessons prefer the stable one. */
const PREFERENCE = ['v1', 'v1beta1', 'v1alpha3'];

/**
 * The version manifests of a group should use: v1, then v1beta1, then v1alpha3, then the
 * server's preferred version, then the first served. Undefined when nothing is served.
 */
export function chooseVersion(served: readonly string[], serverPreferred?: string): string | undefined {
  for (const v of PREFERENCE) if (served.includes(v)) return v;
  if (serverPreferred && served.includes(serverPreferred)) return serverPreferred;
  return served[0];
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function joinApiVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function isIstioGroup(group: string): boolean {
  return group === 'istio.io' || group.endsWith('.istio.io');
}

/**
 * The apiVersion to send for an authored one: Istio groups always get the chosen served version
 * (a lesson written for v1 runs on a cluster serving only v1alpha3, and the reverse); other groups
 * keep the authored version when it is served. Undefined when the group is not served at all.
 */
export function pickApiVersion(authored: string, served: readonly string[], serverPreferred?: string): string | undefined {
  const { group, version } = splitApiVersion(authored);
  if (served.length === 0) return undefined;
  if (!isIstioGroup(group) && served.includes(version)) return authored;
  const chosen = chooseVersion(served, serverPreferred);
  return chosen === undefined ? undefined : joinApiVersion(group, chosen);
}
