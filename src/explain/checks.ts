// One check per fault, in the order a request meets them: the client's sidecar (outbound
// policy, its VirtualService, the DestinationRule subset, the gateway port), then the egress
// gateway (Gateway binding, exportTo, server hosts, SNI, conflicting Gateways), then the logs.
// Each asks src/mesh what Istio would do and, when that breaks the request, says why.

import { clusterHostNamespace, hostMatches, isExportedTo, ofKind, qualifyIfShort } from '../mesh/istioHosts.js';
import {
  findServiceEntryPort,
  findSubset,
  gatewayServers,
  gatewaySelects,
  gatewayTlsFilterChains,
  lookupGatewayHttpRoute,
  lookupHttpRoute,
  lookupTlsRoute,
  pickFilterChain,
  upstreamTls,
  virtualServicesFor,
  vsBindings,
  type Destination,
  type GatewayServer,
  type RouteChoice,
} from '../mesh/istioConfig.js';
import { accessLogEnabled } from '../mesh/meshPolicy.js';
import { oldestFirst } from '../mesh/precedence.js';
import { asArray, asRecord, asStrings } from '../mesh/specValues.js';
import type { IstioObject, MeshPod } from '../mesh/types.js';
import type { ObjectRef } from '../lesson/model.js';
import { failed, observed, succeeded } from './evidence.js';
import { say } from './messages.js';
import type { Finding } from './types.js';
import type { World } from './world.js';

const GROUP: Record<string, string> = { Telemetry: 'telemetry.istio.io/v1' };
export const refOf = (o: { kind: string; name: string; namespace: string }): ObjectRef => ({ apiVersion: GROUP[o.kind] ?? 'networking.istio.io/v1', kind: o.kind, name: o.name, namespace: o.namespace });
const named = (o: IstioObject): string => `${o.name} (${o.namespace})`;
const LESSON_LABEL = 'egress-tutorial.dev/lesson';

/** The commands that show the same on a real cluster. */
export function commands(w: World) {
  const i = w.input;
  const client = i.client?.pod ?? 'deploy/curl';
  const gw = i.gateway.pod ?? 'deploy/istio-egressgateway';
  return {
    clientRoutes: `istioctl proxy-config routes ${client} -n ${i.clientNamespace}`,
    clientClusters: `istioctl proxy-config clusters ${client} -n ${i.clientNamespace} --fqdn ${i.gateway.host}`,
    gatewayRoutes: `istioctl proxy-config routes ${gw} -n ${i.gateway.namespace}`,
    gatewayListeners: `istioctl proxy-config listeners ${gw} -n ${i.gateway.namespace} --port ${i.request.port}`,
    analyze: `istioctl analyze -n ${i.clientNamespace}`,
    analyzeGateway: `istioctl analyze -n ${i.gateway.namespace}`,
  };
}

/** The learner's own object among several: the current lesson's, else one in the client namespace. */
function mine(w: World, objects: IstioObject[]): IstioObject | undefined {
  const ns = w.input.clientNamespace;
  const lesson = w.input.lesson;
  return objects.find((o) => o.namespace === ns && lesson !== undefined && w.source(o).labels?.[LESSON_LABEL] === lesson) ?? objects.find((o) => o.namespace === ns);
}

// ---- the client's sidecar ------------------------------------------------------------------

export function registryOnly(w: World): Finding | undefined {
  const { input, state } = w;
  const { host, port, tls } = input.request;
  if (input.outboundPolicy !== 'REGISTRY_ONLY' || !failed(input)) return undefined;
  if (findServiceEntryPort(state, input.clientNamespace, host, port)) return undefined;
  const sidecar = ofKind(state, 'Sidecar').find((s) => s.namespace === input.clientNamespace && s.spec.workloadSelector === undefined && asRecord(s.spec.outboundTrafficPolicy).mode === 'REGISTRY_ONLY');
  const by = sidecar ? say.ref('Sidecar', sidecar.name, sidecar.namespace) : undefined;
  const byText = (lang: 'en' | 'zh') => by ?? say.meshConfig[lang];
  const c = commands(w);
  const hidden = ofKind(state, 'ServiceEntry').find((se) => asStrings(se.spec.hosts).some((h) => hostMatches(h, host)) && !isExportedTo(se, input.clientNamespace));
  const effect = observed(input, 'client', say.blocked(host));
  if (hidden) {
    const list = [...new Set([...asStrings(hidden.spec.exportTo).filter((e) => e !== '~'), input.clientNamespace])];
    const problem = { en: say.hiddenServiceEntry(named(hidden), host, input.clientNamespace, byText('en')).en, zh: say.hiddenServiceEntry(named(hidden), host, input.clientNamespace, byText('zh')).zh };
    return { id: 'registry-only-no-service-entry', ref: refOf(hidden), field: 'spec.exportTo', problem, effect, fix: say.exportServiceEntry(named(hidden), input.clientNamespace), patch: { op: 'merge', ref: refOf(hidden), patch: { spec: { exportTo: list } } }, istioctl: [c.clientClusters.replace(`--fqdn ${input.gateway.host}`, `--fqdn ${host}`), c.analyze] };
  }
  const name = host.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
  const se = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name, namespace: input.clientNamespace },
    spec: { hosts: [host], ports: [tls ? { number: port, name: 'tls', protocol: 'TLS' } : { number: port, name: 'http', protocol: 'HTTP' }], resolution: 'DNS' },
  };
  const problem = { en: say.noServiceEntry(host, port, input.clientNamespace, byText('en')).en, zh: say.noServiceEntry(host, port, input.clientNamespace, byText('zh')).zh };
  return {
    id: 'registry-only-no-service-entry',
    ref: { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name, namespace: input.clientNamespace },
    field: 'spec.hosts',
    problem,
    effect,
    fix: say.createServiceEntry(host, input.clientNamespace),
    patch: { op: 'create', object: se },
    istioctl: [`istioctl proxy-config clusters ${input.client?.pod ?? 'deploy/curl'} -n ${input.clientNamespace} --fqdn ${host}`, c.analyze],
  };
}

/** The VirtualServices a client sidecar sees for the request's host, bound to mesh, in the order it uses them. */
function meshVirtualServices(w: World): IstioObject[] {
  const { host, port, tls } = w.input.request;
  return virtualServicesFor(w.state, w.input.clientNamespace, host, 'mesh').filter((vs) => {
    const routes = asArray(tls ? vs.spec.tls : vs.spec.http).map(asRecord);
    return routes.some((r) => {
      const matches = asArray(r.match).map(asRecord);
      return matches.length === 0 || matches.some((m) => m.port === undefined || m.port === port);
    });
  });
}

export function meshConflict(w: World): Finding | undefined {
  const vss = meshVirtualServices(w);
  if (vss.length < 2 || !failed(w.input)) return undefined;
  const winner = vss[0];
  const own = mine(w, vss);
  if (!own || own === winner) return undefined;
  const host = w.input.request.host;
  const c = commands(w);
  const sameNs = winner.namespace === w.input.clientNamespace;
  return {
    id: 'mesh-virtualservice-conflict',
    code: 'IST0109',
    ref: refOf(winner),
    field: 'spec.hosts',
    problem: say.meshConflict(named(winner), named(own), host),
    effect: observed(w.input, 'client', say.usedOther(named(winner))),
    fix: sameNs ? say.deleteOther(named(winner)) : say.narrowOther(named(winner), winner.namespace),
    patch: sameNs ? { op: 'delete', ref: refOf(winner) } : { op: 'merge', ref: refOf(winner), patch: { spec: { exportTo: ['.'] } } },
    istioctl: [c.clientRoutes, c.analyze],
  };
}

/** Where the client's sidecar sends the request: the first destination of its mesh route. */
export function meshDestination(w: World): Destination | undefined {
  const { input, state } = w;
  const { host, port, tls } = input.request;
  if (tls) return lookupTlsRoute(state, input.clientNamespace, host, 'mesh', port)?.destinations[0]?.destination;
  const found = lookupHttpRoute(state, input.clientNamespace, host, { binding: 'mesh', port, path: '/', method: 'GET', headers: () => undefined });
  return found.kind === 'route' ? found.choice.destinations[0]?.destination : undefined;
}

export function destinationRule(w: World, dest: Destination): Finding | undefined {
  const { input, state } = w;
  const ns = input.clientNamespace;
  if (!dest.subset || findSubset(state, ns, dest.host, dest.subset)) return undefined;
  if (!failed(input)) return undefined;
  const subset = dest.subset;
  const port = dest.port ?? input.request.port;
  const cluster = `outbound|${port}|${subset}|${dest.host}`;
  const effect = observed(input, 'client', say.noCluster(cluster));
  const c = commands(w);
  const istioctl = [c.clientClusters, c.analyze];
  const forHost = ofKind(state, 'DestinationRule').filter((dr) => typeof dr.spec.host === 'string' && hostMatches(qualifyIfShort(dr.spec.host, dr.namespace), dest.host));
  const serviceNs = clusterHostNamespace(dest.host) ?? input.istioNamespace;
  const visible = forHost.filter((dr) => isExportedTo(dr, ns));
  const chosen = [ns, serviceNs, input.istioNamespace].map((n) => visible.filter((r) => r.namespace === n)).find((t) => t.length > 0)?.[0];
  const gwNs = input.gateway.namespace;
  const exportTo = gwNs === ns ? ['.'] : ['.', gwNs];
  const create = (name: string) => ({ op: 'create' as const, object: { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name, namespace: ns }, spec: { host: dest.host, exportTo, subsets: [{ name: subset }] } } });
  const hasSubset = (dr: IstioObject) => asArray(dr.spec.subsets).some((s) => asRecord(s).name === subset);
  if (chosen) {
    const subsets = [...asArray(chosen.spec.subsets), { name: subset }];
    return { id: 'subset-not-found', code: 'IST0101', ref: refOf(chosen), field: 'spec.subsets', problem: say.subsetMissing(named(chosen), subset, dest.host, ns), effect, fix: say.addSubset(named(chosen), subset), patch: { op: 'merge', ref: refOf(chosen), patch: { spec: { subsets } } }, istioctl };
  }
  const hidden = forHost.find((dr) => !isExportedTo(dr, ns) && hasSubset(dr));
  if (hidden) return { id: 'destinationrule-hidden', ref: refOf(hidden), field: 'spec.exportTo', problem: say.drHidden(named(hidden), ns), effect, fix: say.createDr(hidden.name, ns), patch: create(hidden.name), istioctl };
  const elsewhere = forHost.find(hasSubset);
  if (elsewhere) return { id: 'destinationrule-elsewhere', ref: refOf(elsewhere), field: 'metadata.namespace', problem: say.drElsewhere(named(elsewhere), ns, serviceNs, input.istioNamespace), effect, fix: say.createDr(elsewhere.name, ns), patch: create(elsewhere.name), istioctl };
  // A rule we could not read may be the one that applies (RBAC in a class): say nothing then.
  if (![ns, serviceNs, input.istioNamespace].every((n) => w.readable(n))) return undefined;
  const name = `egressgateway-for-${subset}`;
  return { id: 'destinationrule-missing', code: 'IST0101', ref: { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', name, namespace: ns }, field: 'spec.subsets', problem: say.drMissing(dest.host, ns), effect, fix: say.createDr(name, ns), patch: create(name), istioctl };
}

/** A Gateway server host (maybe "ns/host") as a plain host pattern. */
const serverHost = (h: string): string => (h.includes('/') ? h.slice(h.indexOf('/') + 1) : h);

/** The servers of Gateways selecting the gateway pods, with their index in spec.servers. */
function selectingServers(w: World): { gw: IstioObject; index: number; server: Record<string, unknown> }[] {
  return oldestFirst(ofKind(w.state, 'Gateway'))
    .filter((gw) => gatewaySelects(gw, w.gatewayPod))
    .flatMap((gw) => asArray(gw.spec.servers).map((s, index) => ({ gw, index, server: asRecord(s) })));
}

export function gatewayPort(w: World, port: number): Finding | undefined {
  const { input } = w;
  if (gatewayServers(w.state, w.gatewayPod, port).length > 0 || !failed(input)) return undefined;
  const host = input.request.host;
  const other = selectingServers(w).find((s) => asStrings(s.server.hosts).some((h) => hostMatches(serverHost(h), host)));
  if (!other) return undefined;
  const has = Number(asRecord(other.server.port).number);
  const servers = asArray(other.gw.spec.servers).map((s, i) => (i === other.index ? { ...asRecord(s), port: { ...asRecord(asRecord(s).port), number: port } } : s));
  const c = commands(w);
  return {
    id: 'gateway-port-mismatch',
    ref: refOf(other.gw),
    field: `spec.servers[${other.index}].port.number`,
    problem: say.portMismatch(named(other.gw), has, port, host),
    effect: observed(input, 'client', say.refused(port)),
    fix: say.setPort(named(other.gw), port),
    patch: { op: 'merge', ref: refOf(other.gw), patch: { spec: { servers } } },
    istioctl: [c.gatewayListeners.replace(/--port \d+$/, `--port ${port}`), c.analyzeGateway],
  };
}

// ---- the egress gateway --------------------------------------------------------------------

/** VirtualServices for the host bound to some Gateway (not only mesh): the learner's first. */
function gatewayVirtualServices(w: World): IstioObject[] {
  const host = w.input.request.host;
  const vss = ofKind(w.state, 'VirtualService').filter((vs) => asStrings(vs.spec.hosts).some((h) => hostMatches(qualifyIfShort(h, vs.namespace), host)) && vsBindings(vs).some((b) => b !== 'mesh'));
  const own = mine(w, vss);
  return own ? [own, ...vss.filter((v) => v !== own)] : vss;
}

const shortBinding = (binding: string, vsNamespace: string): string => (binding.startsWith(`${vsNamespace}/`) ? binding.slice(vsNamespace.length + 1) : binding);

/** The VS's spec with every reference to Gateway `from` (as written) replaced by `to`. */
function renameGateway(vs: IstioObject, from: string, to: string): Record<string, unknown> {
  const swap = (list: unknown) => asStrings(list).map((g) => (g === from ? to : g));
  const routes = (key: 'http' | 'tls' | 'tcp') =>
    asArray(vs.spec[key]).map((r) => {
      const route = asRecord(r);
      if (!Array.isArray(route.match)) return r;
      return { ...route, match: asArray(route.match).map((m) => (Array.isArray(asRecord(m).gateways) ? { ...asRecord(m), gateways: swap(asRecord(m).gateways) } : m)) };
    });
  const spec: Record<string, unknown> = { gateways: swap(vs.spec.gateways) };
  for (const key of ['http', 'tls', 'tcp'] as const) if (Array.isArray(vs.spec[key])) spec[key] = routes(key);
  return spec;
}

/** Why the gateway had no route (HTTP) or no filter chain (TLS) for the request's host. */
export function gatewayRouting(w: World, port: number): Finding[] {
  const { input, state } = w;
  const { host, tls } = input.request;
  if (!failed(input)) return [];
  const servers = gatewayServers(state, w.gatewayPod, port).filter((s) => (tls ? s.tls : !s.tls));
  if (servers.length === 0) return [];
  const gwNs = input.gateway.namespace;
  const c = commands(w);
  // A route or filter chain answered: only worth a word when it is another namespace's and sends
  // elsewhere than the learner's own would (IST0145); on a class's shared gateway the merged
  // routes are identical and serve everyone.
  const answer = (list: GatewayServer[]): RouteChoice | undefined => {
    if (tls) return pickFilterChain(gatewayTlsFilterChains(state, gwNs, list, port), host)?.choice;
    const found = lookupGatewayHttpRoute(state, gwNs, list, host, { port, path: '/', method: 'GET', headers: () => undefined });
    return found.kind === 'route' ? found.choice : undefined;
  };
  const answered = answer(servers);
  if (answered) {
    if (answered.vs.namespace === input.clientNamespace) return [];
    const ownGateway = mine(w, [...new Set(servers.map((s) => s.gateway))]);
    const own = ownGateway ? answer(servers.filter((s) => s.gateway === ownGateway)) : undefined;
    const key = (c: RouteChoice | undefined) => JSON.stringify(c?.destinations.map((d) => d.destination));
    return own && key(own) === key(answered) ? [] : conflictingGateways(w, servers, port);
  }
  const effect = observed(input, 'gateway', tls ? say.noFilterChain(host) : say.noRoute(host, port));
  const istioctl = [tls ? c.gatewayListeners : c.gatewayRoutes, c.analyze];
  const matching = servers.find((s) => s.hosts.some((h) => hostMatches(h.host, host))) ?? servers[0];
  for (const vs of gatewayVirtualServices(w)) {
    const written = asStrings(vs.spec.gateways);
    // A Gateway name that does not exist (IST0101), where we could have seen it.
    for (const [i, binding] of vsBindings(vs).entries()) {
      if (binding === 'mesh') continue;
      const [ns, name] = binding.split('/');
      if (!w.readable(ns) || ofKind(state, 'Gateway').some((g) => g.namespace === ns && g.name === name)) continue;
      const from = written[i] ?? name;
      const to = shortBinding(matching.binding, vs.namespace);
      return [{ id: 'gateway-not-found', code: 'IST0101', ref: refOf(vs), field: `spec.gateways[${i}]`, problem: say.gatewayNotFound(named(vs), from), effect, fix: say.renameGateway(from, to), patch: { op: 'merge', ref: refOf(vs), patch: { spec: renameGateway(vs, from, to) } }, istioctl }];
    }
    const bound = servers.filter((s) => vsBindings(vs).includes(s.binding));
    if (bound.length === 0) continue;
    if (!isExportedTo(vs, gwNs)) {
      const list = [...new Set([...asStrings(vs.spec.exportTo).filter((e) => e !== '~'), gwNs])];
      return [{ id: 'virtualservice-hidden-from-gateway', ref: refOf(vs), field: 'spec.exportTo', problem: say.vsHidden(named(vs), gwNs), effect, fix: say.exportTo(named(vs), list), patch: { op: 'merge', ref: refOf(vs), patch: { spec: { exportTo: list } } }, istioctl }];
    }
    const server = bound.find((s) => !s.hosts.some((h) => hostMatches(h.host, host)));
    if (server && !bound.some((s) => s.hosts.some((h) => hostMatches(h.host, host)))) {
      const gw = server.gateway;
      const index = asArray(gw.spec.servers).findIndex((s) => Number(asRecord(asRecord(s).port).number) === port && (tls ? asRecord(s).tls !== undefined : asRecord(s).tls === undefined));
      const servers2 = asArray(gw.spec.servers).map((s, i) => (i === index ? { ...asRecord(s), hosts: [...asStrings(asRecord(s).hosts), host] } : s));
      return [
        {
          id: tls ? 'sni-not-matched' : 'host-not-in-gateway',
          code: 'IST0132',
          ref: refOf(gw),
          field: `spec.servers[${Math.max(0, index)}].hosts`,
          problem: say.hostNotInGateway(named(vs), host, named(gw), server.hosts.map((h) => h.host)),
          effect,
          fix: say.addHost(named(gw), host),
          patch: { op: 'merge', ref: refOf(gw), patch: { spec: { servers: servers2 } } },
          istioctl,
        },
      ];
    }
    if (tls) {
      const sni = sniMismatch(w, vs, bound, port);
      if (sni) return [{ ...sni, effect, istioctl }];
    }
  }
  return conflictingGateways(w, servers, port);
}

/** A gateway-side tls match whose sniHosts leave out the SNI the client sends. */
function sniMismatch(w: World, vs: IstioObject, bound: GatewayServer[], port: number): Omit<Finding, 'effect' | 'istioctl'> | undefined {
  const sni = w.input.request.host;
  const bindings = new Set(bound.map((s) => s.binding));
  const routes = asArray(vs.spec.tls).map(asRecord);
  for (const [i, route] of routes.entries()) {
    for (const [j, m] of asArray(route.match).map(asRecord).entries()) {
      const gateways = asStrings(m.gateways).map((g) => (g.includes('/') ? g : `${vs.namespace}/${g}`));
      const applies = gateways.length === 0 ? vsBindings(vs).some((b) => bindings.has(b)) : gateways.some((g) => bindings.has(g));
      if (!applies || (m.port !== undefined && m.port !== port)) continue;
      const hosts = asStrings(m.sniHosts);
      if (hosts.length === 0 || hosts.some((h) => hostMatches(h, sni))) continue;
      const tls = routes.map((r, ri) => (ri !== i ? r : { ...r, match: asArray(r.match).map((mm, mj) => (mj !== j ? mm : { ...asRecord(mm), sniHosts: [...hosts, sni] })) }));
      return { id: 'sni-not-matched', ref: refOf(vs), field: `spec.tls[${i}].match[${j}].sniHosts`, problem: say.sniNotInVs(named(vs), sni), fix: say.addSni(named(vs), sni), patch: { op: 'merge', ref: refOf(vs), patch: { spec: { tls } } } };
    }
  }
  return undefined;
}

/** IST0145: the learner's Gateway repeats a host and port an older Gateway on the same gateway pods claims. */
export function conflictingGateways(w: World, servers: GatewayServer[], port: number): Finding[] {
  const host = w.input.request.host;
  const claiming = servers.filter((s) => s.hosts.some((h) => hostMatches(h.host, host)));
  const gateways = [...new Set(claiming.map((s) => s.gateway))];
  if (gateways.length < 2 || !failed(w.input)) return [];
  const own = mine(w, gateways);
  const winner = gateways[0]; // servers come oldest Gateway first
  if (!own || own === winner) return [];
  const c = commands(w);
  const sameNs = winner.namespace === w.input.clientNamespace;
  return [
    {
      id: 'conflicting-gateways',
      code: 'IST0145',
      ref: refOf(own),
      field: 'spec.servers[].hosts',
      problem: say.gatewaysConflict(named(own), named(winner), host, port),
      effect: observed(w.input, 'gateway', say.otherGateway(named(winner))),
      fix: sameNs ? say.deleteGateway(named(winner)) : say.ownGateway,
      ...(sameNs ? { patch: { op: 'delete' as const, ref: refOf(winner) } } : {}),
      istioctl: [w.input.request.tls ? c.gatewayListeners : c.gatewayRoutes, c.analyzeGateway],
    },
  ];
}

// ---- the access log --------------------------------------------------------------------------

/** The Telemetry that turns the envoy access log off for a proxy, as pilot layers them (the last that says so). */
function silencingTelemetry(w: World, pod: MeshPod): IstioObject | undefined {
  const root = w.input.istioNamespace;
  const applies = (t: IstioObject): boolean => {
    const labels = Object.entries(asRecord(asRecord(t.spec.selector).matchLabels));
    if (labels.length === 0) return t.namespace === root || t.namespace === pod.namespace;
    return t.namespace === pod.namespace && labels.every(([k, v]) => pod.labels[k] === v);
  };
  const off = oldestFirst(ofKind(w.state, 'Telemetry')).filter((t) => applies(t) && asArray(t.spec.accessLogging).some((r) => asRecord(r).disabled === true));
  return off[off.length - 1];
}

export function accessLogOff(w: World): Finding[] {
  const { input } = w;
  const out: Finding[] = [];
  const check = (pod: MeshPod, who: { en: string; zh: string }, hop: 'gateway' | 'client') => {
    if (accessLogEnabled(w.state, pod)) return;
    const t = silencingTelemetry(w, pod);
    const effect = observed(input, hop === 'gateway' ? 'client' : 'gateway', { en: say.silent(who.en).en, zh: say.silent(who.zh).zh });
    const istioctl = [`kubectl get telemetry -A`, hop === 'gateway' ? commands(w).analyzeGateway : commands(w).analyze];
    if (t)
      out.push({ id: 'access-log-off', ref: refOf(t), field: 'spec.accessLogging[].disabled', problem: { en: say.logOff(named(t), who.en).en, zh: say.logOff(named(t), who.zh).zh }, effect, fix: say.deleteTelemetry(named(t)), patch: { op: 'delete', ref: refOf(t) }, istioctl });
    else if (input.meshAccessLog === 'off')
      out.push({ id: 'access-log-off', ref: { apiVersion: 'v1', kind: 'ConfigMap', name: 'istio', namespace: input.istioNamespace }, field: 'data.mesh.accessLogFile', problem: { en: say.logOffMesh(who.en).en, zh: say.logOffMesh(who.zh).zh }, effect, fix: say.turnOnLog, istioctl });
  };
  const gwPod = input.gateway.pod ?? input.gateway.namespace;
  if (input.gatewayLogFollowed && (input.gatewayLines ?? []).length === 0 && succeeded(input)) {
    const via = (input.clientLines ?? []).some((l) => (l.upstreamCluster ?? '').includes(input.gateway.host));
    if (via || input.clientLines === undefined || input.clientLines.length === 0) check(w.gatewayPod, { en: say.theGateway(gwPod).en, zh: say.theGateway(gwPod).zh }, 'gateway');
  }
  if (input.clientLines !== undefined && input.clientLines.length === 0 && (input.gatewayLines ?? []).length > 0) {
    const pod = input.client?.pod ?? input.clientNamespace;
    check(w.clientPod, { en: say.theClient(pod).en, zh: say.theClient(pod).zh }, 'client');
  }
  return out;
}

// ---- mutual TLS to the gateway (TLS origination) -----------------------------------------------

/**
 * The sidecar's Istio mutual TLS to the gateway does not fit the gateway's ISTIO_MUTUAL server: an
 * SNI its hosts do not match (no filter chain), or no ISTIO_MUTUAL at all (plain text to a TLS
 * listener). Both show as a 503 from the sidecar with no gateway line.
 */
export function gatewayMutualTls(w: World, dest: Destination): Finding | undefined {
  const { input, state } = w;
  if (!failed(input)) return undefined;
  const port = dest.port ?? input.request.port;
  const servers = gatewayServers(state, w.gatewayPod, port).filter((s) => s.protocol === 'HTTPS' && s.tlsMode === 'ISTIO_MUTUAL');
  if (servers.length === 0) return undefined;
  const ns = input.clientNamespace;
  const tls = upstreamTls(state, ns, dest.host, port, dest.subset);
  const rule = tls ? ofKind(state, 'DestinationRule').find((d) => `${d.namespace}/${d.name}` === tls.rule) : ofKind(state, 'DestinationRule').find((d) => d.namespace === ns && typeof d.spec.host === 'string' && hostMatches(qualifyIfShort(d.spec.host, d.namespace), dest.host));
  if (!rule) return undefined;
  const c = commands(w);
  const istioctl = [c.gatewayListeners.replace(/--port \d+$/, `--port ${port}`), c.clientClusters, c.analyze];
  const server = servers[0];
  const host = server.hosts.find((h) => h.host !== '*')?.host ?? input.request.host;
  // The subset's port-level TLS with `sni` (or ISTIO_MUTUAL) set to what the server takes.
  const withTls = (sni: string) => {
    const subsets = asArray(rule.spec.subsets).map((x) => {
      const sub = asRecord(x);
      if (sub.name !== dest.subset) return x;
      const policy = asRecord(sub.trafficPolicy);
      const levels = asArray(policy.portLevelSettings).map(asRecord);
      const has = levels.some((l) => asRecord(l.port).number === port);
      const next = has ? levels.map((l) => (asRecord(l.port).number === port ? { ...l, tls: { ...asRecord(l.tls), mode: 'ISTIO_MUTUAL', sni } } : l)) : [...levels, { port: { number: port }, tls: { mode: 'ISTIO_MUTUAL', sni } }];
      return { ...sub, trafficPolicy: { ...policy, portLevelSettings: next } };
    });
    return { op: 'merge' as const, ref: refOf(rule), patch: { spec: { subsets } } };
  };
  const subsetIndex = Math.max(0, asArray(rule.spec.subsets).findIndex((x) => asRecord(x).name === dest.subset));
  if (tls?.mode === 'ISTIO_MUTUAL') {
    const sni = tls.sni ?? '';
    if (servers.some((s) => s.hosts.some((h) => hostMatches(h.host, sni)))) return undefined;
    return {
      id: 'mtls-sni-not-matched',
      ref: refOf(rule),
      field: `spec.subsets[${subsetIndex}].trafficPolicy.portLevelSettings[].tls.sni`,
      problem: say.mtlsSni(named(rule), sni, named(server.gateway), server.hosts.map((h) => h.host)),
      effect: observed(input, 'client', say.noMtlsChain(sni)),
      fix: say.setSni(named(rule), host),
      patch: withTls(host),
      istioctl,
    };
  }
  return {
    id: 'mtls-missing',
    ref: refOf(rule),
    field: `spec.subsets[${subsetIndex}].trafficPolicy.portLevelSettings[].tls.mode`,
    problem: say.mtlsMissing(named(rule), named(server.gateway), port),
    effect: observed(input, 'client', say.plainToMtls),
    fix: say.useIstioMutual(named(rule), port, host),
    patch: withTls(host),
    istioctl,
  };
}

// ---- ambient mode: the egress waypoint ---------------------------------------------------------

const USE_WAYPOINT = 'istio.io/use-waypoint';

/**
 * The waypoint's log was followed and has no line for a request that succeeded: the ServiceEntry
 * ztunnel finds for the host (visible from the client namespace) does not name that waypoint in
 * istio.io/use-waypoint, so ztunnel passed the connection through at L4. The fix is the label.
 */
export function waypointNotUsed(w: World): Finding | undefined {
  const { input } = w;
  const wp = input.waypoint;
  if (!wp || !input.gatewayLogFollowed || (input.gatewayLines ?? []).length > 0 || !succeeded(input)) return undefined;
  const found = findServiceEntryPort(w.state, input.clientNamespace, input.request.host, input.request.port);
  if (!found) return undefined;
  const entry = found.entry;
  const label = w.source(entry).labels?.[USE_WAYPOINT];
  if (label === wp.name) return undefined;
  const ref = refOf(entry);
  return {
    id: 'waypoint-not-used',
    ref,
    field: `metadata.labels[${USE_WAYPOINT}]`,
    problem: label === undefined ? say.waypointUnlabelled(named(entry), input.request.host) : say.waypointElsewhere(named(entry), label),
    effect: say.waypointBypassed(`${wp.name} (${wp.namespace})`, input.request.host),
    fix: say.labelForWaypoint(named(entry), wp.name),
    patch: { op: 'merge', ref, patch: { metadata: { labels: { [USE_WAYPOINT]: wp.name } } } },
    istioctl: [`kubectl get serviceentry ${entry.name} -n ${entry.namespace} --show-labels`, 'istioctl ztunnel-config services', `kubectl logs -n ${input.istioNamespace} ds/ztunnel`],
  };
}
