// What the Gateway API objects' status says when a request did not cross the gateway: istiod
// writes status.parents on every route it handles and Programmed on every Gateway it deployed, so
// a route with no status was never read (TLSRoute without PILOT_ENABLE_ALPHA_GATEWAY_API), a
// parent that did not accept it or a backend that does not resolve is named with its reason.
// Pure: the engine reads the live objects and passes them in.

import type { Lang } from '../lesson/model.js';

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

export interface GatewayApiLive {
  kind: string;
  name: string;
  namespace?: string;
  status?: { parents?: { controllerName?: string; parentRef?: { kind?: string; name?: string }; conditions?: Condition[] }[]; conditions?: Condition[] };
}

const ISTIO_CONTROLLER = 'istio.io/gateway-controller';
const ROUTE_KINDS = ['HTTPRoute', 'TLSRoute', 'GRPCRoute', 'TCPRoute'];
const ENABLE_ALPHA = 'istioctl install <your flags> --set values.pilot.env.PILOT_ENABLE_ALPHA_GATEWAY_API=true -y';

const say = (lang: Lang, en: string, zh: string) => (lang === 'zh' ? zh : en);

/** The first problem the objects' status shows, as one or two sentences with the fix; undefined when all is accepted. */
export function gatewayApiStatusProblem(objects: GatewayApiLive[], lang: Lang): string | undefined {
  for (const o of objects.filter((x) => ROUTE_KINDS.includes(x.kind))) {
    const parents = (o.status?.parents ?? []).filter((p) => p.controllerName === ISTIO_CONTROLLER);
    if (parents.length === 0) {
      return o.kind === 'TLSRoute' || o.kind === 'TCPRoute'
        ? say(lang,
            `${o.kind} ${o.name} has no status: istiod never read it. Without PILOT_ENABLE_ALPHA_GATEWAY_API istiod ignores ${o.kind}, so nothing sends this host to the gateway and the sidecar sends it out itself. Turn it on: ${ENABLE_ALPHA} (pre-flight check gateway-api-tls).`,
            `${o.kind} ${o.name} 没有状态：istiod 从未读取它。没有 PILOT_ENABLE_ALPHA_GATEWAY_API 时 istiod 会忽略 ${o.kind}，所以没有任何东西把这个主机送往网关，Sidecar 会自己把请求发出去。打开它：${ENABLE_ALPHA}（预检项 gateway-api-tls）。`)
        : say(lang,
            `${o.kind} ${o.name} has no status: istiod has not handled it. Check that istiod runs and that the Gateway API CRDs were installed before it started (pre-flight check gateway-api-crds).`,
            `${o.kind} ${o.name} 没有状态：istiod 还没有处理它。请确认 istiod 在运行，并且 Gateway API 的 CRD 在它启动前已经安装（预检项 gateway-api-crds）。`);
    }
    for (const p of parents) {
      const parent = `${p.parentRef?.kind ?? 'Gateway'} ${p.parentRef?.name ?? ''}`.trim();
      const accepted = p.conditions?.find((c) => c.type === 'Accepted');
      if (accepted?.status === 'False') {
        return say(lang,
          `${o.kind} ${o.name} is not accepted by its parent ${parent}: ${accepted.reason ?? 'NotAccepted'}, "${accepted.message ?? ''}". Fix its parentRefs, or the parent's listener (hostname, allowedRoutes, protocol).`,
          `${o.kind} ${o.name} 没有被它的父对象 ${parent} 接受：${accepted.reason ?? 'NotAccepted'}，"${accepted.message ?? ''}"。请修改它的 parentRefs，或父对象的监听器（hostname、allowedRoutes、protocol）。`);
      }
      const resolved = p.conditions?.find((c) => c.type === 'ResolvedRefs');
      if (resolved?.status === 'False') {
        return say(lang,
          `${o.kind} ${o.name} has a backend that does not resolve: ${resolved.reason ?? 'ResolvedRefs'}, "${resolved.message ?? ''}". Fix its backendRefs: the gateway's Service is named <Gateway>-istio.`,
          `${o.kind} ${o.name} 有一个无法解析的后端：${resolved.reason ?? 'ResolvedRefs'}，"${resolved.message ?? ''}"。请修改它的 backendRefs：网关的 Service 名为 <Gateway 名>-istio。`);
      }
    }
  }
  for (const g of objects.filter((x) => x.kind === 'Gateway')) {
    const programmed = g.status?.conditions?.find((c) => c.type === 'Programmed');
    if (programmed?.status === 'False') {
      return say(lang,
        `Gateway ${g.name} is not Programmed: ${programmed.reason ?? ''}, "${programmed.message ?? ''}". For egress give it the annotation networking.istio.io/service-type: ClusterIP, and wait for its pod.`,
        `Gateway ${g.name} 没有进入 Programmed：${programmed.reason ?? ''}，"${programmed.message ?? ''}"。用于出口时请给它加上注解 networking.istio.io/service-type: ClusterIP，并等待它的 Pod 就绪。`);
    }
  }
  return undefined;
}
