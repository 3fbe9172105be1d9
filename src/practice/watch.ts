// Watch streams: JSON events, one per line, over a chunked response.

import type { ServerResponse } from 'node:http';
import type { Api, Target } from './api.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { KObject, StoreEvent } from './store.js';
import { errors } from './status.js';
import { toTable } from './tables.js';

export interface WatchHandle {
  close(): void;
}

export function serveWatch(api: Api, t: Target, query: URLSearchParams, res: ServerResponse, onClose: (h: WatchHandle) => void, asTable = false): WatchHandle {
  const labels = parseLabelSelector(query.get('labelSelector'));
  const fields = parseFieldSelector(query.get('fieldSelector'), t.res.plural);
  const matches = (o: KObject | undefined): boolean =>
    !!o && (t.namespace === undefined || o.metadata.namespace === t.namespace) && matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o);
  const rvParam = query.get('resourceVersion');
  const sendInitial = query.get('sendInitialEvents') === 'true';
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? 0);

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders(); // clients wait for the head before the first event
  let closed = false;
  const write = (type: string, object: unknown): void => {
    if (!closed) res.write(`${JSON.stringify({ type, object })}\n`);
  };
  // `kubectl get -w` asks for Table events: one row per event, in the same columns as the list.
  const present = (o: KObject): unknown => (asTable ? toTable(t.res, [api.present(t.res, t.version, o)], query, Number(o.metadata.resourceVersion ?? 0)) : api.present(t.res, t.version, o));

  const fromEvent = (e: StoreEvent): void => {
    if (e.group !== t.res.group || e.plural !== t.res.plural) return;
    const now = matches(e.object);
    const before = e.type === 'MODIFIED' ? matches(e.old) : false;
    if (e.type === 'ADDED' && now) write('ADDED', present(e.object));
    else if (e.type === 'DELETED' && now) write('DELETED', present(e.object));
    else if (e.type === 'MODIFIED') {
      if (now && before) write('MODIFIED', present(e.object));
      else if (now) write('ADDED', present(e.object));
      else if (before) write('DELETED', present(e.object));
    }
  };

  let unsubscribe: () => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const handle: WatchHandle = {
    close(): void {
      if (closed) return;
      closed = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
      res.end();
    },
  };

  if (!rvParam || rvParam === '0' || sendInitial) {
    for (const o of api.store.list(t.res, t.namespace)) if (matches(o)) write('ADDED', present(o));
    if (sendInitial && bookmarks) write('BOOKMARK', { kind: t.res.kind, apiVersion: api.present(t.res, t.version, { apiVersion: '', kind: '', metadata: { name: '' } }).apiVersion, metadata: { resourceVersion: String(api.store.resourceVersion()), annotations: { 'k8s.io/initial-events-end': 'true' } } });
  } else {
    const since = Number(rvParam);
    const backlog = Number.isFinite(since) ? api.store.eventsSince(since) : undefined;
    if (!backlog) {
      write('ERROR', errors.expired(`too old resource version: ${rvParam} (${api.store.oldestWatchable()})`).toStatus());
      handle.close();
      return handle;
    }
    for (const e of backlog) fromEvent(e);
  }
  unsubscribe = api.store.subscribe(fromEvent);
  if (timeoutSeconds > 0) {
    timer = setTimeout(() => handle.close(), timeoutSeconds * 1000);
    timer.unref?.();
  }
  res.on('close', () => handle.close());
  onClose(handle);
  return handle;
}
