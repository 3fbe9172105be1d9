// A controller over the practice store: the events it cares about schedule one reconcile a
// microtask later, so a burst of writes (an apply of many objects) is handled once, as kube's
// work queues coalesce them.
import type { Store, StoreEvent } from './store.js';

export abstract class StoreController {
  private pending = false;
  private readonly unsubscribe: () => void;

  constructor(store: Store, wants: (e: StoreEvent) => boolean) {
    this.unsubscribe = store.subscribe((e) => {
      if (wants(e)) this.schedule();
    });
  }

  /** Brings the objects it owns up to date now. */
  abstract reconcile(): void;

  stop(): void {
    this.unsubscribe();
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    queueMicrotask(() => {
      this.pending = false;
      this.reconcile();
    });
  }
}
