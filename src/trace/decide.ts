// Which Istio object made a hop's decision, inferred from what the proxy logged (route name,
// upstream cluster) and the objects the client namespace can see. The same on both backends: a real
// cluster's Envoy names routes after the VirtualService's http route `name` and clusters
// `outbound|<port>|<subset>|<host>`, and the practice cluster's model logs the same.

import { hostMatches } from './hosts.js';
import type { MeshFacts } from '../cluster/port.js';
import type { Decider, HopFields } from './model.js';
import { gatewayApiGatewayDeciders, gatewayApiSidecarDecider, type GatewayApiContext } from './gatewayApi.js';
import { answeringGateway } from './sharedGateway.js';

type IstioObject = MeshFacts['objects'][number];
type Loose = Record<string, unknown>;

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const rec = (v: unknown): Loose => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : {});
const strings = (v: unknown): string[] => list(v).filter((s): s is string => typeof s === 'string');

export interface ClusterName {
  direction: string;
  port?: number;
  subset?: string;
  host: string;
}

/** `outbound|80|cnn|istio-egressgateway.istio-system.svc.cluster.local` → its parts; undefined for PassthroughCluster and the like. */
export function parseCluster(name: string | undefined): ClusterName | undefined {
  if (!name) return undefined;
  const parts = name.split('|');
  if (parts.length !== 4) return undefined;
  const port = Number(parts[1]);
  return { direction: parts[0], ...(Number.isInteger(port) && port > 0 ? { port } : {}), ...(parts[2] ? { subset: parts[2] } : {}), host: parts[3] };
}


/** A destination host as an object writes it (short or full) names this service host. */
function sameService(written: string, fqdn: string, namespace: string): boolean {
  const w = written.toLowerCase();
  const f = fqdn.toLowerCase();
  return w === f || `${w}.${namespace}.svc.cluster.local` === f || (w.split('.').length === 2 && `${w}.svc.cluster.local` === f);
}

const ofKind = (objects: IstioObject[], kind: string) => objects.filter((o) => o.kind === kind);
/** The client namespace's objects first: that is where a sidecar looks first. */
const nearFirst = (objects: IstioObject[], namespace: string) => [...objects.filter((o) => o.namespace === namespace), ...objects.filter((o) => o.namespace !== namespace)];

function ref(o: IstioObject, kind: Decider['kind'], part?: string): Decider {
  return { kind, name: o.name, namespace: o.namespace, ...(part ? { part } : {}) };
}

/** Does a route's match list let this (gateway, port, sni) through? An empty list matches everything. */
function routeMatches(route: Loose, gateway: string, port: number | undefined, sni: string | undefined, vsGateways: string[]): boolean {
  const matches = list(route.match).map(rec);
  if (matches.length === 0) return vsGateways.length === 0 || vsGateways.some((g) => sameGateway(g, gateway));
  return matches.some((m) => {
    const gws = strings(m.gateways);
    const effective = gws.length > 0 ? gws : vsGateways.length > 0 ? vsGateways : ['mesh'];
    if (!effective.some((g) => sameGateway(g, gateway))) return false;
    if (port !== undefined && typeof m.port === 'number' && m.port !== port) return false;
    if (sni !== undefined && m.sniHosts !== undefined && !strings(m.sniHosts).some((s) => hostMatches(s, sni))) return false;
    return true;
  });
}

/** `mesh` vs `mesh`; `istio-egressgateway` vs `istio-system/istio-egressgateway`. */
function sameGateway(written: string, gateway: string): boolean {
  if (written === gateway) return true;
  const short = (g: string) => (g.includes('/') ? g.slice(g.indexOf('/') + 1) : g);
  return short(written) === short(gateway);
}

/** The VirtualService rule that routed this request for `gateway` (`mesh` for a sidecar). */
function virtualServiceRule(objects: IstioObject[], near: string, host: string, gateway: string, tls: boolean, port: number | undefined, routeName: string | undefined): Decider | undefined {
  const services = nearFirst(ofKind(objects, 'VirtualService'), near).filter((vs) => strings(vs.spec.hosts).some((h) => hostMatches(h, host)));
  const section = tls ? 'tls' : 'http';
  // Envoy's route name is the http route's name: it names the rule exactly.
  if (routeName && !tls)
    for (const vs of services) {
      const index = list(vs.spec.http).map(rec).findIndex((r) => r.name === routeName);
      if (index >= 0) return ref(vs, 'VirtualService', `http[${index}] "${routeName}"`);
    }
  for (const vs of services) {
    const vsGateways = strings(vs.spec.gateways);
    if (vsGateways.length > 0 && !vsGateways.some((g) => sameGateway(g, gateway))) continue;
    const index = list(vs.spec[section]).map(rec).findIndex((r) => routeMatches(r, gateway, port, tls ? host : undefined, vsGateways));
    if (index >= 0) return ref(vs, 'VirtualService', `${section}[${index}]`);
  }
  return undefined;
}

function destinationRuleSubset(objects: IstioObject[], near: string, cluster: ClusterName): Decider | undefined {
  if (!cluster.subset) return undefined;
  for (const dr of nearFirst(ofKind(objects, 'DestinationRule'), near)) {
    const host = typeof dr.spec.host === 'string' ? dr.spec.host : '';
    if (!sameService(host, cluster.host, dr.namespace)) continue;
    if (list(dr.spec.subsets).map(rec).some((s) => s.name === cluster.subset)) return ref(dr, 'DestinationRule', `subset ${cluster.subset}`);
  }
  return undefined;
}

function serviceEntry(objects: IstioObject[], near: string, host: string): Decider | undefined {
  const se = nearFirst(ofKind(objects, 'ServiceEntry'), near).find((o) => strings(o.spec.hosts).some((h) => hostMatches(h, host)));
  if (!se) return undefined;
  return ref(se, 'ServiceEntry', typeof se.spec.resolution === 'string' ? `resolution ${se.spec.resolution}` : undefined);
}

/** The Gateway server that took the connection on this port for this host. */
function gatewayServer(objects: IstioObject[], host: string, port: number | undefined, gatewayNamespace: string): { decider: Decider; gateway: IstioObject } | undefined {
  for (const gw of nearFirst(ofKind(objects, 'Gateway'), gatewayNamespace)) {
    for (const server of list(gw.spec.servers).map(rec)) {
      const p = rec(server.port);
      if (port !== undefined && p.number !== port) continue;
      if (!strings(server.hosts).some((h) => hostMatches(h, host))) continue;
      const mode = typeof rec(server.tls).mode === 'string' ? ` ${String(rec(server.tls).mode)}` : '';
      return { decider: ref(gw, 'Gateway', `server ${String(p.number ?? '?')}/${String(p.protocol ?? '?')}${mode}`), gateway: gw };
    }
  }
  return undefined;
}

export interface DecideContext {
  objects: IstioObject[];
  host: string;
  tls: boolean;
  /** The request's port (80, 443). */
  port?: number;
  clientNamespace: string;
  gatewayNamespace: string;
  outboundPolicy?: MeshFacts['outboundPolicy'];
  /** The gateway pod's labels: with them, the Gateway that answers is resolved as pilot merges them. */
  gatewayLabels?: Record<string, string>;
  /** Other namespaces' objects, when they could be listed. */
  others?: IstioObject[];
  othersUnreadable?: boolean;
  /** The Gateway API objects of the client namespace: routes istiod translated decide before Istio's own. */
  gatewayApi?: IstioObject[];
}

const apiContext = (ctx: DecideContext): GatewayApiContext => ({
  ...(ctx.gatewayApi ? { gatewayApi: ctx.gatewayApi } : {}),
  objects: ctx.objects,
  host: ctx.host,
  tls: ctx.tls,
  ...(ctx.port !== undefined ? { port: ctx.port } : {}),
  clientNamespace: ctx.clientNamespace,
  gatewayNamespace: ctx.gatewayNamespace,
  ...(ctx.gatewayLabels ? { gatewayLabels: ctx.gatewayLabels } : {}),
});

/** What decided the client sidecar's hop. */
export function sidecarDeciders(fields: HopFields, ctx: DecideContext): Decider[] {
  const out: Decider[] = [];
  if (fields.routeName === 'allow_any' || (fields.upstreamCluster === 'PassthroughCluster' && fields.routeName !== 'block_all')) {
    return [{ kind: 'MeshConfig', name: 'outboundTrafficPolicy', part: 'ALLOW_ANY' }];
  }
  if (fields.routeName === 'block_all' || fields.upstreamCluster === 'BlackHoleCluster') {
    const sidecar = ofKind(ctx.objects, 'Sidecar').find((s) => rec(s.spec.outboundTrafficPolicy).mode === 'REGISTRY_ONLY' && s.namespace === ctx.clientNamespace);
    return [sidecar ? ref(sidecar, 'Sidecar', 'REGISTRY_ONLY') : { kind: 'MeshConfig', name: 'outboundTrafficPolicy', part: 'REGISTRY_ONLY' }];
  }
  // An HTTPRoute or TLSRoute on the ServiceEntry (istiod's VirtualService bound to mesh), else Istio's own.
  const vs = gatewayApiSidecarDecider(fields, apiContext(ctx)) ?? virtualServiceRule(ctx.objects, ctx.clientNamespace, ctx.host, 'mesh', ctx.tls, ctx.port, fields.routeName);
  if (vs) out.push(vs);
  const cluster = parseCluster(fields.upstreamCluster);
  if (cluster) {
    const dr = destinationRuleSubset(ctx.objects, ctx.clientNamespace, cluster);
    if (dr) out.push(dr);
    if (hostMatches(cluster.host, ctx.host)) {
      const se = serviceEntry(ctx.objects, ctx.clientNamespace, ctx.host);
      if (se) out.push(se);
    }
  }
  return out;
}

/** What decided the egress gateway's hop. */
/**
 * Envoy's RBAC filter names the policy that denied a request in the response code details
 * (`rbac_access_denied_matched_policy[ns[NS]-policy[NAME]-rule[I]]`; `[none]`: no ALLOW policy matched).
 */
export function deniedBy(details: string | undefined): Decider | undefined {
  // [none]: the ALLOW policies on it (which ones, the log does not say) have no rule for the request.
  if (details === 'rbac_access_denied_matched_policy[none]') return { kind: 'AuthorizationPolicy', name: '', part: 'ALLOW: no rule matched' };
  const m = /^rbac_access_denied_matched_policy\[ns\[([^\]]+)\]-policy\[([^\]]+)\]-rule\[(\d+)\]\]$/.exec(details ?? '');
  return m ? { kind: 'AuthorizationPolicy', namespace: m[1], name: m[2], part: `rules[${m[3]}] DENY` } : undefined;
}

export function gatewayDeciders(fields: HopFields, ctx: DecideContext): Decider[] {
  const out: Decider[] = [];
  // An authorization policy that denied the request decided it before any route (the waypoint's 403).
  const denied = deniedBy(fields.responseCodeDetails);
  if (denied) return [denied];
  // The gateway istiod deployed for a Gateway of class istio: its listener and the route bound to it.
  const api = gatewayApiGatewayDeciders(fields, apiContext(ctx));
  const shared =
    !api && ctx.gatewayLabels && ctx.port !== undefined
      ? answeringGateway({
          objects: ctx.objects,
          ...(ctx.others ? { others: ctx.others } : {}),
          ...(ctx.othersUnreadable ? { othersUnreadable: true } : {}),
          gatewayLabels: ctx.gatewayLabels,
          gatewayNamespace: ctx.gatewayNamespace,
          clientNamespace: ctx.clientNamespace,
          host: ctx.host,
          port: ctx.port,
          tls: ctx.tls,
          ...(fields.routeName && fields.routeName !== '-' ? { routeName: fields.routeName } : {}),
        })
      : undefined;
  const server = shared || api ? undefined : gatewayServer(ctx.objects, ctx.host, ctx.port, ctx.gatewayNamespace);
  if (api) out.push(...api);
  else if (shared) {
    out.push(shared.gateway);
    if (shared.rule) out.push(shared.rule);
  } else if (server) {
    out.push(server.decider);
    const gatewayName = `${server.gateway.namespace}/${server.gateway.name}`;
    const vs = virtualServiceRule(ctx.objects, server.gateway.namespace, ctx.host, gatewayName, ctx.tls, ctx.port, fields.routeName);
    if (vs) out.push(vs);
  }
  const cluster = parseCluster(fields.upstreamCluster);
  if (cluster && hostMatches(cluster.host, ctx.host)) {
    const dr = destinationRuleSubset(ctx.objects, ctx.gatewayNamespace, cluster);
    if (dr) out.push(dr);
    const se = serviceEntry(ctx.objects, ctx.clientNamespace, ctx.host);
    if (se) out.push(se);
  }
  return out;
}
