// Turning a failed verification into one or two sentences: the likely cause and the fix.
// Pure: the engine gathers the facts (curl outcome, mesh facts, gateway log lines) and asks here.

import type { MeshFacts } from '../cluster/port.js';
import { expectedExitCodes, type ExecExpect, type GatewayMode, type Lang, type LogExpect } from '../lesson/model.js';
import type { AccessLogFields } from './access-log.js';
import type { CurlOutcome } from './curl.js';

export interface DiagnoseInput {
  /** The verification curl's outcome (the exec step's, or the one a logs step asked about). */
  curl?: CurlOutcome;
  /** What the exec step expected; for logs steps, what the proof line must show. */
  expect?: ExecExpect;
  logExpect?: LogExpect;
  /** The step expects the request to fail (e.g. blocked by REGISTRY_ONLY). */
  expectFailure?: boolean;
  facts?: MeshFacts;
  /** Access-log lines parsed from the gateway while the step ran. */
  gatewayLines?: AccessLogFields[];
  /** The client sidecar's access-log lines of the same request (drills follow both). Additive. */
  clientLines?: AccessLogFields[];
  /** The outcome changed between attempts (Istio still pushing) rather than staying the same. */
  changing?: boolean;
  /** A logs step that did not find its line. */
  missingLogLine?: boolean;
  istioNamespace?: string;
  clientNamespace?: string;
  /** The host the request went to, for sentences. */
  host?: string;
  /** Other clients (their addresses, or request ids) whose gateway lines showed what the step expects. */
  otherClients?: string[];
  /** The learner's client pod IP, for sentences. */
  clientIp?: string;
  /** The session's gateway mode and the gateway's host (sentences name the learner's own gateway). */
  gatewayMode?: GatewayMode;
  gatewayHost?: string;
  /** The command ran in a pod without a sidecar: only the network (a NetworkPolicy) can block it. Additive. */
  noSidecar?: boolean;
  /**
   * Ambient mode, additive: the logs step followed a waypoint's pods (the Gateway of class
   * istio-waypoint named here), or ztunnel's.
   */
  waypoint?: { namespace: string; name: string };
  ztunnel?: boolean;
  lang?: Lang; // default en
}

const EGRESS_INSTALL =
  'istioctl install --set "components.egressGateways[0].name=istio-egressgateway" --set "components.egressGateways[0].enabled=true"';

function hasFlag(lines: AccessLogFields[] | undefined, flag: string): boolean {
  return (lines ?? []).some((l) => l.responseFlags?.split(',').includes(flag));
}

function kindsPresent(facts: MeshFacts | undefined, kind: string): number {
  return facts ? facts.objects.filter((o) => o.kind === kind).length : -1;
}

function serviceEntryFor(facts: MeshFacts | undefined, host: string | undefined): boolean | undefined {
  if (!facts || !host) return undefined;
  return facts.objects.some(
    (o) => o.kind === 'ServiceEntry' && Array.isArray(o.spec.hosts) && (o.spec.hosts as unknown[]).some((h) => h === host || (typeof h === 'string' && h.startsWith('*.') && host.endsWith(h.slice(1)))),
  );
}

/** The sentences, per language. */
const SENTENCES = {
  en: {
    someHost: 'the external host',
    notBlockedByNetwork: (host: string, ns: string) =>
      `The request to ${host} succeeded, but this step expects the network to block it: this pod has no sidecar, so nothing of Istio sees its traffic, and no NetworkPolicy stopped it. Either the cluster's CNI does not enforce NetworkPolicy (see the pre-flight check network-policy-enforced; kindnet and flannel do not), or no policy selects this pod (kubectl describe networkpolicy -n ${ns}).`,
    leftoverServiceEntry: (host: string) => `The request to ${host} succeeded, but this step expects it to be blocked: a ServiceEntry for ${host} already exists (left from another lesson?); run \`egress-tutorial reset\` or delete it, then retry.`,
    notRegistryOnly: (host: string, policy: string) => `The request to ${host} succeeded, but this step expects it to be blocked: the outbound policy is ${policy} for this namespace, not REGISTRY_ONLY — apply the previous step's Sidecar and retry.`,
    dns: (host: string) => `curl could not resolve ${host}: check the host name (override it with --set) and that the cluster's nodes have DNS and internet access.`,
    registryOnly: (host: string) => `The sidecar refused the connection to ${host}: the outbound policy is REGISTRY_ONLY and no ServiceEntry registers ${host} — apply the ServiceEntry.`,
    refused: (host: string, what: string) => `The connection to ${host} was refused (${what}): with REGISTRY_ONLY outbound traffic a host needs a ServiceEntry — apply the ServiceEntry, and check the host can be reached from the cluster.`,
    network: (code: number, message: string, host: string, istioNs: string) => `curl failed with exit ${code} (${message}): check that the cluster can reach ${host} and that the egress gateway pods in ${istioNs} are Ready.`,
    noGateway: (istioNs: string, install: string) => `No egress gateway pods run in ${istioNs}: install the gateway (\`${install}\`) or use Istio's demo profile.`,
    noDestinationRule: (clientNs: string) => `HTTP 503 (cluster not found, NC): no DestinationRule with the subset for the egress gateway is visible from ${clientNs} — apply the Gateway and DestinationRule step.`,
    subsetMissing: (clientNs: string) => `HTTP 503 (cluster not found, NC): the VirtualService routes to a DestinationRule subset that is missing or not visible from ${clientNs} — create the DestinationRule in ${clientNs} with the subset the VirtualService names.`,
    noRoute: 'HTTP 404 (no route, NR): the Gateway and the VirtualService do not match — the VirtualService must list the Gateway\'s name in `gateways` and its hosts and port must match the Gateway\'s server.',
    noRouteExported: (istioNs: string) => `HTTP 404 (no route, NR) from the egress gateway: it has no route for the host — the VirtualService must list the Gateway's name in \`gateways\`, its hosts and port must match the Gateway's server, and it must be exported to ${istioNs} (\`exportTo\`).`,
    portRefused: 'HTTP 503 (connection refused at the egress gateway, UF,URX): nothing listens on the gateway port the sidecar sends to — the Gateway server\'s `port.number` must be the port the VirtualService routes to (`destination.port.number`).',
    noFilterChain: (host: string) => `The egress gateway found no TLS filter chain for the SNI ${host} (filter_chain_not_found) and reset the connection: the Gateway's TLS server \`hosts\` and the VirtualService's \`sniHosts\` must list ${host}.`,
    gatewaySilent: (cluster: string) => `The request went through the egress gateway (the client sidecar's line names ${cluster}), but the gateway wrote no line: its access log is off — look for a Telemetry with \`accessLogging: disabled: true\` that selects the gateway pods (\`kubectl get telemetry -A\`), or mesh config without accessLogFile.`,
    accessLogOff: 'Access logging is off, so the gateway writes no lines: set meshConfig.accessLogFile=/dev/stdout (or apply a Telemetry resource) and retry.',
    noSidecar: (clientNs: string) => `The client pod has no istio-proxy sidecar, so its traffic bypasses the mesh: label the namespace ${clientNs} with istio-injection=enabled and restart the client.`,
    notThroughGateway: 'The request succeeded but no gateway line appeared: it did not cross the gateway — check the VirtualService binds `mesh` and routes to the egress gateway, the client has a sidecar, and access logging is on.',
    noLine: 'No matching line appeared in the gateway\'s log: make the request first (the previous step), and check the client has a sidecar and access logging is on.',
    wrongStatus: (got: number, want: number) => `Got HTTP ${got} instead of ${want}: compare the applied objects with the lesson's manifests (\`egress-tutorial manifests\`).`,
    curlFailed: (code: number, message: string) => `curl failed with exit ${code} (${message}).`,
    lacks: (text: string) => `The output did not contain "${text}".`,
    wrongExit: (got: number, want: number[]) => `curl exited ${got}, but this step expects exit ${want.join(' or ')}: compare the objects in the cluster with the lesson's manifests (\`egress-tutorial manifests\`).`,
    differs: 'The result differs from what the lesson expects: compare the applied objects with the lesson\'s manifests (`egress-tutorial manifests`).',
    changing: 'The result was still changing when time ran out, so Istio may not have pushed the configuration yet: press Enter to retry.',
    upstreamAnswered: (status: number, host: string) => `${host} itself answered HTTP ${status} (the response passed through Envoy from the upstream, so the mesh routed the request): check the URL's host and path.`,
    originationNoCert: (host: string, dr: string) => `${host} answered HTTP 400: it demands a client certificate, and DestinationRule ${dr} originates TLS without one (mode SIMPLE) — set tls.mode MUTUAL with credentialName, a Secret in the gateway's namespace.`,
    originationCertRefused: (host: string, secret: string, ns: string) => `${host} answered HTTP 400: the gateway presented the client certificate of Secret ${secret} (${ns}), and the server does not trust its issuer — check it with \`openssl x509 -in tls.crt -noout -issuer\` and put a certificate the server's CA issued in the Secret.`,
    originationFailed: (dr: string, secret: string, ns: string) => `HTTP 503 from the gateway: it could not originate mutual TLS for DestinationRule ${dr}. Either Secret ${secret} is not in ${ns}, the gateway's namespace (its log line says Secret_is_not_supplied_by_SDS), or its ca.crt does not verify the server (CERTIFICATE_VERIFY_FAILED) — \`kubectl get secret ${secret} -n ${ns}\`.`,
    onlyOthers: (n: number, who: string, mine: string, gatewayHost: string) =>
      `The gateway's log shows matching lines, but only from ${n === 1 ? 'another client' : `${n} other clients`} (${who}), none from your client pod${mine ? ` (${mine})` : ''}: that is other learners' traffic on the shared gateway, not yours. Your request did not cross the gateway: check that your VirtualService's mesh route sends it to ${gatewayHost} (subset cnn) and that your DestinationRule is in your namespace.`,
    noOwnGateway: (ns: string) => `Your own egress gateway has no Ready pod in ${ns}: deploy it (lesson 2, step "Deploy your own egress gateway") and wait until it is Ready.`,
    waypointUnlabelled: (got: string, host: string, se: string, ns: string, wp: string) =>
      `The request to ${host} ${got}, but the waypoint ${wp} wrote no line for it: ServiceEntry ${se} (${ns}) has no label istio.io/use-waypoint, so ztunnel sent the bytes straight to ${host} (its line shows dst.addr the host's own address and no dst.hbone_addr), and nothing attached to the waypoint saw them. Label it: kubectl label serviceentry ${se} -n ${ns} istio.io/use-waypoint=${wp}.`,
    waypointOther: (host: string, se: string, ns: string, label: string, wp: string) =>
      `The waypoint ${wp} wrote no line for the request to ${host}: ServiceEntry ${se} (${ns}) is labelled istio.io/use-waypoint=${label}, so ztunnel ${label === 'none' ? 'sends its traffic to no waypoint' : `sends its traffic to the waypoint ${label}`}. Point it at this one: kubectl label serviceentry ${se} -n ${ns} istio.io/use-waypoint=${wp} --overwrite.`,
    waypointNoEntry: (host: string, wp: string, ns: string) =>
      `The waypoint ${wp} wrote no line for the request to ${host}: no ServiceEntry in ${ns} declares ${host}, so ztunnel knows no service for it and passes the connection straight out. Apply the lesson's ServiceEntry (labelled istio.io/use-waypoint=${wp}).`,
    waypointSilent: (host: string, se: string, wp: string, ns: string) =>
      `ServiceEntry ${se} sends ${host} to the waypoint ${wp}, but its log shows no line for the request: check the waypoint pod is Ready (kubectl get gateway ${wp} -n ${ns}: Programmed) and that access logging is on for it (mesh config accessLogFile, or a Telemetry in ${ns}).`,
    ztunnelNoLine: (ns: string) =>
      `ztunnel logged no connection from your client pod: the pod is not in ambient mode. It has a sidecar (ambient leaves those alone), or neither the pod nor its namespace ${ns} is labelled istio.io/dataplane-mode=ambient — kubectl get pods -n ${ns} -L istio.io/dataplane-mode, then recreate the pod without a sidecar.`,
  },
  zh: {
    someHost: '外部主机',
    notBlockedByNetwork: (host: string, ns: string) =>
      `访问 ${host} 成功了，但这一步预期网络会拦截它：这个 Pod 没有 Sidecar，Istio 完全看不到它的流量，也没有 NetworkPolicy 拦住它。要么集群的 CNI 不执行 NetworkPolicy（见预检项 network-policy-enforced；kindnet 和 flannel 不执行），要么没有策略选中这个 Pod（kubectl describe networkpolicy -n ${ns}）。`,
    leftoverServiceEntry: (host: string) => `访问 ${host} 成功了，但这一步预期请求被拦截：${host} 的服务入口已经存在（其他课程留下的？）；运行 \`egress-tutorial reset\` 或删除它，然后重试。`,
    notRegistryOnly: (host: string, policy: string) => `访问 ${host} 成功了，但这一步预期请求被拦截：该命名空间的出站策略是 ${policy}，不是 REGISTRY_ONLY——先应用上一步的 Sidecar，再重试。`,
    dns: (host: string) => `curl 无法解析 ${host}：检查主机名（可用 --set 换一个），并确认集群节点有 DNS 和外网访问。`,
    registryOnly: (host: string) => `边车拒绝了到 ${host} 的连接：出站策略是 REGISTRY_ONLY，且没有服务入口注册 ${host}——请应用服务入口。`,
    refused: (host: string, what: string) => `到 ${host} 的连接被拒绝（${what}）：出站策略为 REGISTRY_ONLY 时，外部主机需要服务入口——请应用服务入口，并确认集群能访问该主机。`,
    network: (code: number, message: string, host: string, istioNs: string) => `curl 失败，退出码 ${code}（${message}）：确认集群能访问 ${host}，并且 ${istioNs} 中的出口网关 Pod 已就绪。`,
    noGateway: (istioNs: string, install: string) => `${istioNs} 中没有运行出口网关 Pod：安装出口网关（\`${install}\`），或使用 Istio 的 demo 配置档。`,
    noDestinationRule: (clientNs: string) => `HTTP 503（找不到集群，NC）：在 ${clientNs} 中看不到带有出口网关子集的目标规则——请先应用网关和目标规则那一步。`,
    subsetMissing: (clientNs: string) => `HTTP 503（找不到集群，NC）：虚拟服务路由到的目标规则子集不存在，或在 ${clientNs} 中不可见——在 ${clientNs} 中创建目标规则，并包含虚拟服务引用的子集。`,
    noRoute: 'HTTP 404（没有路由，NR）：网关与虚拟服务不匹配——虚拟服务的 `gateways` 必须列出网关的名字，且 hosts 和端口要与网关的 server 一致。',
    noRouteExported: (istioNs: string) => `出口网关返回 HTTP 404（没有路由，NR）：它没有这个主机的路由——虚拟服务的 \`gateways\` 必须列出网关的名字，hosts 和端口要与网关的 server 一致，并且要导出到 ${istioNs}（\`exportTo\`）。`,
    portRefused: 'HTTP 503（出口网关拒绝连接，UF,URX）：边车发往的网关端口上没有监听——Gateway server 的 `port.number` 必须是虚拟服务路由到的端口（`destination.port.number`）。',
    noFilterChain: (host: string) => `出口网关找不到 SNI 为 ${host} 的 TLS 过滤器链（filter_chain_not_found），重置了连接：Gateway 的 TLS server 的 \`hosts\` 和虚拟服务的 \`sniHosts\` 都必须列出 ${host}。`,
    gatewaySilent: (cluster: string) => `请求经过了出口网关（客户端边车的日志行写着 ${cluster}），网关却没有写日志行：它的访问日志被关掉了——找一找选中网关 Pod 且 \`accessLogging: disabled: true\` 的 Telemetry（\`kubectl get telemetry -A\`），或者没有 accessLogFile 的网格配置。`,
    accessLogOff: '访问日志未开启，网关不会输出日志行：设置 meshConfig.accessLogFile=/dev/stdout（或应用一个 Telemetry 资源），然后重试。',
    noSidecar: (clientNs: string) => `客户端 Pod 没有 istio-proxy 边车，它的流量绕过了网格：给命名空间 ${clientNs} 加上 istio-injection=enabled 标签，再重启客户端。`,
    notThroughGateway: '请求成功了，但网关日志中没有对应的行：流量没有经过出口网关——检查虚拟服务是否绑定了 `mesh` 并路由到出口网关、客户端是否有边车、访问日志是否开启。',
    noLine: '网关日志中没有出现匹配的行：请先发出请求（上一步），并确认客户端有边车、访问日志已开启。',
    wrongStatus: (got: number, want: number) => `得到 HTTP ${got}，而不是 ${want}：把集群中的对象与课程的清单对比一下（\`egress-tutorial manifests\`）。`,
    curlFailed: (code: number, message: string) => `curl 失败，退出码 ${code}（${message}）。`,
    lacks: (text: string) => `输出中没有“${text}”。`,
    wrongExit: (got: number, want: number[]) => `curl 的退出码是 ${got}，而这一步预期 ${want.join(' 或 ')}：把集群中的对象与课程的清单对比一下（\`egress-tutorial manifests\`）。`,
    differs: '结果与课程预期不同：把集群中的对象与课程的清单对比一下（`egress-tutorial manifests`）。',
    changing: '超时时结果仍在变化，Istio 可能还没有下发完配置：按 Enter 重试。',
    upstreamAnswered: (status: number, host: string) => `HTTP ${status} 是 ${host} 自己返回的（响应经 Envoy 从上游转发而来，说明网格已经路由了请求）：检查 URL 的主机和路径。`,
    originationNoCert: (host: string, dr: string) => `${host} 返回了 HTTP 400：它要求客户端证书，而目标规则 ${dr} 发起 TLS 时不带证书（mode SIMPLE）——请设置 tls.mode MUTUAL 和 credentialName，指向网关命名空间中的 Secret。`,
    originationCertRefused: (host: string, secret: string, ns: string) => `${host} 返回了 HTTP 400：网关出示了 Secret ${secret}（${ns}）中的客户端证书，但服务器不信任它的签发者——用 \`openssl x509 -in tls.crt -noout -issuer\` 检查，并在 Secret 中放入服务器的 CA 签发的证书。`,
    originationFailed: (dr: string, secret: string, ns: string) => `HTTP 503 来自网关：它无法按目标规则 ${dr} 发起双向 TLS。要么 Secret ${secret} 不在网关的命名空间 ${ns} 中（网关日志行写着 Secret_is_not_supplied_by_SDS），要么它的 ca.crt 无法校验服务器（CERTIFICATE_VERIFY_FAILED）——\`kubectl get secret ${secret} -n ${ns}\`。`,
    onlyOthers: (n: number, who: string, mine: string, gatewayHost: string) =>
      `网关日志里有符合条件的行，但都来自其他 ${n} 个客户端（${who}），没有一行来自你的客户端 Pod${mine ? `（${mine}）` : ''}：那是共用网关上其他学员的流量，不是你的。你的请求没有经过网关：检查你的虚拟服务的 mesh 路由是否把请求发往 ${gatewayHost}（子集 cnn），以及你的目标规则是否在你的命名空间里。`,
    noOwnGateway: (ns: string) => `你自己的出口网关在 ${ns} 中没有就绪的 Pod：先部署它（第 2 课“部署你自己的 Egress 网关”一步），等它就绪。`,
    waypointUnlabelled: (got: string, host: string, se: string, ns: string, wp: string) =>
      `访问 ${host} 的请求${got}，但 waypoint ${wp} 没有为它写日志行：服务入口 ${se}（${ns}）没有 istio.io/use-waypoint 标签，所以 ztunnel 直接把字节发给了 ${host}（它的日志行里 dst.addr 是主机自己的地址，没有 dst.hbone_addr），挂在 waypoint 上的任何东西都没看到它们。给它打上标签：kubectl label serviceentry ${se} -n ${ns} istio.io/use-waypoint=${wp}。`,
    waypointOther: (host: string, se: string, ns: string, label: string, wp: string) =>
      `waypoint ${wp} 没有为访问 ${host} 的请求写日志行：服务入口 ${se}（${ns}）的标签是 istio.io/use-waypoint=${label}，所以 ztunnel ${label === 'none' ? '不会把它的流量交给任何 waypoint' : `把它的流量交给了 waypoint ${label}`}。把它指向这个 waypoint：kubectl label serviceentry ${se} -n ${ns} istio.io/use-waypoint=${wp} --overwrite。`,
    waypointNoEntry: (host: string, wp: string, ns: string) =>
      `waypoint ${wp} 没有为访问 ${host} 的请求写日志行：${ns} 中没有声明 ${host} 的服务入口，ztunnel 不知道它对应哪个服务，就直接放行了连接。请应用本课的服务入口（带 istio.io/use-waypoint=${wp} 标签）。`,
    waypointSilent: (host: string, se: string, wp: string, ns: string) =>
      `服务入口 ${se} 把 ${host} 交给 waypoint ${wp}，但它的日志里没有这个请求的行：检查 waypoint 的 Pod 是否就绪（kubectl get gateway ${wp} -n ${ns}：Programmed），以及它的访问日志是否开启（网格配置的 accessLogFile，或 ${ns} 中的 Telemetry）。`,
    ztunnelNoLine: (ns: string) =>
      `ztunnel 没有记录来自你的客户端 Pod 的连接：这个 Pod 不在 ambient 模式下。要么它带有 Sidecar（ambient 不接管这样的 Pod），要么 Pod 和它的命名空间 ${ns} 都没有 istio.io/dataplane-mode=ambient 标签——kubectl get pods -n ${ns} -L istio.io/dataplane-mode，然后重建不带 Sidecar 的 Pod。`,
  },
};

/** The DestinationRule that originates TLS to `host` (a port-level or rule-level tls mode SIMPLE or MUTUAL). */
function originationFor(facts: MeshFacts | undefined, host: string | undefined): { rule: MeshFacts['objects'][number]; mode: string; credentialName?: string } | undefined {
  if (!facts || !host) return undefined;
  for (const rule of facts.objects) {
    if (rule.kind !== 'DestinationRule' || rule.spec.host !== host) continue;
    const policy = (rule.spec.trafficPolicy ?? {}) as Record<string, unknown>;
    const levels = Array.isArray(policy.portLevelSettings) ? (policy.portLevelSettings as Record<string, unknown>[]) : [];
    for (const tls of [...levels.map((l) => l?.tls), policy.tls] as (Record<string, unknown> | undefined)[]) {
      const mode = typeof tls?.mode === 'string' ? tls.mode.toUpperCase() : undefined;
      if (mode === 'SIMPLE' || mode === 'MUTUAL') return { rule, mode, ...(typeof tls!.credentialName === 'string' ? { credentialName: tls!.credentialName } : {}) };
    }
  }
  return undefined;
}

/** Why the waypoint logged nothing: how the ServiceEntry for the host names (or does not name) it. */
function waypointCause(input: DiagnoseInput, t: (typeof SENTENCES)['en'], host: string, status: number | undefined): string | undefined {
  const wp = input.waypoint!;
  if (!input.facts || !input.host) return undefined;
  const entries = input.facts.objects.filter(
    (o) => o.kind === 'ServiceEntry' && Array.isArray(o.spec.hosts) && (o.spec.hosts as unknown[]).some((h) => h === input.host || (typeof h === 'string' && h.startsWith('*.') && input.host!.endsWith(h.slice(1)))),
  );
  if (entries.length === 0) return t.waypointNoEntry(host, wp.name, input.clientNamespace ?? wp.namespace);
  const entry = entries.find((e) => e.labels?.['istio.io/use-waypoint'] === wp.name) ?? entries[0];
  const label = entry.labels?.['istio.io/use-waypoint'];
  if (label === undefined) {
    const got = input.lang === 'zh' ? (status !== undefined ? `得到了 HTTP ${status}` : '已发出') : status !== undefined ? `got HTTP ${status}` : 'was sent';
    return t.waypointUnlabelled(got, host, entry.name, entry.namespace, wp.name);
  }
  if (label !== wp.name) return t.waypointOther(host, entry.name, entry.namespace, label, wp.name);
  return t.waypointSilent(host, entry.name, wp.name, wp.namespace);
}

/** The cause and fix of the failure, as the learner should read it. */
function cause(input: DiagnoseInput): string {
  const t = SENTENCES[input.lang ?? 'en'];
  const { curl, facts } = input;
  const istioNs = input.istioNamespace ?? 'istio-system';
  const clientNs = input.clientNamespace ?? 'default';
  const host = input.host ?? t.someHost;
  const status = curl?.httpStatus;
  const curlCode = curl?.curlError?.code;

  if (input.expectFailure && curl && (status === 200 || (curlCode === undefined && curl.exitCode === 0 && status !== undefined && status < 400))) {
    if (input.noSidecar) return t.notBlockedByNetwork(host, clientNs);
    if (serviceEntryFor(facts, input.host)) return t.leftoverServiceEntry(host);
    return t.notRegistryOnly(host, facts?.outboundPolicy ?? 'ALLOW_ANY');
  }

  if (curlCode === 6) return t.dns(host);
  // Ambient mode: no gateway, no sidecar; the waypoint's or ztunnel's log was followed.
  if (input.missingLogLine && input.waypoint) {
    const ambient = waypointCause(input, t, host, status);
    if (ambient) return ambient;
  }
  if (input.missingLogLine && input.ztunnel && (input.gatewayLines ?? []).length === 0) return t.ztunnelNoLine(clientNs);
  // What the gateway's own line says outranks what curl alone suggests.
  if ((input.gatewayLines ?? []).some((l) => l.responseCodeDetails === 'filter_chain_not_found')) return t.noFilterChain(host);
  // A lesson that accepts 35 alongside other codes (e.g. [35, 56]) says they are the same refusal.
  const expectedExits = input.expect?.exitCode !== undefined ? expectedExitCodes(input.expect) : [];
  const refusal = curlCode !== undefined && (curlCode === 35 || (expectedExits.includes(35) && expectedExits.includes(curlCode)));
  if (refusal || status === 502) {
    if (facts?.outboundPolicy === 'REGISTRY_ONLY' || serviceEntryFor(facts, input.host) === false) return t.registryOnly(host);
    return t.refused(host, status === 502 ? 'HTTP 502' : `curl exit ${curlCode}`);
  }
  // The gateway's pods run in the Istio namespace, or in the learner's own (own mode).
  const gatewayNs = input.gatewayMode === 'own' ? clientNs : istioNs;
  if (curlCode === 7 || curlCode === 28 || curlCode === 56 || curlCode === 52) return t.network(curlCode, curl?.curlError?.message ?? '', host, gatewayNs);

  if (facts && facts.egressGatewayPods === 0 && (status === 503 || status === 404 || input.missingLogLine)) {
    if (input.gatewayMode === 'own') return t.noOwnGateway(clientNs);
    return t.noGateway(istioNs, EGRESS_INSTALL);
  }
  // Only other learners' lines on the shared gateway: theirs prove nothing about this request.
  if (input.missingLogLine && input.otherClients && input.otherClients.length > 0) {
    const gatewayHost = input.gatewayHost ?? `istio-egressgateway.${istioNs}.svc.cluster.local`;
    return t.onlyOthers(input.otherClients.length, input.otherClients.slice(0, 3).join(', ') + (input.otherClients.length > 3 ? ', …' : ''), input.clientIp ?? '', gatewayHost);
  }

  // Envoy's own replies (no route, no cluster) carry no x-envoy-upstream-service-time: with it,
  // the status came from the upstream server, not from the mesh configuration.
  // A 404 NR from the egress gateway reaches the client through its sidecar (with that header).
  if (status === 404 && hasFlag(input.gatewayLines, 'NR')) return t.noRouteExported(istioNs);
  if (status === 503 && (hasFlag(input.gatewayLines, 'URX') || hasFlag(input.gatewayLines, 'UF') || hasFlag(input.clientLines, 'URX') || hasFlag(input.clientLines, 'UF'))) return t.portRefused;
  const upstreamAnswered = status !== undefined && status >= 400 && !input.missingLogLine && curl?.headers['x-envoy-upstream-service-time'] !== undefined;
  if (upstreamAnswered && (status === 400 || status === 503)) {
    const origination = originationFor(facts, input.host);
    if (origination) {
      const { rule, mode, credentialName } = origination;
      const name = `${rule.name} (${rule.namespace})`;
      if (status === 400 && mode === 'SIMPLE') return t.originationNoCert(host, name);
      if (mode === 'MUTUAL' && credentialName) {
        if (status === 400) return t.originationCertRefused(host, credentialName, gatewayNs);
        return t.originationFailed(name, credentialName, gatewayNs);
      }
    }
  }
  if (upstreamAnswered) return t.upstreamAnswered(status!, host);

  if (status === 503 || hasFlag(input.gatewayLines, 'NC')) return kindsPresent(facts, 'DestinationRule') === 0 ? t.noDestinationRule(clientNs) : t.subsetMissing(clientNs);
  if (status === 404 || hasFlag(input.gatewayLines, 'NR')) return t.noRoute;

  if (input.missingLogLine) {
    if (facts?.accessLogging === 'off') return t.accessLogOff;
    const viaGateway = (input.clientLines ?? []).find((l) => status === 200 && /egressgateway/.test(l.upstreamCluster ?? ''));
    if (viaGateway && (input.gatewayLines ?? []).length === 0) return t.gatewaySilent(viaGateway.upstreamCluster!);
    if (facts?.clientHasSidecar === false) return t.noSidecar(clientNs);
    if (status === 200) return t.notThroughGateway;
    return t.noLine;
  }

  if (status !== undefined && input.expect?.httpStatus !== undefined && status !== input.expect.httpStatus) return t.wrongStatus(status, input.expect.httpStatus);
  if (curl && input.expect?.exitCode !== undefined && !expectedExits.includes(curl.exitCode)) return t.wrongExit(curl.exitCode, expectedExits);
  if (curl && curl.curlError) return t.curlFailed(curl.curlError.code, curl.curlError.message);
  if (input.expect?.outputContains !== undefined) return t.lacks(input.expect.outputContains);
  return t.differs;
}

/** One or two sentences: whether the result was still changing (not propagated yet) or stable (wrong), then cause and fix. */
export function diagnose(input: DiagnoseInput): string {
  const reason = cause(input);
  if (input.changing) return `${SENTENCES[input.lang ?? 'en'].changing}${input.lang === 'zh' ? '' : ' '}${reason}`;
  return reason;
}
