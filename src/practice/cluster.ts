// Assembles a practice cluster: store, API semantics, admission, controllers, logs, HTTP server,
// knobs and optional state file. `index.ts` wires in the real schema validator and mesh model.

import { randomBytes } from 'node:crypto';
import { Api, type SchemaValidation } from './api.js';
import { generateServingCertificate } from './certs.js';
import { Admission } from './admission.js';
import { applyKnobs, seedCluster } from './cluster-state.js';
import { Controllers } from './controllers.js';
import { CONTEXT_NAME, kubeconfigYaml, writePrivateFile } from './kubeconfig.js';
import { DEFAULT_KNOBS, mergeKnobs } from './knobs.js';
import { PodLogs } from './logs.js';
import { loadState, STATE_FORMAT, StateSaver, type SavedIdentity } from './persist.js';
import type { IstioKind } from '../schema/index.js';
import { ResourceRegistry } from './resources.js';
import { PracticeServer } from './server.js';
import { Store, type KObject } from './store.js';
import { Authorizer } from './authz.js';
import { bootstrapPolicy } from './rbac-bootstrap.js';
import { StorePolicy } from './rbac-store.js';
import { ClusterRoleAggregator } from './rbac-aggregation.js';
import { TokenSecrets } from './token-secrets.js';
import { WaypointController } from './waypoint.js';
import { GatewayDeploymentController } from './gateway-deployment.js';
import { installGatewayApi, setAlphaGatewayApi, type GatewayApiSource } from './gateway-api.js';
import { defaultRbac } from './rbac-validation.js';
import { TokenRegistry } from './tokens.js';
import type { PracticeCluster, PracticeKnobs, PracticeOptions } from './types.js';
import type { CommandContext, CommandResult } from '../mesh/types.js';

export interface PracticeDeps {
  istioKinds: () => IstioKind[];
  schema: SchemaValidation;
  /** CustomResourceDefinition objects to serve read-only under apiextensions.k8s.io/v1. */
  crds?: () => Record<string, unknown>[];
  /** The Gateway API's kinds and CRDs per channel; without it the cluster never serves the Gateway API. */
  gatewayApi?: GatewayApiSource;
  runCommand: (ctx: CommandContext) => CommandResult;
}

const CRD_RES = { group: 'apiextensions.k8s.io', plural: 'customresourcedefinitions' };

export async function startPracticeClusterWith(deps: PracticeDeps, options: PracticeOptions = {}): Promise<PracticeCluster> {
  const host = options.host ?? '127.0.0.1';
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) throw new Error(`The practice cluster listens on loopback only; "${host}" is not a loopback address.`);
  let knobs: PracticeKnobs = mergeKnobs(DEFAULT_KNOBS, options.knobs);
  const store = new Store();
  const registry = new ResourceRegistry(deps.istioKinds());
  const admission = new Admission(store);
  // RBAC's v1 defaults run after admission's (kept apart from the injector's module).
  const api = new Api(store, registry, deps.schema, (res, obj, old) => {
    admission.admit(res, obj, old);
    defaultRbac(res, obj);
  });
  api.podTerminationGraceMs = () => knobs.podTerminationGraceMs ?? 0;
  api.gatewayApiChannel = () => (knobs.gatewayApi === 'standard' || knobs.gatewayApi === 'experimental' ? knobs.gatewayApi : undefined);
  const applyGatewayApi = () => {
    if (!deps.gatewayApi) return;
    installGatewayApi(api, knobs.gatewayApi ?? 'none', deps.gatewayApi);
    setAlphaGatewayApi(api, knobs.alphaGatewayApi === true);
  };
  const logs = new PodLogs();
  const tokens = new TokenRegistry();
  const controllers = new Controllers(api, store, logs, { podReadyDelayMs: () => knobs.podReadyDelayMs });

  const saved = options.stateFile ? await loadState(options.stateFile) : undefined;
  if (saved) {
    store.restore(saved.store);
    logs.restore(saved.logs);
    tokens.restore(saved.tokens);
    admission.skipUsedServiceIps(store.list({ group: '', plural: 'services' }));
    controllers.resume();
    // Knobs given explicitly win over the saved state, as a reinstall with those flags would.
    const installKnobs = ['egressGateway', 'accessLog', 'outboundPolicy', 'injection', 'ambient', 'privateRoutes'] as const;
    if (installKnobs.some((k) => options.knobs?.[k] !== undefined)) applyKnobs(api, knobs);
  } else {
    seedCluster(api, knobs);
    controllers.settleNow();
  }
  ensureBootstrapPolicy(api);
  const aggregator = new ClusterRoleAggregator(api, store);
  aggregator.reconcile();
  aggregator.reconcile(); // once more: edit feeds admin
  for (const crd of deps.crds?.() ?? []) {
    const obj = crd as unknown as KObject;
    if (!store.get(CRD_RES, undefined, obj.metadata.name)) store.create(CRD_RES, obj);
  }
  // The Gateway API's CRDs are an install choice: a restart keeps the saved cluster's unless the
  // knob is given; a file from before the choice existed gets the defaults.
  if (saved?.install?.gatewayApi !== undefined && options.knobs?.gatewayApi === undefined) knobs = { ...knobs, gatewayApi: saved.install.gatewayApi };
  if (saved?.install?.alphaGatewayApi !== undefined && options.knobs?.alphaGatewayApi === undefined) knobs = { ...knobs, alphaGatewayApi: saved.install.alphaGatewayApi };
  applyGatewayApi();

  // A restart keeps certificate, admin token and port, so kubeconfigs handed out (a class's
  // learner files) keep working; a port taken meanwhile falls back to a random one.
  const token = saved?.identity?.adminToken ?? randomBytes(32).toString('base64url');
  const tls = saved?.identity?.tls ?? generateServingCertificate();
  let identity: SavedIdentity | undefined;
  const tokenSecrets = new TokenSecrets(api, store, tokens, tls.caPem);
  tokenSecrets.reconcile();
  const waypoints = new WaypointController(api);
  waypoints.reconcile();
  const gatewayDeployments = new GatewayDeploymentController(api);
  gatewayDeployments.reconcile();
  let saver: StateSaver | undefined;
  let unsubscribeSaver: () => void = () => undefined;
  if (options.stateFile) {
    saver = new StateSaver(options.stateFile, () => ({ format: STATE_FORMAT, savedAt: new Date().toISOString(), store: store.snapshot(), logs: logs.snapshot(), tokens: tokens.snapshot(), identity, install: { gatewayApi: knobs.gatewayApi, alphaGatewayApi: knobs.alphaGatewayApi } }));
    const offStore = store.subscribe(() => saver?.changed());
    const offTokens = tokens.onChange(() => saver?.changed());
    unsubscribeSaver = () => {
      offStore();
      offTokens();
    };
    saver.changed();
  }

  const policy = new StorePolicy(store);
  const authorizer = new Authorizer(policy, () => knobs);
  const server = new PracticeServer({ api, logs, token, tokens, authorizer, tls, knobs: () => knobs, runCommand: deps.runCommand });
  let bound: { host: string; port: number };
  try {
    const savedPort = options.port === undefined ? saved?.identity?.port : undefined;
    bound = await server.listen(host, options.port ?? savedPort ?? 0).catch((e: NodeJS.ErrnoException) => {
      if (savedPort && e.code === 'EADDRINUSE') return server.listen(host, 0);
      throw e;
    });
  } catch (e) {
    controllers.stop();
    aggregator.stop();
    tokenSecrets.stop();
    waypoints.stop();
    gatewayDeployments.stop();
    unsubscribeSaver();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`Port ${options.port} on ${host} is already in use; choose another port or leave it out for a random one.`);
    throw new Error(`The practice cluster cannot listen on ${host}:${options.port ?? 0} (${code ?? (e as Error).message}); choose another port or leave it out.`);
  }
  const url = `https://${bound.host.includes(':') ? `[${bound.host}]` : bound.host}:${bound.port}`;
  let stopped = false;
  if (saver) {
    identity = { tls, adminToken: token, port: bound.port };
    saver.changed();
  }

  return {
    url,
    token,
    contextName: CONTEXT_NAME,
    kubeconfig: () => kubeconfigYaml(url, token, tls.caPem),
    async writeKubeconfig(path: string): Promise<string> {
      await writePrivateFile(path, kubeconfigYaml(url, token, tls.caPem));
      return path;
    },
    knobs: () => ({ ...knobs, deny: [...knobs.deny] }),
    requestCounts: () => structuredClone(server.counts),
    resetRequestCounts: () => {
      server.counts = { total: 0, byKind: {}, faulted: 0 };
    },
    setKnobs(patch: Partial<PracticeKnobs>): void {
      const before = knobs;
      knobs = mergeKnobs(knobs, patch);
      if (before.egressGateway !== knobs.egressGateway || before.accessLog !== knobs.accessLog || before.outboundPolicy !== knobs.outboundPolicy || before.injection !== knobs.injection || before.cni !== knobs.cni || before.ambient !== knobs.ambient || before.privateRoutes !== knobs.privateRoutes) {
        applyKnobs(api, knobs);
      }
      if (before.gatewayApi !== knobs.gatewayApi || before.alphaGatewayApi !== knobs.alphaGatewayApi) applyGatewayApi();
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      controllers.stop();
      api.stopTerminations();
      aggregator.stop();
      tokenSecrets.stop();
      waypoints.stop();
      gatewayDeployments.stop();
      unsubscribeSaver();
      policy.dispose();
      await server.close();
      await saver?.flush();
    },
  };
}

/** kube-apiserver recreates its bootstrap roles and bindings at start when they are missing. */
function ensureBootstrapPolicy(api: Api): void {
  for (const obj of bootstrapPolicy()) {
    const res = api.registry.byKind('rbac.authorization.k8s.io', obj.kind);
    if (!res || api.store.get(res, undefined, obj.metadata.name)) continue;
    api.create({ res, version: 'v1' }, obj, { dryRun: false, fieldManager: 'kube-apiserver' });
  }
}
