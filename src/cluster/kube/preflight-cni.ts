// Pre-flight `network-policy-enforced` (issue 15, the NetworkPolicy track): NetworkPolicy objects
// are accepted by every API server, but only a CNI that enforces them stops traffic. Tell it from
// the CNI's DaemonSet (kube-system, or calico-system for the Tigera operator's Calico); say so in one
// sentence with the fix, and warn rather than guess when the DaemonSets cannot be read.

import type { CheckResult, PreflightOptions } from '../port.js';
import { ClusterError } from '../port.js';
import { say } from './lang.js';
import type { PreflightDeps } from './preflight.js';

/** DaemonSet names of CNIs, and whether they enforce NetworkPolicy. */
const CNIS: { daemonSet: RegExp; name: string; enforces: boolean }[] = [
  { daemonSet: /^calico-node$/, name: 'Calico', enforces: true },
  { daemonSet: /^cilium$/, name: 'Cilium', enforces: true },
  { daemonSet: /^antrea-agent$/, name: 'Antrea', enforces: true },
  { daemonSet: /^kube-router$/, name: 'kube-router', enforces: true },
  { daemonSet: /^weave-net$/, name: 'Weave Net', enforces: true },
  { daemonSet: /^canal$/, name: 'Canal (Calico policy on flannel)', enforces: true },
  { daemonSet: /^kindnet$/, name: 'kindnet (kind’s default)', enforces: false },
  { daemonSet: /^kube-flannel-ds/, name: 'flannel', enforces: false },
];

const NAMESPACES = ['kube-system', 'calico-system'];

export async function checkNetworkPolicyEnforced(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult> {
  const t = (en: string, zh: string) => say(deps.where.lang, en, zh);
  const seen: string[] = [];
  let unreadable = 0;
  for (const namespace of NAMESPACES) {
    try {
      const list = await deps.rest.jsonOrAbsent<{ items?: { metadata?: { name?: string } }[] }>({
        method: 'GET',
        path: `/apis/apps/v1/namespaces/${namespace}/daemonsets`,
        signal: options.signal,
        action: t(`list the DaemonSets in "${namespace}"`, `列出 "${namespace}" 中的 DaemonSet`),
      });
      for (const item of list?.items ?? []) if (item.metadata?.name) seen.push(item.metadata.name);
    } catch (err) {
      if (err instanceof ClusterError && err.reason === 'cancelled') throw err;
      unreadable++;
    }
  }
  const found = CNIS.filter((c) => seen.some((name) => c.daemonSet.test(name)));
  const enforcing = found.find((c) => c.enforces);
  if (enforcing) {
    return {
      name: 'network-policy-enforced',
      level: 'pass',
      summary: t(`The CNI is ${enforcing.name}: it enforces NetworkPolicy.`, `CNI 是 ${enforcing.name}：它会执行 NetworkPolicy。`),
    };
  }
  const fix = t(
    'Use a CNI that enforces NetworkPolicy. On kind: create the cluster with networking.disableDefaultCNI: true and install Calico (kubectl create -f https://raw.githubusercontent.com/projectcalico/calico/v3.29.1/manifests/calico.yaml); on minikube: minikube start --cni=calico. Or run the track on the practice cluster (--practice).',
    '换用能执行 NetworkPolicy 的 CNI。kind：创建集群时设置 networking.disableDefaultCNI: true，再安装 Calico（kubectl create -f https://raw.githubusercontent.com/projectcalico/calico/v3.29.1/manifests/calico.yaml）；minikube：minikube start --cni=calico。或者在练习集群上学习这个专题（--practice）。',
  );
  if (found.length > 0) {
    return {
      name: 'network-policy-enforced',
      level: 'fail',
      summary: t(
        `The CNI is ${found.map((c) => c.name).join(' and ')}: it accepts NetworkPolicy objects but does not enforce them, so this track's policy would stop nothing.`,
        `CNI 是 ${found.map((c) => c.name).join('和')}：它接受 NetworkPolicy 对象，但不会执行，所以这个专题里的策略什么也拦不住。`,
      ),
      fix,
    };
  }
  return {
    name: 'network-policy-enforced',
    level: 'warn',
    summary:
      unreadable === NAMESPACES.length
        ? t(
            'Could not tell whether the CNI enforces NetworkPolicy: the DaemonSets in kube-system cannot be read with these credentials. If the blocked request of this track still answers, the CNI does not enforce it.',
            '无法判断 CNI 是否执行 NetworkPolicy：用当前凭据读不到 kube-system 中的 DaemonSet。如果本专题中应被拦截的请求仍有应答，说明 CNI 不执行它。',
          )
        : t(
            'Could not tell whether the CNI enforces NetworkPolicy: no known CNI DaemonSet in kube-system or calico-system. If the blocked request of this track still answers, the CNI does not enforce it.',
            '无法判断 CNI 是否执行 NetworkPolicy：kube-system 和 calico-system 中没有已知 CNI 的 DaemonSet。如果本专题中应被拦截的请求仍有应答，说明 CNI 不执行它。',
          ),
    fix,
  };
}
