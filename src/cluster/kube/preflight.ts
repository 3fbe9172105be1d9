// The pre-flight checks of issue 4: each one says pass / warn / fail, what was found, and the fix
// (with an automatic fix where the tutorial can do it on confirmation).

import type { CheckName } from '../../lesson/model.js';
import { CLASS_LABEL, ClusterError, MANAGED_BY_LABEL, MANAGED_BY_VALUE, type CheckFix, type CheckResult, type GatewayTarget, type PreflightOptions } from '../port.js';
import type { Where } from './errors.js';
import type { KubeRest, RestRequest } from './rest.js';
import { say, type Lang } from './lang.js';
import { GATEWAY_TELEMETRY, NAMESPACE_TELEMETRY, gatewayAccessLogTelemetry, namespaceAccessLogTelemetry } from './meshconfig.js';
import { usedBy } from './shared.js';
import { resourcePath } from './discovery.js';
import type { RawObject } from './ownership.js';
import { lessonPermissions, PermissionCache, summarizeMissing } from './permissions.js';
import { describeProgress, hasSidecar, isTerminating, labelSelector, pickReadyPod, pickWaitingPod, type RawPod } from './pods.js';
import { EGRESS_GATEWAY_LABELS, ZTUNNEL_LABELS, gatewayAccessLogState, getNamespace, listPods, meshSettings, outboundPolicy, type Reads } from './reads.js';
import type { MeshSettings } from './meshconfig.js';
import { describeGatewayService, gatewayServices } from './gatewayService.js';
import { checkNetworkPolicyEnforced } from './preflight-cni.js';
import { checkGatewaySecrets } from './preflight-secrets.js';
import { checkAmbientMode } from './preflight-ambient.js';
import { checkGatewayApiCrds, checkGatewayApiTls, checkRouteVisibility } from './preflight-gateway-api.js';

/** What `check` runs without --track: the core lessons' needs (a track's checks are its own). */
export const CORE_CHECKS: CheckName[] = [
  'cluster-reachable',
  'istio-crds',
  'istio-namespace',
  'egress-gateway',
  'access-logging',
  'sidecar-injection',
  'dataplane-mode',
  'outbound-policy',
  'permissions',
  'client-ready',
  'shared-gateway',
];

/** Every check, in the order a pre-flight runs them: the core ones, then the tracks'. */
export const ALL_CHECKS: CheckName[] = [
  ...CORE_CHECKS,
  'network-policy-enforced',
  'gateway-secrets',
  'ambient-mode',
  'gateway-api-crds',
  'gateway-api-tls',
  'route-visibility',
];

const INSTALL_ISTIO = 'istioctl install --set profile=demo -y';
const INSTALL_EGRESS = (ns: string): string =>
  `istioctl install <your flags> --set "components.egressGateways[0].name=istio-egressgateway" --set "components.egressGateways[0].enabled=true"${ns !== 'istio-system' ? ` --set "components.egressGateways[0].namespace=${ns}"` : ''}`;
const ISTIO_KINDS = ['Gateway', 'VirtualService', 'DestinationRule', 'ServiceEntry'];

export interface PreflightDeps extends Reads {
  where: Where;
  /** The session's answers to permission reviews (each asked once per session). */
  permissions?: PermissionCache;
  /** The gitVersion the connection just read ('' when it had none): not asked again. */
  serverVersion?: string;
}

/** Shared between checks so the mesh config is read once. */
interface Memo {
  mesh?: Promise<MeshSettings | undefined>;
}

function mesh(deps: PreflightDeps, memo: Memo, options: PreflightOptions): Promise<MeshSettings | undefined> {
  memo.mesh ??= meshSettings(deps, options.istioNamespace, options.signal);
  return memo.mesh;
}

/** The sentence in the language of the connection (the port's setLang). */
function tr(deps: PreflightDeps): (en: string, zh: string) => string {
  const lang: Lang | undefined = deps.where.lang;
  return (en, zh) => say(lang, en, zh);
}

async function checkReachable(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult> {
  const t = tr(deps);
  const version =
    deps.serverVersion !== undefined
      ? { gitVersion: deps.serverVersion || undefined }
      : await deps.rest.json<{ gitVersion?: string }>({ method: 'GET', path: '/version', signal: options.signal, action: t('read the server version', '读取服务器版本') });
  await deps.discovery.allGroups(options.signal); // discovery needs credentials that /version may not
  return {
    name: 'cluster-reachable',
    level: 'pass',
    summary: t(
      `Kubernetes ${version.gitVersion ?? '(unknown version)'} answers at ${deps.where.server} (context "${deps.where.context}").`,
      `Kubernetes ${version.gitVersion ?? '（版本未知）'} 在 ${deps.where.server} 应答（上下文 "${deps.where.context}"）。`,
    ),
  };
}

async function checkCrds(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult> {
  const t = tr(deps);
  const info = await deps.discovery.group('networking.istio.io', options.signal);
  if (!info || info.versions.length === 0) {
    return {
      name: 'istio-crds',
      level: 'fail',
      summary: t("Istio's networking API (networking.istio.io) is not served: Istio is not installed.", '集群不提供 Istio 的网络 API（networking.istio.io）：Istio 没有安装。'),
      fix: t(
        `Install Istio with the demo profile (it includes the egress gateway and access logs): ${INSTALL_ISTIO}`,
        `用 demo 配置档安装 Istio（它包含出口网关并开启访问日志）：${INSTALL_ISTIO}`,
      ),
    };
  }
  const version = (await deps.discovery.servedVersion('networking.istio.io', options.signal))!;
  const resources = await Promise.all(ISTIO_KINDS.map((k) => deps.discovery.resource(`networking.istio.io/${version}`, k, options.signal)));
  const missing = ISTIO_KINDS.filter((_, i) => !resources[i]);
  const telemetry = await deps.discovery.group('telemetry.istio.io', options.signal);
  const details = [
    t(`networking.istio.io: ${info.versions.join(', ')} (lessons apply ${version})`, `networking.istio.io：${info.versions.join(', ')}（课程使用 ${version}）`),
    t(`telemetry.istio.io: ${telemetry ? telemetry.versions.join(', ') : 'not served'}`, `telemetry.istio.io：${telemetry ? telemetry.versions.join(', ') : '未提供'}`),
  ];
  if (missing.length) {
    return {
      name: 'istio-crds',
      level: 'fail',
      summary: t(`networking.istio.io/${version} does not serve ${missing.join(', ')}.`, `networking.istio.io/${version} 不提供 ${missing.join(', ')}。`),
      fix: t(`Reinstall or upgrade Istio so that all its CRDs are present: ${INSTALL_ISTIO}`, `重新安装或升级 Istio，让它的所有 CRD 都就位：${INSTALL_ISTIO}`),
      details,
    };
  }
  return {
    name: 'istio-crds',
    level: 'pass',
    summary: t(
      `Istio's CRDs are served; the lessons use networking.istio.io/${version}${version !== 'v1' ? ' (v1 is not served here)' : ''}.`,
      `Istio 的 CRD 已提供；课程使用 networking.istio.io/${version}${version !== 'v1' ? '（这里不提供 v1）' : ''}。`,
    ),
    details,
  };
}

async function checkIstioNamespace(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult> {
  const t = tr(deps);
  const ns = await getNamespace(deps, options.istioNamespace, options.signal);
  if (!ns) {
    return {
      name: 'istio-namespace',
      level: 'fail',
      summary: t(`Namespace "${options.istioNamespace}" does not exist.`, `命名空间 "${options.istioNamespace}" 不存在。`),
      fix: t(
        `If Istio runs in another namespace, pass --istio-namespace NAME; otherwise install Istio: ${INSTALL_ISTIO}`,
        `如果 Istio 运行在其他命名空间，请传入 --istio-namespace NAME；否则请安装 Istio：${INSTALL_ISTIO}`,
      ),
    };
  }
  return { name: 'istio-namespace', level: 'pass', summary: t(`Namespace "${options.istioNamespace}" exists.`, `命名空间 "${options.istioNamespace}" 已存在。`) };
}

async function checkEgressGateway(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult> {
  const t = tr(deps);
  const gateway = gatewayOf(options);
  if (gateway.mode === 'own') return checkOwnGateway(deps, options, gateway);
  const pods = (await listPods(deps, options.istioNamespace, gateway.pods.labels, options.signal)).filter((p) => !isTerminating(p));
  const selector = labelSelector(gateway.pods.labels);
  if (pods.length === 0) {
    return {
      name: 'egress-gateway',
      level: 'fail',
      summary: t(
        `No egress gateway pods (${selector}) in namespace "${options.istioNamespace}": Istio's default profile does not install one.`,
        `命名空间 "${options.istioNamespace}" 中没有出口网关 Pod（${selector}）：Istio 的 default 配置档不会安装它。`,
      ),
      fix: t(`Install it: ${INSTALL_EGRESS(options.istioNamespace)} (the demo profile includes it).`, `安装它：${INSTALL_EGRESS(options.istioNamespace)}（demo 配置档已包含它）。`),
    };
  }
  const ready = pods.filter((p) => pickReadyPod([p]));
  const details = pods.map((p) => describeProgress(p, deps.where.lang));
  if (ready.length === 0) {
    return {
      name: 'egress-gateway',
      level: 'fail',
      summary: t(`${pods.length} egress gateway pod${pods.length === 1 ? '' : 's'} found, none Running and Ready.`, `找到 ${pods.length} 个出口网关 Pod，但没有一个处于 Running 且 Ready。`),
      fix: t(
        `Look at them: kubectl get pods -n ${options.istioNamespace} -l ${selector}; kubectl describe pod -n ${options.istioNamespace} -l ${selector}`,
        `查看它们：kubectl get pods -n ${options.istioNamespace} -l ${selector}; kubectl describe pod -n ${options.istioNamespace} -l ${selector}`,
      ),
      details,
    };
  }
  details.push(...(await gatewayServiceDetails(deps, options, pods)));
  return {
    name: 'egress-gateway',
    level: ready.length === pods.length ? 'pass' : 'warn',
    summary: t(
      `${ready.length} of ${pods.length} egress gateway pod${pods.length === 1 ? '' : 's'} Running and Ready in "${options.istioNamespace}".`,
      `"${options.istioNamespace}" 中的 ${pods.length} 个出口网关 Pod 里有 ${ready.length} 个处于 Running 且 Ready。`,
    ),
    fix:
      ready.length === pods.length
        ? undefined
        : t(`Some are not Ready: kubectl describe pod -n ${options.istioNamespace} -l ${selector}`, `有些还没有 Ready：kubectl describe pod -n ${options.istioNamespace} -l ${selector}`),
    details,
  };
}

/** Own mode: the learner's gateway in their namespace; lesson 2 deploys it, so absent is not a failure. */
async function checkOwnGateway(deps: PreflightDeps, options: PreflightOptions, gateway: GatewayTarget): Promise<CheckResult> {
  const t = tr(deps);
  const { namespace, labels } = gateway.pods;
  const selector = labelSelector(labels);
  const pods = (await listPods(deps, namespace, labels, options.signal)).filter((p) => !isTerminating(p));
  const ready = pods.filter((p) => pickReadyPod([p]));
  const look = `kubectl get pods -n ${namespace} -l ${selector}; kubectl describe pod -n ${namespace} -l ${selector}`;
  if (pods.length === 0) {
    return {
      name: 'egress-gateway',
      level: 'warn',
      summary: t(
        `Your own egress gateway (pods ${selector} in "${namespace}") is not deployed yet.`,
        `你自己的出口网关（"${namespace}" 中带有 ${selector} 的 Pod）还没有部署。`,
      ),
      fix: t(
        'Lesson 2 deploys it (step "Deploy your own egress gateway"); it needs Istio\'s gateway injection, which every Istio install has.',
        '第 2 课会部署它（“部署你自己的出口网关”一步）；它依靠 Istio 的网关注入，任何 Istio 安装都有。',
      ),
    };
  }
  const details = pods.map((p) => describeProgress(p, deps.where.lang));
  if (ready.length === 0) {
    return {
      name: 'egress-gateway',
      level: 'fail',
      summary: t(`Your own egress gateway has ${pods.length} pod${pods.length === 1 ? '' : 's'}, none Running and Ready.`, `你自己的出口网关有 ${pods.length} 个 Pod，但没有一个处于 Running 且 Ready。`),
      fix: t(`Look at them: ${look}`, `查看它们：${look}`),
      details,
    };
  }
  return {
    name: 'egress-gateway',
    level: ready.length === pods.length ? 'pass' : 'warn',
    summary: t(
      `Your own egress gateway: ${ready.length} of ${pods.length} pod${pods.length === 1 ? '' : 's'} Running and Ready in "${namespace}".`,
      `你自己的出口网关："${namespace}" 中的 ${pods.length} 个 Pod 里有 ${ready.length} 个处于 Running 且 Ready。`,
    ),
    fix: ready.length === pods.length ? undefined : t(`Some are not Ready: ${look}`, `有些还没有 Ready：${look}`),
    details,
  };
}

interface GatewayServerLike {
  port?: { number?: number };
  hosts?: string[];
}

/** Does a Gateway host entry (`host`, `*`, `*.suffix`, `ns/host`) claim `host`? */
function hostClaims(entry: string, host: string): boolean {
  const h = entry.includes('/') ? entry.slice(entry.indexOf('/') + 1) : entry;
  if (h === '*' || h === host) return true;
  return h.startsWith('*.') && host.endsWith(h.slice(1));
}

/**
 * Shared mode: other namespaces' tutorial Gateways on the shared gateway for the lessons' hosts and
 * ports. The gateway merges them (the first route for a host wins), so the learner should know.
 */
async function checkSharedGateway(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult> {
  const t = tr(deps);
  const gateway = gatewayOf(options);
  if (gateway.mode === 'own') {
    return {
      name: 'shared-gateway',
      level: 'pass',
      summary: t("You use your own egress gateway: other namespaces' Gateways do not reach it.", '你使用自己的出口网关：其他命名空间的 Gateway 影响不到它。'),
    };
  }
  const claims = options.gatewayClaims ?? [];
  const version = await deps.discovery.servedVersion('networking.istio.io', options.signal);
  const resource = version ? await deps.discovery.resource(`networking.istio.io/${version}`, 'Gateway', options.signal) : undefined;
  if (!resource || claims.length === 0) return { name: 'shared-gateway', level: 'pass', summary: t('No lesson Gateway to compare.', '没有需要比较的课程 Gateway。') };
  const response = await deps.rest.sendWithRetry({
    method: 'GET',
    path: resourcePath(resource),
    query: { labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}` },
    signal: options.signal,
    action: t("list the tutorial's Gateways in every namespace", '列出所有命名空间中教程创建的 Gateway'),
  });
  if (response.status === 403 || response.status === 401) {
    return {
      name: 'shared-gateway',
      level: 'pass',
      summary: t(
        "Other namespaces' Gateways could not be listed (not allowed), so nobody else's use of the shared gateway was checked.",
        '无权列出其他命名空间的 Gateway，因此没有检查别人是否也在使用共用网关。',
      ),
    };
  }
  if (response.status < 200 || response.status > 299) throw new ClusterError(t('Could not list the Gateways.', '无法列出 Gateway。'), 'server', response.status);
  const items = ((JSON.parse(response.text) as { items?: RawObject[] }).items ?? []).filter((g) => g.metadata?.namespace !== options.clientNamespace);
  const selects = (g: RawObject): boolean => {
    const selector = ((g.spec as { selector?: Record<string, string> } | undefined)?.selector ?? {}) as Record<string, string>;
    const keys = Object.keys(selector);
    return keys.length > 0 && keys.every((k) => gateway.pods.labels[k] === selector[k]);
  };
  const found = new Map<string, string[]>();
  for (const g of items.filter(selects)) {
    const servers = ((g.spec as { servers?: GatewayServerLike[] } | undefined)?.servers ?? []) as GatewayServerLike[];
    for (const c of claims) {
      if (servers.some((s) => s.port?.number === c.port && (s.hosts ?? []).some((h) => hostClaims(h, c.host)))) {
        const key = `${c.host}:${c.port}`;
        found.set(key, [...(found.get(key) ?? []), `${g.metadata?.namespace}/${g.metadata?.name}`]);
      }
    }
  }
  if (found.size === 0) {
    return { name: 'shared-gateway', level: 'pass', summary: t('No other namespace has tutorial Gateways on the shared gateway for these hosts.', '没有其他命名空间在共用网关上为这些主机创建教程 Gateway。') };
  }
  const details = [...found].map(([hp, names]) => `${hp}: ${[...new Set(names)].join(', ')}`);
  return {
    name: 'shared-gateway',
    level: 'warn',
    summary: t(
      `Other namespaces already use the shared gateway for the same host and port (${details.join('; ')}): the gateway-side route applied first wins for a host, so their routes can answer your requests and yours theirs.`,
      `其他命名空间已经在共用网关上使用相同的主机和端口（${details.join('；')}）：对一个主机而言，最先应用的网关侧路由说了算，所以他们的路由可能回答你的请求，你的也可能回答他们的。`,
    ),
    fix: t(
      'Use your own gateway: start again with --gateway own (after egress-tutorial reset), or agree on other hosts (--set httpHost=... --set httpsHost=...).',
      '使用自己的网关：先运行 egress-tutorial reset，再用 --gateway own 重新开始；或者商量好用不同的主机（--set httpHost=... --set httpsHost=...）。',
    ),
    details,
  };
}

/** The session's gateway (default: shared, the Istio namespace's istio=egressgateway pods). */
export function gatewayOf(options: PreflightOptions): GatewayTarget {
  return options.gateway ?? { mode: 'shared', pods: { namespace: options.istioNamespace, labels: { ...EGRESS_GATEWAY_LABELS }, container: 'istio-proxy' } };
}

/** Which Service fronts the gateway pods and its target ports (istioctl 8080/8443, Helm 80/443). */
async function gatewayServiceDetails(deps: PreflightDeps, options: PreflightOptions, pods: RawPod[]): Promise<string[]> {
  const t = tr(deps);
  let items: RawObject[];
  try {
    items = (await deps.rest.json<{ items?: RawObject[] }>({
      method: 'GET',
      path: `/api/v1/namespaces/${encodeURIComponent(options.istioNamespace)}/services`,
      signal: options.signal,
      action: t(`list the Services in namespace "${options.istioNamespace}"`, `列出命名空间 "${options.istioNamespace}" 中的 Service`),
    })).items ?? [];
  } catch (err) {
    if (err instanceof ClusterError && err.reason === 'cancelled') throw err;
    // Reading Services is not among the lesson permissions: say so and go on.
    return [t(`The gateway's Service could not be read, so its target ports are unknown (${err instanceof ClusterError ? err.message : String(err)}).`, `读不到网关的 Service，无法知道它的目标端口（${err instanceof ClusterError ? err.message : String(err)}）。`)];
  }
  const views = gatewayServices(items, pods);
  if (views.length === 0) {
    return [t(`No Service in "${options.istioNamespace}" selects the egress gateway pods: sidecars cannot send traffic to them.`, `"${options.istioNamespace}" 中没有选中出口网关 Pod 的 Service：Sidecar 无法把流量发给它们。`)];
  }
  return views.map((v) => describeGatewayService(v, deps.where.lang));
}

/** Ambient namespaces get no sidecar: the lessons route with sidecars, so say so before anything fails. */
async function checkDataplaneMode(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult> {
  const t = tr(deps);
  const ns = options.clientNamespace;
  const [namespace, ztunnels] = await Promise.all([
    getNamespace(deps, ns, options.signal),
    listPods(deps, options.istioNamespace, ZTUNNEL_LABELS, options.signal).catch((err: unknown) => {
      if (err instanceof ClusterError && err.reason === 'cancelled') throw err;
      return [] as RawPod[];
    }),
  ]);
  const labels = namespace?.metadata?.labels ?? {};
  const ambient = labels['istio.io/dataplane-mode'] === 'ambient';
  const details = ztunnels.length
    ? [t(`ztunnel runs in "${options.istioNamespace}" (${ztunnels.length} pod${ztunnels.length === 1 ? '' : 's'}): this cluster has ambient mode installed.`, `"${options.istioNamespace}" 中运行着 ztunnel（${ztunnels.length} 个 Pod）：这个集群装了 ambient 模式。`)]
    : undefined;
  const sidecarNs = 'egress-lab';
  const useSidecarNs = t(
    `use a namespace in sidecar mode: kubectl create namespace ${sidecarNs} && kubectl label namespace ${sidecarNs} istio-injection=enabled, then pass -n ${sidecarNs}`,
    `改用 Sidecar 模式的命名空间：kubectl create namespace ${sidecarNs} && kubectl label namespace ${sidecarNs} istio-injection=enabled，然后加上 -n ${sidecarNs}`,
  );
  if (ambient && labels['istio-injection'] === 'enabled') {
    return {
      name: 'dataplane-mode',
      level: 'warn',
      summary: t(
        `Namespace "${ns}" is labelled for ambient mode (istio.io/dataplane-mode=ambient) and for sidecar injection: its pods get sidecars, which ambient leaves alone, but the mix is easy to misread.`,
        `命名空间 "${ns}" 同时带有 ambient 模式标签（istio.io/dataplane-mode=ambient）和 Sidecar 注入标签：其中的 Pod 会注入 Sidecar，ambient 不接管它们，但两者混用容易误判。`,
      ),
      fix: t(
        `These lessons need sidecar mode. Remove the ambient label: kubectl label namespace ${ns} istio.io/dataplane-mode- (or ${useSidecarNs}). For egress without sidecars: egress-tutorial run --track ambient.`,
        `这些课程需要 Sidecar 模式。去掉 ambient 标签：kubectl label namespace ${ns} istio.io/dataplane-mode-（或者${useSidecarNs}）。不用 Sidecar 的出口流量见：egress-tutorial run --track ambient。`,
      ),
      details,
    };
  }
  if (ambient) {
    return {
      name: 'dataplane-mode',
      level: 'fail',
      summary: t(
        `Namespace "${ns}" is in ambient mode (istio.io/dataplane-mode=ambient): its pods get no sidecar, and these lessons need sidecar mode.`,
        `命名空间 "${ns}" 处于 ambient 模式（istio.io/dataplane-mode=ambient）：其中的 Pod 没有 Sidecar，而这些课程需要 Sidecar 模式。`,
      ),
      fix: t(
        `To learn egress in ambient mode, take the ambient track instead: egress-tutorial run --track ambient. For these lessons, ${useSidecarNs}, or switch "${ns}" to sidecar mode: kubectl label namespace ${ns} istio.io/dataplane-mode- istio-injection=enabled, then recreate its pods.`,
        `要学习 ambient 模式下的出口流量，请改走 ambient 专题：egress-tutorial run --track ambient。要走这些课程，${useSidecarNs}，或者把 "${ns}" 切换到 Sidecar 模式：kubectl label namespace ${ns} istio.io/dataplane-mode- istio-injection=enabled，然后重建其中的 Pod。`,
      ),
      details,
    };
  }
  return {
    name: 'dataplane-mode',
    level: 'pass',
    summary: ztunnels.length
      ? t(`Namespace "${ns}" is not in ambient mode: the lessons use sidecar mode there, although the cluster also runs ambient.`, `命名空间 "${ns}" 不是 ambient 模式：课程在这里使用 Sidecar 模式，尽管集群也在运行 ambient。`)
      : t(`Namespace "${ns}" is not in ambient mode: the lessons use sidecar mode.`, `命名空间 "${ns}" 不是 ambient 模式：课程使用 Sidecar 模式。`),
    details,
  };
}

async function checkAccessLogging(deps: PreflightDeps, memo: Memo, options: PreflightOptions): Promise<CheckResult> {
  const t = tr(deps);
  const gateway = gatewayOf(options);
  const settings = await mesh(deps, memo, options);
  const state = await gatewayAccessLogState(deps, options.istioNamespace, gateway, settings, options.signal);
  const telemetryVersion = await deps.discovery.servedVersion('telemetry.istio.io', options.signal);
  const apiVersion = telemetryVersion ? `telemetry.istio.io/${telemetryVersion}` : undefined;
  const own = gateway.mode === 'own';
  // Own mode: one Telemetry in the learner's namespace covers the sidecar and the own gateway (C2).
  // Shared mode: the gateway's pods need one in the Istio namespace, shared with the class, plus one
  // here for the sidecar; the shared one records who relies on it, so no learner's reset cuts the others off.
  const local = apiVersion ? namespaceAccessLogTelemetry(apiVersion, options.clientNamespace) : undefined;
  const shared = apiVersion && !own ? gatewayAccessLogTelemetry(apiVersion, options.istioNamespace, gateway.pods.labels) : undefined;
  const tutorialShared = state.telemetry && state.telemetry.metadata?.name === GATEWAY_TELEMETRY && state.telemetry.metadata?.namespace === options.istioNamespace;
  if (state.state === 'on') {
    const claimants = tutorialShared ? usedBy(state.telemetry) : [];
    // One `class setup` made is the instructor's: no learner's reset removes it, so nobody needs a claim on it.
    const keptByClass = Boolean((state.telemetry?.metadata?.labels as Record<string, string> | undefined)?.[CLASS_LABEL]);
    if (tutorialShared && !keptByClass && shared && local && !claimants.includes(options.clientNamespace)) {
      return {
        name: 'access-logging',
        level: 'warn',
        summary: t(
          `The shared gateway's access log is on (${state.source}), relied on by ${claimants.join(', ') || 'no namespace on record'}, not yet by "${options.clientNamespace}": when they reset, it goes off for you.`,
          `共用网关的访问日志已开启（${state.source}），依赖它的是 ${claimants.join('、') || '（没有记录）'}，还不包括 "${options.clientNamespace}"：他们重置时，你的日志也会关掉。`,
        ),
        fix: t('Let the tutorial record that this namespace relies on it too (f).', '让教程记录本命名空间也依赖它（按 f）。'),
        autoFix: {
          kind: 'apply',
          objects: [local],
          shared: [shared],
          description: t(
            `record "${options.clientNamespace}" on Telemetry ${options.istioNamespace}/${GATEWAY_TELEMETRY} and apply Telemetry ${options.clientNamespace}/${NAMESPACE_TELEMETRY}`,
            `在 Telemetry ${options.istioNamespace}/${GATEWAY_TELEMETRY} 上记录 "${options.clientNamespace}"，并应用 Telemetry ${options.clientNamespace}/${NAMESPACE_TELEMETRY}`,
          ),
        },
      };
    }
    return { name: 'access-logging', level: 'pass', summary: t(`Envoy access logging is on (${state.source}).`, `Envoy 访问日志已开启（${state.source}）。`) };
  }
  const autoFix: CheckFix | undefined = !local
    ? undefined
    : own
      ? {
          kind: 'apply',
          objects: [local],
          description: t(
            `apply Telemetry ${options.clientNamespace}/${NAMESPACE_TELEMETRY} (access logs for your sidecar and your own gateway, in your namespace only)`,
            `应用 Telemetry ${options.clientNamespace}/${NAMESPACE_TELEMETRY}（只为你命名空间里的边车和你自己的网关开启访问日志）`,
          ),
        }
      : {
          kind: 'apply',
          objects: [local],
          shared: shared ? [shared] : [],
          description: t(
            `apply Telemetry ${options.istioNamespace}/${GATEWAY_TELEMETRY} (the shared gateway's pods, recording that "${options.clientNamespace}" relies on it) and ${options.clientNamespace}/${NAMESPACE_TELEMETRY} (your sidecar)`,
            `应用 Telemetry ${options.istioNamespace}/${GATEWAY_TELEMETRY}（共用网关的 Pod，并记录 "${options.clientNamespace}" 依赖它）和 ${options.clientNamespace}/${NAMESPACE_TELEMETRY}（你的边车）`,
          ),
        };
  return {
    name: 'access-logging',
    level: 'warn',
    summary:
      state.state === 'off'
        ? t("Envoy access logging is off: the gateway's log will not show the requests.", 'Envoy 访问日志已关闭：网关的日志里不会出现这些请求。')
        : t(
            `The mesh config (ConfigMap "istio" in "${options.istioNamespace}") was not found, so access logging may be off.`,
            `找不到网格配置（"${options.istioNamespace}" 中的 ConfigMap "istio"），访问日志可能是关闭的。`,
          ),
    fix: t(
      `Turn it on: istioctl install <your flags> --set meshConfig.accessLogFile=/dev/stdout${autoFix ? `, or let the tutorial ${autoFix.description}` : ''}.`,
      `开启它：istioctl install <your flags> --set meshConfig.accessLogFile=/dev/stdout${autoFix ? `，或者让教程${autoFix.description}` : ''}。`,
    ),
    autoFix,
  };
}

async function checkInjection(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult> {
  const t = tr(deps);
  const ns = options.clientNamespace;
  const namespace = await getNamespace(deps, ns, options.signal);
  const labelFix = {
    kind: 'label-namespace' as const,
    namespace: ns,
    labels: { 'istio-injection': 'enabled' },
    description: t(`label namespace "${ns}" with istio-injection=enabled`, `给命名空间 "${ns}" 加上标签 istio-injection=enabled`),
  };
  if (!namespace) {
    return {
      name: 'sidecar-injection',
      level: 'fail',
      summary: t(`The client namespace "${ns}" does not exist.`, `客户端命名空间 "${ns}" 不存在。`),
      fix: t(
        `Create it with injection on: kubectl create namespace ${ns} && kubectl label namespace ${ns} istio-injection=enabled (or pick another with -n).`,
        `创建它并开启注入：kubectl create namespace ${ns} && kubectl label namespace ${ns} istio-injection=enabled（或用 -n 选择其他命名空间）。`,
      ),
    };
  }
  const labels = namespace.metadata?.labels ?? {};
  if (labels['istio-injection'] === 'enabled') {
    return { name: 'sidecar-injection', level: 'pass', summary: t(`Namespace "${ns}" has istio-injection=enabled.`, `命名空间 "${ns}" 已设置 istio-injection=enabled。`) };
  }
  if (labels['istio.io/rev'] && labels['istio-injection'] !== 'disabled') {
    return {
      name: 'sidecar-injection',
      level: 'pass',
      summary: t(
        `Namespace "${ns}" has istio.io/rev=${labels['istio.io/rev']} (revision-based injection).`,
        `命名空间 "${ns}" 已设置 istio.io/rev=${labels['istio.io/rev']}（按修订版本注入）。`,
      ),
    };
  }
  return {
    name: 'sidecar-injection',
    level: 'fail',
    summary:
      labels['istio-injection'] === 'disabled'
        ? t(`Namespace "${ns}" has istio-injection=disabled: pods there get no sidecar.`, `命名空间 "${ns}" 设置了 istio-injection=disabled：其中的 Pod 不会注入边车（Sidecar）。`)
        : t(
            `Namespace "${ns}" is not labelled for sidecar injection: pods there get no sidecar.`,
            `命名空间 "${ns}" 没有开启边车注入的标签：其中的 Pod 不会注入边车（Sidecar）。`,
          ),
    fix: t(
      `kubectl label namespace ${ns} istio-injection=enabled --overwrite (then recreate pods that already run there).`,
      `kubectl label namespace ${ns} istio-injection=enabled --overwrite（然后重建其中已在运行的 Pod）。`,
    ),
    autoFix: labelFix,
  };
}

async function checkOutbound(deps: PreflightDeps, memo: Memo, options: PreflightOptions): Promise<CheckResult> {
  const t = tr(deps);
  const settings = await mesh(deps, memo, options);
  const { policy, source } = await outboundPolicy(deps, options.clientNamespace, settings, options.signal);
  if (policy === 'unknown') {
    return {
      name: 'outbound-policy',
      level: 'warn',
      summary: t(`The outbound traffic policy is unknown (${source}).`, `出站流量策略未知（${source}）。`),
      fix: t(
        `Look at it: kubectl get configmap istio -n ${options.istioNamespace} -o jsonpath='{.data.mesh}'`,
        `查看它：kubectl get configmap istio -n ${options.istioNamespace} -o jsonpath='{.data.mesh}'`,
      ),
    };
  }
  return {
    name: 'outbound-policy',
    level: 'pass',
    summary: t(`Outbound traffic policy: ${policy} (from ${source}).`, `出站流量策略：${policy}（来自${source}）。`),
    details: [
      policy === 'REGISTRY_ONLY'
        ? t('Only hosts in the service registry or a ServiceEntry are reachable from the mesh.', '网格内只能访问服务注册表中的主机，或服务入口（ServiceEntry）声明的主机。')
        : t('Hosts without a ServiceEntry are passed through by the sidecar.', '没有服务入口（ServiceEntry）的主机，边车（Sidecar）也会直接放行。'),
    ],
  };
}

async function checkPermissions(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult> {
  const t = tr(deps);
  let missing;
  let unknown;
  try {
    const cache = deps.permissions ?? new PermissionCache(deps.rest);
    ({ missing, unknown } = await cache.check(lessonPermissions(options.clientNamespace, options.istioNamespace, options.gateway?.mode), options.signal, 6, options.clientNamespace));
  } catch (err) {
    if (err instanceof ClusterError && (err.reason === 'forbidden' || err.reason === 'not-served')) {
      return {
        name: 'permissions',
        level: 'warn',
        summary: t('Permissions could not be checked (SelfSubjectAccessReview is not allowed here).', '无法检查权限（这里不允许 SelfSubjectAccessReview）。'),
        fix: t('Check them with kubectl auth can-i --list.', '请用 kubectl auth can-i --list 自行检查。'),
      };
    }
    throw err;
  }
  if (missing.length === 0 && unknown.length > 0) {
    // Throttled or failing reviews say nothing about permissions: never report them as missing.
    const lines = summarizeMissing(unknown, deps.where.lang);
    return {
      name: 'permissions',
      level: 'warn',
      summary: t(
        `${unknown.length} permission${unknown.length === 1 ? '' : 's'} could not be checked (the API server kept throttling or failing the reviews): ${lines.slice(0, 3).join('; ')}${lines.length > 3 ? '; …' : ''}.`,
        `有 ${unknown.length} 项权限无法检查（API 服务器一直在限流或处理失败）：${lines.slice(0, 3).join('；')}${lines.length > 3 ? '；…' : ''}。`,
      ),
      fix: t('Run the check again in a moment, or check them yourself with kubectl auth can-i --list.', '稍后再运行一次检查，或用 kubectl auth can-i --list 自行检查。'),
      details: lines,
    };
  }
  if (missing.length === 0) return { name: 'permissions', level: 'pass', summary: t('You have every permission the lessons use.', '你拥有课程用到的全部权限。') };
  const lines = summarizeMissing(missing, deps.where.lang);
  return {
    name: 'permissions',
    level: 'fail',
    summary: t(
      `Missing ${missing.length} permission${missing.length === 1 ? '' : 's'}: ${lines.slice(0, 3).join('; ')}${lines.length > 3 ? '; …' : ''}.`,
      `缺少 ${missing.length} 项权限：${lines.slice(0, 3).join('；')}${lines.length > 3 ? '；…' : ''}。`,
    ),
    fix: t(
      'Ask a cluster admin for them (a Role in the client namespace and read access to the Istio namespace), or use the practice cluster with --practice.',
      '请向集群管理员申请这些权限（客户端命名空间中的一个 Role，以及 Istio 命名空间的读取权限），或用 --practice 使用练习集群。',
    ),
    details: lines,
  };
}

async function checkClient(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult> {
  const t = tr(deps);
  const { client } = options;
  const selector = labelSelector(client.labels);
  const pods = await listPods(deps, client.namespace, client.labels, options.signal);
  const ready = pickReadyPod(pods);
  if (ready) {
    if (hasSidecar(ready)) {
      return {
        name: 'client-ready',
        level: 'pass',
        summary: t(`Client pod ${ready.metadata?.name} is Ready with an istio-proxy sidecar.`, `客户端 Pod ${ready.metadata?.name} 已 Ready，带有 istio-proxy 边车。`),
      };
    }
    return {
      name: 'client-ready',
      level: 'fail',
      summary: t(
        `Client pod ${ready.metadata?.name} is Ready but has no istio-proxy sidecar, so its traffic bypasses the mesh.`,
        `客户端 Pod ${ready.metadata?.name} 已 Ready，但没有 istio-proxy 边车，它的流量会绕过网格。`,
      ),
      fix: t(
        `kubectl label namespace ${client.namespace} istio-injection=enabled --overwrite && kubectl delete pod -n ${client.namespace} -l ${selector} (it is recreated with a sidecar).`,
        `kubectl label namespace ${client.namespace} istio-injection=enabled --overwrite && kubectl delete pod -n ${client.namespace} -l ${selector}（重建后的 Pod 会带上边车）。`,
      ),
    };
  }
  const waiting = pickWaitingPod(pods);
  if (waiting) {
    return {
      name: 'client-ready',
      level: 'warn',
      summary: t(`Client ${describeProgress(waiting)}.`, `客户端 ${describeProgress(waiting, 'zh')}。`),
      fix: t(`Wait for it, or look: kubectl describe pod -n ${client.namespace} -l ${selector}`, `等它就绪，或查看：kubectl describe pod -n ${client.namespace} -l ${selector}`),
    };
  }
  return {
    name: 'client-ready',
    level: 'warn',
    summary: t(`No client pod (${selector}) in namespace "${client.namespace}" yet.`, `命名空间 "${client.namespace}" 中还没有客户端 Pod（${selector}）。`),
    fix: t('The setup lesson deploys it.', '“测试环境搭建”一课会部署它。'),
  };
}

function failed(deps: PreflightDeps, name: CheckName, err: unknown): CheckResult {
  const message = err instanceof ClusterError ? err.message : String(err);
  return { name, level: 'fail', summary: tr(deps)(`Could not check: ${message}`, `无法检查：${message}`) };
}

/**
 * The checks of one pre-flight see one moment of the cluster: the same GET (a namespace, the
 * Istio namespace's pods) is sent once however many checks read it (issue 11: a class's API load).
 */
function readOnce(rest: KubeRest): KubeRest {
  const answers = new Map<string, ReturnType<KubeRest['sendWithRetry']>>();
  return new Proxy(rest, {
    get(target, prop, receiver) {
      if (prop !== 'sendWithRetry') return Reflect.get(target, prop, receiver);
      return (req: RestRequest) => {
        if (req.method !== 'GET') return target.sendWithRetry(req);
        const key = `${req.path}?${JSON.stringify(req.query ?? {})}`;
        let answer = answers.get(key);
        if (!answer) {
          answer = target.sendWithRetry(req);
          answers.set(key, answer);
          answer.catch(() => answers.delete(key)); // a failed read is not an answer
        }
        return answer;
      };
    },
  });
}

export async function runPreflight(given: PreflightDeps, options: PreflightOptions): Promise<CheckResult[]> {
  const deps: PreflightDeps = { ...given, rest: readOnce(given.rest) };
  const wanted = options.checks ?? CORE_CHECKS;
  const memo: Memo = {};
  const results: CheckResult[] = [];
  let reachable = true;
  if (wanted.includes('cluster-reachable')) {
    try {
      results.push(await checkReachable(deps, options));
    } catch (err) {
      if (err instanceof ClusterError && err.reason === 'cancelled') throw err;
      reachable = false;
      results.push({
        name: 'cluster-reachable',
        level: 'fail',
        summary: err instanceof ClusterError ? err.message : String(err),
        fix: tr(deps)('Fix the connection first; the other checks need it.', '请先修好连接；其他检查都依赖它。'),
      });
    }
  }
  const runners: Partial<Record<CheckName, () => Promise<CheckResult>>> = {
    'istio-crds': () => checkCrds(deps, options),
    'istio-namespace': () => checkIstioNamespace(deps, options),
    'egress-gateway': () => checkEgressGateway(deps, options),
    'access-logging': () => checkAccessLogging(deps, memo, options),
    'sidecar-injection': () => checkInjection(deps, options),
    'outbound-policy': () => checkOutbound(deps, memo, options),
    permissions: () => checkPermissions(deps, options),
    'client-ready': () => checkClient(deps, options),
    'dataplane-mode': () => checkDataplaneMode(deps, options),
    'network-policy-enforced': () => checkNetworkPolicyEnforced(deps, options),
    'gateway-secrets': () => checkGatewaySecrets(deps, options),
    'ambient-mode': () => checkAmbientMode(deps, options),
    'gateway-api-crds': () => checkGatewayApiCrds(deps, options),
    'gateway-api-tls': () => checkGatewayApiTls(deps, options),
    'route-visibility': () => checkRouteVisibility(deps, options),
    'shared-gateway': () => checkSharedGateway(deps, options),
  };
  const rest = ALL_CHECKS.filter((name) => name !== 'cluster-reachable' && wanted.includes(name));
  const settled = await Promise.all(
    rest.map(async (name): Promise<CheckResult> => {
      if (!reachable) return { name, level: 'fail', summary: tr(deps)('Not checked: the API server is not reachable.', '未检查：无法连接 API 服务器。') };
      try {
        return await runners[name]!();
      } catch (err) {
        if (err instanceof ClusterError && err.reason === 'cancelled') throw err;
        return failed(deps, name, err);
      }
    }),
  );
  return [...results, ...settled];
}
