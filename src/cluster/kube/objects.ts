// Generic object access for the classroom (the instructor's `class` verbs and the learner's
// progress publisher): get, list (one request), forced server-side apply as given, delete, the
// TokenRequest API, and how this connection reaches the server. Plain JSON in and out.

import fs from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject, ObjectRef } from '../../lesson/model.js';
import { ClusterError, FIELD_MANAGER, type ApplyOutcome, type ClusterAccess, type DeleteOutcome, type ListQuery } from '../port.js';
import { APPLY_PATCH_CONTENT_TYPE } from './apply.js';
import { DEFAULT_DELETE_WAIT_MS, deleteAndWait } from './cleanup.js';
import { resourcePath, type ResourceInfo } from './discovery.js';
import { httpError, sanitize } from './errors.js';
import { say } from './lang.js';
import type { RawObject } from './ownership.js';
import type { Reads } from './reads.js';

function describe(kind: string, name: string, namespace: string | undefined, zh: boolean): string {
  if (zh) return namespace ? `命名空间 "${namespace}" 中的 ${kind} "${name}"` : `${kind} "${name}"`;
  return namespace ? `${kind} "${name}" in namespace "${namespace}"` : `${kind} "${name}"`;
}

export async function getObject(r: Reads, ref: ObjectRef, signal?: AbortSignal): Promise<KubeObject | undefined> {
  const resource = await r.discovery.resolve(ref.apiVersion, ref.kind, signal);
  const found = await r.rest.jsonOrAbsent<KubeObject>({
    method: 'GET',
    path: resourcePath(resource, ref.namespace, ref.name),
    signal,
    action: say(r.rest.where.lang, `read ${describe(ref.kind, ref.name, ref.namespace, false)}`, `读取${describe(ref.kind, ref.name, ref.namespace, true)}`),
  });
  return found ? { ...found, apiVersion: found.apiVersion ?? resource.apiVersion, kind: found.kind ?? ref.kind } : undefined;
}

export async function listObjects(r: Reads, query: ListQuery, signal?: AbortSignal): Promise<KubeObject[]> {
  const resource = await r.discovery.resolve(query.apiVersion, query.kind, signal);
  const where = query.namespace ? ` in namespace "${query.namespace}"` : resource.namespaced ? ' in all namespaces' : '';
  const whereZh = query.namespace ? `命名空间 "${query.namespace}" 中` : resource.namespaced ? '所有命名空间中' : '';
  const list = await r.rest.json<{ items?: RawObject[] }>({
    method: 'GET',
    path: resourcePath(resource, query.namespace),
    query: query.labelSelector ? { labelSelector: query.labelSelector } : undefined,
    signal,
    action: say(r.rest.where.lang, `list ${query.kind} objects${where}`, `列出${whereZh}的 ${query.kind} 对象`),
  });
  // Items of a list carry no apiVersion/kind of their own.
  return (list.items ?? []).map((item) => ({ ...item, apiVersion: resource.apiVersion, kind: query.kind }) as KubeObject);
}

/** Forced server-side apply of each object exactly as given; per-object failures become 'error' outcomes. */
export async function applyAsGiven(r: Reads, objects: KubeObject[], options: { dryRun?: boolean; blind?: boolean; signal?: AbortSignal } = {}): Promise<ApplyOutcome[]> {
  const lang = r.rest.where.lang;
  const outcomes: ApplyOutcome[] = [];
  for (const source of objects) {
    const namespace = source.metadata.namespace;
    const ref = { apiVersion: source.apiVersion, kind: source.kind, name: source.metadata.name, ...(namespace ? { namespace } : {}) };
    const action = say(lang, `apply ${describe(ref.kind, ref.name, namespace, false)}`, `应用${describe(ref.kind, ref.name, namespace, true)}`);
    try {
      const resource: ResourceInfo = await r.discovery.resolve(source.apiVersion, source.kind, options.signal);
      const object = { ...structuredClone(source), apiVersion: resource.apiVersion };
      // `blind`: one request, no created/unchanged distinction (the progress publisher's writes).
      const before = options.blind ? undefined : await r.rest.sendWithRetry({ method: 'GET', path: resourcePath(resource, namespace, ref.name), signal: options.signal, action });
      const existed = before && before.status >= 200 && before.status < 300 ? (JSON.parse(before.text) as RawObject) : undefined;
      const response = await r.rest.sendWithRetry({
        method: 'PATCH',
        path: resourcePath(resource, namespace, ref.name),
        query: { fieldManager: FIELD_MANAGER, force: true, dryRun: options.dryRun ? 'All' : undefined },
        body: JSON.stringify(object),
        contentType: APPLY_PATCH_CONTENT_TYPE,
        signal: options.signal,
        action,
      });
      if (response.status < 200 || response.status > 299) throw httpError(response.status, response.text, r.rest.where, action, response.attempts);
      const stored = JSON.parse(response.text) as RawObject;
      const result = options.blind ? 'configured' : !existed ? 'created' : existed.metadata?.resourceVersion === stored.metadata?.resourceVersion ? 'unchanged' : 'configured';
      outcomes.push({ ref: { ...ref, apiVersion: resource.apiVersion }, result });
    } catch (err) {
      if (err instanceof ClusterError && err.reason === 'cancelled') throw err;
      outcomes.push({ ref, result: 'error', message: err instanceof ClusterError ? err.message : say(lang, `${action}: ${sanitize(String(err))}.`, `${action}：${sanitize(String(err))}。`) });
    }
  }
  return outcomes;
}

/** Delete each ref whoever made it, waiting until it is gone. */
export async function deleteObjects(r: Reads, refs: ObjectRef[], options: { signal?: AbortSignal; waitMs?: number } = {}): Promise<DeleteOutcome[]> {
  const outcomes: (DeleteOutcome | undefined)[] = new Array(refs.length).fill(undefined);
  const targets: { index: number; ref: ObjectRef; resource: ResourceInfo; uid?: unknown }[] = [];
  for (const [index, ref] of refs.entries()) {
    try {
      const resource = await r.discovery.resolve(ref.apiVersion, ref.kind, options.signal);
      targets.push({ index, ref: { ...ref, apiVersion: resource.apiVersion }, resource });
    } catch (err) {
      if (err instanceof ClusterError && err.reason === 'cancelled') throw err;
      outcomes[index] = err instanceof ClusterError && err.reason === 'not-served' ? { ref, result: 'absent' } : { ref, result: 'error', message: err instanceof ClusterError ? err.message : String(err) };
    }
  }
  const done = await deleteAndWait(r, targets, options.waitMs ?? DEFAULT_DELETE_WAIT_MS, options.signal);
  targets.forEach((t, i) => (outcomes[t.index] = done[i]));
  return outcomes as DeleteOutcome[];
}

export async function requestToken(r: Reads, namespace: string, serviceAccount: string, options: { expirationSeconds: number; signal?: AbortSignal }): Promise<{ token: string; expiresAt?: string }> {
  const answer = await r.rest.json<{ status?: { token?: string; expirationTimestamp?: string } }>({
    method: 'POST',
    path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/${encodeURIComponent(serviceAccount)}/token`,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: options.expirationSeconds } },
    signal: options.signal,
    action: say(
      r.rest.where.lang,
      `request a token for ServiceAccount "${serviceAccount}" in namespace "${namespace}" (TokenRequest)`,
      `为命名空间 "${namespace}" 中的 ServiceAccount "${serviceAccount}" 申请令牌（TokenRequest）`,
    ),
  });
  const token = answer.status?.token;
  if (!token) {
    throw new ClusterError(
      say(
        r.rest.where.lang,
        `The API server answered the TokenRequest for ServiceAccount "${serviceAccount}" in namespace "${namespace}" without a token: check that the cluster serves serviceaccounts/token.`,
        `API 服务器对命名空间 "${namespace}" 中 ServiceAccount "${serviceAccount}" 的 TokenRequest 没有返回令牌：请确认集群提供 serviceaccounts/token。`,
      ),
      'server',
    );
  }
  return { token, expiresAt: answer.status?.expirationTimestamp };
}

/** Server, CA and TLS settings of the current context (a CA file is read and inlined). */
export function clusterAccess(kc: KubeConfig): ClusterAccess {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ClusterError('The kubeconfig has no current cluster: fix the kubeconfig.', 'config');
  let ca = cluster.caData;
  if (!ca && cluster.caFile) {
    try {
      ca = fs.readFileSync(cluster.caFile).toString('base64');
    } catch {
      throw new ClusterError(`The certificate authority file ${cluster.caFile} of cluster "${cluster.name}" could not be read: check the kubeconfig.`, 'config');
    }
  }
  return {
    server: cluster.server,
    clusterName: cluster.name,
    ...(ca ? { certificateAuthorityData: ca } : {}),
    ...(cluster.skipTLSVerify ? { insecureSkipTlsVerify: true } : {}),
    ...(cluster.tlsServerName ? { tlsServerName: cluster.tlsServerName } : {}),
    ...(cluster.proxyUrl ? { proxyUrl: cluster.proxyUrl } : {}),
  };
}
