// Pre-flight `ambient-mode` (issue 15, the ambient track): ambient needs ztunnel, the node proxy
// istioctl's ambient profile installs as a DaemonSet in the Istio namespace, and a client
// namespace that can be ambient (sidecar injection there wins over the ambient label).

import type { CheckResult, PreflightOptions } from '../port.js';
import { ClusterError } from '../port.js';
import { say } from './lang.js';
import type { PreflightDeps } from './preflight.js';
import { getNamespace, listPods, ZTUNNEL_LABELS } from './reads.js';
import { isReady, type RawPod } from './pods.js';

export const INSTALL_AMBIENT = 'istioctl install --set profile=ambient -y';

export async function checkAmbientMode(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult> {
  const t = (en: string, zh: string) => say(deps.where.lang, en, zh);
  const ns = options.clientNamespace;
  const istio = options.istioNamespace;
  const [daemonSet, ztunnels, namespace] = await Promise.all([
    deps.rest.jsonOrAbsent<{ metadata?: { name?: string } }>({
      method: 'GET',
      path: `/apis/apps/v1/namespaces/${encodeURIComponent(istio)}/daemonsets/ztunnel`,
      signal: options.signal,
      action: t(`read the ztunnel DaemonSet in "${istio}"`, `读取 "${istio}" 中的 ztunnel DaemonSet`),
    }),
    listPods(deps, istio, ZTUNNEL_LABELS, options.signal).catch((err: unknown) => {
      if (err instanceof ClusterError && err.reason === 'cancelled') throw err;
      return [] as RawPod[];
    }),
    getNamespace(deps, ns, options.signal),
  ]);
  if (!daemonSet) {
    return {
      name: 'ambient-mode',
      level: 'fail',
      summary: t(
        `No ztunnel DaemonSet in "${istio}": Istio is installed without ambient mode, so no pod can go without a sidecar.`,
        `"${istio}" 中没有 ztunnel DaemonSet：Istio 安装时没有启用 ambient 模式，Pod 无法脱离 Sidecar 加入网格。`,
      ),
      fix: t(
        `Install Istio's ambient profile: ${INSTALL_AMBIENT} (the Gateway API CRDs too, see the track's requirements). On the practice cluster: egress-tutorial --practice --profile ambient.`,
        `安装 Istio 的 ambient 配置：${INSTALL_AMBIENT}（还需要 Gateway API 的 CRD，见本专题的要求）。在练习集群上：egress-tutorial --practice --profile ambient。`,
      ),
    };
  }
  const ready = ztunnels.filter(isReady).length;
  if (ready === 0) {
    return {
      name: 'ambient-mode',
      level: 'fail',
      summary: t(`The ztunnel DaemonSet in "${istio}" has no Ready pod: ambient pods would have no way out.`, `"${istio}" 中的 ztunnel DaemonSet 没有 Ready 的 Pod：ambient 模式的 Pod 将无法收发流量。`),
      fix: t(`See why: kubectl -n ${istio} describe pods -l app=ztunnel; kubectl -n ${istio} logs ds/ztunnel.`, `查看原因：kubectl -n ${istio} describe pods -l app=ztunnel；kubectl -n ${istio} logs ds/ztunnel。`),
    };
  }
  const details = [t(`ztunnel: ${ready} Ready pod${ready === 1 ? '' : 's'} in "${istio}".`, `ztunnel：“${istio}” 中有 ${ready} 个 Ready 的 Pod。`)];
  const labels = namespace?.metadata?.labels ?? {};
  if (labels['istio-injection'] === 'enabled' || labels['istio.io/rev'] !== undefined) {
    const label = labels['istio-injection'] === 'enabled' ? 'istio-injection' : 'istio.io/rev';
    return {
      name: 'ambient-mode',
      level: 'warn',
      summary: t(
        `Namespace "${ns}" is labelled for sidecar injection (${label}): new pods there get a sidecar, and ambient leaves pods with a sidecar alone.`,
        `命名空间 "${ns}" 带有 Sidecar 注入标签（${label}）：那里新建的 Pod 会注入 Sidecar，而 ambient 不接管带 Sidecar 的 Pod。`,
      ),
      fix: t(
        `Nothing to do for the track: its client opts out of injection (pod label sidecar.istio.io/inject=false) and joins ambient mode itself (pod label istio.io/dataplane-mode=ambient). To put the whole namespace in ambient mode, as Istio's docs do: kubectl label namespace ${ns} ${label}- istio.io/dataplane-mode=ambient, then recreate its pods without sidecars.`,
        `本专题无需处理：它的客户端自己退出注入（Pod 标签 sidecar.istio.io/inject=false），并自己加入 ambient 模式（Pod 标签 istio.io/dataplane-mode=ambient）。若要像 Istio 文档那样让整个命名空间进入 ambient 模式：kubectl label namespace ${ns} ${label}- istio.io/dataplane-mode=ambient，然后重建其中不带 Sidecar 的 Pod。`,
      ),
      details,
    };
  }
  return {
    name: 'ambient-mode',
    level: 'pass',
    summary: labels['istio.io/dataplane-mode'] === 'ambient'
      ? t(`ztunnel runs and namespace "${ns}" is in ambient mode.`, `ztunnel 正在运行，命名空间 "${ns}" 处于 ambient 模式。`)
      : t(`ztunnel runs; namespace "${ns}" can be switched to ambient mode (istio.io/dataplane-mode=ambient).`, `ztunnel 正在运行；命名空间 "${ns}" 可以切换到 ambient 模式（istio.io/dataplane-mode=ambient）。`),
    details,
  };
}
