// The explainer's sentences, in English and Chinese. Resource kinds and fields stay in English.

import type { Localized } from '../lesson/model.js';

const L = (en: string, zh: string): Localized => ({ en, zh });
const ref = (kind: string, name: string, ns: string): string => `${kind} ${name} (${ns})`;

export const say = {
  // waypoint-not-used (ambient: the ServiceEntry does not send its host to the waypoint)
  waypointUnlabelled: (se: string, host: string) =>
    L(`ServiceEntry ${se} declares ${host} but has no label istio.io/use-waypoint, so ztunnel sends no traffic for ${host} to a waypoint.`, `服务入口 ${se} 声明了 ${host}，却没有 istio.io/use-waypoint 标签，所以 ztunnel 不会把 ${host} 的流量交给任何 waypoint。`),
  waypointElsewhere: (se: string, label: string) =>
    L(`ServiceEntry ${se} is labelled istio.io/use-waypoint=${label}: ${label === 'none' ? 'it opts out of every waypoint' : `ztunnel sends its traffic to the waypoint ${label}`}.`, `服务入口 ${se} 的标签是 istio.io/use-waypoint=${label}：${label === 'none' ? '它退出了所有 waypoint' : `ztunnel 把它的流量交给 waypoint ${label}`}。`),
  waypointBypassed: (wp: string, host: string) =>
    L(`ztunnel passed the connection straight to ${host} (L4, no HBONE tunnel), so the waypoint ${wp} logged nothing and no policy attached to it was applied`, `ztunnel 直接把连接交给了 ${host}（L4，没有 HBONE 隧道），所以 waypoint ${wp} 没有日志，挂在它上面的策略也都没有执行`),
  labelForWaypoint: (se: string, wp: string) => L(`Label ServiceEntry ${se} istio.io/use-waypoint=${wp}.`, `给服务入口 ${se} 打上 istio.io/use-waypoint=${wp} 标签。`),
  // mtls-sni-not-matched, mtls-missing (TLS origination: sidecar to gateway over Istio mutual TLS)
  mtlsSni: (dr: string, sni: string, gw: string, hosts: string[]) =>
    L(`DestinationRule ${dr} makes the sidecar open Istio mutual TLS to the gateway with SNI ${sni}, but the ISTIO_MUTUAL server of Gateway ${gw} has hosts ${hosts.join(', ')}.`, `目标规则 ${dr} 让边车用 SNI ${sni} 与网关建立 Istio 双向 TLS，但 Gateway ${gw} 的 ISTIO_MUTUAL server 的 hosts 是 ${hosts.join('、')}。`),
  mtlsMissing: (dr: string, gw: string, port: number) =>
    L(`The server of Gateway ${gw} on port ${port} takes only Istio mutual TLS (tls.mode ISTIO_MUTUAL), but DestinationRule ${dr} does not make the sidecar use it there: it sends plain text.`, `Gateway ${gw} 在 ${port} 端口的 server 只接受 Istio 双向 TLS（tls.mode ISTIO_MUTUAL），但目标规则 ${dr} 没有让边车在这里使用它：边车发送的是明文。`),
  noMtlsChain: (sni: string) => L(`the gateway found no filter chain for SNI ${sni} and closed the connection during the handshake, so the sidecar answered 503 itself`, `网关找不到 SNI 为 ${sni} 的过滤器链，在握手时就关闭了连接，于是边车自己返回了 503`),
  plainToMtls: L('the gateway expected a TLS handshake and got plain HTTP, so it reset the connection and the sidecar answered 503 itself', '网关等待 TLS 握手，收到的却是明文 HTTP，于是重置了连接，边车自己返回了 503'),
  setSni: (dr: string, host: string) => L(`Set the SNI in DestinationRule ${dr} to ${host}, a host of the Gateway server.`, `把目标规则 ${dr} 中的 sni 改为 ${host}，也就是 Gateway server 的一个主机。`),
  useIstioMutual: (dr: string, port: number, host: string) => L(`In DestinationRule ${dr}, give the subset port ${port} tls.mode ISTIO_MUTUAL with sni ${host}.`, `在目标规则 ${dr} 中，为子集的 ${port} 端口设置 tls.mode ISTIO_MUTUAL 和 sni ${host}。`),
  // registry-only-no-service-entry
  noServiceEntry: (host: string, port: number, ns: string, by: string) =>
    L(`No ServiceEntry visible from ${ns} registers ${host}:${port}, and ${by} sets the outbound policy to REGISTRY_ONLY.`, `在 ${ns} 中看不到注册 ${host}:${port} 的服务入口，而 ${by} 把出站策略设为 REGISTRY_ONLY。`),
  hiddenServiceEntry: (se: string, host: string, ns: string, by: string) =>
    L(`ServiceEntry ${se} registers ${host} but its exportTo hides it from ${ns}, and ${by} sets the outbound policy to REGISTRY_ONLY.`, `服务入口 ${se} 注册了 ${host}，但它的 exportTo 让 ${ns} 看不到它，而 ${by} 把出站策略设为 REGISTRY_ONLY。`),
  meshConfig: L('the mesh config', '网格配置'),
  blocked: (host: string) => L(`the sidecar has no route or cluster for ${host}, so it blocked the request (block_all / BlackHoleCluster)`, `边车没有 ${host} 的路由和集群，于是拦截了请求（block_all / BlackHoleCluster）`),
  createServiceEntry: (host: string, ns: string) => L(`Create a ServiceEntry for ${host} in ${ns}.`, `在 ${ns} 中为 ${host} 创建服务入口。`),
  exportServiceEntry: (se: string, ns: string) => L(`Export ServiceEntry ${se} to ${ns} too (spec.exportTo).`, `把服务入口 ${se} 也导出到 ${ns}（spec.exportTo）。`),
  // mesh-virtualservice-conflict
  meshConflict: (winner: string, mine: string, host: string) =>
    L(`VirtualService ${winner} and VirtualService ${mine} both route ${host} for the mesh; the sidecar takes only one (the older), ${winner}, and ignores ${mine}.`, `虚拟服务 ${winner} 和虚拟服务 ${mine} 都为 mesh 路由 ${host}；边车只用其中一个（较早的）${winner}，忽略了 ${mine}。`),
  usedOther: (winner: string) => L(`the sidecar used the routes of VirtualService ${winner}, not yours`, `边车用的是虚拟服务 ${winner} 的路由，不是你的`),
  deleteOther: (winner: string) => L(`Delete VirtualService ${winner}: it is in your namespace and shadows yours.`, `删除虚拟服务 ${winner}：它在你的命名空间里，遮住了你的虚拟服务。`),
  narrowOther: (winner: string, ns: string) =>
    L(`Keep VirtualService ${winner} to its own namespace (spec.exportTo: ["."]) — its owner's change; ask them, or merge both into one.`, `让虚拟服务 ${winner} 只在它自己的命名空间可见（spec.exportTo: ["."]）——这需要它的所有者来改（${ns}）；请联系对方，或把两个合并为一个。`),
  // destination rules
  subsetMissing: (dr: string, subset: string, host: string, ns: string) =>
    L(`The route sends to subset "${subset}" of ${host}, but DestinationRule ${dr} — the one sidecars in ${ns} use for that host — has no subset "${subset}".`, `路由发往 ${host} 的子集“${subset}”，但 ${ns} 的边车对这个主机使用的目标规则 ${dr} 没有子集“${subset}”。`),
  drHidden: (dr: string, ns: string) => L(`DestinationRule ${dr} defines the subset, but its exportTo hides it from ${ns}, so the client's sidecar never sees it.`, `目标规则 ${dr} 定义了子集，但它的 exportTo 让 ${ns} 看不到它，客户端的边车根本看不到这条规则。`),
  drElsewhere: (dr: string, ns: string, svcNs: string, root: string) =>
    L(`DestinationRule ${dr} defines the subset, but a sidecar in ${ns} only reads rules in ${ns}, ${svcNs} and ${root}.`, `目标规则 ${dr} 定义了子集，但 ${ns} 中的边车只读取 ${ns}、${svcNs} 和 ${root} 中的规则。`),
  drMissing: (host: string, ns: string) => L(`No DestinationRule for ${host} is visible from ${ns}, so the subset the route names does not exist.`, `在 ${ns} 中看不到 ${host} 的目标规则，路由引用的子集因此不存在。`),
  noCluster: (cluster: string) => L(`there is no cluster ${cluster}, so the sidecar answered 503 NC (cluster_not_found) itself`, `不存在集群 ${cluster}，边车自己返回了 503 NC（cluster_not_found）`),
  addSubset: (dr: string, subset: string) => L(`Add subset "${subset}" to DestinationRule ${dr} (spec.subsets).`, `在目标规则 ${dr} 中加上子集“${subset}”（spec.subsets）。`),
  createDr: (name: string, ns: string) => L(`Create DestinationRule ${name} in ${ns}, the client's namespace, where its sidecar finds it.`, `在客户端的命名空间 ${ns} 中创建目标规则 ${name}，边车在那里能找到它。`),
  // gateway port
  portMismatch: (gw: string, has: number, wants: number, host: string) =>
    L(`Gateway ${gw}'s server for ${host} listens on port ${has}, but the mesh route sends to the gateway's port ${wants}.`, `网关 ${gw} 为 ${host} 配置的 server 监听端口 ${has}，但 mesh 路由发往网关的端口 ${wants}。`),
  refused: (port: number) => L(`the egress gateway has no listener on port ${port}, so the connection was refused (UF,URX) and the gateway logged nothing`, `出口网关在端口 ${port} 上没有监听器，连接被拒绝（UF,URX），网关也没有日志行`),
  setPort: (gw: string, port: number) => L(`Set the server's port.number in Gateway ${gw} to ${port}.`, `把网关 ${gw} 中这个 server 的 port.number 改成 ${port}。`),
  // gateway binding
  gatewayNotFound: (vs: string, name: string) => L(`VirtualService ${vs} binds Gateway "${name}", which does not exist.`, `虚拟服务 ${vs} 绑定了网关“${name}”，但它不存在。`),
  noRoute: (host: string, port: number) => L(`the gateway has no route for ${host}:${port}, so it answered 404 NR (route_not_found)`, `网关没有 ${host}:${port} 的路由，于是返回 404 NR（route_not_found）`),
  renameGateway: (from: string, to: string) => L(`Bind Gateway "${to}" instead of "${from}" (spec.gateways and the routes' match.gateways).`, `把绑定的网关从“${from}”改成“${to}”（spec.gateways 和各路由的 match.gateways）。`),
  vsHidden: (vs: string, gwNs: string) => L(`VirtualService ${vs} binds the Gateway, but its exportTo hides it from ${gwNs}, where the gateway pods run.`, `虚拟服务 ${vs} 绑定了网关，但它的 exportTo 让网关 Pod 所在的 ${gwNs} 看不到它。`),
  exportTo: (vs: string, list: string[]) => L(`Export VirtualService ${vs} to the gateway's namespace too: spec.exportTo ${JSON.stringify(list)}.`, `把虚拟服务 ${vs} 也导出到网关的命名空间：spec.exportTo ${JSON.stringify(list)}。`),
  hostNotInGateway: (vs: string, host: string, gw: string, hosts: string[]) =>
    L(`VirtualService ${vs} routes ${host} on Gateway ${gw}, but that Gateway's server lists only ${hosts.join(', ') || '(no hosts)'}.`, `虚拟服务 ${vs} 在网关 ${gw} 上路由 ${host}，但该网关的 server 只列出了 ${hosts.join('、') || '（没有主机）'}。`),
  addHost: (gw: string, host: string) => L(`Add ${host} to the server's hosts in Gateway ${gw}.`, `在网关 ${gw} 的 server 的 hosts 中加上 ${host}。`),
  noFilterChain: (sni: string) => L(`the gateway has no TLS filter chain for SNI ${sni} (filter_chain_not_found), so it reset the connection`, `网关没有 SNI 为 ${sni} 的 TLS 过滤器链（filter_chain_not_found），于是重置了连接`),
  sniNotInVs: (vs: string, sni: string) => L(`VirtualService ${vs}'s tls route for the gateway matches sniHosts that do not include ${sni}, the SNI the client sends.`, `虚拟服务 ${vs} 在网关一侧的 tls 路由所匹配的 sniHosts 不包含客户端发送的 SNI ${sni}。`),
  addSni: (vs: string, sni: string) => L(`Add ${sni} to that match's sniHosts in VirtualService ${vs}.`, `在虚拟服务 ${vs} 中这个 match 的 sniHosts 里加上 ${sni}。`),
  // IST0145
  gatewaysConflict: (mine: string, other: string, host: string, port: number) =>
    L(`Gateway ${mine} and Gateway ${other} both claim ${host} on port ${port} of the same gateway pods; the older, ${other}, takes the host, and ${mine}'s routes only serve what it leaves.`, `网关 ${mine} 和网关 ${other} 在同一组网关 Pod 的端口 ${port} 上都声明了 ${host}；较早的 ${other} 占用了这个主机，${mine} 的路由只处理它剩下的请求。`),
  otherGateway: (other: string) => L(`the gateway served the request with the configuration that came with Gateway ${other}`, `网关用随网关 ${other} 而来的配置处理了这个请求`),
  deleteGateway: (gw: string) => L(`Delete Gateway ${gw}: it is in your namespace and claims the same host and port as yours.`, `删除网关 ${gw}：它在你的命名空间中，和你的网关声明了相同的主机和端口。`),
  ownGateway: L('Use a gateway of your own (--gateway own), or agree with the other Gateway\'s owner that only one claims the host.', '改用你自己的网关（--gateway own），或与另一个网关的所有者商定只由一方声明这个主机。'),
  // access log
  logOff: (t: string, proxy: string) => L(`Telemetry ${t} turns access logging off for ${proxy}.`, `Telemetry ${t} 关掉了${proxy}的访问日志。`),
  logOffMesh: (proxy: string) => L(`Access logging is off for ${proxy}: the mesh config has no accessLogFile and no Telemetry turns it on.`, `${proxy}的访问日志是关的：网格配置中没有 accessLogFile，也没有 Telemetry 打开它。`),
  silent: (proxy: string) => L(`the request went through, but ${proxy} wrote no access-log line for it`, `请求通过了，但${proxy}没有为它写任何访问日志行`),
  deleteTelemetry: (t: string) => L(`Delete Telemetry ${t} (or set its accessLogging disabled: false).`, `删除 Telemetry ${t}（或把它的 accessLogging 改为 disabled: false）。`),
  turnOnLog: L('Turn access logging on: meshConfig.accessLogFile=/dev/stdout, or a Telemetry with accessLogging providers envoy.', '打开访问日志：meshConfig.accessLogFile=/dev/stdout，或使用 accessLogging 的 providers 为 envoy 的 Telemetry。'),
  theGateway: (pod: string) => L(`the egress gateway (${pod})`, `出口网关（${pod}）`),
  theClient: (pod: string) => L(`the client's sidecar (${pod})`, `客户端的边车（${pod}）`),
  ref,
};

/** Labels for rendering findings. */
export const labels = {
  en: { finding: 'Found', field: 'field', envoy: 'Envoy', fix: 'Fix', patch: 'patch', realCluster: 'On a real cluster' },
  zh: { finding: '发现', field: '字段', envoy: 'Envoy', fix: '修复', patch: '补丁', realCluster: '在真实集群上' },
};
