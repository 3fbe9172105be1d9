// The Gateway API on the practice cluster: its CRDs installed per release channel (as
// `kubectl apply -f standard-install.yaml` / `experimental-install.yaml` would), the GatewayClasses
// istiod creates, and istiod's switch for the alpha kinds (PILOT_ENABLE_ALPHA_GATEWAY_API, which
// TLSRoute needs). The controllers that act on the objects live in gateway-deployment.ts.

import type { IstioKind } from '../schema/index.js';
import type { Api } from './api.js';
import { setIstiodEnv } from './istiod-env.js';
import type { KObject } from './store.js';

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
export type GatewayApiInstall = 'none' | 'standard' | 'experimental';
export const ALPHA_GATEWAY_API_ENV = 'PILOT_ENABLE_ALPHA_GATEWAY_API';
const CRD_RES = { group: 'apiextensions.k8s.io', plural: 'customresourcedefinitions' };
const MANAGER = 'pilot-discovery';

/** Where the CRDs and kinds of a channel come from (the shipped extract, src/schema). */
export interface GatewayApiSource {
  kinds(channel: 'standard' | 'experimental'): IstioKind[];
  crds(channel: 'standard' | 'experimental'): Record<string, unknown>[];
}

/** The GatewayClasses istiod creates when the Gateway API is installed, with their controllers. */
export const ISTIO_GATEWAY_CLASSES = [
  { name: 'istio', controllerName: 'istio.io/gateway-controller', description: 'The default Istio GatewayClass' },
  { name: 'istio-remote', controllerName: 'istio.io/unmanaged-gateway', description: 'Remote to this cluster. Does not deploy or affect configuration.' },
  { name: 'istio-waypoint', controllerName: 'istio.io/mesh-controller', description: 'The default Istio waypoint GatewayClass' },
];

/** Installs (or uninstalls) the Gateway API CRDs of a channel; uninstalling deletes every object of their kinds, as deleting a CRD does. */
export function installGatewayApi(api: Api, install: GatewayApiInstall, source: GatewayApiSource): void {
  const before = api.registry.all.filter((r) => r.group === GATEWAY_API_GROUP);
  const kinds = install === 'none' ? [] : source.kinds(install);
  for (const r of before) {
    if (kinds.some((k) => k.kind === r.kind)) continue;
    for (const o of api.store.list(r)) api.store.delete(r, o.metadata.namespace, o.metadata.name);
  }
  api.registry.serveGroup(GATEWAY_API_GROUP, kinds);
  const wanted = install === 'none' ? [] : (source.crds(install) as unknown as KObject[]);
  for (const crd of api.store.list(CRD_RES)) {
    if ((crd.spec as { group?: string } | undefined)?.group !== GATEWAY_API_GROUP) continue;
    const next = wanted.find((w) => w.metadata.name === crd.metadata.name);
    if (!next) api.store.delete(CRD_RES, undefined, crd.metadata.name);
    else if (JSON.stringify(next.metadata.annotations) !== JSON.stringify(crd.metadata.annotations)) api.store.update(CRD_RES, { ...next, metadata: { ...next.metadata, resourceVersion: crd.metadata.resourceVersion, uid: crd.metadata.uid, creationTimestamp: crd.metadata.creationTimestamp } });
  }
  for (const crd of wanted) if (!api.store.get(CRD_RES, undefined, crd.metadata.name)) api.store.create(CRD_RES, structuredClone(crd));
  if (install !== 'none') ensureGatewayClasses(api);
}

function ensureGatewayClasses(api: Api): void {
  const res = api.registry.byKind(GATEWAY_API_GROUP, 'GatewayClass');
  if (!res) return;
  for (const c of ISTIO_GATEWAY_CLASSES) {
    if (api.store.get(res, undefined, c.name)) continue;
    const created = api.create({ res, version: 'v1', namespace: undefined }, { apiVersion: `${GATEWAY_API_GROUP}/v1`, kind: 'GatewayClass', metadata: { name: c.name }, spec: { controllerName: c.controllerName, description: c.description } }, { dryRun: false, fieldManager: MANAGER });
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    api.store.update(res, { ...created, status: { conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Handled by Istio controller', observedGeneration: 1, lastTransitionTime: now }] } });
  }
}

/** istiod's PILOT_ENABLE_ALPHA_GATEWAY_API: without it istiod ignores TLSRoute, TCPRoute and the other alpha kinds. */
export function setAlphaGatewayApi(api: Api, on: boolean): void {
  setIstiodEnv(api, ALPHA_GATEWAY_API_ENV, on ? 'true' : undefined);
}

/** Whether istiod serves the alpha Gateway API kinds, read from its Deployment as the mesh model and pre-flight see it. */
export function alphaGatewayApiEnabled(istiod: KObject | undefined): boolean {
  const containers = ((istiod?.spec as { template?: { spec?: { containers?: { name?: string; env?: { name: string; value?: string }[] }[] } } } | undefined)?.template?.spec?.containers) ?? [];
  const env = containers.find((c) => c.name === 'discovery')?.env ?? [];
  return env.some((e) => e.name === ALPHA_GATEWAY_API_ENV && e.value === 'true');
}

