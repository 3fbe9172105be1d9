// Reading the Istio objects that route traffic, as the control plane does: ServiceEntry ports,
// VirtualService routes bound to `mesh` or a gateway, DestinationRule subsets, Gateway servers.

import { CLUSTER_DOMAIN, hostMatches, isExportedTo, ofKind, qualifyIfShort } from './istioHosts.js';
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

/** The ServiceEntry port for host:port visible from `namespace` (oldest entry wins). */
export function findServiceEntryPort(state: MeshState, namespace: string, host: string, port: number): ServiceEntryPort | undefined {
  for (const entry of ofKind(state, 'ServiceEntry')) {
    if (!isExportedTo(entry, namespace)) continue;
    if (!asStrings(entry.spec.hosts).some((h) => hostMatches(h, host))) continue;
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

/** VirtualServices for `host`, bound to `binding`, visible from `namespace`, oldest first. */
export function virtualServicesFor(state: MeshState, namespace: string, host: string, binding: GatewayBinding): IstioObject[] {
  return ofKind(state, 'VirtualService').filter(
    (vs) =>
      isExportedTo(vs, namespace) &&
      asStrings(vs.spec.hosts).some((h) => hostMatches(qualifyIfShort(h, vs.namespace), host)) &&
      vsBindings(vs).includes(binding),
  );
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
  | { kind: 'no-route'; vs: IstioObject } // a VirtualService applies, none of its routes matches
  | { kind: 'route'; choice: RouteChoice };

/** Routing by a VirtualService's `http` section for one request, as Envoy's route table would. */
export function lookupHttpRoute(
  state: MeshState,
  namespace: string,
  host: string,
  input: HttpMatchInput,
  accept: (vs: IstioObject) => boolean = () => true,
): HttpRouteLookup {
  for (const vs of virtualServicesFor(state, namespace, host, input.binding).filter(accept)) {
    const vsGateways = vsBindings(vs);
    // Routes that exist for this binding and port at all (Istio drops the others when it builds
    // the route table); only then do path/header/method matches decide.
    const applicable = asArray(vs.spec.http).map(asRecord).filter((route) => {
      const matches = asArray(route.match).map(asRecord);
      if (matches.length === 0) return vsGateways.includes(input.binding);
      return matches.some((m) => matchApplies(m, vs, vsGateways, input));
    });
    if (applicable.length === 0) continue;
    for (const route of applicable) {
      const matches = asArray(route.match).map(asRecord);
      const hit = matches.length === 0 ? {} : matches.find((m) => matchApplies(m, vs, vsGateways, input) && requestMatches(m, input));
      if (hit) {
        const prefix = asRecord(hit.uri).prefix;
        return {
          kind: 'route',
          choice: {
            vs,
            routeName: typeof route.name === 'string' ? route.name : undefined,
            destinations: destinationsOf(route, vs.namespace),
            actions: routeActions(route),
            matchedUriPrefix: typeof prefix === 'string' ? prefix : undefined,
          },
        };
      }
    }
    return { kind: 'no-route', vs };
  }
  return { kind: 'none' };
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

/** Routing by a VirtualService's `tls` section: port and SNI. */
export function lookupTlsRoute(
  state: MeshState,
  namespace: string,
  sni: string,
  binding: GatewayBinding,
  port: number,
  accept: (vs: IstioObject) => boolean = () => true,
): RouteChoice | undefined {
  for (const vs of virtualServicesFor(state, namespace, sni, binding).filter(accept)) {
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

// ---- DestinationRule ------------------------------------------------------------------------

/**
 * The labels of `subset` in the DestinationRule Istio picks for `fqdn`, seen from `namespace`, or
 * undefined when that rule does not define it. Istio looks in the client's namespace first, then
 * the service's, then the root namespace.
 */
export function findSubset(state: MeshState, namespace: string, fqdn: string, subset: string): Record<string, string> | undefined {
  const rules = ofKind(state, 'DestinationRule').filter(
    (dr) => typeof dr.spec.host === 'string' && hostMatches(qualifyIfShort(dr.spec.host, dr.namespace), fqdn) && isExportedTo(dr, namespace),
  );
  const serviceNamespace = fqdn.endsWith('.' + CLUSTER_DOMAIN) ? fqdn.split('.')[1] : undefined;
  const tiers = [
    rules.filter((r) => r.namespace === namespace),
    rules.filter((r) => r.namespace === serviceNamespace),
    rules.filter((r) => r.namespace === state.istioNamespace),
    rules,
  ];
  const chosen = tiers.find((t) => t.length > 0) ?? [];
  for (const dr of chosen) {
    const found = asArray(dr.spec.subsets).map(asRecord).find((s) => s.name === subset);
    if (found) {
      return Object.fromEntries(Object.entries(asRecord(found.labels)).filter((e): e is [string, string] => typeof e[1] === 'string'));
    }
  }
  return undefined;
}

// ---- Gateway ----------------------------------------------------------------------------------

export interface GatewayServer {
  gateway: IstioObject;
  binding: string; // "<namespace>/<name>"
  port: number;
  protocol: string; // HTTP, HTTPS, TLS, TCP, ...
  tlsMode?: string; // PASSTHROUGH, SIMPLE, ...
  hosts: { namespace: string; host: string }[]; // namespace "*" = any
}

/** The servers of every Gateway whose selector picks this pod, on the given (service) port. */
export function gatewayServers(state: MeshState, pod: MeshPod, port: number): GatewayServer[] {
  const out: GatewayServer[] = [];
  for (const gw of ofKind(state, 'Gateway')) {
    const selector = asRecord(gw.spec.selector);
    const entries = Object.entries(selector);
    if (entries.length === 0 || !entries.every(([k, v]) => pod.labels[k] === v)) continue;
    for (const raw of asArray(gw.spec.servers)) {
      const s = asRecord(raw);
      const p = asRecord(s.port);
      if (asNumber(p.number) !== port) continue;
      out.push({
        gateway: gw,
        binding: `${gw.namespace}/${gw.name}`,
        port,
        protocol: typeof p.protocol === 'string' ? p.protocol.toUpperCase() : 'HTTP',
        tlsMode: typeof asRecord(s.tls).mode === 'string' ? String(asRecord(s.tls).mode).toUpperCase() : undefined,
        hosts: asStrings(s.hosts).map((h) => {
          const slash = h.indexOf('/');
          if (slash === -1) return { namespace: '*', host: h };
          const ns = h.slice(0, slash);
          return { namespace: ns === '.' ? gw.namespace : ns, host: h.slice(slash + 1) };
        }),
      });
    }
  }
  return out;
}

/** Whether a server accepts `host` for a VirtualService in `vsNamespace`. */
export function serverAcceptsHost(server: GatewayServer, host: string, vsNamespace: string): boolean {
  return server.hosts.some((h) => (h.namespace === '*' || h.namespace === vsNamespace) && hostMatches(h.host, host));
}
