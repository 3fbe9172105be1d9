// The object store: one copy of every object (Istio objects once regardless of the version they
// were written in), a global resourceVersion counter, and a bounded event history for watches.

import { randomUUID } from 'node:crypto';
import type { ResourceInfo } from './resources.js';
import { clone } from './patch.js';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
  managedFields?: unknown[];
  [k: string]: unknown;
}

export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [k: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  rv: number;
  group: string;
  plural: string;
  object: KObject; // as stored (storage apiVersion)
  old?: KObject; // for MODIFIED: the object before
}

export interface StoreSnapshot {
  resourceVersion: number;
  objects: { group: string; plural: string; object: KObject }[];
}

const HISTORY = 2000; // events kept for watches that resume from a resourceVersion

export function objectKey(group: string, plural: string, namespace: string | undefined, name: string): string {
  return `${group}|${plural}|${namespace ?? ''}|${name}`;
}

export class Store {
  private rv = 1;
  private readonly objects = new Map<string, { group: string; plural: string; object: KObject }>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<(e: StoreEvent) => void>();

  resourceVersion(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch can still start from. */
  oldestWatchable(): number {
    return this.history.length ? this.history[0].rv - 1 : this.rv;
  }

  get(res: Pick<ResourceInfo, 'group' | 'plural'>, namespace: string | undefined, name: string): KObject | undefined {
    const e = this.objects.get(objectKey(res.group, res.plural, namespace, name));
    return e ? clone(e.object) : undefined;
  }

  list(res: Pick<ResourceInfo, 'group' | 'plural'>, namespace?: string): KObject[] {
    const out: KObject[] = [];
    for (const e of this.objects.values()) {
      if (e.group !== res.group || e.plural !== res.plural) continue;
      if (namespace !== undefined && e.object.metadata.namespace !== namespace) continue;
      out.push(clone(e.object));
    }
    return out.sort((a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name));
  }

  /** Every object in a namespace, of every resource. */
  inNamespace(namespace: string): { group: string; plural: string; object: KObject }[] {
    return [...this.objects.values()].filter((e) => e.object.metadata.namespace === namespace).map((e) => ({ ...e, object: clone(e.object) }));
  }

  /** Fills uid, creationTimestamp, generation (when absent) and resourceVersion, stores, emits ADDED. */
  create(res: Pick<ResourceInfo, 'group' | 'plural'>, obj: KObject): KObject {
    const o = clone(obj);
    o.metadata.uid ??= randomUUID();
    o.metadata.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    o.metadata.generation ??= 1;
    return this.put(res, o, 'ADDED');
  }

  update(res: Pick<ResourceInfo, 'group' | 'plural'>, obj: KObject): KObject {
    return this.put(res, clone(obj), 'MODIFIED');
  }

  delete(res: Pick<ResourceInfo, 'group' | 'plural'>, namespace: string | undefined, name: string): KObject | undefined {
    const k = objectKey(res.group, res.plural, namespace, name);
    const e = this.objects.get(k);
    if (!e) return undefined;
    this.objects.delete(k);
    const o = clone(e.object);
    o.metadata.resourceVersion = String(++this.rv);
    this.emit({ type: 'DELETED', rv: this.rv, group: res.group, plural: res.plural, object: o });
    return clone(o);
  }

  /** Events after `rv` for a resource, or undefined when they are no longer in the history. */
  eventsSince(rv: number): StoreEvent[] | undefined {
    if (rv < this.oldestWatchable()) return undefined;
    return this.history.filter((e) => e.rv > rv);
  }

  subscribe(fn: (e: StoreEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  snapshot(): StoreSnapshot {
    return { resourceVersion: this.rv, objects: [...this.objects.values()].map((e) => clone(e)) };
  }

  restore(s: StoreSnapshot): void {
    this.objects.clear();
    this.history.length = 0;
    this.rv = s.resourceVersion;
    for (const e of s.objects) this.objects.set(objectKey(e.group, e.plural, e.object.metadata.namespace, e.object.metadata.name), clone(e));
  }

  private put(res: Pick<ResourceInfo, 'group' | 'plural'>, o: KObject, type: WatchEventType): KObject {
    o.metadata.resourceVersion = String(++this.rv);
    const k = objectKey(res.group, res.plural, o.metadata.namespace, o.metadata.name);
    const old = this.objects.get(k)?.object;
    this.objects.set(k, { group: res.group, plural: res.plural, object: o });
    this.emit({ type, rv: this.rv, group: res.group, plural: res.plural, object: clone(o), old: old ? clone(old) : undefined });
    return clone(o);
  }

  private emit(e: StoreEvent): void {
    this.history.push(e);
    if (this.history.length > HISTORY) this.history.splice(0, this.history.length - HISTORY);
    for (const fn of [...this.listeners]) fn(e);
  }
}
