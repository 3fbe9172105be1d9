// The trace's words, in English and Chinese.

import type { Lang } from '../lesson/model.js';
import type { HopId, JoinedBy, NoEvidence } from './model.js';

export interface TraceMessages {
  title: string;
  plannedTitle: string;
  planned: string;
  protocol: Record<'http' | 'tls', string>;
  joinedBy: Record<JoinedBy, string>;
  hop: Record<HopId, string>;
  seen: string;
  /** Between a state word and what follows (`: ` / `：`). */
  colon: string;
  notSeen: string;
  why: Record<NoEvidence, string>;
  /** After "access log off for this proxy": what turned it off. */
  logOffBy: { telemetry: (namespacedName: string) => string; meshConfig: string };
  following: string;
  bytes: (received: number, sent: number) => string;
  ms: (n: number) => string;
  flags: string;
  route: string;
  cluster: string;
  decidedBy: string;
  log: string;
  answered: (upstream: string, code?: number) => string;
  connectedTo: (upstream: string) => string;
  none: string;
  /** `none` when the Gateway API's objects were read too. */
  noneGatewayApi: string;
  /** Under a Gateway that won a host and port other Gateways on the same gateway claim too. */
  gatewayAlso: (claim: string, others: string[]) => string;
  gatewayMayBeOther: string;
  noTrace: string;
}

const en: TraceMessages = {
  title: 'Request trace',
  plannedTitle: 'Request path (planned)',
  planned: 'planned',
  protocol: { http: 'HTTP', tls: 'TLS passthrough' },
  joinedBy: { 'request-id': 'joined by x-request-id', address: "joined by the sidecar's source address and SNI", time: "joined by the client pod's IP, host and time" },
  hop: { client: 'client', sidecar: 'client sidecar', gateway: 'egress gateway', external: 'external host' },
  seen: 'seen',
  colon: ': ',
  notSeen: 'no evidence',
  why: {
    'no-line': 'no line of this request in the log window',
    'log-off': 'access log off for this proxy',
    bypassed: 'the request bypassed the egress gateway',
    'not-reached': 'the request stopped at an earlier hop',
    'no-sidecar': 'the client pod has no sidecar, nothing captured the request',
    waiting: 'waiting for the line (Envoy writes its log every second)',
    planned: 'not sent yet',
  },
  logOffBy: { telemetry: (t) => ` (Telemetry ${t})`, meshConfig: ' (mesh config has no accessLogFile)' },
  following: 'following the client sidecar and the egress gateway logs…',
  bytes: (r, s) => `${r} B in, ${s} B out`,
  ms: (n) => `${n} ms`,
  flags: 'flags',
  route: 'route',
  cluster: 'cluster',
  decidedBy: 'decided by',
  log: 'log',
  answered: (u, c) => `${u} answered${c ? ` ${c}` : ''}`,
  connectedTo: (u) => `connected to ${u}`,
  none: 'no Istio object (no route of the lesson matched)',
  noneGatewayApi: 'no Istio or Gateway API object (no route of the lesson matched)',
  gatewayAlso: (claim, others) => `the oldest Gateway for ${claim} on this gateway answers (IST0145); also claimed by ${others.join(', ')}`,
  gatewayMayBeOther: "another namespace's Gateway may be the one answering (Gateways of other namespaces cannot be listed)",
  noTrace: 'No request to trace: this step sent none in this session.',
};

const zh: TraceMessages = {
  title: '请求追踪',
  plannedTitle: '请求路径（计划）',
  planned: '计划',
  protocol: { http: 'HTTP', tls: 'TLS 透传' },
  joinedBy: { 'request-id': '按 x-request-id 关联', address: '按 sidecar 的源地址和 SNI 关联', time: '按客户端 Pod 的 IP、主机和时间关联' },
  hop: { client: '客户端', sidecar: '客户端 sidecar', gateway: '出口网关', external: '外部主机' },
  seen: '已看到',
  colon: '：',
  notSeen: '没有证据',
  why: {
    'no-line': '日志窗口中没有这个请求的行',
    'log-off': '这个代理的访问日志已关闭',
    bypassed: '请求绕过了出口网关',
    'not-reached': '请求在前面的某一跳就结束了',
    'no-sidecar': '客户端 Pod 没有 sidecar，没有代理截获请求',
    waiting: '正在等待日志行（Envoy 每秒写一次日志）',
    planned: '尚未发送',
  },
  logOffBy: { telemetry: (t) => `（Telemetry ${t}）`, meshConfig: '（网格配置没有 accessLogFile）' },
  following: '正在跟踪客户端 sidecar 和出口网关的日志…',
  bytes: (r, s) => `收 ${r} B，发 ${s} B`,
  ms: (n) => `${n} 毫秒`,
  flags: '标志',
  route: '路由',
  cluster: '集群',
  decidedBy: '决定者',
  log: '日志',
  answered: (u, c) => `${u} 应答${c ? ` ${c}` : ''}`,
  connectedTo: (u) => `已连接 ${u}`,
  none: '没有 Istio 对象（课程的路由都没有匹配）',
  noneGatewayApi: '没有 Istio 或 Gateway API 对象（课程的路由都没有匹配）',
  gatewayAlso: (claim, others) => `这个网关上 ${claim} 由最早的 Gateway 应答（IST0145）；同样声明它的还有 ${others.join('、')}`,
  gatewayMayBeOther: '应答的可能是另一个命名空间的 Gateway（无法列出其他命名空间的 Gateway）',
  noTrace: '没有可追踪的请求：这个步骤在本次会话中没有发出请求。',
};

export function traceMessages(lang: Lang): TraceMessages {
  return lang === 'zh' ? zh : en;
}
