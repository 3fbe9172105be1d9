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
import { loadState, STATE_FORMAT, StateSaver } from './persist.js';
import type { IstioKind } from '../schema/index.js';
import { ResourceRegistry } from './resources.js';
import { PracticeServer } from './server.js';
import { Store, type KObject } from './store.js';
import type { PracticeCluster, PracticeKnobs, PracticeOptions } from './types.js';
import type { CommandContext, CommandResult } from '../mesh/types.js';

export interface PracticeDeps {
  istioKinds: () => IstioKind[];
  schema: SchemaValidation;
  /** CustomResourceDefinition objects to serve read-only under apiextensions.k8s.io/v1. */
  crds?: () => Record<string, unknown>[];
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
  const api = new Api(store, registry, deps.schema, admission.admit);
  api.podTerminationGraceMs = () => knobs.podTerminationGraceMs ?? 0;
  const logs = new PodLogs();
  const controllers = new Controllers(api, store, logs, { podReadyDelayMs: () => knobs.podReadyDelayMs });

  const saved = options.stateFile ? await loadState(options.stateFile) : undefined;
  if (saved) {
    store.restore(saved.store);
    logs.restore(saved.logs);
    admission.skipUsedServiceIps(store.list({ group: '', plural: 'services' }));
    controllers.resume();
    // Knobs given explicitly win over the saved state, as a reinstall with those flags would.
    const installKnobs = ['egressGateway', 'accessLog', 'outboundPolicy', 'injection'] as const;
    if (installKnobs.some((k) => options.knobs?.[k] !== undefined)) applyKnobs(api, knobs);
  } else {
    seedCluster(api, knobs);
    controllers.settleNow();
  }
  for (const crd of deps.crds?.() ?? []) {
    const obj = crd as unknown as KObject;
    if (!store.get(CRD_RES, undefined, obj.metadata.name)) store.create(CRD_RES, obj);
  }

  let saver: StateSaver | undefined;
  let unsubscribeSaver: () => void = () => undefined;
  if (options.stateFile) {
    saver = new StateSaver(options.stateFile, () => ({ format: STATE_FORMAT, savedAt: new Date().toISOString(), store: store.snapshot(), logs: logs.snapshot() }));
    unsubscribeSaver = store.subscribe(() => saver?.changed());
    saver.changed();
  }

  const token = randomBytes(32).toString('base64url');
  const tls = generateServingCertificate();
  const server = new PracticeServer({ api, logs, token, tls, knobs: () => knobs, runCommand: deps.runCommand });
  let bound: { host: string; port: number };
  try {
    bound = await server.listen(host, options.port ?? 0);
  } catch (e) {
    controllers.stop();
    unsubscribeSaver();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`Port ${options.port} on ${host} is already in use; choose another port or leave it out for a random one.`);
    throw new Error(`The practice cluster cannot listen on ${host}:${options.port ?? 0} (${code ?? (e as Error).message}); choose another port or leave it out.`);
  }
  const url = `https://${bound.host.includes(':') ? `[${bound.host}]` : bound.host}:${bound.port}`;
  let stopped = false;

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
      if (before.egressGateway !== knobs.egressGateway || before.accessLog !== knobs.accessLog || before.outboundPolicy !== knobs.outboundPolicy || before.injection !== knobs.injection) {
        applyKnobs(api, knobs);
      }
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      controllers.stop();
      api.stopTerminations();
      unsubscribeSaver();
      await server.close();
      await saver?.flush();
    },
  };
}
