// Objects several learners share (the Istio namespace's access-log Telemetry for the shared
// gateway): each learner namespace that relies on one is named in its annotation
// egress-tutorial.dev/used-by, written with optimistic concurrency (read, change, write with the
// resourceVersion read; a 409 means someone else wrote first: read again), so learners claiming
// or releasing at the same moment never lose each other's names. Reset releases a claim and
// deletes the object only when nobody is left.

import type { KubeObject, ObjectRef } from '../../lesson/model.js';
import { ClusterError, FIELD_MANAGER, USED_BY_ANNOTATION, type ApplyOutcome, type DeleteOutcome } from '../port.js';
import { resourcePath, type ResourceInfo } from './discovery.js';
import { httpError } from './errors.js';
import { say } from './lang.js';
import { isTutorialObject, tutorialLabels, type RawObject } from './ownership.js';
import type { Reads } from './reads.js';

const ATTEMPTS = 8;

/** The namespaces an object's annotation names (sorted, without duplicates). */
export function usedBy(obj: RawObject | KubeObject | undefined): string[] {
  const value = (obj?.metadata?.annotations as Record<string, string> | undefined)?.[USED_BY_ANNOTATION] ?? '';
  return [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))].sort();
}

function withUsedBy<T extends { metadata?: Record<string, unknown> }>(obj: T, names: string[]): T {
  const metadata = (obj.metadata ?? {}) as Record<string, unknown>;
  const annotations = { ...((metadata.annotations as Record<string, string> | undefined) ?? {}), [USED_BY_ANNOTATION]: [...new Set(names)].sort().join(',') };
  return { ...obj, metadata: { ...metadata, annotations } };
}

function describe(ref: ObjectRef, lang?: 'en' | 'zh'): string {
  return lang === 'zh' ? `命名空间 "${ref.namespace}" 中的 ${ref.kind} "${ref.name}"` : `${ref.kind} "${ref.name}" in namespace "${ref.namespace}"`;
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Create or update each object with `learner` added to its used-by annotation. */
export async function claimShared(r: Reads, objects: KubeObject[], learner: string, options: { lesson: string; step: string; signal?: AbortSignal }): Promise<ApplyOutcome[]> {
  const out: ApplyOutcome[] = [];
  for (const source of objects) out.push(await claimOne(r, source, learner, options));
  return out;
}

async function claimOne(r: Reads, source: KubeObject, learner: string, options: { lesson: string; step: string; signal?: AbortSignal }): Promise<ApplyOutcome> {
  const lang = r.rest.where.lang;
  const resource = await r.discovery.resolve(source.apiVersion, source.kind, options.signal);
  const namespace = source.metadata.namespace ?? learner;
  const ref: ObjectRef = { apiVersion: resource.apiVersion, kind: source.kind, name: source.metadata.name, namespace };
  const path = resourcePath(resource, namespace, source.metadata.name);
  const action = say(lang, `record that namespace "${learner}" relies on ${describe(ref)}`, `记录命名空间 "${learner}" 依赖${describe(ref, lang)}`);
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const existing = await r.rest.jsonOrAbsent<RawObject>({ method: 'GET', path, signal: options.signal, action });
    if (!existing) {
      const body = withUsedBy(
        { ...structuredClone(source), apiVersion: resource.apiVersion, metadata: { ...source.metadata, namespace, labels: { ...(source.metadata.labels ?? {}), ...tutorialLabels(options.lesson, options.step) } } },
        [learner],
      );
      const created = await r.rest.sendWithRetry({ method: 'POST', path: resourcePath(resource, namespace), query: { fieldManager: FIELD_MANAGER }, body, signal: options.signal, action });
      if (created.status === 409) continue; // another learner created it a moment ago
      if (created.status < 200 || created.status > 299) throw httpError(created.status, created.text, r.rest.where, action, created.attempts);
      return { ref, result: 'created' };
    }
    if (!isTutorialObject(existing)) {
      return {
        ref,
        result: 'conflict',
        message: say(lang, `${describe(ref)} exists and was not created by the tutorial, so it was left alone.`, `${describe(ref, lang)}已存在且不是教程创建的，因此没有动它。`),
      };
    }
    const names = [...new Set([...usedBy(existing), learner])].sort();
    const desired = source as unknown as Record<string, unknown>;
    if (sameJson(usedBy(existing), names) && sameJson(existing.spec, desired.spec)) return { ref, result: 'unchanged' };
    const next = withUsedBy({ ...existing, spec: desired.spec }, names);
    const written = await r.rest.sendWithRetry({ method: 'PUT', path, query: { fieldManager: FIELD_MANAGER }, body: next, signal: options.signal, action });
    if (written.status === 409) continue; // changed since we read it: read again
    if (written.status < 200 || written.status > 299) throw httpError(written.status, written.text, r.rest.where, action, written.attempts);
    return { ref, result: 'configured' };
  }
  throw new ClusterError(
    say(lang, `Could not ${action}: it kept changing under us (${ATTEMPTS} tries); try again.`, `无法${action}：它一直在被别人修改（试了 ${ATTEMPTS} 次）；请重试。`),
    'conflict',
    409,
  );
}

/**
 * Reset of `learner` for one shared object: drop the learner from its used-by annotation, and
 * delete it when nobody is left (or with `include`). An object without the annotation (applied
 * before claims were recorded, like the mesh-wide mesh-default) is kept unless `include`.
 * Returns undefined when the object should be deleted by the caller.
 */
export async function releaseShared(
  r: Reads,
  target: { ref: ObjectRef; resource: ResourceInfo },
  learner: string,
  include: boolean,
  signal?: AbortSignal,
): Promise<DeleteOutcome | undefined> {
  if (include) return undefined;
  const lang = r.rest.where.lang;
  const path = resourcePath(target.resource, target.ref.namespace, target.ref.name);
  const action = say(lang, `release namespace "${learner}"'s claim on ${describe(target.ref)}`, `解除命名空间 "${learner}" 对${describe(target.ref, lang)}的依赖`);
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const existing = await r.rest.jsonOrAbsent<RawObject>({ method: 'GET', path, signal, action });
    if (!existing) return { ref: target.ref, result: 'absent' };
    const names = usedBy(existing);
    if (names.length === 0 || !names.includes(learner)) {
      return {
        ref: target.ref,
        result: 'not-ours',
        shared: 'kept',
        usedBy: names,
        message: names.length
          ? say(lang, `${describe(target.ref)} is relied on by ${names.join(', ')}, not by "${learner}": left in place.`, `${describe(target.ref, lang)}由 ${names.join('、')} 使用，而不是 "${learner}"：保留不动。`)
          : say(
              lang,
              `${describe(target.ref)} is shared and records no namespaces relying on it, so other learners may: left in place (reset --include-shared deletes it).`,
              `${describe(target.ref, lang)}是共享对象，没有记录哪些命名空间依赖它，其他学员可能在用：保留不动（reset --include-shared 会删除它）。`,
            ),
      };
    }
    const rest = names.filter((n) => n !== learner);
    if (rest.length === 0) return undefined; // the last one: delete it
    const written = await r.rest.sendWithRetry({ method: 'PUT', path, query: { fieldManager: FIELD_MANAGER }, body: withUsedBy(existing, rest), signal, action });
    if (written.status === 409) continue;
    if (written.status === 404) return { ref: target.ref, result: 'absent' };
    if (written.status < 200 || written.status > 299) return { ref: target.ref, result: 'error', message: httpError(written.status, written.text, r.rest.where, action, written.attempts).message };
    return {
      ref: target.ref,
      result: 'not-ours',
      shared: 'released',
      usedBy: rest,
      message: say(lang, `${describe(target.ref)} is still relied on by ${rest.join(', ')}: only "${learner}" was removed from it.`, `${describe(target.ref, lang)}仍被 ${rest.join('、')} 使用：只把 "${learner}" 从中去掉了。`),
    };
  }
  return { ref: target.ref, result: 'error', message: say(lang, `Could not ${action}: it kept changing; try again.`, `无法${action}：它一直在被修改；请重试。`) };
}
