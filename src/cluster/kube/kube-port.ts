// The ClusterPort over @kubernetes/client-node: one instance per connected context. The practice
// cluster is just another API server reached through this same class.

import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject, Lang, ObjectRef, PodTarget } from '../../lesson/model.js';
import {
  ClusterError,
  type ApplyOptions,
  type ApplyOutcome,
  type ClusterAccess,
  type ListQuery,
  type CheckResult,
  type ClassSettings,
  type GatewayTarget,
  type ClusterIdentity,
  type ClusterPort,
  type DeleteOutcome,
  type Drift,
  type DriftOptions,
  type ExecOptions,
  type ExecResult,
  type FollowOptions,
  type ManagedScope,
  type MeshFacts,
  type PodInfo,
  type PreflightOptions,
  type WaitOptions,
} from '../port.js';
import { applyObjects } from './apply.js';
import { applyAsGiven, clusterAccess, deleteObjects, getObject, listObjects, requestToken } from './objects.js';
import { anySignal, DEFAULT_BUDGET_MS, isRetryableStatus, retryDelay, sleep } from './backoff.js';
import { deleteManagedObjects, deleteRefs, listManagedTargets } from './cleanup.js';
import type { Discovery } from './discovery.js';
import { readDrift } from './drift.js';
import { httpError, type Where } from './errors.js';
import { execNotStarted, runExec } from './exec.js';
import { readMeshFacts } from './facts.js';
import { say } from './lang.js';
import { followLogs } from './logs.js';
import { KnownObjects } from './known.js';
import { PermissionCache } from './permissions.js';
import { runPreflight } from './preflight.js';
import type { KubeRest } from './rest.js';
import { waitForPod } from './wait.js';
import { podWatch } from './pod-watch.js';
import { claimShared } from './shared.js';
import { readClassSettings } from './class-settings.js';

export interface KubePortParts {
  kc: KubeConfig;
  rest: KubeRest;
  discovery: Discovery;
  where: Where;
  identity: ClusterIdentity;
  /** Test and tuning knobs: how often pod lists are refreshed while following logs or waiting. */
  pollMs?: number;
  /** The server version read when connecting: the first pre-flight need not ask again. */
  connectedVersion?: string;
}

export class KubeClusterPort implements ClusterPort {
  /** Aborted by close(): every wait, exec and log follow started through this port stops. */
  private readonly closing = new AbortController();
  /** Permission reviews are answered once per session (issue 11: a class's API load). */
  readonly permissions: PermissionCache;
  /** Objects this session applied (uids from the apply responses): deletes need no read first. */
  private readonly known = new KnownObjects();

  constructor(private readonly parts: KubePortParts) {
    this.permissions = new PermissionCache(parts.rest);
  }

  /** Requests this port sent through its REST client (each retry counts). */
  get requestCount(): number {
    return this.parts.rest.requestCount;
  }

  private signal(own?: AbortSignal): AbortSignal {
    return own ? anySignal([own, this.closing.signal]) : this.closing.signal;
  }

  private get reads(): { rest: KubeRest; discovery: Discovery; known: KnownObjects } {
    return { rest: this.parts.rest, discovery: this.parts.discovery, known: this.known };
  }

  identity(): ClusterIdentity {
    return this.parts.identity;
  }

  /** Every sentence from now on in `lang`: they are all made from the shared Where (errors, reads, checks). */
  setLang(lang: Lang): void {
    this.parts.where.lang = lang;
    this.parts.rest.where.lang = lang;
  }

  preflight(options: PreflightOptions): Promise<CheckResult[]> {
    // The first pre-flight that checks reachability uses the connection's answer; later ones ask
    // again: they also tell whether the server still answers.
    const checksReach = (options.checks ?? ['cluster-reachable']).includes('cluster-reachable');
    const serverVersion = checksReach ? this.parts.connectedVersion : undefined;
    if (checksReach) this.parts.connectedVersion = undefined;
    return runPreflight({ ...this.reads, where: this.parts.where, permissions: this.permissions, serverVersion }, { ...options, signal: this.signal(options.signal) });
  }

  servedVersion(group: string, signal?: AbortSignal): Promise<string | undefined> {
    return this.parts.discovery.servedVersion(group, this.signal(signal));
  }

  apply(objects: KubeObject[], options: ApplyOptions): Promise<ApplyOutcome[]> {
    return applyObjects(this.reads, objects, { ...options, signal: this.signal(options.signal) });
  }

  drift(objects: KubeObject[], options: DriftOptions): Promise<Drift[]> {
    return readDrift(this.reads, objects, { ...options, signal: this.signal(options.signal) });
  }

  delete(refs: ObjectRef[], options: { namespace: string; signal?: AbortSignal; waitMs?: number }): Promise<DeleteOutcome[]> {
    return deleteRefs(this.reads, refs, { ...options, signal: this.signal(options.signal) });
  }

  waitForPod(target: PodTarget, options: WaitOptions): Promise<PodInfo> {
    const watch = podWatch(this.parts.kc, () => this.parts.rest.requestCount++);
    return waitForPod(this.reads, target, { ...options, signal: this.signal(options.signal), watch });
  }

  async exec(pod: { namespace: string; name: string }, container: string, argv: string[], options: ExecOptions): Promise<ExecResult> {
    const signal = this.signal(options.signal);
    const policy = this.parts.rest.retryPolicy;
    const deadline = Date.now() + (policy.budgetMs ?? DEFAULT_BUDGET_MS);
    // A throttled or failed upgrade never started the command: retry it like any other call.
    for (let attempt = 1; ; attempt++) {
      this.parts.rest.requestCount++;
      try {
        return await runExec(this.parts.kc, this.parts.where, pod, container, argv, { ...options, signal });
      } catch (err) {
        const status = err instanceof ClusterError ? err.status : undefined;
        const delay = retryDelay(attempt, policy);
        if (!execNotStarted(err) || status === undefined || !isRetryableStatus(status) || attempt >= policy.attempts || Date.now() + delay > deadline) throw err;
        await sleep(delay, signal, say(this.parts.where.lang, 'retrying the exec', '重试 exec'), this.parts.where.lang);
      }
    }
  }

  followLogs(target: PodTarget, options: FollowOptions): Promise<void> {
    return followLogs(
      { kc: this.parts.kc, rest: this.parts.rest, where: this.parts.where, pollMs: this.parts.pollMs },
      target,
      { ...options, signal: this.signal(options.signal) },
    );
  }

  heldBySession(refs: ObjectRef[]): boolean {
    return refs.length > 0 && refs.every((ref) => this.known.get(ref) !== undefined);
  }

  async listManaged(scope: ManagedScope, signal?: AbortSignal): Promise<ObjectRef[]> {
    return (await listManagedTargets(this.reads, scope, this.signal(signal))).map((t) => t.ref);
  }

  deleteManaged(scope: ManagedScope, options: { signal?: AbortSignal; waitMs?: number } = {}): Promise<DeleteOutcome[]> {
    return deleteManagedObjects(this.reads, scope, { ...options, signal: this.signal(options.signal) });
  }

  classSettings(namespace: string, signal?: AbortSignal): Promise<ClassSettings | undefined> {
    return readClassSettings(this.reads, namespace, this.signal(signal));
  }

  claimShared(objects: KubeObject[], learner: string, options: { lesson: string; step: string; signal?: AbortSignal }): Promise<ApplyOutcome[]> {
    return claimShared(this.reads, objects, learner, { ...options, signal: this.signal(options.signal) });
  }

  meshFacts(options: { clientNamespace: string; istioNamespace: string; signal?: AbortSignal; client?: PodTarget; gateway?: GatewayTarget }): Promise<MeshFacts> {
    return readMeshFacts(this.reads, { ...options, signal: this.signal(options.signal) });
  }

  async labelNamespace(namespace: string, labels: Record<string, string>, signal?: AbortSignal): Promise<void> {
    const s = this.signal(signal);
    const lang = this.parts.where.lang;
    const action = say(lang, `label namespace "${namespace}"`, `给命名空间 "${namespace}" 加标签`);
    const response = await this.parts.rest.sendWithRetry({
      method: 'PATCH',
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}`,
      body: { metadata: { labels } },
      contentType: 'application/merge-patch+json',
      signal: s,
      action,
    });
    if (response.status === 404) {
      await this.parts.rest.json({
        method: 'POST',
        path: '/api/v1/namespaces',
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels } },
        signal: s,
        action: say(lang, `create namespace "${namespace}"`, `创建命名空间 "${namespace}"`),
      });
      return;
    }
    if (response.status < 200 || response.status > 299) {
      throw httpError(response.status, response.text, this.parts.where, action, response.attempts);
    }
  }

  // ---- classroom (additive) ----

  getObject(ref: ObjectRef, signal?: AbortSignal): Promise<KubeObject | undefined> {
    return getObject(this.reads, ref, this.signal(signal));
  }

  listObjects(query: ListQuery, signal?: AbortSignal): Promise<KubeObject[]> {
    return listObjects(this.reads, query, this.signal(signal));
  }

  applyObjects(objects: KubeObject[], options: { dryRun?: boolean; blind?: boolean; signal?: AbortSignal } = {}): Promise<ApplyOutcome[]> {
    return applyAsGiven(this.reads, objects, { ...options, signal: this.signal(options.signal) });
  }

  deleteObjects(refs: ObjectRef[], options: { signal?: AbortSignal; waitMs?: number } = {}): Promise<DeleteOutcome[]> {
    return deleteObjects(this.reads, refs, { ...options, signal: this.signal(options.signal) });
  }

  requestToken(namespace: string, serviceAccount: string, options: { expirationSeconds: number; signal?: AbortSignal }): Promise<{ token: string; expiresAt?: string }> {
    return requestToken(this.reads, namespace, serviceAccount, { ...options, signal: this.signal(options.signal) });
  }

  clusterAccess(): ClusterAccess {
    return clusterAccess(this.parts.kc);
  }

  close(): void {
    if (!this.closing.signal.aborted) this.closing.abort(new ClusterError(say(this.parts.where.lang, 'The cluster connection was closed.', '与集群的连接已关闭。'), 'cancelled'));
    this.parts.rest.close();
  }
}
