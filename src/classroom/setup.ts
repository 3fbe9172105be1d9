// `class setup`: survey what exists, say what will be made, ask, then make it learner by learner
// (idempotent: server-side apply, kubeconfigs only where missing). Failures are collected per
// learner with the fix; re-running completes what is missing.

import yaml from 'js-yaml';
import { ClusterError, type ApplyOutcome } from '../cluster/port.js';
import type { KubeObject, Lang } from '../lesson/model.js';
import { renderTemplate } from '../lesson/template.js';
import { mapLimit } from './limit.js';
import { parseMeshConfig } from '../cluster/kube/meshconfig.js';
import { PRIVATE_ROUTES, routesPrivate } from '../cluster/kube/preflight-gateway-api.js';
import { classMessages } from './messages.js';
import { ADOPTED_LABEL, CLASS_LABEL, classId, clusterRoleName, learnerNamespaces, LEARNER_SA, type GatewayMode } from './model.js';
import { classObjects, learnerObjects, type ClassOptions } from './objects.js';
import { exists, kubeconfigPath, learnerKubeconfigYaml, writePrivate } from './kubeconfig.js';
import type { ClassPort } from './port.js';

export interface SetupRequest extends ClassOptions {
  learners: number;
  kubeconfigDir: string;
  tokenSeconds: number;
  dryRun: boolean;
  /** The C1 manifest with {{namespace}} placeholders (own mode). */
  gatewayManifest?: string;
}

export interface ClassIO {
  out(text: string): void;
  lang: Lang;
  /** Undefined: no terminal to ask on (then --yes decided). */
  confirm?: (question: string) => Promise<boolean>;
  yes: boolean;
}

export type NamespaceState = 'new' | 'ours' | 'adopted' | 'foreign' | 'other-class' | 'terminating';

export interface LearnerPlan {
  namespace: string;
  state: NamespaceState;
  otherClass?: string;
}

export interface SetupResult {
  ok: boolean;
  learners: { namespace: string; ok: boolean; problems: string[]; kubeconfig?: string; created: number }[];
}

interface NamespaceLike {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
}

/** Which learner namespaces exist, and whose they are. Pure. */
export function planLearners(prefix: string, count: number, existing: NamespaceLike[]): LearnerPlan[] {
  const byName = new Map(existing.map((n) => [n.metadata.name, n]));
  const id = classId(prefix);
  return learnerNamespaces(prefix, count).map((namespace) => {
    const found = byName.get(namespace);
    if (!found) return { namespace, state: 'new' };
    if (found.metadata.deletionTimestamp) return { namespace, state: 'terminating' };
    const label = found.metadata.labels?.[CLASS_LABEL];
    if (label === id) return { namespace, state: found.metadata.labels?.[ADOPTED_LABEL] === 'true' ? 'adopted' : 'ours' };
    if (label) return { namespace, state: 'other-class', otherClass: label };
    return { namespace, state: 'foreign' };
  });
}

/** The C1 manifest rendered for one namespace. */
export function gatewayObjectsFor(manifest: string | undefined, namespace: string, istioNamespace: string): KubeObject[] {
  if (!manifest) return [];
  const text = renderTemplate(manifest, { namespace, istioNamespace });
  return yaml.loadAll(text).filter((d): d is KubeObject => Boolean(d && typeof d === 'object' && (d as KubeObject).kind));
}

function outcomeProblem(o: ApplyOutcome): string | undefined {
  return o.result === 'error' || o.result === 'conflict' ? (o.message ?? `${o.ref.kind} "${o.ref.name}": ${o.result}`) : undefined;
}

export async function classSetup(port: ClassPort, req: SetupRequest, io: ClassIO): Promise<SetupResult> {
  const m = classMessages(io.lang);
  if (req.gateway === 'own' && !req.gatewayManifest) throw new ClusterError(m.noGatewayManifest, 'config');
  const namespaces = (await port.listObjects({ apiVersion: 'v1', kind: 'Namespace' })) as NamespaceLike[];
  const plans = planLearners(req.prefix, req.learners, namespaces);
  const byState = (s: NamespaceState) => plans.filter((p) => p.state === s).map((p) => p.namespace);

  io.out(m.setupHeader(classId(req.prefix), req.gateway, req.istioNamespace, plans.length, plans[0].namespace, plans[plans.length - 1].namespace));
  io.out(m.perLearner(req.gateway, req.istioNamespace, req.kubeconfigDir, Math.round(req.tokenSeconds / 3600)));
  io.out(m.perClass(req.gateway, req.istioNamespace, req.prefix));
  if (byState('new').length) io.out(m.willCreate(byState('new')));
  if (byState('ours').length + byState('adopted').length) io.out(m.alreadySetUp([...byState('ours'), ...byState('adopted')]));
  if (byState('foreign').length) io.out(m.foreign(byState('foreign')));
  for (const p of plans.filter((x) => x.state === 'other-class')) io.out(m.otherClass(p.namespace, p.otherClass!));
  for (const ns of byState('terminating')) io.out(m.terminating(ns));

  if (req.dryRun) {
    io.out(m.dryRunDone);
    return { ok: true, learners: [] };
  }
  if (!io.yes) {
    if (!io.confirm || !(await io.confirm(m.confirmSetup(plans.length)))) {
      io.out(m.nothingChanged);
      return { ok: false, learners: [] };
    }
  }
  // A namespace the class did not create is used only when the instructor says so, one by one.
  const adopt = new Set<string>();
  for (const ns of byState('foreign')) {
    if (io.confirm && !io.yes && (await io.confirm(m.confirmAdopt(ns)))) adopt.add(ns);
  }

  const result: SetupResult = { ok: true, learners: [] };
  const classProblems = (await port.applyObjects(classObjects(req))).map(outcomeProblem).filter((p): p is string => Boolean(p));
  if (classProblems.length) {
    for (const p of classProblems) io.out(`  ${m.classWide}: ${p}`);
    result.ok = false;
  }

  // ClusterRoles are cluster-wide: one with our name that is not the class's is someone else's.
  const foreignRoles = new Set(
    (await port.listObjects({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' }).catch(() => [] as KubeObject[]))
      .filter((r) => r.metadata.labels?.[CLASS_LABEL] !== classId(req.prefix))
      .map((r) => r.metadata.name),
  );

  const learners = await mapLimit(plans, 4, async (plan) => {
    const problems: string[] = [];
    let created = 0;
    const usable = plan.state === 'new' || plan.state === 'ours' || plan.state === 'adopted' || adopt.has(plan.namespace);
    if (!usable) {
      const why =
        plan.state === 'foreign'
          ? m.skippedForeign(plan.namespace)
          : plan.state === 'other-class'
            ? m.skippedOtherClass(plan.namespace, plan.otherClass!)
            : m.skippedTerminating(plan.namespace);
      return { namespace: plan.namespace, ok: false, problems: [why], created };
    }
    if (foreignRoles.has(clusterRoleName(plan.namespace))) return { namespace: plan.namespace, ok: false, problems: [m.foreignClusterRole(clusterRoleName(plan.namespace))], created };
    const adopted = plan.state === 'adopted' || adopt.has(plan.namespace);
    const objects = learnerObjects(plan.namespace, req, gatewayObjectsFor(req.gatewayManifest, plan.namespace, req.istioNamespace), adopted);
    try {
      // The namespace first: everything else lives in it.
      const [nsOutcome] = await port.applyObjects(objects.slice(0, 1));
      const nsProblem = outcomeProblem(nsOutcome);
      if (nsProblem) return { namespace: plan.namespace, ok: false, problems: [nsProblem], created };
      const outcomes = [nsOutcome, ...(await port.applyObjects(objects.slice(1)))];
      created = outcomes.filter((o) => o.result === 'created').length;
      problems.push(...outcomes.map(outcomeProblem).filter((p): p is string => Boolean(p)));
      const path = kubeconfigPath(req.kubeconfigDir, plan.namespace);
      if (!problems.length && !(await exists(path))) {
        const { token } = await port.requestToken(plan.namespace, LEARNER_SA, { expirationSeconds: req.tokenSeconds });
        await writePrivate(path, learnerKubeconfigYaml({ access: port.clusterAccess(), namespace: plan.namespace, token }));
      }
      return { namespace: plan.namespace, ok: problems.length === 0, problems, created, kubeconfig: problems.length ? undefined : path };
    } catch (err) {
      if (err instanceof ClusterError && err.reason === 'cancelled') throw err;
      const message = err instanceof ClusterError ? err.message : m.fileError(kubeconfigPath(req.kubeconfigDir, plan.namespace), (err as NodeJS.ErrnoException).code ?? String(err));
      return { namespace: plan.namespace, ok: false, problems: [...problems, message], created };
    }
  });
  result.learners = learners;
  for (const l of learners) {
    if (l.ok) io.out(m.learnerReady(l.namespace, l.created, l.kubeconfig!));
    else for (const p of l.problems) io.out(m.learnerProblem(l.namespace, p));
  }
  const failed = learners.filter((l) => !l.ok).length;
  if (failed || !result.ok) {
    result.ok = false;
    io.out(m.setupIncomplete(failed, learners.length));
  } else io.out(m.setupDone(learners.length, req.kubeconfigDir));
  if (!(await routesStayInNamespace(port, req.istioNamespace))) io.out(m.routesPublic(PRIVATE_ROUTES));
  return result;
}

/**
 * Whether the mesh config keeps routes without exportTo in their namespace. The Gateway API has
 * no exportTo: without it one learner's HTTPRoute on the ServiceEntry steers every namespace's
 * requests for the host (the gateway-api track's pre-flight `route-visibility` says so too).
 * Unreadable counts as fine: the learners' pre-flight will tell.
 */
async function routesStayInNamespace(port: ClassPort, istioNamespace: string): Promise<boolean> {
  try {
    const cm = await port.getObject({ apiVersion: 'v1', kind: 'ConfigMap', name: 'istio', namespace: istioNamespace });
    return !cm || routesPrivate(parseMeshConfig((cm as { data?: Record<string, string> }).data?.mesh)?.defaultVirtualServiceExportTo);
  } catch (err) {
    if (err instanceof ClusterError && err.reason === 'cancelled') throw err;
    return true;
  }
}

export type { GatewayMode };
