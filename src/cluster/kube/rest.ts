// Raw JSON requests to the API server through client-node's own HTTP stack: its RequestContext,
// its kubeconfig authentication (certificates, tokens, exec plugins) and its fetch library. Bodies
// go out exactly as given and come back as plain JSON, because client-node's typed models drop
// fields they do not know (see the engineering notes). Throttling and server errors are retried
// with bounded backoff; every failure becomes a ClusterError sentence.

import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { createConfiguration, HttpMethod, ServerConfiguration, type KubeConfig, type User } from '@kubernetes/client-node';
import { ClusterError } from '../port.js';
import { anySignal, DEFAULT_BUDGET_MS, DEFAULT_RETRY, formatDuration, isRetryableStatus, retryDelay, sleep, type RetryPolicy } from './backoff.js';
import { couldNot, credentialError, httpError, isAbortError, stoppedMessage, toClusterError, type Where } from './errors.js';
import { say } from './lang.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

import { actionIn, type Action } from './errors.js';

export interface RestRequest {
  method: Method;
  path: string; // e.g. /apis/networking.istio.io/v1/namespaces/default/gateways/cnn
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown; // objects are sent as JSON; strings as they are
  contentType?: string; // default application/json when there is a body
  signal?: AbortSignal;
  timeoutMs?: number; // per try; default the client's
  /** What this request does, for error sentences: "apply Gateway \"cnn\" in namespace \"default\"" (or in both languages). */
  action?: Action;
}

export interface RestResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface RestOptions {
  retry?: RetryPolicy;
  timeoutMs?: number; // per try, default 30 s
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Internal: a reset connection, worth one more try. */
class ResetError extends Error {
  constructor(override readonly cause: unknown) {
    super('connection reset');
  }
}

function isReset(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  return e?.code === 'ECONNRESET' || e?.code === 'EPIPE' || /socket hang up/i.test(String(e?.message ?? ''));
}

export class KubeRest {
  private readonly configuration;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private agent?: http.Agent;
  private agentKey?: string;
  /** Requests sent through sendWithRetry (each try counts), for load figures. */
  requestCount = 0;

  constructor(
    private readonly kc: KubeConfig,
    readonly where: Where,
    private readonly user: User | null,
    options: RestOptions = {},
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new ClusterError(say(where.lang, `Context "${where.context}" has no cluster: fix the kubeconfig.`, `上下文 "${where.context}" 没有集群：请修正 kubeconfig。`), 'config');
    this.configuration = createConfiguration({ baseServer: new ServerConfiguration(cluster.server, {}), authMethods: { default: kc } });
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * One try; resolves with any HTTP status, rejects with a ClusterError for transport failures.
   * A connection reset on a reused keep-alive connection (the server closed it as we sent) is
   * tried once more on a fresh one: every request the port sends is idempotent.
   */
  async send(req: RestRequest): Promise<RestResponse> {
    try {
      return await this.sendOnce(req);
    } catch (err) {
      if (!(err instanceof ResetError)) throw err;
      // The server closed idle keep-alive connections: the others in the pool went with this one
      // (they idled as long), so drop them all and let the next try open a fresh one.
      this.dropIdleSockets();
      try {
        return await this.sendOnce(req);
      } catch (again) {
        throw again instanceof ResetError ? toClusterError(again.cause, this.where, actionIn(req.action, this.where.lang)) : again;
      }
    }
  }

  private async sendOnce(req: RestRequest): Promise<RestResponse> {
    const ctx = this.configuration.baseServer.makeRequestContext(req.path, HttpMethod[req.method]);
    for (const [key, value] of Object.entries(req.query ?? {})) if (value !== undefined) ctx.setQueryParam(key, String(value));
    ctx.setHeaderParam('Accept', 'application/json');
    if (req.body !== undefined) {
      ctx.setHeaderParam('Content-Type', req.contentType ?? 'application/json');
      ctx.setBody(typeof req.body === 'string' ? req.body : JSON.stringify(req.body));
    }
    try {
      await this.kc.applySecurityAuthentication(ctx);
    } catch (err) {
      throw credentialError(err, this.where, this.user);
    }
    const agent = ctx.getAgent();
    if (agent) ctx.setAgent(this.pooled(agent));
    if (req.signal?.aborted) throw new ClusterError(stoppedMessage(actionIn(req.action, this.where.lang) ?? say(this.where.lang, 'request', '请求'), this.where.lang), 'cancelled');
    const timeout = AbortSignal.timeout(req.timeoutMs ?? this.timeoutMs);
    ctx.setSignal(req.signal ? anySignal([req.signal, timeout]) : timeout);
    try {
      const response = await this.configuration.httpApi.send(ctx).toPromise();
      return { status: response.httpStatusCode, headers: response.headers, text: await response.body.text() };
    } catch (err) {
      if (req.signal?.aborted) throw new ClusterError(stoppedMessage(actionIn(req.action, this.where.lang) ?? say(this.where.lang, 'request', '请求'), this.where.lang), 'cancelled');
      if (timeout.aborted || (isAbortError(err) && !req.signal?.aborted)) {
        const lang = this.where.lang;
        throw new ClusterError(
          say(
            lang,
            `${actionIn(req.action, this.where.lang) ? `Could not ${actionIn(req.action, this.where.lang)}` : 'A request failed'}: the API server of context "${this.where.context}" at ${this.where.server} did not answer within ${formatDuration(req.timeoutMs ?? this.timeoutMs)}; check the network or the cluster's health.`,
            `${couldNot(actionIn(req.action, this.where.lang), lang)}：上下文 "${this.where.context}"（${this.where.server}）的 API 服务器在 ${formatDuration(req.timeoutMs ?? this.timeoutMs, lang)}内没有响应；请检查网络或集群的健康状况。`,
          ),
          'timeout',
        );
      }
      if (isReset(err)) throw new ResetError(err);
      throw toClusterError(err, this.where, actionIn(req.action, this.where.lang));
    }
  }

  /**
   * client-node builds a fresh agent for every request, so every request would pay a new TCP and
   * TLS handshake. Reuse one keep-alive agent while the TLS material stays the same (an exec
   * plugin may rotate client certificates: then a new agent is made). Proxy agents pass through.
   */
  private pooled(agent: http.Agent): http.Agent {
    const isPlain = agent.constructor === http.Agent;
    if (!isPlain && agent.constructor !== https.Agent) return agent;
    const options = (agent as http.Agent & { options?: Record<string, unknown> }).options ?? {};
    const hash = createHash('sha256');
    hash.update(isPlain ? 'http' : 'https');
    for (const key of ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername']) {
      const value = options[key];
      hash.update(`|${key}=`);
      if (value !== undefined && value !== null) hash.update(Buffer.isBuffer(value) ? value : String(value));
    }
    const key = hash.digest('hex');
    if (this.agent && this.agentKey === key) return this.agent;
    this.agent?.destroy();
    const { timeout: _timeout, ...rest } = options;
    this.agent = isPlain ? new http.Agent({ ...rest, keepAlive: true, maxSockets: 8 }) : new https.Agent({ ...rest, keepAlive: true, maxSockets: 8 });
    this.agentKey = key;
    return this.agent;
  }

  /** Destroys the pool's idle sockets only: requests in flight keep theirs. */
  private dropIdleSockets(): void {
    const free = (this.agent as (http.Agent & { freeSockets?: Record<string, { destroy(): void }[] | undefined> }) | undefined)?.freeSockets ?? {};
    for (const sockets of Object.values(free)) for (const socket of sockets ?? []) socket.destroy();
  }

  /** Close pooled connections (the port's close()). */
  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  /** Send, retrying 429 and 5xx with backoff; resolves with the final response whatever its status. */
  async sendWithRetry(req: RestRequest): Promise<RestResponse & { attempts: number }> {
    const deadline = Date.now() + (this.retry.budgetMs ?? DEFAULT_BUDGET_MS);
    for (let attempt = 1; ; attempt++) {
      this.requestCount++;
      const response = await this.send(req);
      if (!isRetryableStatus(response.status) || attempt >= this.retry.attempts) return { ...response, attempts: attempt };
      const delay = retryDelay(attempt, this.retry, response.headers['retry-after']);
      // Out of time: the last answer stands (the caller says what was not done).
      if (Date.now() + delay > deadline) return { ...response, attempts: attempt };
      await sleep(delay, req.signal, actionIn(req.action, this.where.lang) ?? say(this.where.lang, 'retrying', '重试'), this.where.lang);
    }
  }

  /** Retry policy, for calls that retry outside sendWithRetry (exec's connect). */
  get retryPolicy(): RetryPolicy {
    return this.retry;
  }

  /** A 2xx JSON answer, or a ClusterError. */
  async json<T = Record<string, unknown>>(req: RestRequest): Promise<T> {
    const response = await this.sendWithRetry(req);
    if (response.status < 200 || response.status > 299) throw httpError(response.status, response.text, this.where, req.action, response.attempts);
    return this.parse<T>(response.text, req, response.status);
  }

  /** Like json(), but a 404 is `undefined` instead of an error. */
  async jsonOrAbsent<T = Record<string, unknown>>(req: RestRequest): Promise<T | undefined> {
    const response = await this.sendWithRetry(req);
    if (response.status === 404) return undefined;
    if (response.status < 200 || response.status > 299) throw httpError(response.status, response.text, this.where, req.action, response.attempts);
    return this.parse<T>(response.text, req, response.status);
  }

  private parse<T>(text: string, req: RestRequest, status: number): T {
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ClusterError(
        say(
          this.where.lang,
          `${actionIn(req.action, this.where.lang) ? `Could not ${actionIn(req.action, this.where.lang)}` : 'A request failed'}: the API server of context "${this.where.context}" answered with something that is not JSON; check that ${this.where.server} is a Kubernetes API server.`,
          `${couldNot(actionIn(req.action, this.where.lang), 'zh')}：上下文 "${this.where.context}" 的 API 服务器返回的不是 JSON；请确认 ${this.where.server} 是 Kubernetes API 服务器。`,
        ),
        'other',
        status,
      );
    }
  }
}
