// A host in an Istio object (`*`, `*.example.com`, a Gateway's `ns/host`) against the request's
// host: the mesh model's matching, with a Gateway server's namespace part dropped.
import { hostMatches as meshHostMatches } from '../mesh/istioHosts.js';

export function hostMatches(pattern: string, host: string): boolean {
  return meshHostMatches(pattern.includes('/') ? pattern.slice(pattern.indexOf('/') + 1) : pattern, host);
}
