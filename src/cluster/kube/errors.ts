// Turns whatever client-node, node-fetch, ws or the API server throws into one ClusterError
// sentence for the learner: what failed, where (context and server), and what to try.
// Never a stack, a raw body or a credential.

import { ClusterError } from '../port.js';
import { say, type Lang } from './lang.js';

/** Where a request went: named in every sentence so the learner knows which cluster is meant. */
export interface Where {
  context: string;
  server: string;
  /** The learner's language for every sentence about this cluster; the port's setLang changes it in place. */
  lang?: Lang;
}

/** The parts of a metav1.Status the sentences use. */
export interface StatusInfo {
  code?: number;
  reason?: string;
  message?: string;
  causes: { field?: string; message?: string; reason?: string }[];
  kind?: string; // details.kind
  name?: string; // details.name
}

/** Parse a metav1.Status from a JSON string or object; undefined when it is not one. */
export function parseStatus(body: unknown): StatusInfo | undefined {
  let value: unknown = body;
  if (typeof body === 'string') {
    const text = body.trim();
    if (!text.startsWith('{')) return undefined;
    try {
      value = JSON.parse(text);
    } catch {
      return undefined;
    }
  }
  if (!value || typeof value !== 'object') return undefined;
  const status = value as Record<string, unknown>;
  if (status.kind !== undefined && status.kind !== 'Status') return undefined;
  const details = (status.details ?? {}) as Record<string, unknown>;
  const rawCauses = Array.isArray(details.causes) ? (details.causes as Record<string, unknown>[]) : [];
  return {
    code: typeof status.code === 'number' ? status.code : undefined,
    reason: typeof status.reason === 'string' ? status.reason : undefined,
    message: typeof status.message === 'string' ? status.message : undefined,
    causes: rawCauses.map((c) => ({
      field: typeof c.field === 'string' ? c.field : undefined,
      message: typeof c.message === 'string' ? c.message : undefined,
      reason: typeof c.reason === 'string' ? c.reason : undefined,
    })),
    kind: typeof details.kind === 'string' ? details.kind : undefined,
    name: typeof details.name === 'string' ? details.name : undefined,
  };
}

const SECRETISH = [
  /(bearer\s+)[A-Za-z0-9._~+/=-]+/gi,
  /(authorization:\s*)\S+/gi,
  /((?:token|password|secret)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
];

/** One line of server or tool text, safe to show: no credentials, no newlines, bounded length. */
export function sanitize(text: string, max = 200): string {
  let line = text.replace(/\s+/g, ' ').trim();
  for (const pattern of SECRETISH) line = line.replace(pattern, '$1***');
  // JWTs and other long opaque strings are credentials more often than not.
  line = line.replace(/\b[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b/g, '***');
  line = line.replace(/[A-Za-z0-9+/=_-]{48,}/g, '***');
  if (line.length > max) line = line.slice(0, max - 1) + '…';
  return line.replace(/[.\s]+$/, '');
}

function onCluster(where: Where): string {
  return say(where.lang, `context "${where.context}" at ${where.server}`, `上下文 "${where.context}"（${where.server}）`);
}

/** "Could not <action>" / "无法<action>"; actions are verb phrases in the learner's language. */
export function couldNot(action: string | undefined, lang?: Lang): string {
  if (lang === 'zh') return action ? `无法${action}` : '请求失败';
  return action ? `Could not ${action}` : 'The request failed';
}

/** Network-level codes of Node and node-fetch, grouped by what the learner should do. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_SOCKET',
]);
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
]);

const TLS_WORDS_ZH: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: '自签名证书',
  SELF_SIGNED_CERT_IN_CHAIN: '证书链中含有自签名证书的证书',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: '由未知机构签发的证书',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: '由未知机构签发的证书',
  UNABLE_TO_GET_ISSUER_CERT: '由未知机构签发的证书',
  CERT_HAS_EXPIRED: '已过期的证书',
  CERT_NOT_YET_VALID: '尚未生效的证书',
  ERR_TLS_CERT_ALTNAME_INVALID: '签发给其他主机名的证书',
};

const TLS_WORDS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'a self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'a self-signed certificate in its chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'a certificate signed by an unknown authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'a certificate signed by an unknown authority',
  UNABLE_TO_GET_ISSUER_CERT: 'a certificate signed by an unknown authority',
  CERT_HAS_EXPIRED: 'an expired certificate',
  CERT_NOT_YET_VALID: 'a certificate that is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'a certificate for another host name',
};

function errorCode(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { code?: unknown; errno?: unknown; cause?: unknown; error?: unknown };
  if (typeof e.code === 'string') return e.code;
  if (typeof e.errno === 'string') return e.errno;
  if (e.cause) return errorCode(e.cause);
  if (e.error && e.error !== err) return errorCode(e.error);
  return undefined;
}

function errorMessage(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { message?: unknown; error?: unknown };
    if (typeof e.message === 'string' && e.message) return e.message;
    if (e.error && e.error !== err) return errorMessage(e.error);
  }
  return String(err);
}

export function isAbortError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { name?: unknown; type?: unknown; code?: unknown };
  return e.name === 'AbortError' || e.type === 'aborted' || e.code === 'ABORT_ERR';
}

/** A failure below HTTP: connection, TLS, DNS. */
export function transportError(err: unknown, where: Where, action?: string): ClusterError {
  const code = errorCode(err);
  const message = errorMessage(err);
  const lang = where.lang;
  if ((code && TLS_CODES.has(code)) || /certificate|self[- ]signed|ssl routines/i.test(message)) {
    if (lang === 'zh') {
      const what = (code && TLS_WORDS_ZH[code]) ?? '无法验证的证书';
      return new ClusterError(
        `${onCluster(where)}的 API 服务器出示了${what}（${code ?? 'TLS'}）：请检查 kubeconfig 中的 certificate-authority-data，或从集群提供方重新获取 kubeconfig。`,
        'tls',
      );
    }
    const what = (code && TLS_WORDS[code]) ?? 'a certificate that could not be verified';
    return new ClusterError(
      `The API server of ${onCluster(where)} presented ${what} (${code ?? 'TLS'}): check certificate-authority-data in your kubeconfig or fetch a fresh kubeconfig from your cluster provider.`,
      'tls',
    );
  }
  if (code && UNREACHABLE_CODES.has(code)) {
    if (lang === 'zh') {
      const why = code === 'ECONNREFUSED' ? '连接被拒绝' : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? '找不到主机名' : code;
      return new ClusterError(
        `无法连接${onCluster(where)}的 Kubernetes API（${why}）：请启动集群，或用 --context 选择其他集群，也可以用 --practice 试试练习集群。`,
        'unreachable',
      );
    }
    const why =
      code === 'ECONNREFUSED' ? 'connection refused' : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'host name not found' : code;
    return new ClusterError(
      `Cannot reach the Kubernetes API of ${onCluster(where)} (${why}): start the cluster or pick another with --context, or try the practice cluster with --practice.`,
      'unreachable',
    );
  }
  return new ClusterError(
    say(
      lang,
      `${couldNot(action)} on ${onCluster(where)}: ${sanitize(message) || 'unknown error'}; check that the cluster is up and try again.`,
      `${couldNot(action, lang)}（${onCluster(where)}）：${sanitize(message) || '未知错误'}；请确认集群正在运行后重试。`,
    ),
    'other',
  );
}

/** The first few field problems of a 422 Status, each "field: message", shortened and sanitised. */
function invalidCauses(info: StatusInfo | undefined): string[] | undefined {
  return info?.causes
    .map((c) => [c.field, c.message].filter(Boolean).join(': '))
    .filter(Boolean)
    .slice(0, 3)
    .map((c) => sanitize(c, 160));
}

/** A non-2xx answer from the API server. */
/** What a request was doing, in the language of the connection or in both. */
export type Action = string | { en: string; zh: string };

export const actionIn = (action: Action | undefined, lang: Lang | undefined): string | undefined => (action === undefined || typeof action === 'string' ? action : action[lang ?? 'en']);

export function httpError(status: number, body: unknown, where: Where, action?: Action, attempts = 1): ClusterError {
  const info = parseStatus(body);
  const serverSays = info?.message ? sanitize(info.message, 240) : undefined;
  const en = httpErrorEn(status, info, serverSays, where, actionIn(action, 'en'), attempts);
  const zh = httpErrorZh(status, info, serverSays, where, actionIn(action, 'zh'), attempts);
  const chosen = where.lang === 'zh' ? zh : en;
  return new ClusterError(chosen.message, chosen.reason, chosen.status, { en: en.message, zh: zh.message });
}

function httpErrorEn(status: number, info: StatusInfo | undefined, serverSays: string | undefined, where: Where, action: string | undefined, attempts: number): ClusterError {
  const retried = attempts > 1 ? ` after ${attempts} attempts` : '';
  switch (status) {
    case 401:
      return new ClusterError(
        `The API server of ${onCluster(where)} rejected the credentials (401 Unauthorized): they may have expired, so log in again or refresh your kubeconfig.`,
        'unauthorized',
        401,
      );
    case 403:
      return new ClusterError(
        `${couldNot(action)}: forbidden${serverSays ? ` (${serverSays})` : ''}; ask a cluster admin for this permission (check with kubectl auth can-i) or use the practice cluster.`,
        'forbidden',
        403,
      );
    case 404:
      if (!info || info.reason !== 'NotFound' || !info.name) {
        return new ClusterError(
          `${couldNot(action)}: the cluster does not serve this kind or API version${serverSays ? ` (${serverSays})` : ''}; install Istio's CRDs or check the apiVersion.`,
          'not-served',
          404,
        );
      }
      return new ClusterError(`${couldNot(action)}: ${serverSays ?? 'not found'}.`, 'not-found', 404);
    case 409:
      return new ClusterError(
        `${couldNot(action)}: ${serverSays ?? 'conflict'} (409 Conflict); someone else changed it, so look at the object and try again.`,
        'conflict',
        409,
      );
    case 422: {
      const causes = invalidCauses(info);
      const detail = causes && causes.length > 0 ? causes.join('; ') : (serverSays ?? 'invalid');
      return new ClusterError(`${couldNot(action)}: the API server rejected it as invalid (${detail}); fix the manifest.`, 'invalid', 422);
    }
    case 429:
      return new ClusterError(
        `${couldNot(action)}: the API server of ${onCluster(where)} is throttling requests (429 Too Many Requests)${retried}; wait a moment and try again.`,
        'throttled',
        429,
      );
    case 400:
      return new ClusterError(`${couldNot(action)}: the API server said the request is bad (${serverSays ?? 'Bad Request'}).`, 'invalid', 400);
    case 405:
      return new ClusterError(`${couldNot(action)}: the API server does not allow this operation on it (405).`, 'other', 405);
    case 504:
      return new ClusterError(
        `${couldNot(action)}: the API server of ${onCluster(where)} timed out (504)${retried}; check the cluster's health and try again.`,
        'timeout',
        504,
      );
    default:
      if (status >= 500) {
        return new ClusterError(
          `${couldNot(action)}: the API server of ${onCluster(where)} failed with ${status}${serverSays ? ` (${serverSays})` : ''}${retried}; check the control plane's health and try again.`,
          'server',
          status,
        );
      }
      return new ClusterError(`${couldNot(action)}: HTTP ${status}${serverSays ? ` (${serverSays})` : ''}.`, 'other', status);
  }
}

function httpErrorZh(status: number, info: StatusInfo | undefined, serverSays: string | undefined, where: Where, action: string | undefined, attempts: number): ClusterError {
  const failed = couldNot(action, 'zh');
  const said = serverSays ? `（${serverSays}）` : '';
  const retried = attempts > 1 ? `（已尝试 ${attempts} 次）` : '';
  switch (status) {
    case 401:
      return new ClusterError(`${onCluster(where)}的 API 服务器拒绝了凭据（401 Unauthorized）：凭据可能已过期，请重新登录或更新 kubeconfig。`, 'unauthorized', 401);
    case 403:
      return new ClusterError(`${failed}：权限不足${said}；请向集群管理员申请这项权限（可用 kubectl auth can-i 检查），或使用练习集群。`, 'forbidden', 403);
    case 404:
      if (!info || info.reason !== 'NotFound' || !info.name) {
        return new ClusterError(`${failed}：集群不提供这种资源类型或 API 版本${said}；请安装 Istio 的 CRD，或检查 apiVersion。`, 'not-served', 404);
      }
      return new ClusterError(`${failed}：${serverSays ?? '未找到'}。`, 'not-found', 404);
    case 409:
      return new ClusterError(`${failed}：${serverSays ?? '冲突'}（409 Conflict）；有人修改了它，请查看该对象后重试。`, 'conflict', 409);
    case 422: {
      const causes = invalidCauses(info);
      const detail = causes && causes.length > 0 ? causes.join('; ') : (serverSays ?? '无效');
      return new ClusterError(`${failed}：API 服务器认为它无效（${detail}）；请修正清单。`, 'invalid', 422);
    }
    case 429:
      return new ClusterError(`${failed}：${onCluster(where)}的 API 服务器正在限流（429 Too Many Requests）${retried}；请稍等片刻再试。`, 'throttled', 429);
    case 400:
      return new ClusterError(`${failed}：API 服务器认为请求有误（${serverSays ?? 'Bad Request'}）。`, 'invalid', 400);
    case 405:
      return new ClusterError(`${failed}：API 服务器不允许对它执行这个操作（405）。`, 'other', 405);
    case 504:
      return new ClusterError(`${failed}：${onCluster(where)}的 API 服务器超时（504）${retried}；请检查集群的健康状况后重试。`, 'timeout', 504);
    default:
      if (status >= 500) {
        return new ClusterError(`${failed}：${onCluster(where)}的 API 服务器返回了 ${status} 错误${said}${retried}；请检查控制平面的健康状况后重试。`, 'server', status);
      }
      return new ClusterError(`${failed}：HTTP ${status}${said}。`, 'other', status);
  }
}

/** A failure of the kubeconfig's credentials before any request was sent (exec plugin, cert files, token file). */
export function credentialError(err: unknown, where: Where, user: { name: string; exec?: { command?: string } } | null): ClusterError {
  const message = errorMessage(err);
  const code = errorCode(err);
  if (where.lang === 'zh') return credentialErrorZh(message, code, where, user);
  if (/HTTP protocol is not allowed/i.test(message)) {
    return new ClusterError(
      `The server of ${onCluster(where)} uses plain http://, which client-node refuses unless the cluster entry sets insecure-skip-tls-verify: true; use https:// or set that flag.`,
      'config',
    );
  }
  const command = user?.exec?.command;
  if (command) {
    const why = code === 'ENOENT' ? 'not found on PATH' : sanitize(message, 160) || 'it failed';
    return new ClusterError(
      `The credential plugin "${command}" of ${onCluster(where)} failed (${why}): install it or log in again with your cluster provider's tool.`,
      'unauthorized',
    );
  }
  if (code === 'ENOENT') {
    return new ClusterError(
      `A certificate or token file named by user "${user?.name ?? '?'}" of ${onCluster(where)} does not exist: fix the path in your kubeconfig.`,
      'config',
    );
  }
  return new ClusterError(
    `The credentials of ${onCluster(where)} could not be prepared (${sanitize(message, 160)}): check the user entry in your kubeconfig.`,
    'unauthorized',
  );
}

function credentialErrorZh(message: string, code: string | undefined, where: Where, user: { name: string; exec?: { command?: string } } | null): ClusterError {
  if (/HTTP protocol is not allowed/i.test(message)) {
    return new ClusterError(
      `${onCluster(where)}的服务器使用明文 http://，client-node 会拒绝它，除非集群条目设置了 insecure-skip-tls-verify: true；请改用 https:// 或设置该选项。`,
      'config',
    );
  }
  const command = user?.exec?.command;
  if (command) {
    const why = code === 'ENOENT' ? '在 PATH 中找不到' : sanitize(message, 160) || '执行失败';
    return new ClusterError(`${onCluster(where)}的凭据插件 "${command}" 执行失败（${why}）：请安装它，或用集群提供方的工具重新登录。`, 'unauthorized');
  }
  if (code === 'ENOENT') {
    return new ClusterError(`${onCluster(where)}的用户 "${user?.name ?? '?'}" 引用的证书或令牌文件不存在：请修正 kubeconfig 中的路径。`, 'config');
  }
  return new ClusterError(`${onCluster(where)}的凭据无法准备（${sanitize(message, 160)}）：请检查 kubeconfig 中的用户条目。`, 'unauthorized');
}

/** "Stopped: <action> (cancelled)." in the learner's language. */
export function stoppedMessage(action: string | undefined, lang?: Lang): string {
  return say(lang, `${action ? `Stopped: ${action}` : 'Stopped'} (cancelled).`, `已停止${action ? `：${action}` : ''}（已取消）。`);
}

/** Anything thrown while talking to the cluster → ClusterError. */
export function toClusterError(err: unknown, where: Where, action?: string): ClusterError {
  if (err instanceof ClusterError) return err;
  if (isAbortError(err)) return new ClusterError(stoppedMessage(action, where.lang), 'cancelled');
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; body?: unknown };
    // client-node's ApiException: numeric code, body is the raw Status JSON (or nothing for 401).
    if (typeof e.code === 'number' && e.code >= 100 && e.code < 600) return httpError(e.code, e.body, where, action);
    // A ws handshake rejected with an HTTP status ("Unexpected server response: 403").
    const m = /Unexpected server response: (\d{3})/.exec(errorMessage(err));
    if (m) return httpError(Number(m[1]), undefined, where, action);
  }
  return transportError(err, where, action);
}
