// The verbs and resources the lessons use, checked with SelfSubjectAccessReviews so a learner
// hears which permission is missing before a step fails halfway.

import { ClusterError } from '../port.js';
import type { Lang } from './lang.js';
import type { KubeRest } from './rest.js';

export interface Permission {
  verb: string;
  group: string; // '' for the core group
  resource: string;
  subresource?: string;
  namespace?: string; // absent: cluster-scoped
  /** The one object asked about, when the lessons touch only that one (a Role may grant just it). */
  name?: string;
}

const WRITE = ['get', 'list', 'create', 'patch', 'delete'];

/**
 * Everything the lessons, the pre-flight fixes and reset do. With `gateway: 'own'` (a class
 * learner with their own gateway) the Istio namespace's logs are not needed: the proof is in the
 * learner's own gateway's log.
 */
export function lessonPermissions(clientNamespace: string, istioNamespace: string, gateway?: 'own' | 'shared'): Permission[] {
  const inClient = (group: string, resources: string[], verbs: string[]): Permission[] =>
    resources.flatMap((resource) => verbs.map((verb) => ({ verb, group, resource, namespace: clientNamespace })));
  return [
    ...inClient('networking.istio.io', ['serviceentries', 'gateways', 'destinationrules', 'virtualservices', 'sidecars'], WRITE),
    ...inClient('apps', ['deployments'], WRITE),
    ...inClient('', ['services', 'serviceaccounts'], WRITE),
    ...inClient('', ['pods'], ['get', 'list']),
    { verb: 'create', group: '', resource: 'pods', subresource: 'exec', namespace: clientNamespace },
    { verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: clientNamespace },
    { verb: 'list', group: '', resource: 'pods', namespace: istioNamespace },
    ...(gateway === 'own' ? [] : [{ verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: istioNamespace }]),
    // The reads name their object: the mesh config, the client and Istio namespaces.
    { verb: 'get', group: '', resource: 'configmaps', namespace: istioNamespace, name: 'istio' },
    { verb: 'list', group: 'telemetry.istio.io', resource: 'telemetries', namespace: istioNamespace },
    { verb: 'get', group: '', resource: 'namespaces', name: clientNamespace },
    ...(istioNamespace !== clientNamespace ? [{ verb: 'get', group: '', resource: 'namespaces', name: istioNamespace }] : []),
  ];
}

/** "create gateways.networking.istio.io in default", "get pods/log in istio-system". Pure. */
export function describePermission(p: Permission): string {
  const resource = `${p.resource}${p.subresource ? `/${p.subresource}` : ''}${p.group ? `.${p.group}` : ''}`;
  return `${p.verb} ${resource}${p.namespace ? ` in ${p.namespace}` : ''}`;
}

/** Group missing permissions by resource: "create, patch, delete gateways.networking.istio.io in default". Pure. */
export function summarizeMissing(missing: Permission[], lang?: Lang): string[] {
  const byResource = new Map<string, string[]>();
  for (const p of missing) {
    const key =
      lang === 'zh'
        ? `${p.resource}${p.subresource ? `/${p.subresource}` : ''}${p.group ? `.${p.group}` : ''}${p.namespace ? `（命名空间 ${p.namespace}）` : ''}`
        : describePermission({ ...p, verb: '' }).trim();
    byResource.set(key, [...(byResource.get(key) ?? []), p.verb]);
  }
  return [...byResource].map(([resource, verbs]) => `${verbs.join(', ')} ${resource}`);
}

interface Review {
  status?: { allowed?: boolean; denied?: boolean; reason?: string };
}

interface RulesReview {
  status?: { resourceRules?: { verbs?: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }[]; incomplete?: boolean };
}

export interface PermissionAnswers {
  missing: Permission[];
  /** Could not be answered (the API kept throttling or failing): never counted as missing. */
  unknown: Permission[];
}

const keyOf = (p: Permission): string => `${p.verb}|${p.group}|${p.resource}|${p.subresource ?? ''}|${p.namespace ?? ''}|${p.name ?? ''}`;

/** Whether RBAC resource rules (as a SelfSubjectRulesReview lists them) allow `p`. Pure. */
export function rulesAllow(rules: NonNullable<RulesReview['status']>['resourceRules'], p: Permission): boolean {
  const resource = p.subresource ? `${p.resource}/${p.subresource}` : p.resource;
  return (rules ?? []).some((r) => {
    if (r.resourceNames && r.resourceNames.length > 0 && !(p.name !== undefined && r.resourceNames.includes(p.name))) return false; // only named objects
    const verbs = r.verbs ?? [];
    const groups = r.apiGroups ?? [];
    const resources = r.resources ?? [];
    if (!verbs.includes('*') && !verbs.includes(p.verb)) return false;
    if (!groups.includes('*') && !groups.includes(p.group)) return false;
    return resources.some((x) => x === '*' || x === resource || (p.subresource !== undefined && (x === `${p.resource}/*` || x === `*/${p.subresource}`)));
  });
}

/**
 * The session's permission answers: each asked once. One SelfSubjectRulesReview per namespace
 * answers them when the authorizer can list all its rules (RBAC); otherwise one
 * SelfSubjectAccessReview each. A review the API throttled or failed is
 * "unknown" and not remembered, so it is asked again next time — never a denial.
 */
export class PermissionCache {
  private readonly answers = new Map<string, boolean>();
  private readonly rules = new Map<string, Promise<RulesReview['status'] | undefined>>();
  /** Reviews sent (rules and access), for load figures and tests. */
  reviewsSent = 0;

  constructor(private readonly rest: KubeRest) {}

  private async rulesFor(namespace: string, signal?: AbortSignal): Promise<RulesReview['status'] | undefined> {
    let pending = this.rules.get(namespace);
    if (!pending) {
      this.reviewsSent++;
      pending = this.rest
        .json<RulesReview>({
          method: 'POST',
          path: '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
          body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace } },
          signal,
          action: this.rest.where.lang === 'zh' ? '列出权限规则（SelfSubjectRulesReview）' : 'list permission rules (SelfSubjectRulesReview)',
        })
        .then((r) => r.status)
        .catch((err: unknown) => {
          this.rules.delete(namespace); // not remembered: ask again next time
          if (err instanceof ClusterError && err.reason === 'cancelled') throw err;
          return undefined;
        });
      this.rules.set(namespace, pending);
    }
    return pending;
  }

  async check(permissions: Permission[], signal?: AbortSignal, concurrency = 6, fallbackNamespace = 'default'): Promise<PermissionAnswers> {
    const open = permissions.filter((p) => !this.answers.has(keyOf(p)));
    // Rules first, when the authorizer could list them all (RBAC); incomplete rules (a webhook
    // authorizer, or denials it cannot list) leave every answer to an access review.
    const namespaces = [...new Set(open.map((p) => p.namespace ?? fallbackNamespace))];
    const byNamespace = new Map<string, RulesReview['status'] | undefined>();
    for (const ns of namespaces) byNamespace.set(ns, await this.rulesFor(ns, signal));
    const ask: Permission[] = [];
    for (const p of open) {
      const status = byNamespace.get(p.namespace ?? fallbackNamespace);
      if (status && status.incomplete !== true) this.answers.set(keyOf(p), rulesAllow(status.resourceRules, p));
      else ask.push(p);
    }
    const unknown = new Set<string>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < ask.length) {
        const p = ask[next++];
        this.reviewsSent++;
        try {
          const review = await this.rest.json<Review>({
            method: 'POST',
            path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
            body: {
              apiVersion: 'authorization.k8s.io/v1',
              kind: 'SelfSubjectAccessReview',
              spec: { resourceAttributes: { verb: p.verb, group: p.group, resource: p.resource, subresource: p.subresource, namespace: p.namespace, name: p.name } },
            },
            signal,
            action: this.rest.where.lang === 'zh' ? '检查权限（SelfSubjectAccessReview）' : 'check permissions (SelfSubjectAccessReview)',
          });
          if (typeof review.status?.allowed !== 'boolean') unknown.add(keyOf(p));
          else this.answers.set(keyOf(p), review.status.allowed);
        } catch (err) {
          if (err instanceof ClusterError && (err.reason === 'throttled' || err.reason === 'server' || err.reason === 'timeout' || err.reason === 'unreachable')) unknown.add(keyOf(p));
          else throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, ask.length) }, worker));
    return {
      missing: permissions.filter((p) => this.answers.get(keyOf(p)) === false),
      unknown: permissions.filter((p) => unknown.has(keyOf(p))),
    };
  }
}

/** Which of `permissions` the current user lacks (a one-off cache: every review asked once). */
export async function missingPermissions(rest: KubeRest, permissions: Permission[], signal?: AbortSignal, concurrency = 6): Promise<Permission[]> {
  return (await new PermissionCache(rest).check(permissions, signal, concurrency)).missing;
}
