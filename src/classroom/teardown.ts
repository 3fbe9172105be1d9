// `class reset` (the learners' tutorial objects and progress) and `class teardown` (everything
// `class setup` made, found by the class label: namespaces it created, cluster-wide RBAC, the
// Istio-namespace Role, bindings and Telemetry; a namespace it did not create is never deleted).

import { rm } from 'node:fs/promises';
import type { DeleteOutcome } from '../cluster/port.js';
import type { KubeObject, ObjectRef } from '../lesson/model.js';
import { mapLimit } from './limit.js';
import { classMessages } from './messages.js';
import { ADOPTED_LABEL, CLASS_LABEL, classId, namespaceFromLearner } from './model.js';
import { kubeconfigPath } from './kubeconfig.js';
import type { ClassPort } from './port.js';
import type { ClassIO } from './setup.js';

const refOf = (o: KubeObject): ObjectRef => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) });

/** The class's namespaces (label), sorted. */
export async function classNamespaces(port: ClassPort, prefix: string): Promise<KubeObject[]> {
  const list = await port.listObjects({ apiVersion: 'v1', kind: 'Namespace', labelSelector: `${CLASS_LABEL}=${classId(prefix)}` });
  return list.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

function failures(outcomes: DeleteOutcome[]): string[] {
  return outcomes.filter((o) => o.result === 'error').map((o) => o.message ?? `${o.ref.kind} "${o.ref.name}"`);
}

export interface ResetRequest {
  prefix: string;
  learners: string[]; // names as typed ("07", "learner-07"); empty: all
  istioNamespace: string;
}

/** Which namespaces `class reset` means; unknown names are an error sentence. Pure. */
export function resetTargets(all: string[], named: string[], prefix: string): { namespaces: string[]; unknown: string[] } {
  if (named.length === 0) return { namespaces: all, unknown: [] };
  const wanted = named.map((n) => namespaceFromLearner(n, prefix, all));
  return { namespaces: [...new Set(wanted.filter((w): w is string => Boolean(w)))], unknown: named.filter((_, i) => !wanted[i]) };
}

export async function classReset(port: ClassPort, req: ResetRequest, io: ClassIO): Promise<boolean> {
  const m = classMessages(io.lang);
  const all = (await classNamespaces(port, req.prefix)).map((n) => n.metadata.name);
  if (all.length === 0) {
    io.out(m.noClass(req.prefix));
    return false;
  }
  const { namespaces, unknown } = resetTargets(all, req.learners, req.prefix);
  if (unknown.length) {
    io.out(m.unknownLearners(unknown, all));
    return false;
  }
  io.out(m.resetPlan(namespaces));
  if (!io.yes && (!io.confirm || !(await io.confirm(m.confirmReset(namespaces.length))))) {
    io.out(m.nothingChanged);
    return false;
  }
  const problems = await mapLimit(namespaces, 4, async (ns) => {
    // deleteManaged skips what the class made (the learner's identity, gateway, class ConfigMap);
    // the progress ConfigMap carries only the tutorial's label, so it goes too.
    const removed = await port.deleteManaged({ namespaces: [ns] }, { waitMs: 60_000 });
    const bad = failures(removed);
    io.out(bad.length ? m.learnerProblem(ns, bad.join(' ')) : m.learnerReset(ns, removed.filter((r) => r.result === 'deleted').length));
    return bad.length;
  });
  const failed = problems.filter(Boolean).length;
  io.out(failed ? m.resetIncomplete(failed) : m.resetDone(namespaces.length));
  return failed === 0;
}

export interface TeardownRequest {
  prefix: string;
  istioNamespace: string;
  kubeconfigDir: string;
}

export async function classTeardown(port: ClassPort, req: TeardownRequest, io: ClassIO): Promise<boolean> {
  const m = classMessages(io.lang);
  const selector = `${CLASS_LABEL}=${classId(req.prefix)}`;
  const namespaces = await classNamespaces(port, req.prefix);
  const created = namespaces.filter((n) => n.metadata.labels?.[ADOPTED_LABEL] !== 'true');
  const adopted = namespaces.filter((n) => n.metadata.labels?.[ADOPTED_LABEL] === 'true');
  const rbac = 'rbac.authorization.k8s.io/v1';
  const list = (apiVersion: string, kind: string, namespace?: string) => port.listObjects({ apiVersion, kind, namespace, labelSelector: selector }).catch(() => [] as KubeObject[]);
  const clusterWide = [...(await list(rbac, 'ClusterRoleBinding')), ...(await list(rbac, 'ClusterRole'))];
  const inIstio = [...(await list(rbac, 'RoleBinding', req.istioNamespace)), ...(await list(rbac, 'Role', req.istioNamespace)), ...(await list('telemetry.istio.io/v1', 'Telemetry', req.istioNamespace))];
  // In an adopted namespace only what the class put there goes, and the namespace stays.
  const inAdopted: KubeObject[] = [];
  for (const ns of adopted) {
    for (const [apiVersion, kind] of [
      ['v1', 'ConfigMap'],
      [rbac, 'RoleBinding'],
      [rbac, 'Role'],
      ['apps/v1', 'Deployment'],
      ['v1', 'Service'],
      ['v1', 'ServiceAccount'],
    ])
      inAdopted.push(...(await list(apiVersion, kind, ns.metadata.name)));
  }
  const total = created.length + adopted.length + clusterWide.length + inIstio.length;
  if (total === 0) {
    io.out(m.noClass(req.prefix));
    return true;
  }
  io.out(m.teardownPlan(created.map((n) => n.metadata.name), adopted.map((n) => n.metadata.name), [...clusterWide, ...inIstio].map((o) => `${o.kind}/${o.metadata.name}${o.metadata.namespace ? ` (${o.metadata.namespace})` : ''}`)));
  if (!io.yes && (!io.confirm || !(await io.confirm(m.confirmTeardown(created.length))))) {
    io.out(m.nothingChanged);
    return false;
  }
  const problems: string[] = [];
  for (const ns of adopted) problems.push(...failures(await port.deleteManaged({ namespaces: [ns.metadata.name] }, { waitMs: 60_000 })));
  problems.push(...failures(await port.deleteObjects([...inAdopted, ...inIstio, ...clusterWide].map(refOf), { waitMs: 60_000 })));
  // Strip the class's labels from adopted namespaces: they go back to being nobody's.
  for (const ns of adopted) {
    const outcome = await port.applyObjects([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.metadata.name } }]);
    problems.push(...outcome.filter((o) => o.result === 'error').map((o) => o.message ?? ''));
  }
  problems.push(...failures(await port.deleteObjects(created.map(refOf), { waitMs: 120_000 })));
  for (const ns of namespaces) await rm(kubeconfigPath(req.kubeconfigDir, ns.metadata.name), { force: true }).catch(() => undefined);
  for (const p of problems) io.out(`  ${p}`);
  io.out(problems.length ? m.teardownIncomplete(problems.length) : m.teardownDone(created.length, adopted.length));
  return problems.length === 0;
}
