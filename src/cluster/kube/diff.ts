// What differs between an object in the cluster and the manifest about to be applied, for the
// "this object exists and was not created by the tutorial" question. Pure.

import type { Lang } from './lang.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Fields the server owns or fills: never part of what the learner compares. */
const IGNORED_METADATA = new Set([
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
  'ownerReferences',
  'finalizers',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
]);
const MAX_LINES = 40;

function show(value: unknown): string {
  const text = value === undefined ? '(absent)' : JSON.stringify(value);
  return text.length > 80 ? text.slice(0, 79) + '…' : text;
}

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pathOf(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? (base ? `${base}.${key}` : key) : `${base}[${JSON.stringify(key)}]`;
}

function walk(cluster: unknown, manifest: unknown, path: string, out: string[]): void {
  if (isObject(manifest) && isObject(cluster)) {
    for (const key of Object.keys(manifest)) walk(cluster[key], manifest[key], pathOf(path, key), out);
    for (const key of Object.keys(cluster)) {
      if (!(key in manifest)) out.push(`- ${pathOf(path, key)}: ${show(cluster[key])} (only in the cluster)`);
    }
    return;
  }
  if (Array.isArray(manifest) && Array.isArray(cluster) && manifest.length === cluster.length && manifest.some(isObject)) {
    manifest.forEach((item, i) => walk(cluster[i], item, pathOf(path, i), out));
    return;
  }
  if (JSON.stringify(cluster) === JSON.stringify(manifest)) return;
  if (cluster === undefined) out.push(`+ ${path}: ${show(manifest)}`);
  else out.push(`~ ${path}: ${show(cluster)} → ${show(manifest)}`);
}

/** The comparable part of an object: no status, no server-owned metadata. */
function comparable(obj: Record<string, unknown>): Record<string, unknown> {
  const { status: _status, metadata, ...rest } = obj;
  const meta: Record<string, unknown> = {};
  if (isObject(metadata)) {
    for (const [k, v] of Object.entries(metadata)) if (!IGNORED_METADATA.has(k)) meta[k] = v;
  }
  return { ...rest, metadata: meta };
}

/**
 * Lines of the form `~ path: cluster → manifest`, `+ path: value` (the manifest adds it) and
 * `- path: value (only in the cluster)`. Only the labels and annotations the manifest sets are
 * compared within metadata; what the server fills in is ignored. Empty when nothing differs.
 */
export function diffLines(cluster: Record<string, unknown>, manifest: Record<string, unknown>): string[] {
  const a = comparable(cluster);
  const b = comparable(manifest);
  const am = a.metadata as Record<string, unknown>;
  const bm = b.metadata as Record<string, unknown>;
  // Keep only the metadata the manifest speaks about; server-set annotations are noise here.
  const trimmedMeta: Record<string, unknown> = {};
  for (const key of Object.keys(bm)) {
    if ((key === 'labels' || key === 'annotations') && isObject(am[key]) && isObject(bm[key])) {
      const sub: Record<string, unknown> = {};
      for (const k of Object.keys(bm[key] as object)) if (k in (am[key] as object)) sub[k] = (am[key] as Record<string, unknown>)[k];
      trimmedMeta[key] = sub;
    } else if (key in am) {
      trimmedMeta[key] = am[key];
    }
  }
  a.metadata = trimmedMeta;
  const out: string[] = [];
  walk(a, b, '', out);
  return out;
}

/** The diff as text for ApplyOutcome.diff, bounded. */
export function formatDiff(cluster: Record<string, unknown>, manifest: Record<string, unknown>, lang?: Lang): string {
  const lines = diffLines(cluster, manifest);
  if (lines.length === 0) {
    return lang === 'zh'
      ? '清单设置的字段没有差异；这个对象是别人创建的。'
      : 'No differences in the fields the manifest sets; the object was created by someone else.';
  }
  if (lines.length > MAX_LINES) {
    const more = lines.length - MAX_LINES;
    return [...lines.slice(0, MAX_LINES), lang === 'zh' ? `… 另有 ${more} 处` : `… and ${more} more`].join('\n');
  }
  return lines.join('\n');
}
