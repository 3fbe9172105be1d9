// Which Gateway really answers on a gateway several namespaces share. Gateways whose selector
// picks the gateway pods and that claim the same host and port are merged by pilot (IST0145):
// the oldest keeps the host, and the routes of every VirtualService bound to any of them follow
// each other oldest first, so the first that matches answers, whoever wrote it. Pure: the objects
// of other namespaces are whatever the engine could list (none, when the learner may not).

import type { FactObject } from '../cluster/port.js';
import { gatewayServers, gatewayTlsFilterChains, lookupGatewayHttpRoute, pickFilterChain, virtualServicesForGateway, type GatewayServer } from '../mesh/istioConfig.js';
import type { IstioObject, MeshPod, MeshState } from '../mesh/types.js';
import { hostMatches } from './hosts.js';
import type { Decider } from './model.js';

const KINDS = new Set<string>(['ServiceEntry', 'Gateway', 'VirtualService', 'DestinationRule', 'Sidecar']);

export interface SharedGatewayInput {
  /** Objects the client namespace sees, and those of other namespaces when they could be listed. */
  objects: FactObject[];
  others?: FactObject[];
  /** True when other namespaces' objects could not (all) be listed. */
  othersUnreadable?: boolean;
  /** The gateway pod's labels (the one that logged the request, or any of the workload). */
  gatewayLabels: Record<string, string>;
  gatewayNamespace: string;
  clientNamespace: string;
  host: string;
  port: number;
  tls: boolean;
  /** The route name the gateway logged (HTTP): names the answering route exactly. */
  routeName?: string;
}

export interface SharedGatewayAnswer {
  gateway: Decider;
  /** The VirtualService rule of the merged routes that answered, when one did. */
  rule?: Decider;
}

const toIstio = (o: FactObject): IstioObject => ({ kind: o.kind as IstioObject['kind'], name: o.name, namespace: o.namespace, spec: o.spec ?? {}, ...(o.created ? { created: o.created } : {}) });
const key = (o: { namespace: string; name: string }) => `${o.namespace}/${o.name}`;

function serverPart(server: GatewayServer): string {
  const protocol = server.protocol;
  return `server ${server.port}/${protocol}${server.tls && server.tlsMode ? ` ${server.tlsMode}` : ''}`;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const qualified = (g: string, ns: string) => (g.includes('/') ? g : `${ns}/${g}`);

/** The rule of a VirtualService's section the answer came from: by its logged name, else the first bound to these Gateways (and SNI). */
function ruleOf(vs: IstioObject, section: 'http' | 'tls', routeName: string | undefined, host: string, bindings: Set<string>): Decider {
  const routes = (Array.isArray(vs.spec[section]) ? vs.spec[section] : []) as Record<string, unknown>[];
  const vsGateways = strings(vs.spec.gateways).map((g) => qualified(g, vs.namespace));
  let index = routeName ? routes.findIndex((r) => r?.name === routeName) : -1;
  if (index < 0)
    index = routes.findIndex((r) => {
      const matches = (Array.isArray(r?.match) ? r.match : []) as Record<string, unknown>[];
      if (matches.length === 0) return vsGateways.some((g) => bindings.has(g));
      return matches.some((m) => {
        const own = strings(m.gateways).map((g) => qualified(g, vs.namespace));
        if (!(own.length > 0 ? own : vsGateways).some((g) => bindings.has(g))) return false;
        return section === 'http' || strings(m.sniHosts).some((h) => hostMatches(h, host));
      });
    });
  const part = index >= 0 ? `${section}[${index}]${routeName && section === 'http' ? ` "${routeName}"` : ''}` : undefined;
  return { kind: 'VirtualService', name: vs.name, namespace: vs.namespace, ...(part ? { part } : {}) };
}

/**
 * The Gateway (and the route) that answered the request on this gateway workload, or undefined
 * when no Gateway claims the host and port. `also` names the other claimants (they lose the host);
 * `mayBeOther` says that other namespaces could not be listed on a shared gateway.
 */
export function answeringGateway(i: SharedGatewayInput): SharedGatewayAnswer | undefined {
  const seen = new Map<string, FactObject>();
  for (const o of [...i.objects, ...(i.others ?? [])]) if (KINDS.has(o.kind)) seen.set(`${o.kind}/${key(o)}`, o);
  const state: MeshState = { istioNamespace: i.gatewayNamespace, meshConfig: { outboundTrafficPolicy: 'ALLOW_ANY' }, objects: [...seen.values()].map(toIstio), pods: [], services: [] };
  const pod: MeshPod = { namespace: i.gatewayNamespace, name: 'gateway', labels: i.gatewayLabels, ip: '', hasSidecar: false, ready: true, gateway: true };
  const servers = gatewayServers(state, pod, i.port).filter((s) => s.tls === i.tls);
  const claiming = servers.filter((s) => s.hosts.some((h) => hostMatches(h.host, i.host)));
  if (claiming.length === 0) return undefined;
  const winner = claiming[0]; // oldest Gateway first
  const claimants = [...new Set(claiming.map((s) => s.gateway))];
  const shared = i.gatewayNamespace !== i.clientNamespace;
  const gateway: Decider = {
    kind: 'Gateway',
    name: winner.gateway.name,
    namespace: winner.gateway.namespace,
    part: serverPart(winner),
    ...(claimants.length > 1 ? { also: claimants.slice(1).map(key), claim: `${i.host}:${i.port}` } : {}),
    ...(shared && i.othersUnreadable ? { mayBeOther: true } : {}),
  };

  let rule: Decider | undefined;
  const bindings = new Set(claiming.map((s) => s.binding));
  if (i.tls) {
    const chain = pickFilterChain(gatewayTlsFilterChains(state, i.gatewayNamespace, servers, i.port), i.host);
    if (chain) rule = ruleOf(chain.choice.vs, 'tls', chain.choice.routeName, i.host, bindings);
  } else {
    // The logged route name is exact: the first route by that name in the merged order.
    const merged = claiming.flatMap((s) => virtualServicesForGateway(state, i.gatewayNamespace, s.binding));
    const named = i.routeName ? merged.find((vs) => (Array.isArray(vs.spec.http) ? vs.spec.http : []).some((r: { name?: unknown }) => r?.name === i.routeName)) : undefined;
    if (named) rule = ruleOf(named, 'http', i.routeName, i.host, bindings);
    else {
      const found = lookupGatewayHttpRoute(state, i.gatewayNamespace, servers, i.host, { port: i.port, path: '/', method: 'GET', headers: () => undefined });
      if (found.kind === 'route') rule = ruleOf(found.choice.vs, 'http', found.choice.routeName, i.host, bindings);
    }
  }
  return { gateway, ...(rule ? { rule } : {}) };
}
