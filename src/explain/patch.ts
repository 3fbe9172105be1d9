// A finding's fix as data: a JSON merge patch of one object, a new object, or a deletion. Shown
// as the kubectl command a learner would type, applied by the engine through the port on `f`.

import type { KubeObject, ObjectRef } from '../lesson/model.js';
import yaml from 'js-yaml';

export type FixPatch =
  | { op: 'merge'; ref: ObjectRef; patch: Record<string, unknown> }
  | { op: 'create'; object: KubeObject }
  | { op: 'delete'; ref: ObjectRef };

/** RFC 7386: objects merge key by key, null deletes, anything else (lists too) replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlain(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isPlain(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const resource = (kind: string): string => kind.toLowerCase();

/** The change as the kubectl command that makes it. */
export function patchCommand(p: FixPatch): string {
  if (p.op === 'merge') return `kubectl patch ${resource(p.ref.kind)}.${group(p.ref.apiVersion)} ${p.ref.name} -n ${p.ref.namespace} --type=merge -p '${JSON.stringify(p.patch)}'`;
  if (p.op === 'delete') return `kubectl delete ${resource(p.ref.kind)}.${group(p.ref.apiVersion)} ${p.ref.name} -n ${p.ref.namespace}`;
  return `kubectl apply -f - <<'EOF'\n${yaml.dump(p.object, { lineWidth: 120, noRefs: true }).replace(/\n$/, '')}\nEOF`;
}

const group = (apiVersion: string): string => apiVersion.split('/')[0];

/** The object a patch refers to. */
export const patchRef = (p: FixPatch): ObjectRef =>
  p.op === 'create' ? { apiVersion: p.object.apiVersion, kind: p.object.kind, name: p.object.metadata.name, namespace: p.object.metadata.namespace } : p.ref;

/** One line for a confirmation: the command itself, or for a new object what it creates. */
export function patchSummary(p: FixPatch): string {
  if (p.op !== 'create') return patchCommand(p);
  const r = patchRef(p);
  return `kubectl apply -f - (${r.kind} ${r.name} -n ${r.namespace})`;
}
