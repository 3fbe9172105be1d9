// istiod's Gateway API controllers (pilot's deployment controller and status writer): for each
// Gateway of class istio a ServiceAccount, Deployment and Service named `<name>-istio` in its
// namespace, owned by it (the Service's type from the annotation networking.istio.io/service-type,
// LoadBalancer by default); the Gateway's status (Accepted, Programmed with the address, each
// listener's attached routes); each route's status per parent (Accepted, ResolvedRefs). What it
// deployed goes when its Gateway goes, as the garbage collector would remove owned objects.

import { proxyDeployment } from './istiod-deployment.js';
import type { Api } from './api.js';
import { isPodReady } from './controllers.js';
import { GATEWAY_API_GROUP } from './gateway-api.js';
import { buildMeshState, gatewayApiInput } from './mesh-state.js';
import type { KObject } from './store.js';
import { StoreController } from './store-controller.js';
import { GATEWAY_NAME_LABEL, ISTIO_GATEWAY_CLASS, translateGatewayApi, type Condition, type GatewayApiResult } from '../mesh/gatewayApi.js';

const MANAGER = 'pilot-discovery';
const MANAGED_LABEL = 'gateway.istio.io/managed';
const MANAGED_BY = 'istio.io-gateway-controller';
const WAYPOINT_MANAGED_BY = 'istio.io-mesh-controller';
const SERVICE_TYPE_ANNOTATION = 'networking.istio.io/service-type';
const CONTROLLER_NAME = 'istio.io/gateway-controller';

type Spec = Record<string, unknown>;
const listenersOf = (gw: KObject) => (((gw.spec as Spec | undefined)?.listeners as Spec[] | undefined) ?? []);

/** The objects istiod deploys for a Gateway of class istio (names, labels and ports as pilot's kube-gateway template). */
export function gatewayObjects(gw: KObject): KObject[] {
  const name = gw.metadata.name;
  const deployed = `${name}-istio`;
  const namespace = gw.metadata.namespace ?? 'default';
  const owner = [{ apiVersion: gw.apiVersion, kind: 'Gateway', name, uid: gw.metadata.uid ?? '', controller: true }];
  const labels = { [MANAGED_LABEL]: MANAGED_BY, 'gateway.networking.k8s.io/gateway-class-name': ISTIO_GATEWAY_CLASS, [GATEWAY_NAME_LABEL]: name, 'istio.io/dataplane-mode': 'none' };
  const serviceType = gw.metadata.annotations?.[SERVICE_TYPE_ANNOTATION] ?? 'LoadBalancer';
  const annotations = gw.metadata.annotations?.[SERVICE_TYPE_ANNOTATION] ? { [SERVICE_TYPE_ANNOTATION]: serviceType } : undefined;
  const meta = () => ({ name: deployed, namespace, labels: { ...labels }, ...(annotations ? { annotations: { ...annotations } } : {}), ownerReferences: owner });
  // pilot: one Service port per distinct listener port, named after the listener, appProtocol its protocol.
  const seen = new Set<number>();
  const ports: Spec[] = [{ name: 'status-port', port: 15021, protocol: 'TCP', appProtocol: 'tcp', targetPort: 15021 }];
  for (const l of listenersOf(gw)) {
    const port = Number(l.port);
    if (!Number.isInteger(port) || seen.has(port)) continue;
    seen.add(port);
    ports.push({ name: String(l.name ?? `port-${port}`).replace(/\./g, '-').slice(0, 63), port, protocol: 'TCP', appProtocol: String(l.protocol ?? 'HTTP').toLowerCase(), targetPort: port });
  }
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta() },
    proxyDeployment({
      metadata: meta(),
      gateway: name,
      name: deployed,
      mode: 'router',
      labels,
      annotations: { 'istio.io/rev': 'default', 'prometheus.io/path': '/stats/prometheus', 'prometheus.io/port': '15020', 'prometheus.io/scrape': 'true' },
      ports: [{ containerPort: 15020, name: 'metrics', protocol: 'TCP' }, { containerPort: 15021, name: 'status-port', protocol: 'TCP' }, { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    }),
    { apiVersion: 'v1', kind: 'Service', metadata: meta(), spec: { type: serviceType, selector: { [GATEWAY_NAME_LABEL]: name }, ports } },
  ];
}

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Conditions as the API shows them, keeping lastTransitionTime while a condition's status holds. */
function toConditions(list: Condition[], old: { type: string; status: string; lastTransitionTime?: string }[] | undefined, generation: number): Spec[] {
  return list.map((c) => {
    const status = c.ok ? 'True' : 'False';
    const prev = old?.find((o) => o.type === c.type);
    return { type: c.type, status, reason: c.reason, message: c.message, observedGeneration: generation, lastTransitionTime: prev?.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : now() };
  });
}

const withoutTimes = (s: unknown) => JSON.stringify(s ?? null, (k, v) => (k === 'lastTransitionTime' ? undefined : v));

export class GatewayDeploymentController extends StoreController {
  /** A Gateway API object changed since the last reconcile (a deleted Gateway leaves orphans). */
  private gatewayApiChanged = true;

  constructor(private readonly api: Api) {
    super(api.store, (e) => {
      if (e.group === GATEWAY_API_GROUP) this.gatewayApiChanged = true;
      return e.group === GATEWAY_API_GROUP || (e.group === '' && (e.plural === 'pods' || e.plural === 'services')) || (e.group === 'networking.istio.io' && e.plural === 'serviceentries') || (e.group === 'apps' && e.plural === 'deployments');
    });
  }

  reconcile(): void {
    const gwRes = this.api.registry.byKind(GATEWAY_API_GROUP, 'Gateway');
    const gateways = gwRes ? this.api.store.list(gwRes) : [];
    // A busy class writes pods and services all the time: the full pass only when there is
    // Gateway API state to keep (a Gateway or route), or when such an object just changed.
    const changed = this.gatewayApiChanged;
    this.gatewayApiChanged = false;
    if (changed) this.collectOrphans(gateways);
    if (!gwRes) return;
    const routeKinds = this.api.registry.all.filter((r) => r.group === GATEWAY_API_GROUP && r.kind.endsWith('Route'));
    if (gateways.length === 0 && !changed && routeKinds.every((r) => this.api.store.list(r).length === 0)) return;
    for (const gw of gateways) {
      if ((gw.spec as Spec | undefined)?.gatewayClassName !== ISTIO_GATEWAY_CLASS) continue;
      for (const obj of gatewayObjects(gw)) this.ensure(obj);
    }
    const state = buildMeshState(this.api.store, this.api.registry);
    const result = translateGatewayApi(gatewayApiInput(this.api.store, this.api.registry, state.objects.filter((o) => !o.generatedFrom), state.services));
    for (const gw of gateways) if ((gw.spec as Spec | undefined)?.gatewayClassName === ISTIO_GATEWAY_CLASS) this.writeGatewayStatus(gwRes, gw, result);
    this.writeRouteStatus(result);
  }

  /** Deletes what istiod deployed for a Gateway (or a waypoint) that no longer exists. */
  private collectOrphans(gateways: KObject[]): void {
    const uids = new Set(gateways.map((g) => g.metadata.uid));
    for (const [group, kind] of [['apps', 'Deployment'], ['', 'Service'], ['', 'ServiceAccount']] as const) {
      const res = this.api.registry.byKind(group, kind);
      if (!res) continue;
      for (const o of this.api.store.list(res)) {
        const managed = o.metadata.labels?.[MANAGED_LABEL];
        if (managed !== MANAGED_BY && managed !== WAYPOINT_MANAGED_BY) continue;
        const owner = o.metadata.ownerReferences?.find((r) => r.kind === 'Gateway');
        if (owner && !uids.has(owner.uid)) this.api.store.delete(res, o.metadata.namespace, o.metadata.name);
      }
    }
  }

  private ensure(obj: KObject): void {
    const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
    const res = this.api.registry.byKind(group, obj.kind);
    if (!res) return;
    const existing = this.api.store.get(res, obj.metadata.namespace, obj.metadata.name);
    if (!existing) {
      this.api.create({ res, version, namespace: obj.metadata.namespace }, obj, { dryRun: false, fieldManager: MANAGER });
      return;
    }
    // A listener added or removed changes the Service's ports; the type follows the annotation.
    if (obj.kind === 'Service') {
      const want = obj.spec as Spec;
      const have = (existing.spec ?? {}) as Spec;
      if (JSON.stringify(want.ports) !== JSON.stringify((have.ports as Spec[] | undefined)?.map(({ nodePort: _n, ...p }) => p)) || want.type !== have.type) {
        this.api.store.update(res, { ...existing, spec: { ...have, type: want.type, ports: want.ports } });
      }
    }
  }

  private writeGatewayStatus(gwRes: NonNullable<ReturnType<Api['registry']['byKind']>>, gw: KObject, result: GatewayApiResult): void {
    const ns = gw.metadata.namespace ?? 'default';
    const name = gw.metadata.name;
    const svcName = `${name}-istio`;
    const host = `${svcName}.${ns}.svc.cluster.local`;
    const ready = this.api.store.list({ group: '', plural: 'pods' }, ns).filter((p) => p.metadata.labels?.[GATEWAY_NAME_LABEL] === name).some(isPodReady);
    const service = this.api.store.get({ group: '', plural: 'services' }, ns, svcName);
    const svcSpec = (service?.spec ?? {}) as Spec;
    const ip = typeof svcSpec.clusterIP === 'string' ? svcSpec.clusterIP : undefined;
    const ports = [...new Set(listenersOf(gw).map((l) => Number(l.port)))];
    const internal = ready ? ports.map((p) => `${host}:${p}`) : [];
    const join = (ss: string[]) => (ss.length <= 2 ? ss.join(' and ') : `${ss.slice(0, -1).join(', ')}, and ${ss[ss.length - 1]}`);
    // pilot: no ready endpoints, or a LoadBalancer still waiting for its address, is not Programmed.
    const warnings = !ready ? [`no instances found for hostname "${host}"`] : svcSpec.type === 'LoadBalancer' ? [`address pending for hostname "${host}"`] : [];
    const programmed: Condition = warnings.length === 0
      ? { type: 'Programmed', ok: true, reason: 'Programmed', message: `Resource programmed, assigned to service(s) ${join(internal)}` }
      : { type: 'Programmed', ok: false, reason: 'AddressNotAssigned', message: internal.length ? `Assigned to service(s) ${join(internal)}, but failed to assign to all requested addresses: ${warnings.join('; ')}` : `Failed to assign to any requested addresses: ${warnings.join('; ')}` };
    const old = (gw.status ?? {}) as { conditions?: { type: string; status: string; lastTransitionTime?: string }[]; listeners?: { name: string; conditions?: { type: string; status: string; lastTransitionTime?: string }[] }[] };
    const generation = gw.metadata.generation ?? 1;
    const listeners = (result.listeners.get(`${ns}/${name}`) ?? []).map((l) => ({
      name: l.name,
      attachedRoutes: l.attachedRoutes,
      conditions: toConditions([
        { type: 'Accepted', ok: true, reason: 'Accepted', message: 'No errors found' },
        { type: 'Conflicted', ok: false, reason: 'NoConflicts', message: 'No errors found' },
        { type: 'Programmed', ok: true, reason: 'Programmed', message: 'No errors found' },
        { type: 'ResolvedRefs', ok: true, reason: 'ResolvedRefs', message: 'No errors found' },
      ], old.listeners?.find((x) => x.name === l.name)?.conditions, generation),
      supportedKinds: l.supportedKinds.map((kind) => ({ group: GATEWAY_API_GROUP, kind })),
    }));
    const status = {
      ...(ip && ready ? { addresses: [{ type: 'IPAddress', value: ip }] } : {}),
      conditions: toConditions([{ type: 'Accepted', ok: true, reason: 'Accepted', message: 'Resource accepted' }, programmed], old.conditions, generation),
      ...(listeners.length ? { listeners } : {}),
    };
    if (withoutTimes(status) !== withoutTimes(gw.status)) this.api.store.update(gwRes, { ...gw, status });
  }

  private writeRouteStatus(result: GatewayApiResult): void {
    for (const [key, parents] of result.routeParents) {
      const [kind, ns, name] = key.split('/');
      const res = this.api.registry.byKind(GATEWAY_API_GROUP, kind);
      const route = res ? this.api.store.get(res, ns, name) : undefined;
      if (!res || !route) continue;
      const old = ((route.status as Spec | undefined)?.parents as { parentRef: Spec; conditions?: { type: string; status: string; lastTransitionTime?: string }[] }[] | undefined) ?? [];
      const generation = route.metadata.generation ?? 1;
      const status = {
        parents: parents.map((p) => ({
          conditions: toConditions(p.conditions, old.find((o) => JSON.stringify(o.parentRef) === JSON.stringify(p.parentRef))?.conditions, generation),
          controllerName: CONTROLLER_NAME,
          parentRef: p.parentRef,
        })),
      };
      if (withoutTimes(status) !== withoutTimes(route.status)) this.api.store.update(res, { ...route, status });
    }
  }
}
