// JSON merge patch (RFC 7386), JSON patch (RFC 6902) and small deep helpers.

import { errors } from './status.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw errors.badRequest(`the server rejected our request due to an error in our request: invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

interface Op {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

export function jsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw errors.badRequest('the server rejected our request due to an error in our request: json patch must be an array of operations');
  let root = clone(doc);
  const get = (path: string[]): unknown => {
    let cur: unknown = root;
    for (const seg of path) {
      if (Array.isArray(cur)) cur = cur[Number(seg)];
      else if (isPlainObject(cur)) cur = cur[seg];
      else return undefined;
    }
    return cur;
  };
  const missing = (p: string): never => {
    throw errors.internal(`jsonpatch: the path "${p}" does not exist`);
  };
  const parentOf = (path: string[], p: string): { parent: unknown; key: string } => {
    const parent = get(path.slice(0, -1));
    if (parent === undefined || (typeof parent !== 'object') || parent === null) missing(p);
    return { parent, key: path[path.length - 1] };
  };
  const add = (path: string[], value: unknown, p: string): void => {
    if (path.length === 0) {
      root = value;
      return;
    }
    const { parent, key } = parentOf(path, p);
    if (Array.isArray(parent)) {
      const i = key === '-' ? parent.length : Number(key);
      if (!Number.isInteger(i) || i < 0 || i > parent.length) missing(p);
      parent.splice(i, 0, value);
    } else (parent as Record<string, unknown>)[key] = value;
  };
  const remove = (path: string[], p: string): unknown => {
    const { parent, key } = parentOf(path, p);
    if (Array.isArray(parent)) {
      const i = Number(key);
      if (!(i >= 0 && i < parent.length)) missing(p);
      return parent.splice(i, 1)[0];
    }
    const obj = parent as Record<string, unknown>;
    if (!(key in obj)) missing(p);
    const old = obj[key];
    delete obj[key];
    return old;
  };
  for (const raw of ops as Op[]) {
    const path = decodePointer(raw.path);
    switch (raw.op) {
      case 'add':
        add(path, clone(raw.value), raw.path);
        break;
      case 'remove':
        remove(path, raw.path);
        break;
      case 'replace':
        remove(path, raw.path);
        add(path, clone(raw.value), raw.path);
        break;
      case 'move': {
        const v = remove(decodePointer(raw.from ?? ''), raw.from ?? '');
        add(path, v, raw.path);
        break;
      }
      case 'copy': {
        const v = get(decodePointer(raw.from ?? ''));
        if (v === undefined) missing(raw.from ?? '');
        add(path, clone(v), raw.path);
        break;
      }
      case 'test':
        if (!deepEqual(get(path), raw.value)) throw errors.internal(`testing value ${raw.path} failed`);
        break;
      default:
        throw errors.badRequest(`the server rejected our request due to an error in our request: unexpected kind of operation "${raw.op}"`);
    }
  }
  return root;
}
