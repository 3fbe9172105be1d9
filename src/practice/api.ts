// The REST semantics of the practice API, independent of HTTP: create, get, list, update,
// patch (merge, strategic-as-merge, json, server-side apply), delete, deletecollection, with
// kube-apiserver's validation, dry-run, resourceVersion and error answers.

import { randomBytes } from 'node:crypto';
import { load as loadYaml } from 'js-yaml';
import { ApiError, errors, successStatus, type StatusCause } from './status.js';
import { joinApiVersion, splitApiVersion, type ResourceInfo, type ResourceRegistry } from './resources.js';
import { clone, deepEqual, isPlainObject, jsonPatch, mergePatch } from './patch.js';
import { strategicMerge } from './strategic-merge.js';
import { conflictMessage, recordUpdate, serverSideApply, type ManagedFieldsEntry } from './managed-fields.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { KObject, Store } from './store.js';
import { isRbac, pathSegmentNameErrors, rbacCauses } from './rbac-validation.js';

export interface SchemaValidation {
  /** gatewayApiChannel: the installed Gateway API channel, whose schemas a gateway.networking.k8s.io object must match. */
  validate(obj: unknown, gatewayApiChannel?: 'standard' | 'experimental'): { path: string; message: string }[];
  formatInvalid(kind: string, name: string, errors: { path: string; message: string }[], group?: string): string;
}

/** Mutating admission and defaulting, run before validation on every write. */
export type Admit = (res: ResourceInfo, obj: KObject, old: KObject | undefined) => void;

export interface Target {
  res: ResourceInfo;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export interface WriteOptions {
  dryRun: boolean;
  fieldManager: string;
  force?: boolean;
  /** Strict (default here): unknown fields are errors. Warn/Ignore: they are dropped (Warn adds a warning). */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** Filled with warnings for the response's Warning headers. */
  warnings?: string[];
  /** Checks the object as it would be stored (RBAC escalation prevention); throws to refuse. */
  check?: (res: ResourceInfo, obj: KObject) => void;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAMESPACE_RES = { group: '', plural: 'namespaces' };

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

export function randomSuffix(n = 5): string {
  // kube's rand.String alphabet: no vowels or ambiguous characters.
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const bytes = randomBytes(n);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

function causeReason(message: string): string {
  if (message.startsWith('Required value')) return 'FieldValueRequired';
  if (message.startsWith('Unsupported value')) return 'FieldValueNotSupported';
  if (message.startsWith('Duplicate value')) return 'FieldValueDuplicate';
  if (message.includes('must be of type')) return 'FieldValueTypeInvalid';
  if (message.startsWith('unknown field') || message.startsWith('Forbidden')) return 'FieldValueForbidden';
  return 'FieldValueInvalid';
}

export class Api {
  /** Graceful termination of pods (the podTerminationGraceMs knob); 0: deleted at once. */
  podTerminationGraceMs: () => number = () => 0;
  /** The Gateway API channel installed (the gatewayApi knob), for validating its objects. */
  gatewayApiChannel: () => 'standard' | 'experimental' | undefined = () => undefined;
  private readonly terminations = new Set<NodeJS.Timeout>();

  constructor(
    readonly store: Store,
    readonly registry: ResourceRegistry,
    private readonly schema: SchemaValidation,
    private readonly admit: Admit,
  ) {}

  /** The object as a client of `version` sees it. */
  present(res: ResourceInfo, version: string, obj: KObject): KObject {
    const o = clone(obj);
    o.apiVersion = joinApiVersion(res.group, version);
    o.kind = res.kind;
    return o;
  }

  get(t: Target): KObject {
    const obj = this.store.get(t.res, t.namespace, t.name ?? '');
    if (!obj) throw errors.notFound(t.res.plural, t.res.group, t.name ?? '', t.res.plural);
    return this.present(t.res, t.version, obj);
  }

  list(t: Target, query: URLSearchParams): Record<string, unknown> {
    const labels = parseLabelSelector(query.get('labelSelector'));
    const fields = parseFieldSelector(query.get('fieldSelector'), t.res.plural);
    let items = this.store
      .list(t.res, t.namespace)
      .filter((o) => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o))
      .map((o) => this.present(t.res, t.version, o));
    const metadata: Record<string, unknown> = { resourceVersion: String(this.store.resourceVersion()) };
    const limit = Number(query.get('limit') ?? 0);
    const cont = query.get('continue');
    let offset = 0;
    if (cont) {
      const m = /^(\d+):(\d+)$/.exec(Buffer.from(cont, 'base64').toString('utf8'));
      if (!m) throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
      offset = Number(m[2]);
    }
    if (offset) items = items.slice(offset);
    if (limit > 0 && items.length > limit) {
      metadata.continue = Buffer.from(`${this.store.resourceVersion()}:${offset + limit}`).toString('base64');
      metadata.remainingItemCount = items.length - limit;
      items = items.slice(0, limit);
    }
    return { kind: t.res.listKind, apiVersion: joinApiVersion(t.res.group, t.version), metadata, items };
  }

  create(t: Target, body: unknown, opts: WriteOptions): KObject {
    const obj = this.checkBody(t, body);
    if (t.namespace !== undefined) {
      if (obj.metadata.namespace !== undefined && obj.metadata.namespace !== t.namespace) throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      obj.metadata.namespace = t.namespace;
    } else delete obj.metadata.namespace;
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = `${obj.metadata.generateName}${randomSuffix()}`;
    this.requireNamespace(t);
    if (obj.metadata.name && this.store.get(t.res, t.namespace, obj.metadata.name)) throw errors.alreadyExists(t.res.plural, t.res.group, obj.metadata.name);
    for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'generation', 'managedFields'] as const) delete obj.metadata[k];
    obj.metadata.creationTimestamp = now();
    obj.metadata.generation = 1;
    if (t.res.subresources.includes('status') && t.res.istio) delete obj.status;
    this.admit(t.res, obj, undefined);
    this.validate(t, obj, opts);
    recordUpdate(undefined, obj, opts.fieldManager, obj.apiVersion, now());
    return this.commit(t, undefined, obj, opts.dryRun);
  }

  update(t: Target, body: unknown, opts: WriteOptions): KObject {
    const obj = this.checkBody(t, body);
    const old = this.existing(t);
    return this.replace(t, old, obj, opts);
  }

  patch(t: Target, body: Buffer, contentType: string, opts: WriteOptions): { object: KObject; created: boolean } {
    const type = contentType.split(';')[0].trim().toLowerCase();
    if (type === 'application/apply-patch+yaml' || type === 'application/apply-patch+cbor') return this.apply(t, body, opts);
    if (opts.force) throw errors.badRequest('force: Invalid value: true: may not be specified for non-apply patch');
    const old = this.existing(t);
    let patch: unknown;
    try {
      patch = JSON.parse(body.toString('utf8') || 'null');
    } catch (e) {
      throw errors.badRequest(`error decoding patch: ${(e as Error).message}`);
    }
    const base = this.present(t.res, t.version, old);
    let next: unknown;
    if (type === 'application/merge-patch+json') {
      if (!isPlainObject(patch)) throw errors.badRequest('the server rejected our request due to an error in our request: patch must be a JSON object');
      next = mergePatch(base, patch);
    } else if (type === 'application/strategic-merge-patch+json') {
      if (!isPlainObject(patch)) throw errors.badRequest('the server rejected our request due to an error in our request: patch must be a JSON object');
      // Custom resources have no strategic merge information, as in kube-apiserver.
      if (t.res.istio) throw new ApiError(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
      next = strategicMerge(base, patch);
    } else if (type === 'application/json-patch+json') {
      next = jsonPatch(base, patch);
    } else throw errors.unsupportedMediaType(type);
    if (!isPlainObject(next)) throw errors.badRequest('the patch did not produce an object');
    return { object: this.replace(t, old, next as KObject, opts), created: false };
  }

  private apply(t: Target, body: Buffer, opts: WriteOptions): { object: KObject; created: boolean } {
    if (!opts.fieldManager || opts.fieldManager === 'unknown-apply') throw errors.badRequest('PATCH, fieldManager: Required value: is required for apply patch');
    let applied: unknown;
    try {
      applied = loadYaml(body.toString('utf8'));
    } catch (e) {
      throw errors.badRequest(`error decoding YAML: ${(e as Error).message.split('\n')[0]}`);
    }
    if (!isPlainObject(applied)) throw errors.badRequest('the apply patch must be an object');
    const a = applied as KObject;
    const gv = joinApiVersion(t.res.group, t.version);
    if (!a.apiVersion || !a.kind) throw errors.badRequest(`Object 'Kind' is missing in '${body.toString('utf8').slice(0, 200)}'`);
    if (a.apiVersion !== gv || a.kind !== t.res.kind) throw errors.badRequest(`the API version in the data (${a.apiVersion}) does not match the expected API version (${gv})`);
    a.metadata = isPlainObject(a.metadata) ? (a.metadata as KObject['metadata']) : ({} as KObject['metadata']);
    if (a.metadata.name !== undefined && a.metadata.name !== t.name) throw errors.badRequest(`the name of the object (${a.metadata.name}) does not match the name on the URL (${t.name})`);
    if (t.namespace !== undefined && a.metadata.namespace !== undefined && a.metadata.namespace !== t.namespace) throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    if (a.metadata.managedFields !== undefined) throw errors.badRequest('metadata.managedFields must be nil');
    const current = this.store.get(t.res, t.namespace, t.name ?? '');
    if (!current) this.requireNamespace(t);
    const base = current ? this.present(t.res, t.version, current) : undefined;
    const result = serverSideApply({ current: base, applied: a, manager: opts.fieldManager, apiVersion: gv, force: !!opts.force, now: now() });
    if (!result.ok) {
      const message = conflictMessage(result.conflicts);
      throw new ApiError(409, 'Conflict', message, { causes: result.conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${c.manager}`, field: c.path })) });
    }
    const next = result.object as KObject;
    next.apiVersion = gv;
    next.kind = t.res.kind;
    next.metadata.name = t.name ?? '';
    if (t.namespace !== undefined) next.metadata.namespace = t.namespace;
    if (!current) {
      next.metadata.creationTimestamp = now();
      next.metadata.generation = 1;
      this.admit(t.res, next, undefined);
      this.validate(t, next, opts);
      return { object: this.commit(t, undefined, next, opts.dryRun), created: true };
    }
    return { object: this.finishUpdate(t, current, next, opts), created: false };
  }

  delete(t: Target, dryRun: boolean, preconditions?: { uid?: string; resourceVersion?: string }): KObject | ReturnType<typeof successStatus> {
    const old = this.existing(t);
    // DeleteOptions.preconditions, as kube-apiserver checks them.
    if (preconditions?.uid && preconditions.uid !== old.metadata.uid) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${t.res.plural}${t.res.group ? `.${t.res.group}` : ''} "${old.metadata.name}": Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    if (preconditions?.resourceVersion && preconditions.resourceVersion !== old.metadata.resourceVersion) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${t.res.plural}${t.res.group ? `.${t.res.group}` : ''} "${old.metadata.name}": Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
    }
    if (t.res.plural === 'namespaces' && ['default', 'kube-system', 'kube-public'].includes(old.metadata.name)) {
      throw errors.forbidden(`namespaces "${old.metadata.name}" is forbidden: this namespace may not be deleted`, old.metadata.name, '', 'namespaces');
    }
    if (dryRun) return this.present(t.res, t.version, old);
    const grace = t.res.plural === 'pods' ? this.podTerminationGraceMs() : 0;
    if (grace > 0) return this.present(t.res, t.version, this.terminatePod(t, old, grace));
    const gone = this.store.delete(t.res, t.namespace, old.metadata.name);
    if (t.res.plural === 'pods' && gone) {
      gone.metadata.deletionTimestamp = now();
      return this.present(t.res, t.version, gone);
    }
    return successStatus({ name: old.metadata.name, group: t.res.group, kind: t.res.plural, uid: old.metadata.uid });
  }

  /**
   * As the kubelet does it: the pod gets its deletionTimestamp and keeps running for the grace
   * period, no longer Ready (its endpoints drop it, its replica set replaces it); then it is gone.
   */
  private terminatePod(t: Target, old: KObject, graceMs: number): KObject {
    if (old.metadata.deletionTimestamp) return old;
    const pod = clone(old);
    pod.metadata.deletionTimestamp = new Date(Date.now() + graceMs).toISOString().replace(/\.\d+Z$/, 'Z');
    (pod.metadata as Record<string, unknown>).deletionGracePeriodSeconds = Math.ceil(graceMs / 1000);
    const status = (pod.status ?? {}) as Record<string, unknown>;
    const conditions = ((status.conditions as { type: string; status: string }[] | undefined) ?? []).map((c) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False' } : c));
    pod.status = { ...status, conditions };
    const stored = this.store.update(t.res, pod);
    const uid = old.metadata.uid;
    const timer = setTimeout(() => {
      this.terminations.delete(timer);
      const now = this.store.get(t.res, t.namespace, old.metadata.name);
      if (now && now.metadata.uid === uid) this.store.delete(t.res, t.namespace, old.metadata.name);
    }, graceMs);
    timer.unref?.();
    this.terminations.add(timer);
    return stored ?? pod;
  }

  /** Stop pending graceful terminations (the cluster stops). */
  stopTerminations(): void {
    for (const t of this.terminations) clearTimeout(t);
    this.terminations.clear();
  }

  deleteCollection(t: Target, query: URLSearchParams, dryRun: boolean): Record<string, unknown> {
    const list = this.list(t, query);
    if (!dryRun) for (const o of list.items as KObject[]) this.store.delete(t.res, o.metadata.namespace, o.metadata.name);
    return list;
  }

  // --- internals ---

  private existing(t: Target): KObject {
    const old = this.store.get(t.res, t.namespace, t.name ?? '');
    if (!old) throw errors.notFound(t.res.plural, t.res.group, t.name ?? '', t.res.plural);
    return old;
  }

  private requireNamespace(t: Target): void {
    if (t.namespace !== undefined && !this.store.get(NAMESPACE_RES, undefined, t.namespace)) throw errors.notFound('namespaces', '', t.namespace, 'namespaces');
  }

  private checkBody(t: Target, body: unknown): KObject {
    if (!isPlainObject(body)) throw errors.badRequest('the body of the request must be a JSON or YAML object');
    const obj = clone(body) as KObject;
    const gv = joinApiVersion(t.res.group, t.version);
    obj.apiVersion ??= gv;
    obj.kind ??= t.res.kind;
    if (obj.apiVersion !== gv) throw errors.badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${gv})`);
    if (obj.kind !== t.res.kind) throw errors.badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${t.res.kind})`);
    if (!isPlainObject(obj.metadata)) obj.metadata = {} as KObject['metadata'];
    return obj;
  }

  private replace(t: Target, old: KObject, next: KObject, opts: WriteOptions): KObject {
    if (next.metadata?.name !== undefined && next.metadata.name !== old.metadata.name) throw errors.badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${old.metadata.name})`);
    if (next.metadata.resourceVersion && next.metadata.resourceVersion !== old.metadata.resourceVersion) {
      throw errors.conflict(t.res.plural, t.res.group, old.metadata.name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const gv = joinApiVersion(t.res.group, t.version);
    next.apiVersion = gv;
    next.metadata.name = old.metadata.name;
    if (old.metadata.namespace !== undefined) next.metadata.namespace = old.metadata.namespace;
    const before = this.present(t.res, t.version, old);
    if (t.subresource === 'status') {
      const onlyStatus = { ...before, status: next.status };
      recordUpdate(before, onlyStatus, opts.fieldManager, gv, now(), 'status');
      return this.finishUpdate(t, old, onlyStatus as KObject, opts);
    }
    if (t.res.subresources.includes('status')) next.status = before.status;
    // managedFields sent back unchanged (kubectl edit/replace) keep the old ones.
    if (next.metadata.managedFields === undefined || deepEqual(next.metadata.managedFields, before.metadata.managedFields)) next.metadata.managedFields = before.metadata.managedFields;
    recordUpdate(before, next, opts.fieldManager, gv, now());
    return this.finishUpdate(t, old, next, opts);
  }

  /** Keeps server-owned metadata, bumps generation on spec changes, validates, stores. */
  private finishUpdate(t: Target, old: KObject, next: KObject, opts: WriteOptions): KObject {
    for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp'] as const) {
      if (old.metadata[k] !== undefined) next.metadata[k] = old.metadata[k];
      else delete next.metadata[k];
    }
    next.metadata.generation = old.metadata.generation ?? 1;
    this.admit(t.res, next, old); // defaults first, so a re-sent default is no change
    const specOf = (o: KObject): unknown => {
      const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
      return rest;
    };
    if (!deepEqual(specOf(old), specOf(next))) next.metadata.generation = (old.metadata.generation ?? 1) + 1;
    this.validate(t, next, opts, old);
    const oldView = this.present(t.res, t.version, old);
    // Compare without resourceVersion and managedFields times: re-applying the same thing is a no-op.
    const comparable = (o: KObject): unknown => ({
      ...o,
      metadata: { ...o.metadata, resourceVersion: undefined, managedFields: (o.metadata.managedFields as Record<string, unknown>[] | undefined)?.map((m) => ({ ...m, time: undefined })) },
    });
    const sameAsBefore = deepEqual(comparable(next), comparable(oldView));
    if (sameAsBefore) return oldView; // a no-op write does not bump resourceVersion
    return this.commit(t, old, next, opts.dryRun);
  }

  private commit(t: Target, old: KObject | undefined, obj: KObject, dryRun: boolean): KObject {
    const stored = clone(obj);
    stored.apiVersion = joinApiVersion(t.res.group, t.res.versions[0]);
    if (dryRun) {
      if (!old) {
        stored.metadata.uid = stored.metadata.uid ?? randomUUIDLike();
        delete stored.metadata.resourceVersion;
      }
      return this.present(t.res, t.version, stored);
    }
    const saved = old ? this.store.update(t.res, stored) : this.store.create(t.res, stored);
    return this.present(t.res, t.version, saved);
  }

  private validate(t: Target, obj: KObject, opts: WriteOptions, old?: KObject): void {
    const name = obj.metadata.name ?? '';
    const causes: StatusCause[] = [];
    if (!name) causes.push({ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' });
    else if (isRbac(t.res)) {
      // RBAC names are path segments: "system:basic-user" is a valid ClusterRole name.
      for (const m of pathSegmentNameErrors(name)) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${name}": ${m}`, field: 'metadata.name' });
    } else {
      const label = t.res.plural === 'namespaces' || t.res.plural === 'services';
      const ok = label ? DNS1123_LABEL.test(name) && name.length <= 63 : DNS1123_SUBDOMAIN.test(name) && name.length <= 253;
      if (!ok) {
        const msg = label
          ? `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`
          : `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`;
        causes.push({ reason: 'FieldValueInvalid', message: msg, field: 'metadata.name' });
      }
    }
    causes.push(...rbacCauses(t.res, obj, old));
    if (causes.length) {
      const list = causes.map((c) => `${c.field}: ${c.message}`);
      const message = `${t.res.kind}${t.res.group ? `.${t.res.group}` : ''} "${name}" is invalid: ${list.length === 1 ? list[0] : `[${list.join(', ')}]`}`;
      throw errors.invalid(t.res.kind, t.res.group, name, message, causes);
    }
    opts.check?.(t.res, obj);
    if (t.res.istio) {
      const view = { ...obj, apiVersion: joinApiVersion(t.res.group, splitApiVersion(obj.apiVersion).version || t.version) };
      let found = this.schema.validate(stripServerFields(view), this.gatewayApiChannel());
      if (opts.fieldValidation === 'Warn' || opts.fieldValidation === 'Ignore') {
        // kube-apiserver prunes unknown fields of custom resources unless validation is Strict.
        for (const e of found.filter((x) => x.message.startsWith('unknown field '))) {
          removeFieldPath(obj, e.path);
          if (opts.fieldValidation === 'Warn') opts.warnings?.push(e.message);
        }
        found = found.filter((x) => !x.message.startsWith('unknown field '));
      }
      if (found.length) {
        throw errors.invalid(t.res.kind, t.res.group, name, this.schema.formatInvalid(t.res.kind, name, found, t.res.group), found.map((e) => ({ reason: causeReason(e.message), message: e.message, field: e.path })));
      }
    }
  }
}

/** Deletes `spec.http[0].route[0].timeout`-style paths. */
function removeFieldPath(obj: Record<string, unknown>, path: string): void {
  const parts = path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '');
  let cur: unknown = obj;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(part)];
    else if (isPlainObject(cur)) cur = cur[part];
    else return;
  }
  const last = parts[parts.length - 1];
  if (isPlainObject(cur)) delete cur[last];
}

/** The schema describes what users write; server-filled metadata and status are not checked. */
function stripServerFields(obj: KObject): KObject {
  const o = clone(obj);
  const meta = o.metadata as Record<string, unknown>;
  for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'deletionTimestamp']) delete meta[k];
  delete o.status;
  return o;
}

function randomUUIDLike(): string {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export type { ManagedFieldsEntry };
