// istiod's waypoint deployment (pilot's gateway deployment controller, class istio-waypoint): for
// each Gateway of that class it creates a ServiceAccount, a Deployment and a Service named after
// the Gateway in its namespace, owned by it, and reports Accepted and Programmed in its status
// (Programmed once a waypoint pod is Ready), so `kubectl wait --for=condition=Programmed` works.
// Runs only when the Gateway API kinds are served (the Gateway API CRDs installed).

import { proxyDeployment } from './istiod-deployment.js';
import type { Api } from './api.js';
import { isPodReady } from './controllers.js';
import type { KObject } from './store.js';
import { StoreController } from './store-controller.js';

export const WAYPOINT_CLASS = 'istio-waypoint';
const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const MANAGER = 'pilot-discovery';
const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/** The objects istiod deploys for a waypoint Gateway (names and labels as pilot's waypoint template). */
export function waypointObjects(gw: KObject): KObject[] {
  const name = gw.metadata.name;
  const namespace = gw.metadata.namespace ?? 'default';
  const owner = [{ apiVersion: gw.apiVersion, kind: 'Gateway', name, uid: gw.metadata.uid ?? '', controller: true }];
  const selector = { [GATEWAY_NAME_LABEL]: name };
  const labels = { [GATEWAY_NAME_LABEL]: name, 'gateway.istio.io/managed': 'istio.io-mesh-controller', 'istio.io/dataplane-mode': 'none' };
  const meta = (extra: Record<string, string> = {}) => ({ name, namespace, labels: { ...labels, ...extra }, ownerReferences: owner });
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta() },
    proxyDeployment({
      metadata: meta(),
      gateway: name,
      name,
      mode: 'waypoint',
      labels,
      annotations: { 'istio.io/rev': 'default' },
      ports: [{ containerPort: 15008, name: 'mesh', protocol: 'TCP' }, { containerPort: 15021, name: 'status-port', protocol: 'TCP' }, { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    }),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(),
      spec: { type: 'ClusterIP', selector, ports: [{ name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021 }, { name: 'mesh', port: 15008, protocol: 'TCP', targetPort: 15008 }] },
    },
  ];
}

export class WaypointController extends StoreController {
  constructor(private readonly api: Api) {
    super(api.store, (e) => (e.group === GATEWAY_GROUP && e.plural === 'gateways') || (e.group === '' && e.plural === 'pods') || (e.group === '' && e.plural === 'services'));
  }

  reconcile(): void {
    const gwRes = this.api.registry.byKind(GATEWAY_GROUP, 'Gateway');
    if (!gwRes) return; // no Gateway API CRDs: istiod deploys nothing
    for (const gw of this.api.store.list(gwRes)) {
      if ((gw.spec as Record<string, unknown> | undefined)?.gatewayClassName !== WAYPOINT_CLASS) continue;
      for (const obj of waypointObjects(gw)) this.ensure(obj);
      this.writeStatus(gwRes, gw);
    }
  }

  private ensure(obj: KObject): void {
    const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
    const res = this.api.registry.byKind(group, obj.kind);
    if (!res || this.api.store.get(res, obj.metadata.namespace, obj.metadata.name)) return;
    this.api.create({ res, version, namespace: obj.metadata.namespace }, obj, { dryRun: false, fieldManager: MANAGER });
  }

  private writeStatus(gwRes: NonNullable<ReturnType<Api['registry']['byKind']>>, gw: KObject): void {
    const ns = gw.metadata.namespace ?? 'default';
    const name = gw.metadata.name;
    const pods = this.api.store.list({ group: '', plural: 'pods' }, ns).filter((p) => p.metadata.labels?.[GATEWAY_NAME_LABEL] === name);
    const ready = pods.some(isPodReady);
    const service = this.api.store.get({ group: '', plural: 'services' }, ns, name);
    const ip = (service?.spec as Record<string, unknown> | undefined)?.clusterIP;
    const old = (gw.status ?? {}) as { conditions?: { type: string; status: string; lastTransitionTime?: string }[] };
    const generation = gw.metadata.generation ?? 1;
    const condition = (type: string, ok: boolean, reason: string, message: string) => {
      const prev = old.conditions?.find((c) => c.type === type);
      const status = ok ? 'True' : 'False';
      return { type, status, reason, message, observedGeneration: generation, lastTransitionTime: prev?.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') };
    };
    const conditions = [
      condition('Accepted', true, 'Accepted', 'Resource accepted'),
      ready ? condition('Programmed', true, 'Programmed', 'Resource programmed, assigned to service(s) ' + `${name}.${ns}.svc.cluster.local:15008`) : condition('Programmed', false, 'NoResources', `Deployment ${ns}/${name} has no ready pods`),
    ];
    const listeners = ((gw.spec as Record<string, unknown>).listeners as { name?: string }[] | undefined ?? []).map((l) => ({
      name: l.name ?? 'mesh',
      attachedRoutes: 0,
      supportedKinds: [],
      conditions: [condition('Accepted', true, 'Accepted', 'No errors found'), condition('Programmed', ready, ready ? 'Programmed' : 'Pending', ready ? 'No errors found' : 'Waiting for a ready waypoint pod'), condition('ResolvedRefs', true, 'ResolvedRefs', 'No errors found')],
    }));
    const status = { ...(typeof ip === 'string' ? { addresses: [{ type: 'IPAddress', value: ip }] } : {}), conditions, ...(listeners.length ? { listeners } : {}) };
    const strip = (s: unknown) => JSON.stringify(s, (k, v) => (k === 'lastTransitionTime' ? undefined : v));
    if (strip(status) !== strip(gw.status)) this.api.store.update(gwRes, { ...gw, status });
  }
}
