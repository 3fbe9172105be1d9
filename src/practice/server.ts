// The HTTP side of the practice API: authentication, faults, RBAC denial, routing of discovery,
// resource, watch, log and exec requests to the Api, and metav1.Status answers for failures.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Duplex } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { load as loadYaml } from 'js-yaml';
import type { Api, Target } from './api.js';
import { ADMIN_USER, selfSubjectReview, type Authorizer, type RequestUser } from './authz.js';
import { serviceAccountUser, type Attributes } from './rbac.js';
import { requestAttributes } from './request-info.js';
import { impersonated } from './impersonation.js';
import { createToken } from './token-request.js';
import { API_AUDIENCE, type TokenRegistry } from './tokens.js';
import { apiGroupDoc, apiGroupList, apiResourceList, apiVersions, KUBE_VERSION } from './discovery.js';
import { chooseProtocol, sendError as sendExecError, sendResult } from './exec.js';
import type { PodLogs } from './logs.js';
import { ApiError, errors } from './status.js';
import type { KObject } from './store.js';
import type { PracticeKnobs, RequestCounts } from './types.js';
import { serveWatch, type WatchHandle } from './watch.js';
import { toTable, wantsTable } from './tables.js';
import { openApiV3Doc, openApiV3Index } from './openapi.js';
import { decodeReview, decodeSimpleObject, decodeTokenRequest, isProtobuf, PROTOBUF } from './protobuf.js';
import type { CommandContext, CommandResult } from '../mesh/types.js';
import { buildMeshState, toMeshPod } from './mesh-state.js';

export interface ServerDeps {
  api: Api;
  logs: PodLogs;
  token: string;
  /** ServiceAccount tokens issued by the TokenRequest API. */
  tokens: TokenRegistry;
  authorizer: Authorizer;
  tls: { certPem: string; keyPem: string };
  knobs: () => PracticeKnobs;
  runCommand: (ctx: CommandContext) => CommandResult;
}

const MAX_BODY = 8 * 1024 * 1024;

interface Route {
  target: Target;
  watch: boolean;
}

const SA_RES = { group: '', plural: 'serviceaccounts' };

function sendJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, e: unknown): void {
  const err = e instanceof ApiError ? e : errors.internal(e instanceof Error ? e.message : String(e));
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, err.code, err.toStatus(), err.headers);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseBody(buf: Buffer, contentType: string): unknown {
  if (isProtobuf(contentType)) {
    let decoded: Record<string, unknown> | undefined;
    try {
      decoded = decodeSimpleObject(buf);
    } catch {
      decoded = undefined;
    }
    if (decoded) return decoded;
    throw new ApiError(415, 'UnsupportedMediaType', `the practice cluster accepts JSON and YAML bodies only (got ${PROTOBUF}); write a manifest and use kubectl apply -f instead`);
  }
  const text = buf.toString('utf8');
  if (!text.trim()) throw errors.badRequest('the request body is empty');
  try {
    return contentType.includes('yaml') ? loadYaml(text) : JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(`the body of the request could not be decoded: ${(e as Error).message.split('\n')[0]}`);
  }
}

export class PracticeServer {
  readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => chooseProtocol(offered) });
  private readonly watches = new Set<WatchHandle>();
  private readonly streams = new Set<ServerResponse>();
  private readonly sockets = new Set<WebSocket>();
  private address = '127.0.0.1:0';
  private readonly firedEdits = new WeakSet<object>();
  counts: RequestCounts = { total: 0, byKind: {}, faulted: 0 };
  /** Requests served per user name (exec upgrades included), for GET /metrics: the classroom benchmark's "API requests per learner". */
  private readonly requestsByUser = new Map<string, number>();

  private count(user: RequestUser): void {
    this.requestsByUser.set(user.name, (this.requestsByUser.get(user.name) ?? 0) + 1);
  }

  constructor(private readonly deps: ServerDeps) {
    this.http = createServer({ cert: deps.tls.certPem, key: deps.tls.keyPem }, (req, res) => {
      this.handle(req, res).catch((e) => sendError(res, e));
    });
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    this.http.keepAliveTimeout = 5000;
  }

  async listen(host: string, port: number): Promise<{ host: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => resolve());
    });
    const a = this.http.address();
    if (!a || typeof a === 'string') throw new Error('practice cluster: no address');
    this.address = `${host}:${a.port}`;
    return { host, port: a.port };
  }

  async close(): Promise<void> {
    for (const w of [...this.watches]) w.close();
    for (const s of [...this.streams]) s.end();
    for (const ws of [...this.sockets]) ws.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  /** The practice admin for the cluster's own token; a ServiceAccount for a live TokenRequest token. */
  private authenticate(req: IncomingMessage): RequestUser | undefined {
    const h = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(h);
    if (!m) return undefined;
    const token = m[1].trim();
    const given = Buffer.from(token);
    const want = Buffer.from(this.deps.token);
    if (given.length === want.length && timingSafeEqual(given, want)) return ADMIN_USER;
    const rec = this.deps.tokens.lookup(token);
    if (!rec || !rec.audiences.includes(API_AUDIENCE)) return undefined;
    // A token dies with its ServiceAccount (and its bound object), even one recreated under the same name.
    const { store } = this.deps.api;
    if (store.get(SA_RES, rec.namespace, rec.serviceAccount)?.metadata.uid !== rec.serviceAccountUid) return undefined;
    if (rec.bound) {
      const plural = rec.bound.kind === 'Pod' ? 'pods' : 'secrets';
      if (store.get({ group: '', plural }, rec.namespace, rec.bound.name)?.metadata.uid !== rec.bound.uid) return undefined;
    }
    return { ...serviceAccountUser(rec.namespace, rec.serviceAccount), admin: false, uid: rec.serviceAccountUid };
  }

  /** A share of answers fail like an overloaded API server would, when the knob asks for it. */
  private fault(): ApiError | undefined {
    const k = this.deps.knobs();
    if (!(k.faultRate > 0) || Math.random() >= k.faultRate) return undefined;
    this.counts.faulted++;
    return k.faultStatus === 429 ? errors.tooManyRequests(k.faultRetryAfterSeconds ?? 1) : errors.internal('etcdserver: request timed out');
  }

  private countKind(method: string, url: string): void {
    this.counts.total++;
    const parts = url.split('?')[0].split('/').filter(Boolean);
    let rest = parts[0] === 'api' ? parts.slice(2) : parts[0] === 'apis' ? parts.slice(3) : undefined;
    let resource: string;
    if (!rest) resource = parts.join('/') || '/';
    else {
      if (rest[0] === 'watch') rest = rest.slice(1);
      if (rest[0] === 'namespaces' && rest.length > 2) rest = rest.slice(2);
      resource = rest.length === 0 ? 'discovery' : `${rest[0]}${rest[2] ? `/${rest[2]}` : ''}`;
    }
    const key = `${method} ${resource}`;
    this.counts.byKind[key] = (this.counts.byKind[key] ?? 0) + 1;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const caller = this.authenticate(req);
    if (!caller) throw errors.unauthorized();
    this.countKind(req.method ?? 'GET', req.url ?? '/');
    const url = new URL(req.url ?? '/', 'http://practice');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path !== '/metrics') this.count(caller);
    const fault = this.fault();
    if (fault) throw fault;
    const user = impersonated(this.deps.authorizer, caller, req);
    const method = req.method ?? 'GET';
    const { api } = this.deps;
    // Authorization comes before routing, as in kube-apiserver.
    const attrs = requestAttributes(method, url.pathname, url.searchParams);
    this.deps.authorizer.require(user, attrs);

    if (method === 'GET') {
      if (path === '/version') return sendJson(res, 200, KUBE_VERSION);
      if (path === '/metrics') {
        // Prometheus text like kube-apiserver's /metrics, with the one series the practice cluster keeps.
        const lines = ['# HELP practice_requests_total Requests served, by user.', '# TYPE practice_requests_total counter'];
        for (const [name, n] of this.requestsByUser) lines.push(`practice_requests_total{user=${JSON.stringify(name)}} ${n}`);
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
        return void res.end(`${lines.join('\n')}\n`);
      }
      if (path === '/healthz' || path === '/livez' || path === '/readyz') {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        return void res.end('ok');
      }
      if (path === '/api') return sendJson(res, 200, apiVersions(this.address));
      if (path === '/openapi/v3') return sendJson(res, 200, openApiV3Index(api.registry));
      if (path.startsWith('/openapi/v3/')) {
        const m = /^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
        const doc = m ? (m[1] ? openApiV3Doc(api.registry, '', 'v1') : openApiV3Doc(api.registry, m[2], m[3])) : undefined;
        if (!doc) throw errors.notServed();
        return sendJson(res, 200, doc);
      }
      if (path === '/apis') return sendJson(res, 200, apiGroupList(api.registry));
      if (path === '/api/v1' || /^\/apis\/[^/]+\/[^/]+$/.test(path)) {
        const [group, version] = path === '/api/v1' ? ['', 'v1'] : path.split('/').slice(2);
        const doc = apiResourceList(api.registry, group, version);
        if (!doc) throw errors.notServed();
        return sendJson(res, 200, doc);
      }
      if (/^\/apis\/[^/]+$/.test(path)) {
        const doc = apiGroupDoc(api.registry, path.split('/')[2]);
        if (!doc) throw errors.notServed();
        return sendJson(res, 200, doc);
      }
    }
    const route = this.route(path);
    if (!route) throw errors.notServed();
    return this.handleResource(req, res, route, url.searchParams, method, user, attrs);
  }

  private route(path: string): Route | undefined {
    const { registry } = this.deps.api;
    let group: string;
    let version: string;
    let rest: string[];
    const parts = path.split('/').filter((s) => s !== '').map(decodeURIComponent);
    if (parts[0] === 'api' && parts[1] === 'v1') {
      group = '';
      version = 'v1';
      rest = parts.slice(2);
    } else if (parts[0] === 'apis' && parts.length >= 4) {
      group = parts[1];
      version = parts[2];
      rest = parts.slice(3);
    } else return undefined;
    let watch = false;
    if (rest[0] === 'watch') {
      watch = true;
      rest = rest.slice(1);
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3 && registry.find(group, version, rest[2])?.namespaced) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    if (rest.length === 0 || rest.length > 3) return undefined;
    const res = registry.find(group, version, rest[0]);
    if (!res) return undefined;
    if (namespace !== undefined && !res.namespaced) return undefined;
    const subresource = rest[2];
    if (subresource !== undefined && !res.subresources.includes(subresource)) return undefined;
    return { watch, target: { res, version, namespace, name: rest[1], subresource } };
  }

  private async handleResource(req: IncomingMessage, res: ServerResponse, route: Route, query: URLSearchParams, method: string, user: RequestUser, attrs: Attributes): Promise<void> {
    const { api, authorizer } = this.deps;
    const t = route.target;
    const contentType = String(req.headers['content-type'] ?? 'application/json');
    // An apply that creates the object needs create permission too, as in kube-apiserver.
    if (method === 'PATCH' && contentType.startsWith('application/apply-patch') && !api.store.get(t.res, t.namespace, t.name ?? '')) {
      authorizer.require(user, { ...attrs, verb: 'create' });
    }
    if (!t.subresource && !t.res.verbs.includes(attrs.verb)) throw errors.methodNotAllowed();
    const dryRun = query.getAll('dryRun').includes('All');
    const ua = String(req.headers['user-agent'] ?? '');
    const fieldManager = query.get('fieldManager') || (method === 'PATCH' && contentType.startsWith('application/apply-patch') ? '' : ua.split('/')[0] || 'unknown');
    const force = query.get('force') === 'true';
    const fv = query.get('fieldValidation');
    const fieldValidation = fv === 'Warn' || fv === 'Ignore' || fv === 'Strict' ? fv : undefined;
    const warnings: string[] = [];
    const warningHeaders = (): Record<string, string> => (warnings.length ? { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') } : {});
    const accept = String(req.headers.accept ?? '');
    const check = (r: typeof t.res, obj: KObject): void => authorizer.checkWrite(user, r, obj);

    if (t.res.virtual) {
      if (method !== 'POST') throw errors.methodNotAllowed();
      const raw = await readBody(req);
      let body: Record<string, unknown>;
      if (isProtobuf(contentType)) {
        try {
          body = decodeReview(raw);
        } catch {
          throw errors.badRequest('the protobuf body of the request could not be decoded');
        }
      } else body = raw.length || t.res.plural !== 'selfsubjectreviews' ? (parseBody(raw, contentType) as Record<string, unknown>) : {};
      const out =
        t.res.plural === 'selfsubjectaccessreviews' ? authorizer.reviewAccess(user, body) : t.res.plural === 'selfsubjectrulesreviews' ? authorizer.reviewRules(user, body) : selfSubjectReview(user);
      return sendJson(res, 201, out);
    }

    if (t.subresource === 'token') {
      if (method !== 'POST') throw errors.methodNotAllowed();
      const raw = await readBody(req);
      let body: unknown;
      if (isProtobuf(contentType)) {
        try {
          body = decodeTokenRequest(raw);
        } catch {
          throw errors.badRequest('the protobuf body of the request could not be decoded');
        }
      } else body = parseBody(raw, contentType);
      return sendJson(res, 201, createToken(api, this.deps.tokens, t, body));
    }

    if (t.subresource === 'log') {
      if (method !== 'GET') throw errors.methodNotAllowed();
      return this.serveLog(res, t, query);
    }
    if (t.subresource === 'exec') throw errors.badRequest('Upgrade request required');
    if (t.subresource === 'scale') return this.serveScale(req, res, t, method, contentType, { dryRun, fieldManager, force });

    const watch = route.watch || query.get('watch') === 'true' || query.get('watch') === '1';
    switch (method) {
      case 'GET': {
        if (watch) {
          if (t.name) query.set('fieldSelector', [query.get('fieldSelector'), `metadata.name=${t.name}`].filter(Boolean).join(','));
          serveWatch(api, { ...t, name: undefined }, query, res, (h) => {
            this.watches.add(h);
            res.on('close', () => this.watches.delete(h));
          }, wantsTable(accept));
          return;
        }
        if (t.name) {
          const obj = api.get(t);
          return sendJson(res, 200, wantsTable(accept) ? toTable(t.res, [obj], query, api.store.resourceVersion()) : obj, tableHeader(accept));
        }
        const list = api.list(t, query);
        return sendJson(res, 200, wantsTable(accept) ? toTable(t.res, list.items as KObject[], query, api.store.resourceVersion(), list.metadata as Record<string, unknown>) : list, tableHeader(accept));
      }
      case 'POST': {
        if (t.name) throw errors.methodNotAllowed();
        const body = parseBody(await readBody(req), contentType);
        const created = api.create(t, body, { dryRun, fieldManager, fieldValidation, warnings, check });
        return sendJson(res, 201, created, warningHeaders());
      }
      case 'PUT': {
        if (!t.name) throw errors.methodNotAllowed();
        const body = parseBody(await readBody(req), contentType);
        const updated = api.update(t, body, { dryRun, fieldManager, fieldValidation, warnings, check });
        return sendJson(res, 200, updated, warningHeaders());
      }
      case 'PATCH': {
        if (!t.name) throw errors.methodNotAllowed();
        const out = api.patch(t, await readBody(req), contentType, { dryRun, fieldManager, force, fieldValidation, warnings, check });
        sendJson(res, out.created ? 201 : 200, out.object, warningHeaders());
        if (!dryRun && contentType.startsWith('application/apply-patch')) this.foreignEditAfter(t, out.object, fieldManager);
        return;
      }
      case 'DELETE': {
        const raw = await readBody(req);
        let optsDryRun = dryRun;
        let preconditions: { uid?: string; resourceVersion?: string } | undefined;
        if (raw.length) {
          try {
            const opts = JSON.parse(raw.toString('utf8')) as { dryRun?: string[]; preconditions?: { uid?: string; resourceVersion?: string } };
            optsDryRun ||= Array.isArray(opts.dryRun) && opts.dryRun.includes('All');
            preconditions = opts.preconditions;
          } catch {
            throw errors.badRequest('the delete options could not be decoded');
          }
        }
        if (t.name) return sendJson(res, 200, api.delete(t, optsDryRun, preconditions));
        return sendJson(res, 200, api.deleteCollection(t, query, optsDryRun));
      }
      default:
        throw errors.methodNotAllowed();
    }
  }

  /** The foreignEdit knob: someone else's `kubectl patch` right after the tutorial's apply. */
  private foreignEditAfter(t: Target, applied: KObject, fieldManager: string): void {
    const edit = this.deps.knobs().foreignEdit;
    if (!edit || this.firedEdits.has(edit) || fieldManager !== 'egress-tutorial') return;
    if (applied.kind !== edit.kind || applied.metadata.name !== edit.name) return;
    if (edit.namespace !== undefined && applied.metadata.namespace !== edit.namespace) return;
    this.firedEdits.add(edit);
    const run = (): void => {
      try {
        this.deps.api.patch({ ...t, subresource: undefined }, Buffer.from(JSON.stringify(edit.patch)), 'application/merge-patch+json', { dryRun: false, fieldManager: edit.manager ?? 'kubectl-patch', force: false, warnings: [] });
      } catch {
        // The object went away meanwhile: nothing to edit.
      }
    };
    if (edit.delayMs && edit.delayMs > 0) setTimeout(run, edit.delayMs).unref?.();
    else setImmediate(run);
  }

  private async serveScale(req: IncomingMessage, res: ServerResponse, t: Target, method: string, contentType: string, opts: { dryRun: boolean; fieldManager: string; force: boolean }): Promise<void> {
    const { api } = this.deps;
    const scaleOf = (o: KObject): unknown => ({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
      spec: { replicas: (o.spec as Record<string, unknown>)?.replicas ?? 1 },
      status: { replicas: (o.status as Record<string, unknown>)?.replicas ?? 0, selector: Object.entries(((o.spec as Record<string, unknown>)?.selector as { matchLabels?: Record<string, string> })?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',') },
    });
    const main = { ...t, subresource: undefined };
    if (method === 'GET') return sendJson(res, 200, scaleOf(api.get(main)));
    if (method !== 'PUT' && method !== 'PATCH') throw errors.methodNotAllowed();
    const raw = await readBody(req);
    const body = method === 'PUT' ? (parseBody(raw, contentType) as { spec?: { replicas?: number } }) : (JSON.parse(raw.toString('utf8') || '{}') as { spec?: { replicas?: number } });
    const replicas = body.spec?.replicas;
    if (typeof replicas !== 'number') throw errors.badRequest('spec.replicas is required');
    const out = api.patch(main, Buffer.from(JSON.stringify({ spec: { replicas } })), 'application/merge-patch+json', { ...opts, force: false });
    return sendJson(res, 200, scaleOf(out.object));
  }

  private podFor(t: Target): KObject {
    return this.deps.api.get({ ...t, subresource: undefined });
  }

  /** Resolves the container a log or exec request means, as the kubelet would. */
  private containerFor(pod: KObject, requested: string | null): string {
    const spec = (pod.spec ?? {}) as Record<string, unknown>;
    const names = ((spec.containers as { name: string }[]) ?? []).map((c) => c.name);
    const inits = ((spec.initContainers as { name: string }[]) ?? []).map((c) => c.name);
    if (!requested) {
      if (names.length === 1) return names[0];
      throw errors.badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]${inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : ''}`);
    }
    if (!names.includes(requested) && !inits.includes(requested)) throw errors.badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
    return requested;
  }

  private serveLog(res: ServerResponse, t: Target, query: URLSearchParams): void {
    const pod = this.podFor(t);
    const container = this.containerFor(pod, query.get('container'));
    const status = (pod.status ?? {}) as Record<string, unknown>;
    const cs = ((status.containerStatuses as { name: string; state?: Record<string, unknown> }[]) ?? []).find((c) => c.name === container);
    const inits = ((status.initContainerStatuses as { name: string }[]) ?? []).map((c) => c.name);
    if (status.phase !== 'Running' && !inits.includes(container)) {
      const reason = (cs?.state?.waiting as { reason?: string } | undefined)?.reason ?? 'ContainerCreating';
      throw errors.badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${reason}`);
    }
    if (query.get('previous') === 'true') throw errors.badRequest(`previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
    const ns = pod.metadata.namespace ?? 'default';
    const timestamps = query.get('timestamps') === 'true';
    let since: Date | undefined;
    const sinceTime = query.get('sinceTime');
    const sinceSeconds = query.get('sinceSeconds');
    if (sinceTime) {
      since = new Date(sinceTime);
      if (Number.isNaN(since.getTime())) throw errors.badRequest(`sinceTime: Invalid value: "${sinceTime}": must be an RFC3339 timestamp`);
    } else if (sinceSeconds) {
      const n = Number(sinceSeconds);
      if (!(n >= 1)) throw errors.badRequest('sinceSeconds: Invalid value: must be greater than 0');
      since = new Date(Date.now() - n * 1000);
    }
    const tailRaw = query.get('tailLines');
    const tailLines = tailRaw !== null ? Number(tailRaw) : undefined;
    let limitBytes = query.get('limitBytes') ? Number(query.get('limitBytes')) : Infinity;
    const format = (e: { time: Date; text: string }): string => `${timestamps ? `${e.time.toISOString().replace('Z', '000000Z').replace(/(\.\d{9})\d*Z$/, '$1Z')} ` : ''}${e.text}\n`;
    const entries = this.deps.logs.read(ns, pod.metadata.name, container, { tailLines: tailLines !== undefined && tailLines >= 0 ? tailLines : undefined, since });
    const follow = query.get('follow') === 'true';
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', ...(follow ? { 'Transfer-Encoding': 'chunked' } : {}) });
    if (follow) res.flushHeaders();
    const write = (chunk: string): boolean => {
      if (limitBytes <= 0) return false;
      const b = Buffer.from(chunk, 'utf8');
      const part = b.length > limitBytes ? b.subarray(0, limitBytes) : b;
      limitBytes -= part.length;
      res.write(part);
      return limitBytes > 0;
    };
    let open = true;
    for (const e of entries) if (!(open = write(format(e)))) break;
    if (!follow || !open) return void res.end();
    this.streams.add(res);
    let cut: NodeJS.Timeout | undefined;
    const end = (): void => {
      unsubscribe();
      if (cut) clearTimeout(cut);
      this.streams.delete(res);
      res.end();
    };
    const unsubscribe = this.deps.logs.follow(ns, pod.metadata.name, container, (e) => {
      if (!write(format(e))) end();
    }, end);
    const after = this.deps.knobs().cutLogStreamsAfterMs;
    if (after !== undefined && after >= 0) {
      cut = setTimeout(end, after);
      cut.unref?.();
    }
    res.on('close', end);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const reject = (e: unknown): void => {
      const err = e instanceof ApiError ? e : errors.internal(String(e));
      const body = JSON.stringify(err.toStatus());
      socket.end(`HTTP/1.1 ${err.code} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    try {
      const caller = this.authenticate(req);
      if (!caller) throw errors.unauthorized();
      this.count(caller);
      this.countKind('GET', req.url ?? '/');
      const fault = this.fault();
      if (fault) throw fault;
      const user = impersonated(this.deps.authorizer, caller, req);
      const url = new URL(req.url ?? '/', 'http://practice');
      const attrs = requestAttributes('GET', url.pathname, url.searchParams);
      this.deps.authorizer.require(user, attrs);
      const route = this.route(url.pathname.replace(/\/+$/, ''));
      if (!route || route.target.subresource !== 'exec' || route.target.res.plural !== 'pods') throw errors.badRequest('the server does not allow upgrading this request');
      // The WebSocket upgrade is a GET (authorized as get), yet it starts a command as SPDY's POST
      // does: like kube-apiserver 1.35 (AuthorizePodWebsocketUpgradeCreatePermission), create is
      // needed too, so a Role that works here works on every cluster version.
      this.deps.authorizer.require(user, { ...attrs, verb: 'create' });
      const pod = this.podFor(route.target);
      const container = this.containerFor(pod, url.searchParams.get('container'));
      if ((pod.status as Record<string, unknown> | undefined)?.phase !== 'Running') throw errors.badRequest(`container not found ("${container}")`);
      const argv = url.searchParams.getAll('command');
      if (argv.length === 0) throw errors.badRequest('you must specify at least 1 command');
      const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      if (!chooseProtocol(new Set(offered))) throw errors.badRequest(`unable to upgrade: no supported subprotocol among [${offered.join(' ')}]`);
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.sockets.add(ws);
        ws.on('close', () => this.sockets.delete(ws));
        ws.on('error', () => this.sockets.delete(ws));
        this.runExec(ws, pod, container, argv, url.searchParams.get('tty') === 'true' || url.searchParams.get('tty') === '1');
      });
    } catch (e) {
      reject(e);
    }
  }

  private runExec(ws: WebSocket, pod: KObject, container: string, argv: string[], tty: boolean): void {
    if (this.deps.knobs().hangExec) return; // the session stays open until the client gives up
    const { api, logs } = this.deps;
    let result: CommandResult;
    try {
      const state = buildMeshState(api.store, api.registry);
      const meshPod = state.pods.find((p) => p.namespace === pod.metadata.namespace && p.name === pod.metadata.name) ?? toMeshPod(pod);
      result = this.deps.runCommand({ state, pod: meshPod, container, argv, now: new Date() });
    } catch (e) {
      sendExecError(ws, `error executing command in container: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    for (const r of result.accessLog) logs.append(r.namespace, r.pod, r.container, r.line);
    // With a terminal there is one stream: stderr arrives on stdout, with terminal line ends.
    if (tty) result = { ...result, stdout: `${result.stdout}${result.stderr}`.replace(/\r?\n/g, '\r\n'), stderr: '' };
    sendResult(ws, result);
  }
}

function tableHeader(accept: string): Record<string, string> {
  return wantsTable(accept) ? { 'Content-Type': 'application/json' } : {};
}
