// Pre-flight `gateway-secrets` (issue 15, the TLS origination track, lesson 21): a DestinationRule's
// credentialName names a Secret in the gateway's namespace (the gateway's SDS reads it there), so
// the learner must be able to create it there: istio-system with the shared gateway, their own
// namespace with their own. Asked as access reviews, once per session.

import type { CheckResult, PreflightOptions } from '../port.js';
import { ClusterError } from '../port.js';
import { say } from './lang.js';
import { PermissionCache, summarizeMissing, type Permission } from './permissions.js';
import type { PreflightDeps } from './preflight.js';

const VERBS = ['get', 'create', 'patch', 'delete'];

/** The namespace of the session's egress gateway: the Istio namespace's, or the learner's own. */
export function gatewaySecretNamespace(options: PreflightOptions): string {
  return options.gateway?.pods.namespace ?? (options.gateway?.mode === 'own' ? options.clientNamespace : options.istioNamespace);
}

export async function checkGatewaySecrets(deps: PreflightDeps, options: PreflightOptions): Promise<CheckResult> {
  const t = (en: string, zh: string) => say(deps.where.lang, en, zh);
  const namespace = gatewaySecretNamespace(options);
  const wanted: Permission[] = VERBS.map((verb) => ({ verb, group: '', resource: 'secrets', namespace }));
  let answers;
  try {
    answers = await (deps.permissions ?? new PermissionCache(deps.rest)).check(wanted, options.signal, 4, options.clientNamespace);
  } catch (err) {
    if (err instanceof ClusterError && (err.reason === 'forbidden' || err.reason === 'not-served')) {
      return {
        name: 'gateway-secrets',
        level: 'warn',
        summary: t(`Whether you may create Secrets in ${namespace} could not be checked (SelfSubjectAccessReview is not allowed here).`, `无法检查你能否在 ${namespace} 中创建 Secret（这里不允许 SelfSubjectAccessReview）。`),
        fix: t(`Check it with kubectl auth can-i create secrets -n ${namespace}.`, `请用 kubectl auth can-i create secrets -n ${namespace} 自行检查。`),
      };
    }
    throw err;
  }
  if (answers.missing.length === 0 && answers.unknown.length === 0) {
    return { name: 'gateway-secrets', level: 'pass', summary: t(`You may create the client certificate's Secret in ${namespace}, the gateway's namespace.`, `你可以在网关的命名空间 ${namespace} 中创建客户端证书的 Secret。`) };
  }
  if (answers.missing.length === 0) {
    return {
      name: 'gateway-secrets',
      level: 'warn',
      summary: t(`Access to Secrets in ${namespace} could not be checked (the API server kept failing the reviews).`, `无法检查 ${namespace} 中 Secret 的权限（API 服务器一直无法处理检查请求）。`),
      fix: t(`Run the check again in a moment, or kubectl auth can-i create secrets -n ${namespace}.`, `稍后再检查一次，或运行 kubectl auth can-i create secrets -n ${namespace}。`),
    };
  }
  const lines = summarizeMissing(answers.missing, deps.where.lang);
  const own = options.gateway?.mode === 'own';
  return {
    name: 'gateway-secrets',
    level: 'fail',
    summary: t(`Lesson 21 puts a Secret in ${namespace}, the gateway's namespace, but you lack: ${lines.join('; ')}.`, `第 21 课要在网关的命名空间 ${namespace} 中放一个 Secret，但你缺少：${lines.join('；')}。`),
    fix: own
      ? t(`Ask a cluster admin for a Role on secrets in ${namespace}, or use the practice cluster with --practice.`, `请向集群管理员申请 ${namespace} 中 secrets 的 Role，或用 --practice 使用练习集群。`)
      : t(`Ask a cluster admin for a Role on secrets in ${namespace}, or walk the track with your own gateway (--gateway own: the Secret goes to your namespace).`, `请向集群管理员申请 ${namespace} 中 secrets 的 Role，或用你自己的网关学习本课程线（--gateway own：Secret 放在你的命名空间）。`),
    details: lines,
  };
}
