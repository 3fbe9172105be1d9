// The pre-flight checks of issue 4: each one says pass / warn / fail, what was found, and the fix
// (with an automatic fix where the tutorial can do it on confirmation).

import type { CheckName } from '../../lesson/model.js';
import { ClusterError, type CheckResult, type PreflightOptions } from '../port.js';
import type { Where } from './errors.js';
import { say, type Lang } from './lang.js';
import { accessLogTelemetry } from './meshconfig.js';
import { lessonPermissions, PermissionCache, summarizeMissing } from './permissions.js';
import { describeProgress, hasSidecar, isTerminating, labelSelector, pickReadyPod, pickWaitingPod } from './pods.js';
import { accessLogState, EGRESS_GATEWAY_LABELS, getNamespace, listPods, meshSettings, outboundPolicy, type Reads } from './reads.js';
import type { MeshSettings } from './meshconfig.js';

export const ALL_CHECKS: CheckName[] = [
  'cluster-reachable',
  'istio-crds',
  'istio-namespace',
  'egress-gateway',
  'access-logging',
  'sidecar-injection',
  'outbound-policy',
  'permissions',
  'client-ready',
];

const INSTALL_ISTIO = 'istioctl install --set profile=demo -y';
const INSTALL_EGRESS = (ns: string): string =>
  `istioctl install <your flags> --set "components.egressGateways[0].name=istio-egressgateway" --set "components.egressGateways[0].enabled=true"${ns !== 'istio-system' ? ` --set "components.egressGateways[0].namespace=${ns}"` : ''}`;
const ISTIO_KINDS = ['Gateway', 'VirtualService', 'DestinationRule', 'ServiceEntry'];

export interface PreflightDeps extends Reads {
  where: Where;
  /** The session's answers to permission reviews (each asked once per session). */
  permissions?: PermissionCache;
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
  const version = await deps.rest.json<{ gitVersion?: string }>({ method: 'GET', path: '/version', signal: options.signal, action: t('read the server version', '读取服务器版本') });
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
  const pods = (await listPods(deps, options.istioNamespace, EGRESS_GATEWAY_LABELS, options.signal)).filter((p) => !isTerminating(p));
  const selector = labelSelector(EGRESS_GATEWAY_LABELS);
  if (pods.length === 0) {
    return {
      name: 'egress-gateway',
      level: 'fail',
      summary: t(
        `No egress gateway pods (${selector}) in namespace "${options.istioNamespace}": Istio's default profile does not install one.`,
        `命名空间 "${options.istioNamespace}" 中没有出口网关（Egress 网关）Pod（${selector}）：Istio 的 default 配置档不会安装它。`,
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

async function checkAccessLogging(deps: PreflightDeps, memo: Memo, options: PreflightOptions): Promise<CheckResult> {
  const t = tr(deps);
  const settings = await mesh(deps, memo, options);
  const state = await accessLogState(deps, options.istioNamespace, settings, options.signal);
  if (state.state === 'on') return { name: 'access-logging', level: 'pass', summary: t(`Envoy access logging is on (${state.source}).`, `Envoy 访问日志已开启（${state.source}）。`) };
  const telemetryVersion = await deps.discovery.servedVersion('telemetry.istio.io', options.signal);
  const manifest = telemetryVersion ? accessLogTelemetry(`telemetry.istio.io/${telemetryVersion}`, options.istioNamespace) : undefined;
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
      `Turn it on: istioctl install <your flags> --set meshConfig.accessLogFile=/dev/stdout${manifest ? ', or let the tutorial apply a Telemetry resource that enables the envoy access log provider mesh-wide' : ''}.`,
      `开启它：istioctl install <your flags> --set meshConfig.accessLogFile=/dev/stdout${manifest ? '，或者让教程应用一个 Telemetry 资源，在整个网格启用 envoy 访问日志提供者' : ''}。`,
    ),
    autoFix: manifest
      ? {
          kind: 'apply',
          objects: [manifest],
          description: t(
            `apply Telemetry ${options.istioNamespace}/${manifest.metadata.name} (access logs for the whole mesh)`,
            `应用 Telemetry ${options.istioNamespace}/${manifest.metadata.name}（为整个网格开启访问日志）`,
          ),
        }
      : undefined,
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
    ({ missing, unknown } = await cache.check(lessonPermissions(options.clientNamespace, options.istioNamespace), options.signal, 6, options.clientNamespace));
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

export async function runPreflight(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult[]> {
  const wanted = options.checks ?? ALL_CHECKS;
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
