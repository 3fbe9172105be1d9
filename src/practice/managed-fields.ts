// Field ownership for server-side apply: which manager owns which fields (managedFields,
// FieldsV1), conflicts with other managers, and the merge that removes fields a manager
// stopped applying. Lists are treated as atomic (owned as a whole), like x-kubernetes-list-type
// atomic; that is enough for the tutorial's objects and keeps conflicts exact.

import { clone, deepEqual, isPlainObject } from './patch.js';

export type FieldPath = string[];

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

const SEP = '\u001f';
const key = (p: FieldPath): string => p.join(SEP);
const unkey = (k: string): FieldPath => k.split(SEP);

/** Top-level fields that are identity or server-owned, never tracked. */
const UNTRACKED_TOP = new Set(['apiVersion', 'kind', 'status']);
const TRACKED_METADATA = new Set(['labels', 'annotations', 'ownerReferences', 'finalizers']);

/** The leaf paths of an object that managers can own. */
export function leafPaths(obj: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown, path: FieldPath): void => {
    if (isPlainObject(v) && (Object.keys(v).length > 0 || path.length === 0)) {
      for (const [k, child] of Object.entries(v)) {
        if (child === undefined || child === null) continue;
        if (path.length === 0 && UNTRACKED_TOP.has(k)) continue;
        if (path.length === 1 && path[0] === 'metadata' && !TRACKED_METADATA.has(k)) continue;
        walk(child, [...path, k]);
      }
    } else if (path.length > 0) out.add(key(path));
  };
  walk(obj, []);
  return out;
}

export function toFieldsV1(paths: Set<string>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const k of [...paths].sort()) {
    let cur = root;
    for (const seg of unkey(k)) {
      const f = `f:${seg}`;
      cur[f] = (cur[f] as Record<string, unknown>) ?? {};
      cur = cur[f] as Record<string, unknown>;
    }
  }
  return root;
}

export function fromFieldsV1(fields: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (node: unknown, path: FieldPath): void => {
    if (!isPlainObject(node)) return;
    const children = Object.keys(node).filter((k) => k !== '.');
    if (children.length === 0 && path.length > 0) {
      out.add(key(path));
      return;
    }
    for (const k of children) {
      // k:{...} and v:... name list entries; lists are atomic here, so the list path is the leaf.
      if (k.startsWith('f:')) walk(node[k], [...path, k.slice(2)]);
      else if (path.length > 0) out.add(key(path));
    }
  };
  walk(fields, []);
  return out;
}

function valueAt(obj: unknown, path: FieldPath): unknown {
  let cur = obj;
  for (const seg of path) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

function overlaps(a: FieldPath, b: FieldPath): FieldPath | undefined {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return undefined;
  return a.length <= b.length ? a : b;
}

export function pathString(path: FieldPath): string {
  return path.map((s) => `.${s}`).join('');
}

export interface Conflict {
  manager: string; // printed form: "name" or "name" using apps/v1
  path: string;
}

function printManager(e: ManagedFieldsEntry): string {
  return e.operation === 'Update' ? `"${e.manager}" using ${e.apiVersion}` : `"${e.manager}"`;
}

export function conflictMessage(conflicts: Conflict[]): string {
  if (conflicts.length === 1) return `Apply failed with 1 conflict: conflict with ${conflicts[0].manager}: ${conflicts[0].path}`;
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.path]);
  const lines: string[] = [];
  for (const m of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${m}:`);
    for (const p of byManager.get(m) ?? []) lines.push(`- ${p}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

function deepMerge(base: unknown, applied: unknown): unknown {
  if (!isPlainObject(applied) || !isPlainObject(base)) return clone(applied);
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(applied)) {
    if (v === null || v === undefined) continue;
    out[k] = deepMerge(out[k], v);
  }
  return out;
}

function removePath(obj: Record<string, unknown>, path: FieldPath): void {
  const parents: Record<string, unknown>[] = [];
  let cur: unknown = obj;
  for (const seg of path.slice(0, -1)) {
    if (!isPlainObject(cur)) return;
    parents.push(cur);
    cur = cur[seg];
  }
  if (!isPlainObject(cur)) return;
  delete cur[path[path.length - 1]];
  // Drop maps that became empty because of the removal (kube prunes them too).
  for (let i = path.length - 2; i >= 0; i--) {
    const holder = i === 0 ? obj : parents[i];
    const child = (i === 0 ? obj : parents[i])[path[i]];
    if (isPlainObject(child) && Object.keys(child).length === 0 && !(i === 0 && path[0] === 'metadata')) delete holder[path[i]];
    else break;
  }
}

export interface ApplyInput {
  current?: Record<string, unknown>; // the stored object, undefined when creating
  applied: Record<string, unknown>; // the applied configuration
  manager: string;
  apiVersion: string;
  force: boolean;
  now: string;
}

export type ApplyResult = { ok: true; object: Record<string, unknown> } | { ok: false; conflicts: Conflict[] };

export function serverSideApply(input: ApplyInput): ApplyResult {
  const current = input.current ?? {};
  const entries = ((current.metadata as Record<string, unknown> | undefined)?.managedFields as ManagedFieldsEntry[] | undefined) ?? [];
  const applied = leafPaths(input.applied);
  const mine = entries.find((e) => e.manager === input.manager && e.operation === 'Apply' && !e.subresource);
  const others = entries.filter((e) => e !== mine && !e.subresource).map((e) => ({ entry: e, paths: fromFieldsV1(e.fieldsV1) }));

  const conflicts: Conflict[] = [];
  const forcedAway = new Map<ManagedFieldsEntry, Set<string>>();
  for (const pk of applied) {
    const p = unkey(pk);
    for (const o of others) {
      for (const qk of o.paths) {
        const at = overlaps(p, unkey(qk));
        if (!at) continue;
        if (deepEqual(valueAt(current, at), valueAt(input.applied, at))) continue;
        if (input.force) {
          const set = forcedAway.get(o.entry) ?? new Set<string>();
          set.add(qk);
          forcedAway.set(o.entry, set);
        } else if (!conflicts.some((c) => c.path === pathString(at) && c.manager === printManager(o.entry))) {
          conflicts.push({ manager: printManager(o.entry), path: pathString(at) });
        }
      }
    }
  }
  if (conflicts.length > 0) return { ok: false, conflicts };

  let result = clone(current) as Record<string, unknown>;
  const stillOwned = new Set<string>();
  for (const o of others) for (const q of o.paths) if (!forcedAway.get(o.entry)?.has(q)) stillOwned.add(q);
  if (mine) {
    for (const pk of fromFieldsV1(mine.fieldsV1)) {
      if (applied.has(pk) || stillOwned.has(pk)) continue;
      removePath(result, unkey(pk));
    }
  }
  result = deepMerge(result, input.applied) as Record<string, unknown>;

  const newEntries: ManagedFieldsEntry[] = [];
  for (const e of entries) {
    if (e === mine) continue;
    const away = forcedAway.get(e);
    if (!away) {
      newEntries.push(e);
      continue;
    }
    const left = new Set([...fromFieldsV1(e.fieldsV1)].filter((k) => !away.has(k)));
    if (left.size > 0) newEntries.push({ ...e, fieldsV1: toFieldsV1(left) });
  }
  const unchanged = mine && deepEqual(fromFieldsV1(mine.fieldsV1), applied) && deepEqual(stripMeta(result), stripMeta(current));
  const mineEntry: ManagedFieldsEntry = unchanged && mine
    ? mine
    : { manager: input.manager, operation: 'Apply', apiVersion: input.apiVersion, time: input.now, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(applied) };
  const ordered = mine ? entries.map((e) => (e === mine ? mineEntry : newEntries.find((n) => n.manager === e.manager && n.operation === e.operation && n.subresource === e.subresource))).filter((e): e is ManagedFieldsEntry => !!e) : [...newEntries, mineEntry];
  // A manager left owning nothing is no manager any more (structured-merge-diff drops empty sets),
  // except on a create: an apply of just a name still records who made the object.
  setManagedFields(result, input.current === undefined ? ordered : ordered.filter((e) => e !== mineEntry || applied.size > 0));
  return { ok: true, object: result };
}

function stripMeta(obj: Record<string, unknown>): unknown {
  const c = clone(obj) as Record<string, unknown>;
  const meta = c.metadata as Record<string, unknown> | undefined;
  if (meta) {
    delete meta.managedFields;
    delete meta.resourceVersion;
  }
  return c;
}

function setManagedFields(obj: Record<string, unknown>, entries: ManagedFieldsEntry[]): void {
  const meta = (obj.metadata as Record<string, unknown>) ?? {};
  obj.metadata = meta;
  if (entries.length) meta.managedFields = entries;
  else delete meta.managedFields;
}

/**
 * A non-apply write (create, PUT, patch): the manager takes the fields whose value it changed;
 * others lose them; fields that disappeared are owned by nobody.
 */
export function recordUpdate(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown>,
  manager: string,
  apiVersion: string,
  now: string,
  subresource?: string,
): void {
  const entries = clone(((before?.metadata as Record<string, unknown> | undefined)?.managedFields as ManagedFieldsEntry[] | undefined) ?? []);
  const afterPaths = leafPaths(after);
  const changed = new Set<string>();
  for (const pk of afterPaths) if (!before || !deepEqual(valueAt(before, unkey(pk)), valueAt(after, unkey(pk)))) changed.add(pk);
  const kept: ManagedFieldsEntry[] = [];
  for (const e of entries) {
    const paths = [...fromFieldsV1(e.fieldsV1)].filter((k) => {
      if (!afterPaths.has(k) && valueAt(after, unkey(k)) === undefined) return false; // field removed
      return !(changed.has(k) && !(e.manager === manager && e.operation === 'Update'));
    });
    if (paths.length > 0) kept.push({ ...e, fieldsV1: toFieldsV1(new Set(paths)) });
  }
  if (changed.size > 0) {
    const i = kept.findIndex((e) => e.manager === manager && e.operation === 'Update' && e.subresource === subresource);
    const own = i >= 0 ? fromFieldsV1(kept[i].fieldsV1) : new Set<string>();
    changed.forEach((k) => own.add(k));
    const entry: ManagedFieldsEntry = { manager, operation: 'Update', apiVersion, time: now, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(own) };
    if (subresource) entry.subresource = subresource;
    if (i >= 0) kept[i] = entry;
    else kept.push(entry);
  }
  setManagedFields(after, kept);
}
