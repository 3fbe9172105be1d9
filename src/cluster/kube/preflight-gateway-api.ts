// Pre-flight for the gateway-api track (issue 15): `gateway-api-crds` — the Gateway API's CRDs are
// installed (discovery serves gateway.networking.k8s.io/v1 with Gateway and HTTPRoute; any
// authenticated user may read discovery, so a class learner can run it); `gateway-api-tls` — TLS
// passthrough needs TLSRoute, which only the experimental channel ships (v1alpha2), and istiod
// ignores it unless PILOT_ENABLE_ALPHA_GATEWAY_API is on.

import type { CheckResult, PreflightOptions } from '../port.js';
import { ClusterError } from '../port.js';
import { say } from './lang.js';
import type { PreflightDeps } from './preflight.js';
import { readClassSettings } from './class-settings.js';
import { meshSettings } from './reads.js';

/** The release the tutorial's Gateway API manifests were checked against (its shipped CRDs). */
export const GATEWAY_API_VERSION = 'v1.3.0';
const RELEASE = `https://github.com/kubernetes-sigs/gateway-api/releases/download/${GATEWAY_API_VERSION}`;
export const INSTALL_STANDARD = `kubectl apply --server-side -f ${RELEASE}/standard-install.yaml`;
export const INSTALL_EXPERIMENTAL = `kubectl apply --server-side -f ${RELEASE}/experimental-install.yaml`;
export const ENABLE_ALPHA = 'istioctl install <your flags> --set values.pilot.env.PILOT_ENABLE_ALPHA_GATEWAY_API=true -y';
const PRACTICE = 'egress-tutorial practice --gateway-api experimental';

type ResourceList = { resources?: { name?: string; kind?: string }[] };

async function served(deps: PreflightDeps, version: string, options: PreflightOptions): Promise<string[] | undefined> {
  const list = await deps.rest.jsonOrAbsent<ResourceList>({
    method: 'GET',
    path: `/apis/gateway.networking.k8s.io/${version}`,
    signal: options.signal,
    action: say(deps.where.lang, `read the API group gateway.networking.k8s.io/${version}`, `读取 API 组 gateway.networking.k8s.io/${version}`),
  });
  return list ? (list.resources ?? []).map((r) => r.kind ?? '').filter(Boolean) : undefined;
}

/** The bundle-version and channel annotations of the Gateway CRD, when these credentials may read CRDs. */
async function installedRelease(deps: PreflightDeps, options: PreflightOptions): Promise<string | undefined> {
  try {
    const crd = await deps.rest.jsonOrAbsent<{ metadata?: { annotations?: Record<string, string> } }>({
      method: 'GET',
      path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gateways.gateway.networking.k8s.io',
      signal: options.signal,
      action: 'read the Gateway CRD',
    });
    const a = crd?.metadata?.annotations ?? {};
    const version = a['gateway.networking.k8s.io/bundle-version'];
    const channel = a['gateway.networking.k8s.io/channel'];
    return version ? `${version}${channel ? `, ${channel}` : ''}` : undefined;
  } catch (err) {
    if (err instanceof ClusterError && err.reason === 'cancelled') throw err;
    return undefined; // a learner may not read CRDs: the release is a nicety
  }
}

export async function checkGatewayApiCrds(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult> {
  const t = (en: string, zh: string) => say(deps.where.lang, en, zh);
  const kinds = await served(deps, 'v1', options);
  const missing = ['Gateway', 'HTTPRoute', 'GatewayClass'].filter((k) => !kinds?.includes(k));
  if (missing.length === 0) {
    const release = await installedRelease(deps, options);
    return {
      name: 'gateway-api-crds',
      level: 'pass',
      summary: t(`The Gateway API CRDs are installed${release ? ` (${release})` : ''}.`, `已安装 Gateway API 的 CRD${release ? `（${release}）` : ''}。`),
    };
  }
  return {
    name: 'gateway-api-crds',
    level: 'fail',
    summary: kinds === undefined
      ? t('The Gateway API CRDs are not installed: the cluster does not serve gateway.networking.k8s.io/v1.', '没有安装 Gateway API 的 CRD：集群不提供 gateway.networking.k8s.io/v1。')
      : t(`The Gateway API CRDs are incomplete: gateway.networking.k8s.io/v1 has no ${missing.join(', ')}.`, `Gateway API 的 CRD 不完整：gateway.networking.k8s.io/v1 中没有 ${missing.join('、')}。`),
    fix: t(
      `Install them (Istio does not): ${INSTALL_STANDARD} — or the experimental channel, which lesson 11 needs: ${INSTALL_EXPERIMENTAL}. On the practice cluster: ${PRACTICE}.`,
      `安装它们（Istio 不会自动安装）：${INSTALL_STANDARD}；或者安装第 11 课需要的实验通道：${INSTALL_EXPERIMENTAL}。在练习集群上：${PRACTICE}。`,
    ),
  };
}

function alphaSwitch(istiod: unknown): boolean | undefined {
  const containers = (istiod as { spec?: { template?: { spec?: { containers?: { name?: string; env?: { name?: string; value?: string }[] }[] } } } } | undefined)?.spec?.template?.spec?.containers;
  if (!containers) return undefined;
  const env = containers.find((c) => c.name === 'discovery')?.env ?? [];
  return env.some((e) => e.name === 'PILOT_ENABLE_ALPHA_GATEWAY_API' && e.value === 'true');
}

export async function checkGatewayApiTls(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult> {
  const t = (en: string, zh: string) => say(deps.where.lang, en, zh);
  const alpha = await served(deps, 'v1alpha2', options);
  if (!alpha?.includes('TLSRoute')) {
    return {
      name: 'gateway-api-tls',
      level: 'fail',
      summary: t('TLSRoute is not served: it ships only in the Gateway API\'s experimental channel (gateway.networking.k8s.io/v1alpha2).', 'TLSRoute 不可用：它只在 Gateway API 的实验通道中提供（gateway.networking.k8s.io/v1alpha2）。'),
      fix: t(`Install the experimental channel: ${INSTALL_EXPERIMENTAL}. On the practice cluster: ${PRACTICE}.`, `安装实验通道：${INSTALL_EXPERIMENTAL}。在练习集群上：${PRACTICE}。`),
    };
  }
  let on: boolean | undefined;
  try {
    on = alphaSwitch(await deps.rest.jsonOrAbsent({
      method: 'GET',
      path: `/apis/apps/v1/namespaces/${encodeURIComponent(options.istioNamespace)}/deployments/istiod`,
      signal: options.signal,
      action: t(`read istiod's Deployment in "${options.istioNamespace}"`, `读取 "${options.istioNamespace}" 中 istiod 的 Deployment`),
    }));
  } catch (err) {
    if (err instanceof ClusterError && err.reason === 'cancelled') throw err;
    on = undefined;
  }
  const fix = t(`Turn it on: ${ENABLE_ALPHA}. On the practice cluster: ${PRACTICE}.`, `打开它：${ENABLE_ALPHA}。在练习集群上：${PRACTICE}。`);
  if (on === true) return { name: 'gateway-api-tls', level: 'pass', summary: t('TLSRoute is served and istiod handles it (PILOT_ENABLE_ALPHA_GATEWAY_API=true).', 'TLSRoute 可用，istiod 也会处理它（PILOT_ENABLE_ALPHA_GATEWAY_API=true）。') };
  if (on === false) {
    return {
      name: 'gateway-api-tls',
      level: 'fail',
      summary: t('TLSRoute is served, but istiod ignores it: PILOT_ENABLE_ALPHA_GATEWAY_API is not set, so a TLSRoute gets no status and routes nothing.', 'TLSRoute 可用，但 istiod 会忽略它：没有设置 PILOT_ENABLE_ALPHA_GATEWAY_API，TLSRoute 不会有状态，也不会路由任何流量。'),
      fix,
    };
  }
  return {
    name: 'gateway-api-tls',
    level: 'warn',
    summary: t('TLSRoute is served; whether istiod handles it (PILOT_ENABLE_ALPHA_GATEWAY_API) cannot be read with these credentials. If your TLSRoute shows no status, it does not.', 'TLSRoute 可用；用当前凭据无法读出 istiod 是否处理它（PILOT_ENABLE_ALPHA_GATEWAY_API）。如果你的 TLSRoute 没有状态，就说明没有处理。'),
    fix,
  };
}

/** The mesh config that keeps the routes istiod derives from a namespace's HTTPRoutes in that namespace. */
export const PRIVATE_ROUTES = 'istioctl install <your flags> --set meshConfig.defaultVirtualServiceExportTo[0]=. -y';

/** Whether a mesh config's default VirtualService visibility is the namespace alone. */
export function routesPrivate(defaults: string[] | undefined): boolean {
  return defaults !== undefined && defaults.length > 0 && defaults.every((d) => d === '.');
}

/**
 * `route-visibility`: the Gateway API has no exportTo, and istiod's routes from an HTTPRoute bound
 * to a ServiceEntry are public by default, so on a shared cluster one learner's route would steer
 * every other namespace's requests for the same host. In a class the mesh default must be ".".
 */
export async function checkRouteVisibility(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult> {
  const t = (en: string, zh: string) => say(deps.where.lang, en, zh);
  const klass = await readClassSettings(deps, options.clientNamespace, options.signal);
  let mesh;
  try {
    mesh = await meshSettings(deps, options.istioNamespace, options.signal);
  } catch (err) {
    if (err instanceof ClusterError && err.reason === 'cancelled') throw err;
    mesh = undefined;
  }
  if (mesh && routesPrivate(mesh.defaultVirtualServiceExportTo)) {
    return { name: 'route-visibility', level: 'pass', summary: t(`The routes istiod makes from your HTTPRoutes stay in "${options.clientNamespace}" (defaultVirtualServiceExportTo: ["."]).`, `istiod 由你的 HTTPRoute 生成的路由只在 "${options.clientNamespace}" 中可见（defaultVirtualServiceExportTo: ["."]）。`) };
  }
  if (!klass?.class) {
    return {
      name: 'route-visibility',
      level: 'pass',
      summary: t(
        'You are not in a class: the routes istiod makes from your HTTPRoutes are visible to every namespace, as Istio does by default.',
        '你不在课堂中：istiod 由你的 HTTPRoute 生成的路由对所有命名空间可见，这是 Istio 的默认行为。',
      ),
    };
  }
  const fix = t(
    `Ask your instructor to keep routes in their namespace: ${PRIVATE_ROUTES} (on the practice cluster: egress-tutorial practice --private-routes).`,
    `请讲师让路由只在各自的命名空间中可见：${PRIVATE_ROUTES}（练习集群上：egress-tutorial practice --private-routes）。`,
  );
  if (!mesh) {
    return { name: 'route-visibility', level: 'warn', summary: t('The mesh config cannot be read: whether your HTTPRoutes reach other learners is unknown.', '读不到网格配置：无法判断你的 HTTPRoute 是否会影响其他学员。'), fix };
  }
  return {
    name: 'route-visibility',
    level: 'fail',
    summary: t(
      `In class "${klass.class}" the routes istiod makes from HTTPRoutes are visible to every namespace (meshConfig.defaultVirtualServiceExportTo is not ["."]): your route for the external host would steer other learners' requests to your gateway, and theirs yours.`,
      `在课堂 "${klass.class}" 中，istiod 由 HTTPRoute 生成的路由对所有命名空间可见（meshConfig.defaultVirtualServiceExportTo 不是 ["."]）：你为外部主机写的路由会把其他学员的请求引到你的网关，他们的也会影响你。`,
    ),
    fix,
  };
}
