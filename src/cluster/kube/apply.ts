// Server-side apply of a step's objects: the served apiVersion, the tutorial's labels and field
// manager, and a stop-and-ask when an object of that name exists and is not the tutorial's.
// Objects go out as the JSON the lesson wrote (a clone; the caller's object is never touched),
// never through client-node's typed models, which drop fields of built-in kinds they do not know.

import yaml from 'js-yaml';
import type { KubeObject } from '../../lesson/model.js';
import { ClusterError, FIELD_MANAGER, type ApplyOptions, type ApplyOutcome } from '../port.js';
import { formatDiff } from './diff.js';
import { resourcePath, type Discovery, type ResourceInfo } from './discovery.js';
import { httpError, parseStatus, sanitize } from './errors.js';
import { both, messageIn, say, type Both, type Lang } from './lang.js';
import { isTutorialObject, otherManagers, tutorialLabels, type RawObject } from './ownership.js';
import type { KnownObjects } from './known.js';
import type { KubeRest } from './rest.js';

export interface KubeContext {
  rest: KubeRest;
  discovery: Discovery;
  known?: KnownObjects;
}

export const APPLY_PATCH_CONTENT_TYPE = 'application/apply-patch+yaml';

interface Prepared {
  object: KubeObject; // what is sent
  resource: ResourceInfo;
  namespace?: string;
  ref: ApplyOutcome['ref'];
}

/** A deep copy with the served apiVersion, the namespace filled in and the tutorial's labels. Pure. */
export function prepareObject(source: KubeObject, resource: ResourceInfo, options: Pick<ApplyOptions, 'lesson' | 'step' | 'namespace'>): KubeObject {
  const object = structuredClone(source) as KubeObject;
  object.apiVersion = resource.apiVersion;
  object.metadata = { ...object.metadata, labels: { ...(object.metadata.labels ?? {}), ...tutorialLabels(options.lesson, options.step) } };
  if (resource.namespaced) object.metadata.namespace = object.metadata.namespace ?? options.namespace;
  else delete object.metadata.namespace;
  // Server-owned metadata must not be part of an apply request.
  for (const key of ['resourceVersion', 'uid', 'creationTimestamp', 'managedFields', 'generation']) delete object.metadata[key];
  delete (object as Record<string, unknown>).status;
  return object;
}

function describe(kind: string, name: string, namespace?: string, lang?: Lang): string {
  if (lang === 'zh') return namespace ? `命名空间 "${namespace}" 中的 ${kind} "${name}"` : `${kind} "${name}"`;
  return namespace ? `${kind} "${name}" in namespace "${namespace}"` : `${kind} "${name}"`;
}

/** The object as the learner would read it: no managedFields noise. */
export function toDisplayYaml(obj: RawObject): string {
  const copy = structuredClone(obj);
  if (copy.metadata) delete copy.metadata.managedFields;
  return yaml.dump(copy, { noRefs: true, lineWidth: 120 });
}

function sameContent(a: RawObject, b: RawObject): boolean {
  const strip = (o: RawObject): unknown => {
    const { metadata, status: _s, ...rest } = o;
    const { resourceVersion: _r, managedFields: _m, generation: _g, ...meta } = metadata ?? {};
    return { ...rest, metadata: meta };
  };
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

async function prepare(ctx: KubeContext, source: KubeObject, options: ApplyOptions): Promise<Prepared> {
  if (!source?.kind || !source.apiVersion || !source.metadata?.name) {
    throw new ClusterError(
      say(ctx.rest.where.lang, 'A manifest object lacks apiVersion, kind or metadata.name: fix the lesson manifest.', '清单中有对象缺少 apiVersion、kind 或 metadata.name：请修正课程清单。'),
      'invalid',
    );
  }
  const resource = await ctx.discovery.resolve(source.apiVersion, source.kind, options.signal);
  const object = prepareObject(source, resource, options);
  const namespace = object.metadata.namespace;
  return {
    object,
    resource,
    namespace,
    ref: { apiVersion: resource.apiVersion, kind: source.kind, name: object.metadata.name, ...(namespace ? { namespace } : {}) },
  };
}

async function readExisting(ctx: KubeContext, p: Prepared, signal?: AbortSignal): Promise<RawObject | undefined> {
  return ctx.rest.jsonOrAbsent<RawObject>({
    method: 'GET',
    path: resourcePath(p.resource, p.namespace, p.object.metadata.name),
    signal,
    action: both(`read ${describe(p.ref.kind, p.ref.name, p.namespace)}`, `读取${describe(p.ref.kind, p.ref.name, p.namespace, 'zh')}`),
  });
}

function conflictOutcome(p: Prepared, existing: RawObject, why: Both, lang?: Lang): ApplyOutcome {
  return { ref: p.ref, result: 'conflict', ...messageIn(lang, why), diff: formatDiff(existing, p.object, lang) };
}

function notOursOutcome(p: Prepared, found: RawObject, lang?: Lang): ApplyOutcome {
  const managers = otherManagers(found);
  return conflictOutcome(
    p,
    found,
    both(
      `${describe(p.ref.kind, p.ref.name, p.namespace)} already exists and was not created by the tutorial${managers.length ? ` (changed by ${managers.join(', ')})` : ''}; take it over or rename it in the lesson.`,
      `${describe(p.ref.kind, p.ref.name, p.namespace, 'zh')}已经存在，而且不是教程创建的${managers.length ? `（由 ${managers.join(', ')} 修改过）` : ''}；请接管它，或在课程中给它改名。`,
    ),
    lang,
  );
}

/**
 * An object applied without a read turned out to exist already (someone made it after this
 * session deleted it): apply nothing as the tutorial's manager again, which takes back exactly
 * the fields only the tutorial set (its labels), and report it as not the tutorial's.
 */
async function undoUnreadApply(ctx: KubeContext, p: Prepared, signal?: AbortSignal): Promise<ApplyOutcome> {
  const lang = ctx.rest.where.lang;
  const giveBack = both(`give back ${describe(p.ref.kind, p.ref.name, p.namespace)}`, `归还${describe(p.ref.kind, p.ref.name, p.namespace, 'zh')}`);
  const response = await ctx.rest.sendWithRetry({
    method: 'PATCH',
    path: resourcePath(p.resource, p.namespace, p.object.metadata.name),
    query: { fieldManager: FIELD_MANAGER },
    body: JSON.stringify({ apiVersion: p.object.apiVersion, kind: p.object.kind, metadata: { name: p.object.metadata.name, ...(p.namespace ? { namespace: p.namespace } : {}) } }),
    contentType: APPLY_PATCH_CONTENT_TYPE,
    signal,
    action: giveBack,
  });
  if (response.status < 200 || response.status > 299) throw httpError(response.status, response.text, ctx.rest.where, giveBack, response.attempts);
  ctx.known?.forget(p.ref);
  return notOursOutcome(p, JSON.parse(response.text) as RawObject, lang);
}

async function applyOne(ctx: KubeContext, p: Prepared, existingRead: RawObject | undefined, options: ApplyOptions, unread = false): Promise<ApplyOutcome> {
  let existing = existingRead;
  const lang = ctx.rest.where.lang;
  const what = both(describe(p.ref.kind, p.ref.name, p.namespace), describe(p.ref.kind, p.ref.name, p.namespace, 'zh'));
  const applyWhat = both(`apply ${what.en}`, `应用${what.zh}`);
  const response = await ctx.rest.sendWithRetry({
    method: 'PATCH',
    path: resourcePath(p.resource, p.namespace, p.object.metadata.name),
    query: { fieldManager: FIELD_MANAGER, force: options.takeOver ? true : undefined, dryRun: options.dryRun ? 'All' : undefined },
    // JSON is valid YAML, so the apply patch carries the object exactly as prepared.
    body: JSON.stringify(p.object),
    contentType: APPLY_PATCH_CONTENT_TYPE,
    signal: options.signal,
    action: applyWhat,
  });
  // Not read first, and someone else's fields are in the way: read it now for the conflict's diff.
  if (response.status === 409 && unread && !existing) existing = await readExisting(ctx, p, options.signal);
  if (response.status === 409 && existing) {
    // Server-side apply conflict: another field manager owns a field with a different value.
    const info = parseStatus(response.text);
    const fields = info?.causes.map((c) => c.field).filter(Boolean).slice(0, 5).join(', ');
    const managers = otherManagers(existing).join(', ');
    return conflictOutcome(
      p,
      existing,
      both(
        `${what.en} has fields set by ${managers || 'another client'}${fields ? ` (${fields})` : ''}${info?.message ? `: ${sanitize(info.message, 160)}` : ''}; take it over to let the tutorial set them.`,
        `${what.zh}中有字段由 ${managers || '另一个客户端'} 设置${fields ? `（${fields}）` : ''}${info?.message ? `：${sanitize(info.message, 160)}` : ''}；接管它，教程才能设置这些字段。`,
      ),
      lang,
    );
  }
  if (response.status < 200 || response.status > 299) {
    throw httpError(response.status, response.text, ctx.rest.where, applyWhat, response.attempts);
  }
  const stored = JSON.parse(response.text) as RawObject;
  if (unread && otherManagers(stored).length > 0) return undoUnreadApply(ctx, p, options.signal);
  if (!options.dryRun) ctx.known?.remember(p.ref, stored);
  let result: ApplyOutcome['result'];
  if (!existing) result = 'created';
  else if (options.dryRun) result = sameContent(existing, stored) ? 'unchanged' : 'configured';
  else result = existing.metadata?.resourceVersion === stored.metadata?.resourceVersion ? 'unchanged' : 'configured';
  const outcome: ApplyOutcome = { ref: p.ref, result };
  if (options.dryRun) outcome.serverYaml = toDisplayYaml(stored);
  return outcome;
}

function errorOutcome(ref: ApplyOutcome['ref'], err: unknown, lang?: Lang): ApplyOutcome {
  if (err instanceof ClusterError && err.reason === 'cancelled') throw err;
  if (err instanceof ClusterError) return { ref, result: 'error', message: err.message, ...(err.messages ? { messages: err.messages } : {}) };
  return { ref, result: 'error', ...messageIn(lang, both(`Could not apply ${ref.kind} "${ref.name}": ${sanitize(String(err))}.`, `无法应用 ${ref.kind} "${ref.name}"：${sanitize(String(err))}。`)) };
}

/**
 * Apply every object. First every object is checked: when one exists and is not the tutorial's,
 * nothing is applied and the answer lists the conflicts (with what differs) unless `takeOver`.
 * Per-object API failures become outcomes with result 'error'; cancellation throws.
 */
export async function applyObjects(ctx: KubeContext, objects: KubeObject[], options: ApplyOptions): Promise<ApplyOutcome[]> {
  const lang = ctx.rest.where.lang;
  const prepared: (Prepared | ApplyOutcome)[] = [];
  for (const source of objects) {
    const fallbackRef = {
      apiVersion: source?.apiVersion ?? '',
      kind: source?.kind ?? '',
      name: source?.metadata?.name ?? '',
      ...(source?.metadata?.namespace ? { namespace: source.metadata.namespace } : {}),
    };
    try {
      prepared.push(await prepare(ctx, source, options));
    } catch (err) {
      prepared.push(errorOutcome(fallbackRef, err, lang));
    }
  }
  const existing = new Map<Prepared, RawObject | undefined>();
  /** Deleted by this session: applied without a read, the answer tells if someone made it meanwhile. */
  const unread = new Set<Prepared>();
  const outcomes: ApplyOutcome[] = [];
  for (const p of prepared) {
    if (!('object' in p)) continue;
    if (!options.takeOver && !options.dryRun && ctx.known?.isGone(p.ref)) {
      existing.set(p, undefined);
      unread.add(p);
      continue;
    }
    try {
      existing.set(p, await readExisting(ctx, p, options.signal));
    } catch (err) {
      outcomes.push(errorOutcome(p.ref, err, lang));
    }
  }
  const conflicts = new Set<Prepared>();
  if (!options.takeOver) {
    for (const [p, found] of existing) if (found && !isTutorialObject(found)) conflicts.add(p);
  }
  const results: ApplyOutcome[] = [];
  for (const p of prepared) {
    if (!('object' in p)) {
      results.push(p);
      continue;
    }
    const failed = outcomes.find((o) => o.ref === p.ref);
    if (failed) {
      results.push(failed);
      continue;
    }
    const found = existing.get(p);
    if (conflicts.has(p) && found) {
      results.push(notOursOutcome(p, found, lang));
      continue;
    }
    if (conflicts.size > 0) {
      results.push({
        ref: p.ref,
        result: 'unchanged',
        ...messageIn(lang, both('Not applied: decide about the conflicting objects first.', '未应用：请先决定如何处理有冲突的对象。')),
      });
      continue;
    }
    try {
      const outcome = await applyOne(ctx, p, found, options, unread.has(p));
      results.push(outcome);
      options.onOutcome?.(outcome);
    } catch (err) {
      results.push(errorOutcome(p.ref, err, lang));
    }
  }
  return results;
}
