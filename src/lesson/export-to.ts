// exportTo as istiod's validation reads it (ServiceEntry, VirtualService, DestinationRule): the
// CRD schema only says "a list of strings"; the webhook refuses the rest. Pure.
import { dns1123LabelProblems } from '../schema/names.js';

export const EXPORT_TO_KINDS = ['ServiceEntry', 'VirtualService', 'DestinationRule'];

/**
 * Istio's problems with an exportTo list of an object in `namespace`: "." is that namespace
 * (so "." next to its name is a duplicate), "*" stands alone, "~" (ServiceEntry only) too, and
 * any other entry is a namespace name.
 */
export function exportToProblems(kind: string, namespace: string, exportTo: unknown): string[] {
  if (exportTo === undefined) return [];
  if (!Array.isArray(exportTo) || exportTo.some((e) => typeof e !== 'string')) return ['exportTo must be a list of namespace names, ".", or "*"'];
  const problems: string[] = [];
  const seen = new Set<string>();
  const isServiceEntry = kind === 'ServiceEntry';
  for (const entry of exportTo as string[]) {
    const key = entry === '.' ? namespace : entry;
    if (seen.has(key)) {
      problems.push(key !== entry ? `duplicate entries in exportTo: . and current namespace ${namespace}` : `duplicate entries in exportTo for entry ${entry}`);
      continue;
    }
    if (entry === '~' && !isServiceEntry) problems.push('exportTo "~" (visible to no one) is only allowed on a ServiceEntry');
    else if (key !== '*' && key !== '~' && dns1123LabelProblems(key).length > 0) problems.push(`exportTo entry ${JSON.stringify(entry)} is not ".", "*" or a namespace name`);
    seen.add(key);
  }
  if (seen.has('*') && exportTo.length > 1) problems.push('cannot have both public (*) and non-public exportTo values for a resource');
  if (isServiceEntry && seen.has('~') && exportTo.length > 1) problems.push('if serviceEntry exportTo is ~, no other namespaces can be specified');
  return problems;
}
