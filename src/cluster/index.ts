// The cluster layer's entry point. It pulls in @kubernetes/client-node (heavy): import this module
// dynamically (`await import('../cluster/index.js')`) so commands that need no cluster stay fast.

import { ClusterError, type Backend, type ClusterPort } from './port.js';
import type { RetryPolicy } from './kube/backoff.js';
import { Discovery } from './kube/discovery.js';
import { httpError, type Where } from './kube/errors.js';
import { KubeClusterPort } from './kube/kube-port.js';
import { displayServer, loadKubeconfig } from './kube/kubeconfig.js';
import { isPracticeCluster } from './kube/practice-identity.js';
import { say } from './kube/lang.js';
import { KubeRest } from './kube/rest.js';
import type { Lang } from '../lesson/model.js';

export * from './port.js';
export { KubeClusterPort } from './kube/kube-port.js';
export { isPracticeCluster, PRACTICE_CONTEXT_NAME } from './kube/practice-identity.js';

export interface ConnectOptions {
  kubeconfig?: string; // path(s), like --kubeconfig (several joined with the path delimiter)
  context?: string;
  namespace?: string; // -n; default the context's namespace, else "default"
  istioNamespace?: string;
  /**
   * 'practice' when the caller knows the kubeconfig is the practice cluster's (identity and
   * progress key). Otherwise the practice cluster is still recognised by its context/cluster name
   * together with a loopback server, so an exported practice KUBECONFIG counts as practice too.
   */
  backend?: Backend;
  /** Additive: a kubeconfig as YAML text instead of a file (the practice cluster's kubeconfig()). */
  kubeconfigYaml?: string;
  /** Additive: a kubeconfig file for kubectl to tell the learner of (the identity's `kubeconfig`). */
  kubectlKubeconfig?: string;
  /** Additive: per-request timeout (default 30 s) and the retry policy for 429/5xx. */
  requestTimeoutMs?: number;
  retry?: RetryPolicy;
  /** Additive: how often pod lists are polled while following logs (default 1000 ms). */
  pollMs?: number;
  /** Additive: environment for KUBECONFIG lookup (tests); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Additive: the learner's language for connect errors and, initially, for the port (setLang changes it). Default 'en'. */
  lang?: Lang;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const CONNECT_TIMEOUT_MS = 10_000;

/** The progress key: stable per cluster, free of credentials. The practice cluster's port changes per run, so it is just "practice". */
export function identityKey(backend: Backend, server: string, clusterName: string): string {
  return backend === 'practice' ? 'practice' : `kube:${displayServer(server)}#${clusterName}`;
}

/**
 * Load the kubeconfig like kubectl, check that the API answers and accepts the credentials, and
 * return the port with the resolved client namespace. Every failure is a ClusterError with one
 * sentence naming the context, the server and what to try.
 */
export async function connectCluster(options: ConnectOptions): Promise<{ port: ClusterPort; namespace: string }> {
  const lang = options.lang;
  const loaded = loadKubeconfig({ kubeconfig: options.kubeconfig, kubeconfigYaml: options.kubeconfigYaml, context: options.context, env: options.env, lang });
  // One Where object shared by the REST client and the port: setLang changes its lang in place.
  const where: Where = { context: loaded.context.name, server: displayServer(loaded.cluster.server), lang };
  const namespace = options.namespace ?? loaded.context.namespace ?? 'default';
  if (!DNS_LABEL.test(namespace)) {
    throw new ClusterError(
      say(
        lang,
        `"${namespace}" is not a valid namespace name (lowercase letters, digits and '-', at most 63): fix -n or the context's namespace.`,
        `"${namespace}" 不是有效的命名空间名称（只能用小写字母、数字和 '-'，最多 63 个字符）：请修正 -n 或上下文的命名空间。`,
      ),
      'config',
    );
  }
  if (options.istioNamespace !== undefined && !DNS_LABEL.test(options.istioNamespace)) {
    throw new ClusterError(
      say(lang, `"${options.istioNamespace}" is not a valid namespace name: fix --istio-namespace.`, `"${options.istioNamespace}" 不是有效的命名空间名称：请修正 --istio-namespace。`),
      'config',
    );
  }
  const rest = new KubeRest(loaded.kc, where, loaded.user, { retry: options.retry, timeoutMs: options.requestTimeoutMs });

  // Reachability (and TLS) first: /version is the cheapest answer an API server gives.
  const version = await rest.json<{ gitVersion?: string }>({ method: 'GET', path: '/version', timeoutMs: Math.min(CONNECT_TIMEOUT_MS, options.requestTimeoutMs ?? CONNECT_TIMEOUT_MS), action: say(lang, 'reach the API server', '连接 API 服务器') });
  // Then the credentials: /version is often public, discovery is not.
  const discovery = new Discovery(rest);
  const listGroups = say(lang, 'list the API groups', '列出 API 组');
  const probe = await rest.sendWithRetry({ method: 'GET', path: '/apis', action: listGroups });
  if (probe.status === 401 || probe.status === 403) {
    if (probe.status === 403) {
      throw new ClusterError(
        say(
          lang,
          `The API server of context "${where.context}" at ${where.server} refused discovery (403 Forbidden), so the credentials were not accepted: log in again or check the user entry in your kubeconfig.`,
          `上下文 "${where.context}"（${where.server}）的 API 服务器拒绝了 API 发现请求（403 Forbidden），说明凭据没有被接受：请重新登录，或检查 kubeconfig 中的用户条目。`,
        ),
        'unauthorized',
        403,
      );
    }
    throw httpError(401, probe.text, where, 'connect');
  }
  if (probe.status < 200 || probe.status > 299) throw httpError(probe.status, probe.text, where, listGroups, probe.attempts);
  discovery.seedGroups(probe.text);

  const backend: Backend =
    options.backend === 'practice' || isPracticeCluster(loaded.context.name, loaded.cluster.name, loaded.cluster.server) ? 'practice' : 'kube';
  const port = new KubeClusterPort({
    kc: loaded.kc,
    rest,
    discovery,
    where,
    pollMs: options.pollMs,
    connectedVersion: version?.gitVersion ?? '',
    identity: {
      backend,
      context: where.context,
      server: where.server,
      key: identityKey(backend, loaded.cluster.server, loaded.cluster.name),
      ...(options.kubectlKubeconfig ? { kubeconfig: options.kubectlKubeconfig } : {}),
    },
  });
  return { port, namespace };
}
