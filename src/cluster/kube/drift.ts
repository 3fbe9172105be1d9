// C6 drift: which fields of an object the tutorial applied were changed by someone else since.
// The answer comes from managedFields, as kube-apiserver records them: a kubectl patch, edit or
// client-side apply takes ownership of the fields whose value it changed (an atomic list as a
// whole), and the tutorial's Apply entry loses them. Pure apart from readDrift (one GET per object).

import type { KubeObject } from '../../lesson/model.js';
import { ClusterError, FIELD_MANAGER, type Drift, type DriftOptions } from '../port.js';
import { prepareObject, type KubeContext } from './apply.js';
import { resourcePath } from './discovery.js';
import type { RawObject } from './ownership.js';
import { say } from './lang.js';

type Path = string[];

interface FieldsEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  time?: string;
  fieldsV1?: unknown;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Fields the tutorial sets: everything but identity, status and server-owned metadata. */
export function appliedPaths(obj: Record<string, unknown>): Path[] {
  const out: Path[] = [];
  const walk = (v: unknown, path: Path): void => {
    if (isMap(v) && Object.keys(v).length > 0) {
      for (const [k, child] of Object.entries(v)) {
        if (child === undefined || child === null) continue;
        if (path.length === 0 && (k === 'apiVersion' || k === 'kind' || k === 'status')) continue;
        if (path.length === 1 && path[0] === 'metadata' && k !== 'labels' && k !== 'annotations') continue;
        walk(child, [...path, k]);
      }
    } else if (path.length > 0) out.push(path);
  };
  walk(obj, []);
  return out;
}

/** The paths a FieldsV1 set owns; a list entry (k:/v:/i:) counts as owning the list it is in. */
export function fieldsV1Paths(fields: unknown): Path[] {
  const out = new Map<string, Path>();
  const walk = (node: unknown, path: Path): void => {
    if (!isMap(node)) return;
    const children = Object.keys(node).filter((k) => k !== '.');
    if (children.length === 0) {
      if (path.length > 0) out.set(path.join('\u001f'), path);
      return;
    }
    for (const k of children) {
      if (k.startsWith('f:')) walk(node[k], [...path, k.slice(2)]);
      else if (path.length > 0) out.set(path.join('\u001f'), path);
    }
  };
  walk(fields, []);
  return [...out.values()];
}

function valueAt(obj: unknown, path: Path): unknown {
  let cur = obj;
  for (const seg of path) {
    if (!isMap(cur)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The shorter of two paths when one is a prefix of the other. */
function overlap(a: Path, b: Path): Path | undefined {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return undefined;
  return a.length <= b.length ? a : b;
}

/** "spec.gateways", "metadata.labels[app]" — the way a learner finds the field in kubectl explain/edit. */
export function fieldName(path: Path): string {
  let out = '';
  for (const [i, seg] of path.entries()) {
    if (i >= 2 && (path[i - 1] === 'labels' || path[i - 1] === 'annotations') && path[i - 2] === 'metadata') out += `[${seg}]`;
    else out += i === 0 ? seg : `.${seg}`;
  }
  return out;
}

/**
 * What differs between the object the tutorial applied (`applied`, prepared as sent) and the live
 * one, and who changed it. Fields another manager owns with a value the tutorial did not apply,
 * and applied fields the tutorial no longer owns whose value changed (removed or rewritten).
 * Status and other subresources' entries are ignored: controllers own those.
 */
export function findDrift(applied: Record<string, unknown>, live: RawObject): { fields: string[]; managers: string[] } {
  const entries = ((live.metadata?.managedFields ?? []) as FieldsEntry[]).filter((e) => !e.subresource);
  const foreign = entries.filter((e) => e.manager && e.manager !== FIELD_MANAGER).map((e) => ({ entry: e, paths: fieldsV1Paths(e.fieldsV1) }));
  const mine = entries.filter((e) => e.manager === FIELD_MANAGER).flatMap((e) => fieldsV1Paths(e.fieldsV1));
  const wanted = appliedPaths(applied);
  const fields = new Map<string, Set<string>>(); // field -> managers
  const note = (path: Path, manager: string): void => {
    const name = fieldName(path);
    const set = fields.get(name) ?? new Set<string>();
    set.add(manager);
    fields.set(name, set);
  };

  for (const { entry, paths } of foreign) {
    for (const q of paths) {
      const hit = wanted.map((p) => overlap(p, q)).find((o): o is Path => o !== undefined);
      if (hit) {
        if (!same(valueAt(live, hit), valueAt(applied, hit))) note(hit, entry.manager!);
      } else if (q[0] !== 'metadata') {
        // A field the lesson does not set, added by someone else (spec.exportTo, an extra route).
        note(q, entry.manager!);
      }
    }
  }
  // Applied fields whose value changed without another manager owning them (removed by an edit).
  const latest = foreign.map((f) => f.entry).filter((e) => e.operation === 'Update').sort((a, b) => String(b.time ?? '').localeCompare(String(a.time ?? '')))[0];
  for (const p of wanted) {
    if (same(valueAt(live, p), valueAt(applied, p))) continue;
    if ([...fields.keys()].some((f) => f === fieldName(p))) continue;
    const stillMine = mine.some((m) => overlap(m, p) !== undefined && same(valueAt(live, overlap(m, p)!), valueAt(applied, overlap(m, p)!)));
    if (stillMine || !latest) continue;
    note(p, latest.manager!);
  }
  const managers = new Set<string>();
  for (const set of fields.values()) for (const m of set) managers.add(m);
  return { fields: [...fields.keys()].sort(), managers: [...managers].sort() };
}

/** One GET per object; objects that are absent or not served are skipped (nothing to compare). */
export async function readDrift(ctx: KubeContext, objects: KubeObject[], options: DriftOptions): Promise<Drift[]> {
  const out: Drift[] = [];
  for (const source of objects) {
    if (!source?.kind || !source.apiVersion || !source.metadata?.name) continue;
    let resource;
    try {
      resource = await ctx.discovery.resolve(source.apiVersion, source.kind, options.signal);
    } catch (err) {
      if (err instanceof ClusterError && err.reason === 'cancelled') throw err;
      continue;
    }
    const prepared = prepareObject(source, resource, { lesson: options.lesson ?? '', step: options.step ?? '', namespace: options.namespace });
    if (options.lesson === undefined) {
      // Without the lesson and step the tutorial's own labels cannot be compared: leave them out.
      const labels = prepared.metadata.labels ?? {};
      for (const k of Object.keys(labels)) if (k.startsWith('egress-tutorial.dev/')) delete labels[k];
    }
    const namespace = prepared.metadata.namespace;
    const live = await ctx.rest.jsonOrAbsent<RawObject>({
      method: 'GET',
      path: resourcePath(resource, namespace, prepared.metadata.name),
      signal: options.signal,
      action: say(ctx.rest.where.lang, `read ${source.kind} "${prepared.metadata.name}"`, `读取 ${source.kind} "${prepared.metadata.name}"`),
    });
    if (!live) continue;
    const found = findDrift(prepared as unknown as Record<string, unknown>, live);
    if (found.fields.length === 0) continue;
    out.push({ ref: { apiVersion: resource.apiVersion, kind: source.kind, name: prepared.metadata.name, ...(namespace ? { namespace } : {}) }, ...found });
  }
  return out;
}
