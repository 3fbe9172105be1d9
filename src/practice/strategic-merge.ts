// Strategic merge patch for the built-in kinds the tutorial touches: lists with a merge key
// (containers by name, ports by containerPort, ...) merge element by element, as kubectl
// `set image`, `patch` and client-side `apply` expect; other lists are replaced. Directives:
// `$patch: delete|replace` on list elements and maps; `$setElementOrder/...` and
// `$retainKeys` are accepted and ignored; `$deleteFromPrimitiveList/<f>` removes values.

import { clone, isPlainObject } from './patch.js';

/** Merge keys by field name (the keys kube's Go types declare with patchMergeKey). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  ownerReferences: 'uid',
  conditions: 'type',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
};

/** `ports` is keyed by containerPort in a container and by port in a Service spec. */
function mergeKeyFor(field: string, items: unknown[]): string | undefined {
  if (field === 'ports') {
    const first = items.find(isPlainObject) as Record<string, unknown> | undefined;
    if (!first) return undefined;
    return 'containerPort' in first ? 'containerPort' : 'port';
  }
  return MERGE_KEYS[field];
}

function mergeList(field: string, target: unknown[], patch: unknown[]): unknown[] {
  const key = mergeKeyFor(field, [...patch, ...target]);
  if (!key || !patch.every(isPlainObject)) return patch.filter((p) => !(isPlainObject(p) && '$patch' in p)).map((p) => clone(p));
  if (patch.some((p) => (p as Record<string, unknown>).$patch === 'replace')) {
    return patch.filter((p) => (p as Record<string, unknown>).$patch !== 'replace').map((p) => clone(p));
  }
  const out = target.map((t) => clone(t));
  for (const p of patch as Record<string, unknown>[]) {
    const i = out.findIndex((t) => isPlainObject(t) && t[key] === p[key]);
    if (p.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    if (i >= 0) out[i] = strategicMerge(out[i], p);
    else out.push(strategicMerge({}, p));
  }
  return out;
}

export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return clone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[field]) && Array.isArray(v)) out[field] = (out[field] as unknown[]).filter((x) => !v.includes(x));
      continue;
    }
    if (k.startsWith('$')) continue; // $setElementOrder, $retainKeys: order and retention are not modelled
    if (v === null) {
      delete out[k];
      continue;
    }
    if (Array.isArray(v)) {
      out[k] = Array.isArray(out[k]) ? mergeList(k, out[k] as unknown[], v) : mergeList(k, [], v);
      continue;
    }
    const merged = strategicMerge(out[k], v);
    if (merged === undefined) delete out[k];
    else out[k] = merged;
  }
  return out;
}
