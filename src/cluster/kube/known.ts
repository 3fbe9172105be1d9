// What this session learnt from its own writes: the objects it applied (from the apply
// responses), so that deleting them needs no read first (issue 11: a class's API load). A DELETE
// then carries the uid as a precondition, so an object replaced by someone else meanwhile is
// never deleted on the strength of this memory. Objects it deleted are remembered as gone, so
// the next apply of one needs no read either (its answer shows whether someone made it meanwhile).

import type { ObjectRef } from '../../lesson/model.js';

export interface KnownObject {
  uid: string;
  resourceVersion?: string;
}

const keyOf = (ref: Pick<ObjectRef, 'apiVersion' | 'kind' | 'name' | 'namespace'>): string => `${ref.apiVersion.split('/')[0]}|${ref.kind}|${ref.namespace ?? ''}|${ref.name}`;

export class KnownObjects {
  private readonly objects = new Map<string, KnownObject>();
  /** Objects this session saw deleted (or absent) on a delete: applying one again needs no read first. */
  private readonly gone = new Set<string>();

  /** The tutorial applied it and the server answered with this object. */
  remember(ref: ObjectRef, stored: { metadata?: { uid?: unknown; resourceVersion?: unknown } }): void {
    this.gone.delete(keyOf(ref));
    const uid = stored.metadata?.uid;
    if (typeof uid !== 'string' || !uid) return;
    this.objects.set(keyOf(ref), { uid, resourceVersion: typeof stored.metadata?.resourceVersion === 'string' ? stored.metadata.resourceVersion : undefined });
  }

  get(ref: ObjectRef): KnownObject | undefined {
    return this.objects.get(keyOf(ref));
  }

  forget(ref: ObjectRef): void {
    this.objects.delete(keyOf(ref));
  }

  /**
   * A delete of this session found it gone. Someone may create it again before the tutorial
   * applies it, so the apply checks its answer for other field managers (see apply.ts).
   */
  markGone(ref: ObjectRef): void {
    this.objects.delete(keyOf(ref));
    this.gone.add(keyOf(ref));
  }

  isGone(ref: ObjectRef): boolean {
    return this.gone.has(keyOf(ref));
  }
}
