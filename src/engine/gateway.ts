// Which egress gateway a session uses (issue 11), and what to tell a learner who switches mode
// while objects of the other mode are still in place. Pure.

import type { ExecStep, GatewayMode, Lang, Lesson, LessonSet, LogsStep, ObjectRef, PodTarget } from '../lesson/model.js';
import { deployedGatewayName } from '../trace/gatewayApi.js';

export type GatewayModeSource = 'flag' | 'class' | 'progress' | 'default';

/** The flag wins, then the class's ConfigMap, then the saved progress, else shared (a solo learner). */
export function resolveGatewayMode(sources: { flag?: GatewayMode; klass?: GatewayMode; saved?: GatewayMode }): { mode: GatewayMode; source: GatewayModeSource } {
  if (sources.flag) return { mode: sources.flag, source: 'flag' };
  if (sources.klass) return { mode: sources.klass, source: 'class' };
  if (sources.saved) return { mode: sources.saved, source: 'progress' };
  return { mode: 'shared', source: 'default' };
}

/** The gateway pods the lessons use: the Istio namespace's (shared) or the learner's own. */
export function gatewayPods(lessons: LessonSet): PodTarget {
  const v = lessons.values;
  return { namespace: v.gatewayNamespace ?? v.istioNamespace ?? 'istio-system', labels: { istio: v.gatewayLabel ?? 'egressgateway' }, container: 'istio-proxy' };
}

/** The session's gateway for the port (mode and pods). */
export function gatewayTarget(lessons: LessonSet): { mode: GatewayMode; pods: PodTarget } {
  return { mode: lessons.gateway ?? 'shared', pods: gatewayPods(lessons) };
}

/** The host:port pairs the lessons' Istio Gateways claim on the egress gateway. */
export function gatewayClaims(lessons: LessonSet): { host: string; port: number }[] {
  const seen = new Map<string, { host: string; port: number }>();
  for (const lesson of lessons.lessons)
    for (const step of lesson.steps) {
      if (step.kind !== 'apply') continue;
      for (const o of step.manifests.flatMap((m) => m.objects)) {
        if (o.kind !== 'Gateway' || !o.apiVersion.startsWith('networking.istio.io/')) continue;
        const servers = ((o.spec as { servers?: { port?: { number?: number }; hosts?: string[] }[] } | undefined)?.servers ?? []);
        for (const s of servers)
          for (const host of s.hosts ?? [])
            if (typeof s.port?.number === 'number') seen.set(`${host}:${s.port.number}`, { host: host.includes('/') ? host.slice(host.indexOf('/') + 1) : host, port: s.port.number });
      }
    }
  return [...seen.values()];
}

/** Objects only the own mode creates (lesson 2's gateway). */
const OWN_ONLY = (ref: ObjectRef): boolean => ref.name === 'egressgateway' && ['Deployment', 'Service', 'ServiceAccount'].includes(ref.kind);
/** Objects that point at a gateway (their selector, host or destinations name one mode's gateway). */
const POINTS_AT_GATEWAY = (ref: ObjectRef): boolean => ['Gateway', 'DestinationRule', 'VirtualService'].includes(ref.kind) && ref.apiVersion.startsWith('networking.istio.io/');

/**
 * The tutorial's objects in the learner's namespace that belong to the other mode: after a
 * switch to shared, the own gateway; after a switch from `previous`, the routing objects that
 * point at the previous mode's gateway.
 */
export function otherModeObjects(mode: GatewayMode, previous: GatewayMode | undefined, managed: ObjectRef[]): ObjectRef[] {
  if (previous === undefined || previous === mode) return mode === 'shared' ? managed.filter(OWN_ONLY) : [];
  return managed.filter((r) => OWN_ONLY(r) || POINTS_AT_GATEWAY(r));
}

export function modeSwitchWarning(lang: Lang, mode: GatewayMode, objects: ObjectRef[], namespace: string): string {
  const other: GatewayMode = mode === 'own' ? 'shared' : 'own';
  const list = objects.map((o) => `${o.kind}/${o.name}`).join(', ');
  if (lang === 'zh')
    return `现在的网关模式是 ${mode}，但命名空间 "${namespace}" 里还有教程在 ${other} 模式下创建的对象（${list}），它们指向另一个网关。先运行 \`egress-tutorial reset\`（或在教程里按 r）再继续；或者用 --gateway ${other} 保持原来的模式。`;
  return `The gateway mode is now ${mode}, but namespace "${namespace}" still holds objects the tutorial created in ${other} mode (${list}), which point at the other gateway. Run \`egress-tutorial reset\` (or press r in the tutorial) before you go on, or keep the earlier mode with --gateway ${other}.`;
}

const samePods = (a: PodTarget, b: PodTarget): boolean =>
  a.namespace === b.namespace && Object.keys(a.labels).length === Object.keys(b.labels).length && Object.entries(a.labels).every(([k, v]) => b.labels[k] === v);

/**
 * The gateway a request's trace follows: the one the lesson proves against. A lesson whose logs
 * step (the one naming this exec step in `requestFrom`, else the lesson's first; a logs step
 * itself) follows other pods than the course's egress gateway — the gateway istiod deployed for a
 * Gateway of class istio — is traced through those pods, named after istiod's deployment.
 */
export function traceGateway(lessons: LessonSet, lesson: Lesson, step: ExecStep | LogsStep, exec: ExecStep): { gateway: { mode: GatewayMode; pods: PodTarget }; name?: string } {
  const course = gatewayTarget(lessons);
  // ztunnel is a node proxy, not a hop with Envoy's lines: its logs step is traced through the
  // same request's other logs step (the waypoint's), as the request's exec step would be.
  const ztunnel = (s: LogsStep) => s.target.labels.app === 'ztunnel';
  const forRequest = (id: string) => lesson.steps.find((s): s is LogsStep => s.kind === 'logs' && s.expect.requestFrom === id && !ztunnel(s));
  const logs =
    step.kind === 'logs' && !ztunnel(step)
      ? step
      : (forRequest(exec.id) ?? lesson.steps.find((s): s is LogsStep => s.kind === 'logs' && !ztunnel(s)));
  // A logs step on the client's own pods proves the sidecar, not a gateway.
  if (!logs || samePods(logs.target, course.pods) || samePods(logs.target, exec.target)) return { gateway: course };
  const pods: PodTarget = { ...logs.target, container: logs.target.container || 'istio-proxy' };
  const name = deployedGatewayName(pods.labels);
  return { gateway: { mode: course.mode, pods }, ...(name ? { name } : {}) };
}
