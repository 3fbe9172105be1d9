// Deleting: only what the tutorial created (label + field manager), waiting until it is gone, and
// finding everything it created for a lesson or for all lessons (reset).

import type { ObjectRef } from '../../lesson/model.js';
import { CLASS_LABEL, ClusterError, type DeleteOutcome, type ManagedScope } from '../port.js';
import { formatDuration, sleep } from './backoff.js';
import { resourcePath, type ResourceInfo } from './discovery.js';
import { httpError } from './errors.js';
import { both, messageIn, say, type Both, type Lang } from './lang.js';
import { isTutorialObject, managedSelector, type RawObject } from './ownership.js';
import type { Reads } from './reads.js';
import { releaseShared } from './shared.js';

export const DEFAULT_DELETE_WAIT_MS = 60_000;

/**
 * Kinds the tutorial may create, in deletion order: routing before what it routes to, workloads
 * last. Only those whose group the cluster serves are looked at.
 */
export const MANAGED_KINDS: { apiVersion: string; kind: string; required: boolean }[] = [
  { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', required: true },
  { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', required: true },
  { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', required: true },
  { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', required: true },
  { apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', required: true },
  { apiVersion: 'networking.istio.io/v1', kind: 'WorkloadEntry', required: false },
  { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', required: false },
  { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', required: false },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', required: false },
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', required: false },
  { apiVersion: 'gateway.networking.k8s.io/v1alpha2', kind: 'TLSRoute', required: false },
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', required: false },
  { apiVersion: 'apps/v1', kind: 'Deployment', required: true },
  { apiVersion: 'v1', kind: 'Pod', required: false },
  { apiVersion: 'v1', kind: 'Service', required: true },
  { apiVersion: 'v1', kind: 'ServiceAccount', required: true },
  { apiVersion: 'v1', kind: 'ConfigMap', required: false },
];

function describe(ref: ObjectRef, lang?: Lang): string {
  if (lang === 'zh') return ref.namespace ? `命名空间 "${ref.namespace}" 中的 ${ref.kind} "${ref.name}"` : `${ref.kind} "${ref.name}"`;
  return ref.namespace ? `${ref.kind} "${ref.name}" in namespace "${ref.namespace}"` : `${ref.kind} "${ref.name}"`;
}

async function resolveOrAbsent(r: Reads, ref: ObjectRef, signal?: AbortSignal): Promise<ResourceInfo | undefined> {
  try {
    return await r.discovery.resolve(ref.apiVersion, ref.kind, signal);
  } catch (err) {
    if (err instanceof ClusterError && err.reason === 'not-served') return undefined; // nothing of it can exist
    throw err;
  }
}

async function read(r: Reads, resource: ResourceInfo, ref: ObjectRef, signal?: AbortSignal): Promise<RawObject | undefined> {
  const lang = r.rest.where.lang;
  return r.rest.jsonOrAbsent<RawObject>({
    method: 'GET',
    path: resourcePath(resource, ref.namespace, ref.name),
    signal,
    action: both(`read ${describe(ref)}`, `读取${describe(ref, 'zh')}`),
  });
}

/** Poll until the object is gone (or replaced by a new one with another uid). */
async function waitGone(r: Reads, resource: ResourceInfo, ref: ObjectRef, uid: unknown, waitMs: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  let delay = 150;
  for (;;) {
    const current = await read(r, resource, ref, signal);
    if (!current || (uid && current.metadata?.uid !== uid)) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    const lang = r.rest.where.lang;
    await sleep(Math.min(delay, left), signal, say(lang, `waiting for ${describe(ref)} to be deleted`, `等待${describe(ref, lang)}被删除`), lang);
    delay = Math.min(delay * 1.5, 1000);
  }
}

function replacedMessage(ref: ObjectRef, lang?: Lang): { message: string; messages: Both } {
  return messageIn(lang, both(`${describe(ref)} was replaced by someone else since the tutorial created it, so it was left alone.`, `${describe(ref, 'zh')}在教程创建之后被别人替换了，因此没有动它。`));
}

/** The DELETE answer says the object is gone already (no finalizer or grace period holds it). */
function goneAtOnce(text: string): boolean {
  try {
    const body = JSON.parse(text) as { kind?: string; status?: unknown; metadata?: { deletionTimestamp?: unknown; finalizers?: unknown[] } };
    if (body.kind === 'Status') return body.status === 'Success';
    return !body.metadata?.deletionTimestamp && !(body.metadata?.finalizers?.length);
  } catch {
    return false;
  }
}

export interface Target {
  ref: ObjectRef;
  resource: ResourceInfo;
  uid?: unknown;
}

export async function deleteAndWait(r: Reads, targets: Target[], waitMs: number, signal?: AbortSignal): Promise<DeleteOutcome[]> {
  const lang = r.rest.where.lang;
  const sent = await Promise.all(
    targets.map(async (t): Promise<DeleteOutcome | Target> => {
      const action = both(`delete ${describe(t.ref)}`, `删除${describe(t.ref, 'zh')}`);
      const response = await r.rest.sendWithRetry({
        method: 'DELETE',
        path: resourcePath(t.resource, t.ref.namespace, t.ref.name),
        query: { propagationPolicy: 'Background' },
        // The uid we know: an object of that name made by someone else since is not deleted.
        ...(t.uid ? { body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background', preconditions: { uid: t.uid } } } : {}),
        signal,
        action,
      });
      r.known?.forget(t.ref);
      if (response.status === 404) return { ref: t.ref, result: 'absent' };
      if (response.status === 409 && t.uid) return { ref: t.ref, result: 'not-ours', ...replacedMessage(t.ref, lang) };
      if (response.status < 200 || response.status > 299) {
        const error = httpError(response.status, response.text, r.rest.where, action, response.attempts);
        return { ref: t.ref, result: 'error', message: error.message, ...(error.messages ? { messages: error.messages } : {}) };
      }
      // Gone at once (a Status, or the object without a deletionTimestamp): no need to poll for it.
      if (response.status === 200 && goneAtOnce(response.text)) return { ref: t.ref, result: 'deleted' };
      return t;
    }),
  );
  const outcomes = await Promise.all(
    sent.map(async (s): Promise<DeleteOutcome> => {
      if (!('resource' in s)) return s;
      const gone = await waitGone(r, s.resource, s.ref, s.uid, waitMs, signal);
      return gone
        ? { ref: s.ref, result: 'deleted' }
        : {
            ref: s.ref,
            result: 'error',
            ...messageIn(
              lang,
              both(
                `${describe(s.ref)} is still being deleted after ${formatDuration(waitMs)}; a finalizer may hold it (kubectl get ${s.resource.plural} ${s.ref.name}${s.ref.namespace ? ` -n ${s.ref.namespace}` : ''} -o yaml).`,
                `${formatDuration(waitMs, 'zh')}后${describe(s.ref, 'zh')}仍在删除中；可能有 finalizer 拦住了它（kubectl get ${s.resource.plural} ${s.ref.name}${s.ref.namespace ? ` -n ${s.ref.namespace}` : ''} -o yaml）。`,
              ),
            ),
          };
    }),
  );
  for (const o of outcomes) if (o.result === 'deleted' || o.result === 'absent') r.known?.markGone(o.ref);
  return outcomes;
}

/** Delete the given objects if (and only if) the tutorial created them; wait until they are gone. */
export async function deleteRefs(r: Reads, refs: ObjectRef[], options: { namespace: string; signal?: AbortSignal; waitMs?: number }): Promise<DeleteOutcome[]> {
  const outcomes: (DeleteOutcome | undefined)[] = new Array(refs.length).fill(undefined);
  const targets: { index: number; target: Target }[] = [];
  for (const [index, authored] of refs.entries()) {
    try {
      const resource = await resolveOrAbsent(r, authored, options.signal);
      const ref: ObjectRef = {
        ...authored,
        apiVersion: resource?.apiVersion ?? authored.apiVersion,
        ...(resource?.namespaced === false ? { namespace: undefined } : { namespace: authored.namespace ?? options.namespace }),
      };
      if (!resource) {
        outcomes[index] = { ref, result: 'absent' };
        continue;
      }
      // Applied by this session: its uid is known, the DELETE's precondition does the checking.
      const known = r.known?.get(ref);
      if (known) {
        targets.push({ index, target: { ref, resource, uid: known.uid } });
        continue;
      }
      const current = await read(r, resource, ref, options.signal);
      if (!current) outcomes[index] = { ref, result: 'absent' };
      else if (!isTutorialObject(current)) {
        const lang = r.rest.where.lang;
        outcomes[index] = {
          ref,
          result: 'not-ours',
          ...messageIn(lang, both(`${describe(ref)} was not created by the tutorial, so it was left alone.`, `${describe(ref, 'zh')}不是教程创建的，因此没有动它。`)),
        };
      }
      else targets.push({ index, target: { ref, resource, uid: current.metadata?.uid } });
    } catch (err) {
      if (err instanceof ClusterError && err.reason === 'cancelled') throw err;
      outcomes[index] = { ref: authored, result: 'error', message: err instanceof ClusterError ? err.message : String(err), ...(err instanceof ClusterError && err.messages ? { messages: err.messages } : {}) };
    }
  }
  const done = await deleteAndWait(r, targets.map((t) => t.target), options.waitMs ?? DEFAULT_DELETE_WAIT_MS, options.signal);
  targets.forEach((t, i) => (outcomes[t.index] = done[i]));
  return outcomes as DeleteOutcome[];
}

/** Everything the tutorial created in the scope's namespaces (for one lesson or all). */
export async function listManagedTargets(r: Reads, scope: ManagedScope, signal?: AbortSignal): Promise<Target[]> {
  const found: Target[] = [];
  const seen = new Set<string>();
  for (const kind of MANAGED_KINDS.filter((k) => !scope.kinds || scope.kinds.includes(k.kind))) {
    let resource: ResourceInfo | undefined;
    try {
      resource = await r.discovery.resolve(kind.apiVersion, kind.kind, signal);
    } catch (err) {
      if (err instanceof ClusterError && err.reason === 'not-served') continue;
      throw err;
    }
    const namespaces = resource.namespaced ? [...new Set(scope.namespaces)] : [undefined];
    for (const namespace of namespaces) {
      const action = say(
        r.rest.where.lang,
        `list the tutorial's ${kind.kind} objects${namespace ? ` in namespace "${namespace}"` : ''}`,
        `列出${namespace ? `命名空间 "${namespace}" 中` : ''}教程创建的 ${kind.kind} 对象`,
      );
      const response = await r.rest.sendWithRetry({
        method: 'GET',
        path: resourcePath(resource, namespace),
        query: { labelSelector: managedSelector(scope.lesson) },
        signal,
        action,
      });
      if (response.status === 404 || (response.status === 403 && !kind.required)) continue;
      if (response.status < 200 || response.status > 299) {
        throw httpError(response.status, response.text, r.rest.where, action, response.attempts);
      }
      const items = (JSON.parse(response.text) as { items?: RawObject[] }).items ?? [];
      for (const item of items) {
        if (!isTutorialObject(item) || item.metadata?.deletionTimestamp) continue;
        // What `class setup` made (the learner's ServiceAccount, their gateway, the class
        // ConfigMap) is the instructor's: a learner's reset must not lock them out.
        if (item.metadata?.labels?.[CLASS_LABEL]) continue;
        const ref: ObjectRef = { apiVersion: resource.apiVersion, kind: kind.kind, name: item.metadata?.name ?? '', ...(item.metadata?.namespace ? { namespace: item.metadata.namespace } : {}) };
        const key = `${resource.apiVersion}|${kind.kind}|${ref.namespace ?? ''}|${ref.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        found.push({ ref, resource, uid: item.metadata?.uid });
      }
    }
  }
  return found;
}

export async function deleteManagedObjects(r: Reads, scope: ManagedScope, options: { signal?: AbortSignal; waitMs?: number }): Promise<DeleteOutcome[]> {
  const shared = scope.shared;
  const namespaces = shared ? [...new Set([...scope.namespaces, ...shared.namespaces])] : scope.namespaces;
  const targets = await listManagedTargets(r, { ...scope, namespaces }, options.signal);
  if (!shared) return deleteAndWait(r, targets, options.waitMs ?? DEFAULT_DELETE_WAIT_MS, options.signal);
  const own = new Set(scope.namespaces);
  const isShared = (t: Target): boolean => t.ref.namespace !== undefined && !own.has(t.ref.namespace) && shared.namespaces.includes(t.ref.namespace);
  const outcomes: DeleteOutcome[] = [];
  const toDelete: Target[] = [];
  for (const t of targets) {
    if (!isShared(t)) {
      toDelete.push(t);
      continue;
    }
    // One lesson's reset leaves shared objects be: the learner still needs them for the others.
    if (scope.lesson && !shared.include) continue;
    try {
      const released = await releaseShared(r, t, shared.learner, shared.include === true, options.signal);
      if (released) outcomes.push(released);
      else toDelete.push(t);
    } catch (err) {
      if (err instanceof ClusterError && err.reason === 'cancelled') throw err;
      outcomes.push({ ref: t.ref, result: 'error', message: err instanceof ClusterError ? err.message : String(err) });
    }
  }
  return [...(await deleteAndWait(r, toDelete, options.waitMs ?? DEFAULT_DELETE_WAIT_MS, options.signal)), ...outcomes];
}
