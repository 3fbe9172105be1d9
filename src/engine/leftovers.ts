// Issue 16 items 1 and 4: objects left from another lesson (an interrupted walk, a skipped
// cleanup) that make a verification meaningless — a ServiceEntry for the host an experiment
// expects to be blocked, a namespace-wide REGISTRY_ONLY Sidecar when a later lesson expects the
// request through. Found from the mesh facts (read only when the result has that signature),
// named with the lesson that left them; the tutorial's own can be removed after confirmation.

import { LESSON_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE, type MeshFacts } from '../cluster/port.js';
import type { ExecStep, Lang, ObjectRef } from '../lesson/model.js';
import type { CurlOutcome } from '../verify/curl.js';

export interface Leftover {
  ref: ObjectRef;
  /** The tutorial's (its label): removable on confirmation. */
  ours: boolean;
  lesson?: string; // the lesson that left it, from its label
  why: 'registers-host' | 'routes-host' | 'registry-only';
}

type FactObject = MeshFacts['objects'][number];

function covers(o: FactObject, host: string): boolean {
  const hosts = Array.isArray(o.spec.hosts) ? (o.spec.hosts as unknown[]) : [];
  return hosts.some((h) => h === host || (typeof h === 'string' && h.startsWith('*.') && host.endsWith(h.slice(1))));
}

const toLeftover = (o: FactObject, why: Leftover['why']): Leftover => ({
  ref: { apiVersion: 'networking.istio.io/v1', kind: o.kind, name: o.name, namespace: o.namespace },
  ours: o.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE,
  ...(o.labels?.[LESSON_LABEL] ? { lesson: o.labels[LESSON_LABEL] } : {}),
  why,
});

/** A blocked-on-purpose request that went through, or a request refused by the sidecar: the signature worth reading facts for. */
export function leftoverSignature(step: ExecStep, curl: CurlOutcome): boolean {
  // An experiment that did not fail the way it should: anything routing or registering its host is suspect.
  if (step.expectFailure) return true;
  return curl.httpStatus === 502 || curl.curlError?.code === 35 || curl.curlError?.code === 56;
}

/** What in the facts is in the way of this step's result, for `host`. */
export function findLeftovers(step: ExecStep, curl: CurlOutcome, facts: MeshFacts, host: string | undefined, clientNamespace: string, lessonId: string): Leftover[] {
  if (!leftoverSignature(step, curl)) return [];
  if (step.expectFailure) {
    if (!host) return [];
    return facts.objects
      .filter((o) => (o.kind === 'ServiceEntry' || o.kind === 'VirtualService') && covers(o, host))
      .map((o) => toLeftover(o, o.kind === 'ServiceEntry' ? 'registers-host' : 'routes-host'));
  }
  // A namespace-wide REGISTRY_ONLY Sidecar another lesson left (this lesson did not apply it).
  return facts.objects
    .filter((o) => o.kind === 'Sidecar' && o.namespace === clientNamespace && !o.spec.workloadSelector && (o.spec.outboundTrafficPolicy as { mode?: string } | undefined)?.mode === 'REGISTRY_ONLY')
    .filter((o) => o.labels?.[LESSON_LABEL] !== lessonId)
    .map((o) => toLeftover(o, 'registry-only'));
}

/** One sentence per leftover: what it is, who left it, why it is in the way, what to do. */
export function describeLeftovers(leftovers: Leftover[], host: string | undefined, lang: Lang): string {
  return leftovers
    .map((l) => {
      const kind = l.ref.kind.toLowerCase();
      const del = `kubectl delete ${kind} ${l.ref.name} -n ${l.ref.namespace}`;
      if (lang === 'zh') {
        const who = l.lesson ? `，由课程 ${l.lesson} 留下` : l.ours ? '，由教程留下' : '，不是教程创建的';
        const why =
          l.why === 'registers-host' ? `注册了 ${host}，所以这个实验的请求不会被拦截` : l.why === 'routes-host' ? `为 ${host} 配置了路由，所以这个实验的请求不会按出站策略被拦截` : '为整个命名空间设置了 REGISTRY_ONLY，边车会拒绝没有服务入口的主机';
        const fix = l.ours ? '删除它（教程会先询问；或运行 `egress-tutorial reset`），然后重试' : `请自己删除它（${del}），然后重试`;
        return `${l.ref.kind} "${l.ref.name}"（${l.ref.namespace}）${who}，${why}：${fix}。`;
      }
      const who = l.lesson ? `, left by lesson ${l.lesson},` : l.ours ? ', left by the tutorial,' : ', not created by the tutorial,';
      const why =
        l.why === 'registers-host'
          ? `registers ${host}, so this experiment's request is not blocked`
          : l.why === 'routes-host'
            ? `routes ${host}, so this experiment's request is not blocked by the outbound policy`
            : 'sets REGISTRY_ONLY for the whole namespace, so the sidecar refuses hosts without a ServiceEntry';
      const fix = l.ours ? 'remove it (the tutorial asks first; or run `egress-tutorial reset`), then retry' : `delete it yourself (${del}), then retry`;
      return `${l.ref.kind} "${l.ref.name}" (${l.ref.namespace})${who} ${why}: ${fix}.`;
    })
    .join('\n');
}
