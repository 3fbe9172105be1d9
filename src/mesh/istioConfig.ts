// Reading the Istio objects that route traffic, as the control plane does: ServiceEntry ports,
// VirtualService routes bound to `mesh` or a gateway, DestinationRule subsets, Gateway servers.

import { clusterHostNamespace, hostMatches, isExportedTo, ofKind, qualifyIfShort } from './istioHosts.js';
import { byAge, bySpecificity, oldestFirst, virtualServicesInOrder } from './precedence.js';
import { type HttpRouteActions, routeActions } from './routeActions.js';
import { asArray, asNumber, asRecord, asStrings, type Spec } from './specValues.js';
import type { IstioObject, MeshPod, MeshState } from './types.js';

// ---- ServiceEntry ---------------------------------------------------------------------------

export type PortProtocol = 'http' | 'tls' | 'tcp' | 'sniff';

export interface ServiceEntryPort {
  entry: IstioObject;
  number: number;
  name: string;
  protocol: PortProtocol;
  resolution: string; // DNS, NONE, STATIC, DNS_ROUND_ROBIN
}

function portProtocol(protocol: string | undefined, name: string): PortProtocol {
  const p = (protocol ?? '').toUpperCase();
  if (['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB'].includes(p)) return 'http';
  if (['HTTPS', 'TLS'].includes(p)) return 'tls';
  if (p !== '') return 'tcp';
  const prefix = name.split('-')[0].toLowerCase();
  if (['http', 'http2', 'grpc'].includes(prefix)) return 'http';
  if (['https', 'tls'].includes(prefix)) return 'tls';
  if (prefix === 'tcp') return 'tcp';
  return 'sniff';
}

/**
 * The ServiceEntry port for host:port visible from `namespace`. Several entries may declare the
 * host (in several namespaces): the most specific host pattern, then the oldest entry, wins, as
 * pilot keeps the first service per hostname from a list sorted by creation time.
 */
export function findServiceEntryPort(state: MeshState, namespace: string, host: string, port: number): ServiceEntryPort | undefined {
  const candidates = ofKind(state, 'ServiceEntry')
    .filter((entry) => isExportedTo(entry, namespace))
    .flatMap((entry) => asStrings(entry.spec.hosts).filter((h) => hostMatches(h, host)).map((h) => ({ entry, pattern: h.toLowerCase() })))
    .sort((a, b) => bySpecificity(a.pattern, b.pattern) || byAge(a.entry, b.entry));
  for (const { entry } of candidates) {
    for (const raw of asArray(entry.spec.ports)) {
      const p = asRecord(raw);
      if (asNumber(p.number) !== port) continue;
      const name = typeof p.name === 'string' ? p.name : '';
      return {
        entry,
        number: port,
        name,
        protocol: portProtocol(typeof p.protocol === 'string' ? p.protocol : undefined, name),
        resolution: typeof entry.spec.resolution === 'string' ? entry.spec.resolution.toUpperCase() : 'NONE',
      };
    }
  }
  return undefined;
}

/**
 * Whether a sidecar in `namespace` has an HTTP listener on `port` for outbound traffic: Istio
 * builds one for every port some visible service or ServiceEntry declares as HTTP (80 is always
 * among them in practice). Other ports are proxied as TCP.
 */
export function isHttpListenerPort(state: MeshState, namespace: string, port: number): boolean {
  if (port === 80) return true;
  const httpName = (name: string | undefined): boolean => ['http', 'http2', 'grpc', 'grpc-web'].includes((name ?? '').split('-')[0].toLowerCase());
  if (state.services.some((s) => s.ports.some((p) => p.port === port && httpName(p.name)))) return true;
  return ofKind(state, 'ServiceEntry').some(
    (entry) =>
      isExportedTo(entry, namespace) &&
      asArray(entry.spec.ports).map(asRecord).some((p) => {
        const name = typeof p.name === 'string' ? p.name : '';
        return asNumber(p.number) === port && portProtocol(typeof p.protocol === 'string' ? p.protocol : undefined, name) === 'http';
      }),
  );
}

/** The address an entry's endpoints give for its host, when it lists any. */
export function serviceEntryEndpoint(entry: IstioObject): string | undefined {
  const first = asRecord(asArray(entry.spec.endpoints)[0]);
  return typeof first.address === 'string' ? first.address : undefined;
}

// ---- VirtualService -----------------------------------------------------------------------------

export interface Destination {
  host: string;
  subset?: string;
  port?: number;
}

export interface RouteChoice {
  vs: IstioObject;
  routeName?: string;
  destinations: { destination: Destination; weight: number }[];
  /** HTTP routes only: direct response, faults, timeout, rewrite, header edits. */
  actions?: HttpRouteActions;
  /** The `uri` match that selected the route, for a prefix rewrite. */
  matchedUriPrefix?: string;
}

export type GatewayBinding = 'mesh' | string; // string: "<namespace>/<name>" of a Gateway

/** A VirtualService's `gateways` (or a match's), qualified: short names live in the VS's namespace. */
function bindings(names: string[], vsNamespace: string): GatewayBinding[] {
  return names.map((g) => (g === 'mesh' ? 'mesh' : g.includes('/') ? g : `${vsNamespace}/${g}`));
}

export function vsBindings(vs: IstioObject): GatewayBinding[] {
  const gateways = asStrings(vs.spec.gateways);
  return gateways.length === 0 ? ['mesh'] : bindings(gateways, vs.namespace);
}

/** The VS host patterns (qualified) that match `host`. */
function matchingHosts(vs: IstioObject, host: string): string[] {
  return asStrings(vs.spec.hosts).map((h) => qualifyIfShort(h, vs.namespace)).filter((h) => hostMatches(h, host));
}

/**
 * VirtualServices for `host`, bound to `binding`, visible from `namespace`, in the order Envoy
 * ends up using them: the most specific host first (a virtual host per domain), then pilot's
 * order (private, exported by name, public; each oldest first), so the first one wins a host.
 */
export function virtualServicesFor(state: MeshState, namespace: string, host: string, binding: GatewayBinding): IstioObject[] {
  const bound = ofKind(state, 'VirtualService').filter((vs) => vsBindings(vs).includes(binding) && matchingHosts(vs, host).length > 0);
  const ordered = virtualServicesInOrder(bound, namespace);
  const best = (vs: IstioObject): string => matchingHosts(vs, host).sort(bySpecificity)[0];
  // A stable sort keeps pilot's order among equally specific hosts.
  return ordered.sort((a, b) => bySpecificity(best(a), best(b)));
}

/** The VirtualServices bound to a Gateway (`binding` "<ns>/<name>") that a gateway proxy in `namespace` sees, in pilot's order. */
export function virtualServicesForGateway(state: MeshState, namespace: string, binding: GatewayBinding): IstioObject[] {
  return virtualServicesInOrder(ofKind(state, 'VirtualService').filter((vs) => vsBindings(vs).includes(binding)), namespace);
}

function destinationsOf(route: Spec, vsNamespace: string): { destination: Destination; weight: number }[] {
  const list = asArray(route.route).map(asRecord);
  return list.map((r) => {
    const d = asRecord(r.destination);
    const port = asNumber(asRecord(d.port).number);
    const rawHost = typeof d.host === 'string' ? d.host : '';
    return {
      destination: { host: qualifyIfShort(rawHost, vsNamespace), subset: typeof d.subset === 'string' ? d.subset : undefined, port },
      weight: asNumber(r.weight) ?? (list.length === 1 ? 100 : 0),
    };
  });
}

function stringMatch(m: unknown, value: string): boolean {
  const rule = asRecord(m);
  if (typeof rule.exact === 'string') return value === rule.exact;
  if (typeof rule.prefix === 'string') return value.startsWith(rule.prefix);
  if (typeof rule.regex === 'string') {
    try {
      return new RegExp(`^(?:${rule.regex})$`).test(value);
    } catch {
      return false;
    }
  }
  return true;
}

export interface HttpMatchInput {
  binding: GatewayBinding;
  port: number;
  path: string; // without query
  method: string;
  headers: (name: string) => string | undefined;
}

export type HttpRouteLookup =
  | { kind: 'none' } // no VirtualService applies: default routing
  | { kind: 'no-route' } // a virtual host exists for the host, none of its routes matches (404 NR)
  | { kind: 'route'; choice: RouteChoice };

/**
 * A VS's HTTP routes that exist for this binding and port at all: Istio drops the others when it
 * builds the route table; only then do path/header/method matches decide.
 */
function applicableRoutes(vs: IstioObject, input: { binding: GatewayBinding; port: number }): Spec[] {
  const vsGateways = vsBindings(vs);
  return asArray(vs.spec.http).map(asRecord).filter((route) => {
    const matches = asArray(route.match).map(asRecord);
    if (matches.length === 0) return vsGateways.includes(input.binding);
    return matches.some((m) => matchApplies(m, vs, vsGateways, input));
  });
}

/** The route choice when one HTTP route of `vs` matches the request. */
function matchHttpRoute(vs: IstioObject, route: Spec, input: HttpMatchInput): RouteChoice | undefined {
  const matches = asArray(route.match).map(asRecord);
  const vsGateways = vsBindings(vs);
  const hit = matches.length === 0 ? {} : matches.find((m) => matchApplies(m, vs, vsGateways, input) && requestMatches(m, input));
  if (!hit) return undefined;
  const prefix = asRecord(hit.uri).prefix;
  return {
    vs,
    routeName: typeof route.name === 'string' ? route.name : undefined,
    destinations: destinationsOf(route, vs.namespace),
    actions: routeActions(route),
    matchedUriPrefix: typeof prefix === 'string' ? prefix : undefined,
  };
}

/** Routing by the `http` section of the VirtualService a sidecar uses for `host`, as Envoy's route table would. */
export function lookupHttpRoute(state: MeshState, namespace: string, host: string, input: HttpMatchInput): HttpRouteLookup {
  for (const vs of virtualServicesFor(state, namespace, host, input.binding)) {
    const applicable = applicableRoutes(vs, input);
    if (applicable.length === 0) continue;
    for (const route of applicable) {
      const choice = matchHttpRoute(vs, route, input);
      if (choice) return { kind: 'route', choice };
    }
    return { kind: 'no-route' };
  }
  return { kind: 'none' };
}

/**
 * Routing at a gateway's HTTP listener. Pilot merges every HTTP server on the port (of every
 * Gateway selecting the pod, oldest Gateway first) into one route table: for each server, the
 * VirtualServices bound to its Gateway (in pilot's order) add their routes to one virtual host per
 * host, so routes of several learners' VirtualServices for the same host follow each other and
 * the first route that matches answers, whoever wrote it.
 */
export function lookupGatewayHttpRoute(
  state: MeshState,
  proxyNamespace: string,
  servers: GatewayServer[],
  host: string,
  input: Omit<HttpMatchInput, 'binding'>,
): Exclude<HttpRouteLookup, { kind: 'none' }> {
  const vhosts = new Map<string, { vs: IstioObject; route: Spec; binding: GatewayBinding }[]>();
  for (const server of servers) {
    for (const vs of virtualServicesForGateway(state, proxyNamespace, server.binding)) {
      const names = intersectingHosts(server, vs);
      if (names.length === 0) continue;
      const routes = applicableRoutes(vs, { binding: server.binding, port: input.port }).map((route) => ({ vs, route, binding: server.binding }));
      for (const name of names) vhosts.set(name, [...(vhosts.get(name) ?? []), ...routes]);
    }
  }
  const domain = [...vhosts.keys()].filter((d) => hostMatches(d, host)).sort(bySpecificity)[0];
  for (const entry of domain === undefined ? [] : vhosts.get(domain) ?? []) {
    const choice = matchHttpRoute(entry.vs, entry.route, { ...input, binding: entry.binding });
    if (choice) return { kind: 'route', choice };
  }
  return { kind: 'no-route' };
}

/** The host names a server and a VirtualService have in common (the virtual hosts they make). */
function intersectingHosts(server: GatewayServer, vs: IstioObject): string[] {
  const out = new Set<string>();
  const vsHosts = asStrings(vs.spec.hosts).map((h) => qualifyIfShort(h, vs.namespace));
  for (const h of server.hosts) {
    if (h.namespace !== '*' && h.namespace !== vs.namespace) continue;
    for (const v of vsHosts) {
      if (hostMatches(h.host, v)) out.add(v.toLowerCase());
      else if (hostMatches(v, h.host)) out.add(h.host.toLowerCase());
    }
  }
  return [...out];
}

function matchApplies(m: Spec, vs: IstioObject, vsGateways: GatewayBinding[], input: { binding: GatewayBinding; port: number }): boolean {
  const own = asStrings(m.gateways);
  const gateways = own.length > 0 ? bindings(own, vs.namespace) : vsGateways;
  if (!gateways.includes(input.binding)) return false;
  const port = asNumber(m.port);
  return port === undefined || port === input.port;
}

function requestMatches(m: Spec, input: HttpMatchInput): boolean {
  if (m.uri !== undefined && !stringMatch(m.uri, input.path)) return false;
  if (m.method !== undefined && !stringMatch(m.method, input.method)) return false;
  for (const [name, rule] of Object.entries(asRecord(m.headers))) {
    const value = input.headers(name);
    if (value === undefined || !stringMatch(rule, value)) return false;
  }
  return true;
}

/** Routing by the `tls` section of the VirtualService a sidecar uses for an SNI: port and SNI. */
export function lookupTlsRoute(state: MeshState, namespace: string, sni: string, binding: GatewayBinding, port: number): RouteChoice | undefined {
  for (const vs of virtualServicesFor(state, namespace, sni, binding)) {
    const vsGateways = vsBindings(vs);
    for (const route of asArray(vs.spec.tls).map(asRecord)) {
      const hit = asArray(route.match).map(asRecord).some((m) => {
        if (!matchApplies(m, vs, vsGateways, { binding, port })) return false;
        const sniHosts = asStrings(m.sniHosts);
        return sniHosts.length === 0 || sniHosts.some((h) => hostMatches(h, sni));
      });
      if (hit) return { vs, routeName: typeof route.name === 'string' ? route.name : undefined, destinations: destinationsOf(route, vs.namespace) };
    }
  }
  return undefined;
}

/** One SNI filter chain of a gateway's TLS passthrough listener. */
export interface TlsFilterChain {
  sniHosts: string[];
  choice: RouteChoice;
}

/**
 * The SNI filter chains of a gateway's listener on `port`, as pilot builds them: a TLS server
 * repeating a host an older Gateway's TLS server already has on this port is dropped whole;
 * then, server by server, each bound VirtualService's `tls` matches become filter chains, and a
 * match repeating an SNI host an earlier chain has is skipped (Envoy rejects duplicates).
 */
export function gatewayTlsFilterChains(state: MeshState, proxyNamespace: string, servers: GatewayServer[], port: number): TlsFilterChain[] {
  const serverHosts = new Set<string>();
  const kept = servers.filter((server) => {
    if (!server.tls) return false;
    if (server.hostKeys.some((h) => serverHosts.has(h))) return false;
    for (const h of server.hostKeys) serverHosts.add(h);
    return true;
  });
  const sniSeen = new Set<string>();
  const chains: TlsFilterChain[] = [];
  for (const server of kept) {
    if (server.tlsMode !== 'PASSTHROUGH') continue;
    for (const vs of virtualServicesForGateway(state, proxyNamespace, server.binding)) {
      if (intersectingHosts(server, vs).length === 0) continue;
      const vsGateways = vsBindings(vs);
      for (const route of asArray(vs.spec.tls).map(asRecord)) {
        if (asArray(route.route).length === 0) continue;
        for (const m of asArray(route.match).map(asRecord)) {
          if (!matchApplies(m, vs, vsGateways, { binding: server.binding, port })) continue;
          const sniHosts = asStrings(m.sniHosts).map((h) => h.toLowerCase());
          if (sniHosts.some((h) => sniSeen.has(h))) continue;
          for (const h of sniHosts) sniSeen.add(h);
          chains.push({ sniHosts, choice: { vs, routeName: typeof route.name === 'string' ? route.name : undefined, destinations: destinationsOf(route, vs.namespace) } });
        }
      }
    }
  }
  return chains;
}

/** The filter chain Envoy picks for an SNI: the most specific server name that matches. */
export function pickFilterChain(chains: TlsFilterChain[], sni: string): TlsFilterChain | undefined {
  let best: { chain: TlsFilterChain; name: string } | undefined;
  for (const chain of chains) {
    for (const name of chain.sniHosts.length === 0 ? ['*'] : chain.sniHosts) {
      if (!hostMatches(name, sni)) continue;
      if (!best || bySpecificity(name, best.name) < 0) best = { chain, name };
    }
  }
  return best?.chain;
}

// ---- DestinationRule ------------------------------------------------------------------------

/**
 * The labels of `subset` in the DestinationRule Istio picks for `host`, seen from a proxy in
 * `namespace`, or undefined when that rule does not define it. Istio looks in the proxy's
 * namespace first, then the service's (a ServiceEntry's namespace for external hosts), then the
 * root namespace, and only at rules exported to the proxy; a rule elsewhere never applies.
 */
export function findSubset(state: MeshState, namespace: string, host: string, subset: string, serviceNamespace = clusterHostNamespace(host)): Record<string, string> | undefined {
  const rules = ofKind(state, 'DestinationRule')
    .filter((dr) => typeof dr.spec.host === 'string' && hostMatches(qualifyIfShort(dr.spec.host, dr.namespace), host) && isExportedTo(dr, namespace))
    .sort((a, b) => bySpecificity(qualifyIfShort(String(a.spec.host), a.namespace), qualifyIfShort(String(b.spec.host), b.namespace)) || byAge(a, b));
  const tiers = [namespace, serviceNamespace, state.istioNamespace].map((ns) => rules.filter((r) => r.namespace === ns));
  const chosen = tiers.find((t) => t.length > 0) ?? [];
  for (const dr of chosen) {
    const found = asArray(dr.spec.subsets).map(asRecord).find((s) => s.name === subset);
    if (found) {
      return Object.fromEntries(Object.entries(asRecord(found.labels)).filter((e): e is [string, string] => typeof e[1] === 'string'));
    }
  }
  return undefined;
}

/** The client TLS a DestinationRule sets for an upstream (its `tls` settings). */
export interface UpstreamTls {
  mode: 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL';
  sni?: string;
  credentialName?: string;
  /** The DestinationRule (namespace/name) that set it. */
  rule: string;
}

/**
 * The TLS settings the DestinationRule for `host` gives a proxy in `namespace` on `port`, as
 * pilot merges them: the subset's port-level, the subset's, the rule's port-level, then the rule's
 * own traffic policy. The same rule lookup as subsets (client namespace, service's, root).
 */
export function upstreamTls(state: MeshState, namespace: string, host: string, port: number, subset?: string, serviceNamespace = clusterHostNamespace(host)): UpstreamTls | undefined {
  const rules = ofKind(state, 'DestinationRule')
    .filter((dr) => typeof dr.spec.host === 'string' && hostMatches(qualifyIfShort(dr.spec.host, dr.namespace), host) && isExportedTo(dr, namespace))
    .sort((a, b) => bySpecificity(qualifyIfShort(String(a.spec.host), a.namespace), qualifyIfShort(String(b.spec.host), b.namespace)) || byAge(a, b));
  const tiers = [namespace, serviceNamespace, state.istioNamespace].map((ns) => rules.filter((r) => r.namespace === ns));
  const dr = (tiers.find((t) => t.length > 0) ?? [])[0];
  if (!dr) return undefined;
  const tlsOf = (policy: unknown): Record<string, unknown> | undefined => {
    const p = asRecord(policy);
    const level = asArray(p.portLevelSettings).map(asRecord).find((l) => asRecord(l.port).number === port);
    const t = level && level.tls !== undefined ? level.tls : p.tls;
    return t === undefined ? undefined : asRecord(t);
  };
  const sub = subset ? asArray(dr.spec.subsets).map(asRecord).find((x) => x.name === subset) : undefined;
  const tls = (sub ? tlsOf(sub.trafficPolicy) : undefined) ?? tlsOf(dr.spec.trafficPolicy);
  if (!tls || typeof tls.mode !== 'string') return undefined;
  const mode = tls.mode.toUpperCase();
  if (!['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'].includes(mode)) return undefined;
  return {
    mode: mode as UpstreamTls['mode'],
    ...(typeof tls.sni === 'string' ? { sni: tls.sni } : {}),
    ...(typeof tls.credentialName === 'string' ? { credentialName: tls.credentialName } : {}),
    rule: `${dr.namespace}/${dr.name}`,
  };
}

// ---- Gateway ----------------------------------------------------------------------------------

export interface GatewayServer {
  gateway: IstioObject;
  binding: string; // "<namespace>/<name>"
  port: number;
  protocol: string; // HTTP, HTTPS, TLS, TCP, ...
  /** The server has a `tls` block (its mode defaults to PASSTHROUGH). */
  tls: boolean;
  tlsMode?: string; // PASSTHROUGH, SIMPLE, ...
  hosts: { namespace: string; host: string }[]; // namespace "*" = any
  /** The hosts as pilot compares them for duplicates ("./h" → "<gateway ns>/h", "*\/h" → "h"). */
  hostKeys: string[];
}

/**
 * Whether a Gateway's selector picks a gateway pod: any namespace (PILOT_SCOPE_GATEWAY_TO_NAMESPACE=false)
 * unless istiod derived it from a Gateway API Gateway; no selector picks every gateway.
 */
export function gatewaySelects(gw: IstioObject, pod: MeshPod): boolean {
  if (gw.scopedToNamespace && gw.namespace !== pod.namespace) return false;
  const selector = Object.entries(asRecord(gw.spec.selector));
  return selector.every(([k, v]) => pod.labels[k] === v);
}

/** The servers of every Gateway whose selector picks this gateway pod, on the given (service) port, oldest Gateway first. */
export function gatewayServers(state: MeshState, pod: MeshPod, port: number): GatewayServer[] {
  const out: GatewayServer[] = [];
  for (const gw of oldestFirst(ofKind(state, 'Gateway'))) {
    if (!gatewaySelects(gw, pod)) continue;
    for (const raw of asArray(gw.spec.servers)) {
      const s = asRecord(raw);
      const p = asRecord(s.port);
      if (asNumber(p.number) !== port) continue;
      const tls = s.tls !== undefined && s.tls !== null && typeof s.tls === 'object';
      const mode = asRecord(s.tls).mode;
      const raws = asStrings(s.hosts);
      out.push({
        gateway: gw,
        binding: `${gw.namespace}/${gw.name}`,
        port,
        protocol: typeof p.protocol === 'string' ? p.protocol.toUpperCase() : 'HTTP',
        tls,
        tlsMode: typeof mode === 'string' ? mode.toUpperCase() : tls ? 'PASSTHROUGH' : undefined,
        hosts: raws.map((h) => {
          const slash = h.indexOf('/');
          if (slash === -1) return { namespace: '*', host: h };
          const ns = h.slice(0, slash);
          return { namespace: ns === '.' ? gw.namespace : ns, host: h.slice(slash + 1) };
        }),
        hostKeys: raws.map((h) => (h.startsWith('./') ? `${gw.namespace}/${h.slice(2)}` : h.startsWith('*/') ? h.slice(2) : h).toLowerCase()),
      });
    }
  }
  return out;
}
