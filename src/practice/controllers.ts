// What kube-controller-manager and the kubelet would do: deployments make replica sets, replica
// sets make pods, pods start and become Ready after a delay, owners' deletion removes dependents,
// namespaces get their default service account and vanish with their content.

import { createHash } from 'node:crypto';
import type { Api } from './api.js';
import type { PodLogs } from './logs.js';
import { proxyStartupLines } from './logs.js';
import { clone, deepEqual } from './patch.js';
import { AUTO_IMAGE, proxyMode } from './injection.js';
import type { KObject, Store, StoreEvent } from './store.js';

/** How long before "Envoy proxy is ready" each earlier start-up line appears, last line first (ms). */
const STARTUP_OFFSETS_MS = [0, 2, 950, 955, 960, 981, 1110, 1111, 1118, 1119, 1119];

const POD = { group: '', plural: 'pods' };
const RS = { group: 'apps', plural: 'replicasets' };
const DEPLOY = { group: 'apps', plural: 'deployments' };
const SERVICE = { group: '', plural: 'services' };
const ENDPOINTS = { group: '', plural: 'endpoints' };
const SLICE = { group: 'discovery.k8s.io', plural: 'endpointslices' };
const NODE_NAME = 'practice-control-plane';
const HOST_IP = '172.18.0.2';

function stamp(d = new Date()): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** kube's pod-template-hash: a short hash in kube's safe alphabet. */
export function templateHash(template: unknown): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const digest = createHash('sha256').update(JSON.stringify(template ?? {})).digest();
  return [...digest.subarray(0, 10)].map((b) => alphabet[b % alphabet.length]).join('');
}

export interface ControllerOptions {
  podReadyDelayMs: () => number;
}

export class Controllers {
  private readonly podTimers = new Map<string, NodeJS.Timeout>();
  private readonly backoffTimers = new Set<NodeJS.Timeout>();
  private readonly podIps = new Map<string, string>();
  private nextPodIp = 10;
  private readonly unsubscribe: () => void;
  private stopped = false;
  private readonly queue: StoreEvent[] = [];
  private draining = false;
  /** The last error a controller hit (it keeps running). */
  lastError: Error | undefined;

  constructor(
    private readonly api: Api,
    private readonly store: Store,
    private readonly logs: PodLogs,
    private readonly options: ControllerOptions,
  ) {
    this.unsubscribe = store.subscribe((e) => {
      this.queue.push(e);
      if (!this.draining) queueMicrotask(() => this.drain());
    });
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    for (const t of this.podTimers.values()) clearTimeout(t);
    this.podTimers.clear();
    for (const t of this.backoffTimers) clearTimeout(t);
    this.backoffTimers.clear();
  }

  /** After a restore: restart pods that were still starting. */
  resume(): void {
    for (const pod of this.store.list(POD)) {
      const n = Number(/^10\.244\.0\.(\d+)$/.exec(String((pod.status as Record<string, unknown> | undefined)?.podIP ?? ''))?.[1] ?? 0);
      if (n >= this.nextPodIp) this.nextPodIp = n + 1;
      if ((pod.status as Record<string, unknown> | undefined)?.phase !== 'Running') this.schedulePodStart(pod);
    }
  }

  /** Handles queued events and starts every pending pod now (seeding the cluster). */
  settleNow(): void {
    this.drain();
    for (const [key, t] of [...this.podTimers]) {
      clearTimeout(t);
      this.podTimers.delete(key);
      const [ns, name] = key.split('/');
      this.startPod(ns, name, this.podIps.get(key) ?? `10.244.0.${this.nextPodIp++}`);
    }
    this.drain();
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0 && !this.stopped) {
        const e = this.queue.shift() as StoreEvent;
        try {
          this.handle(e);
        } catch (err) {
          // A controller must never take the API server down; remember it for tests and debugging.
          this.lastError = err instanceof Error ? err : new Error(String(err));
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private handle(e: StoreEvent): void {
    const o = e.object;
    if (e.type === 'DELETED') {
      this.collectDependents(o);
      if (e.group === '' && e.plural === 'namespaces') this.emptyNamespace(o.metadata.name);
      if (e.group === '' && e.plural === 'services' && this.store.get(ENDPOINTS, o.metadata.namespace, o.metadata.name)) this.store.delete(ENDPOINTS, o.metadata.namespace, o.metadata.name);
      if (e.group === '' && e.plural === 'pods') {
        const key = `${o.metadata.namespace}/${o.metadata.name}`;
        const t = this.podTimers.get(key);
        if (t) clearTimeout(t);
        this.podTimers.delete(key);
        this.logs.drop(o.metadata.namespace ?? '', o.metadata.name);
        this.reconcileOwnersOf(o);
      }
      if (e.group === '' && (e.plural === 'services' || e.plural === 'pods')) this.reconcileEndpoints(o.metadata.namespace ?? 'default');
      return;
    }
    if (e.group === '' && e.plural === 'namespaces' && e.type === 'ADDED') this.seedNamespace(o.metadata.name);
    if (e.group === '' && (e.plural === 'services' || e.plural === 'pods')) this.reconcileEndpoints(o.metadata.namespace ?? 'default');
    if (e.group === 'apps' && e.plural === 'deployments') this.reconcileDeployment(o);
    if (e.group === 'apps' && e.plural === 'replicasets') {
      this.reconcileReplicaSet(o);
      this.reconcileOwnersOf(o);
    }
    if (e.group === '' && e.plural === 'pods') {
      if (e.type === 'ADDED') this.schedulePodStart(o);
      const phaseChanged = !deepEqual((e.old?.status as Record<string, unknown> | undefined)?.phase, (o.status as Record<string, unknown> | undefined)?.phase);
      const terminating = !!o.metadata.deletionTimestamp && !e.old?.metadata.deletionTimestamp;
      if (e.type === 'ADDED' || phaseChanged || terminating) this.reconcileOwnersOf(o);
    }
  }

  /** Endpoints and EndpointSlices of every selector service in a namespace, from its Ready pods. */
  private reconcileEndpoints(namespace: string): void {
    if (!this.store.get({ group: '', plural: 'namespaces' }, undefined, namespace)) return;
    const pods = this.store.list(POD, namespace).filter((p) => (p.status as Record<string, unknown> | undefined)?.podIP);
    for (const svc of this.store.list(SERVICE, namespace)) {
      const spec = (svc.spec ?? {}) as Record<string, unknown>;
      const selector = spec.selector as Record<string, string> | undefined;
      if (!selector || Object.keys(selector).length === 0) continue;
      const members = pods.filter((p) => Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v));
      const ports = ((spec.ports as Record<string, unknown>[]) ?? []).map((sp) => {
        let port = Number(sp.targetPort ?? sp.port);
        if (typeof sp.targetPort === 'string') {
          const named = members
            .flatMap((p) => ((p.spec as Record<string, unknown>).containers as { ports?: { name?: string; containerPort: number }[] }[]) ?? [])
            .flatMap((c) => c.ports ?? [])
            .find((cp) => cp.name === sp.targetPort);
          port = named?.containerPort ?? Number(sp.port);
        }
        return { ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP' };
      });
      const address = (p: KObject) => ({
        ip: String((p.status as Record<string, unknown>).podIP),
        nodeName: (p.spec as Record<string, unknown>).nodeName,
        targetRef: { kind: 'Pod', namespace, name: p.metadata.name, uid: p.metadata.uid },
      });
      const ready = members.filter(isPodReady);
      const notReady = members.filter((p) => !isPodReady(p));
      const subsets = members.length ? [{ ...(ready.length ? { addresses: ready.map(address) } : {}), ...(notReady.length ? { notReadyAddresses: notReady.map(address) } : {}), ports }] : undefined;
      const name = svc.metadata.name;
      const owner = [{ apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }];
      const endpoints: KObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels: svc.metadata.labels ?? {} }, ...(subsets ? { subsets } : {}) };
      this.upsert(ENDPOINTS, endpoints, (old) => deepEqual(old.subsets, endpoints.subsets) && deepEqual(old.metadata.labels, endpoints.metadata.labels));
      const slice: KObject = {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: `${name}-${templateHash(svc.metadata.uid).slice(0, 5)}`, namespace, labels: { ...(svc.metadata.labels ?? {}), 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' }, ownerReferences: owner },
        addressType: 'IPv4',
        endpoints: members.map((p) => ({
          addresses: [String((p.status as Record<string, unknown>).podIP)],
          conditions: { ready: isPodReady(p), serving: isPodReady(p), terminating: !!p.metadata.deletionTimestamp },
          nodeName: (p.spec as Record<string, unknown>).nodeName,
          targetRef: { kind: 'Pod', namespace, name: p.metadata.name, uid: p.metadata.uid },
        })),
        ports,
      };
      this.upsert(SLICE, slice, (old) => deepEqual(old.endpoints, slice.endpoints) && deepEqual(old.ports, slice.ports));
    }
  }

  private upsert(res: { group: string; plural: string }, obj: KObject, same: (old: KObject) => boolean): void {
    const old = this.store.get(res, obj.metadata.namespace, obj.metadata.name);
    if (!old) this.store.create(res, obj);
    else if (!same(old)) this.store.update(res, { ...old, ...obj, metadata: { ...old.metadata, labels: obj.metadata.labels } });
  }

  private seedNamespace(name: string): void {
    const sa = { group: '', plural: 'serviceaccounts' };
    if (!this.store.get(sa, name, 'default')) this.store.create(sa, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } });
    const cm = { group: '', plural: 'configmaps' };
    if (!this.store.get(cm, name, 'kube-root-ca.crt')) {
      this.store.create(cm, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kube-root-ca.crt', namespace: name, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
        data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\n(practice cluster: no certificate)\n-----END CERTIFICATE-----\n' },
      });
    }
  }

  private emptyNamespace(name: string): void {
    for (const e of this.store.inNamespace(name)) this.store.delete({ group: e.group, plural: e.plural }, name, e.object.metadata.name);
  }

  private collectDependents(owner: KObject): void {
    const uid = owner.metadata.uid;
    if (!uid) return;
    for (const res of [POD, RS, SLICE]) {
      for (const o of this.store.list(res, owner.metadata.namespace)) {
        if (o.metadata.ownerReferences?.some((r) => r.uid === uid)) this.store.delete(res, o.metadata.namespace, o.metadata.name);
      }
    }
  }

  private ownerOf(o: KObject, kind: string): KObject | undefined {
    const ref = o.metadata.ownerReferences?.find((r) => r.kind === kind && r.controller);
    if (!ref) return undefined;
    const res = kind === 'ReplicaSet' ? RS : DEPLOY;
    const owner = this.store.get(res, o.metadata.namespace, ref.name);
    return owner && owner.metadata.uid === ref.uid ? owner : undefined;
  }

  private reconcileOwnersOf(o: KObject): void {
    const rs = this.ownerOf(o, 'ReplicaSet');
    if (rs) this.reconcileReplicaSet(rs);
    const d = this.ownerOf(rs ?? o, 'Deployment');
    if (d) this.updateDeploymentStatus(d);
  }

  private reconcileDeployment(d: KObject): void {
    const spec = (d.spec ?? {}) as Record<string, unknown>;
    const template = clone((spec.template ?? {}) as Record<string, unknown>);
    const hash = templateHash(template);
    const name = `${d.metadata.name}-${hash}`;
    const ns = d.metadata.namespace ?? 'default';
    const replicas = Number(spec.replicas ?? 1);
    const owned = this.store.list(RS, ns).filter((r) => r.metadata.ownerReferences?.some((x) => x.uid === d.metadata.uid));
    for (const old of owned) {
      if (old.metadata.name !== name && Number((old.spec as Record<string, unknown>).replicas) !== 0) {
        this.store.update(RS, { ...old, spec: { ...(old.spec as object), replicas: 0 } });
      }
    }
    const current = owned.find((r) => r.metadata.name === name);
    const tmeta = (template.metadata ?? {}) as Record<string, unknown>;
    const labels = { ...((tmeta.labels as Record<string, string>) ?? {}), 'pod-template-hash': hash };
    const revision = String(owned.length + (current ? 0 : 1));
    if (!current) {
      this.store.create(RS, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name,
          namespace: ns,
          labels,
          annotations: { 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + 1), 'deployment.kubernetes.io/revision': revision },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
        },
        spec: {
          replicas,
          selector: { matchLabels: { ...(((spec.selector as Record<string, unknown>)?.matchLabels as Record<string, string>) ?? {}), 'pod-template-hash': hash } },
          template: { ...template, metadata: { ...tmeta, labels } },
        },
        status: { replicas: 0, observedGeneration: 1 },
      });
    } else if (Number((current.spec as Record<string, unknown>).replicas) !== replicas) {
      this.store.update(RS, { ...current, spec: { ...(current.spec as object), replicas } });
    }
    this.updateDeploymentStatus(d);
  }

  private reconcileReplicaSet(rs: KObject): void {
    const fresh = this.store.get(RS, rs.metadata.namespace, rs.metadata.name);
    if (!fresh) return;
    const spec = (fresh.spec ?? {}) as Record<string, unknown>;
    const want = Number(spec.replicas ?? 1);
    const ns = fresh.metadata.namespace ?? 'default';
    // Terminating pods do not count: a pod being deleted is replaced at once, as kube does.
    const active = (p: KObject): boolean => !p.metadata.deletionTimestamp && !!p.metadata.ownerReferences?.some((r) => r.uid === fresh.metadata.uid);
    const pods = this.store.list(POD, ns).filter(active);
    for (let i = pods.length; i < want; i++) this.createPod(fresh);
    for (const extra of pods.slice(want)) this.store.delete(POD, ns, extra.metadata.name);
    const now = this.store.list(POD, ns).filter(active);
    const ready = now.filter(isPodReady).length;
    const status = { replicas: now.length, fullyLabeledReplicas: now.length, readyReplicas: ready, availableReplicas: ready, observedGeneration: fresh.metadata.generation ?? 1 };
    const clean = Object.fromEntries(Object.entries(status).filter(([k, v]) => !(v === 0 && k !== 'replicas' && k !== 'observedGeneration')));
    if (!deepEqual(fresh.status, clean)) this.store.update(RS, { ...fresh, status: clean });
  }

  private createPod(rs: KObject): void {
    const template = clone(((rs.spec as Record<string, unknown>).template ?? {}) as Record<string, unknown>);
    const tmeta = (template.metadata ?? {}) as Record<string, unknown>;
    const pod: KObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: '',
        generateName: `${rs.metadata.name}-`,
        namespace: rs.metadata.namespace,
        labels: (tmeta.labels as Record<string, string>) ?? {},
        annotations: tmeta.annotations as Record<string, string> | undefined,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
      },
      spec: clone(template.spec ?? { containers: [] }),
    };
    if (!pod.metadata.annotations) delete pod.metadata.annotations;
    try {
      this.api.create({ res: this.api.registry.byKind('', 'Pod')!, version: 'v1', namespace: rs.metadata.namespace }, pod, { dryRun: false, fieldManager: 'kube-controller-manager' });
    } catch {
      // The namespace went away while we reconciled: nothing to create.
    }
  }

  private updateDeploymentStatus(d0: KObject): void {
    const d = this.store.get(DEPLOY, d0.metadata.namespace, d0.metadata.name);
    if (!d) return;
    const spec = (d.spec ?? {}) as Record<string, unknown>;
    const hash = templateHash(spec.template ?? {});
    const rss = this.store.list(RS, d.metadata.namespace).filter((r) => r.metadata.ownerReferences?.some((x) => x.uid === d.metadata.uid));
    const pods = this.store.list(POD, d.metadata.namespace).filter((p) => rss.some((r) => p.metadata.ownerReferences?.some((x) => x.uid === r.metadata.uid)));
    const updated = pods.filter((p) => p.metadata.labels?.['pod-template-hash'] === hash);
    const ready = pods.filter(isPodReady).length;
    const want = Number(spec.replicas ?? 1);
    const old = (d.status ?? {}) as Record<string, unknown>;
    const oldConds = (old.conditions as Record<string, unknown>[] | undefined) ?? [];
    const available = ready >= want;
    const cond = (type: string, status: string, reason: string, message: string): Record<string, unknown> => {
      const prev = oldConds.find((c) => c.type === type);
      const same = prev && prev.status === status && prev.reason === reason;
      return { type, status, lastUpdateTime: same ? prev.lastUpdateTime : stamp(), lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : stamp(), reason, message };
    };
    const rsName = `${d.metadata.name}-${hash}`;
    const status: Record<string, unknown> = {
      observedGeneration: d.metadata.generation ?? 1,
      replicas: pods.length,
      updatedReplicas: updated.length,
      readyReplicas: ready,
      availableReplicas: ready,
      conditions: [
        available ? cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.') : cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
        available && updated.length >= want ? cond('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`) : cond('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`),
      ],
    };
    if (pods.length - ready > 0) status.unavailableReplicas = pods.length - ready;
    for (const k of ['readyReplicas', 'availableReplicas', 'updatedReplicas', 'replicas']) if (status[k] === 0) delete status[k];
    if (!deepEqual(old, status)) this.store.update(DEPLOY, { ...d, status });
  }

  private schedulePodStart(pod: KObject): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (this.podTimers.has(key)) return;
    const ip = `10.244.0.${this.nextPodIp++}`;
    this.podIps.set(key, ip);
    this.setPending(pod);
    const t = setTimeout(() => {
      this.podTimers.delete(key);
      this.podIps.delete(key);
      if (!this.stopped) this.startPod(pod.metadata.namespace ?? 'default', pod.metadata.name, ip);
    }, Math.max(0, this.options.podReadyDelayMs()));
    t.unref?.();
    this.podTimers.set(key, t);
  }

  private setPending(pod0: KObject): void {
    const pod = this.store.get(POD, pod0.metadata.namespace, pod0.metadata.name);
    if (!pod) return;
    const spec = (pod.spec ?? {}) as Record<string, unknown>;
    const containers = (spec.containers as Record<string, unknown>[]) ?? [];
    const t = stamp();
    spec.nodeName ??= NODE_NAME;
    pod.spec = spec;
    pod.status = {
      phase: 'Pending',
      conditions: [
        { type: 'PodReadyToStartContainers', status: 'False', lastProbeTime: null, lastTransitionTime: t },
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: t },
        { type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: t, reason: 'ContainersNotReady', message: `containers with unready status: [${containers.map((c) => c.name).join(' ')}]` },
        { type: 'ContainersReady', status: 'False', lastProbeTime: null, lastTransitionTime: t, reason: 'ContainersNotReady', message: `containers with unready status: [${containers.map((c) => c.name).join(' ')}]` },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: t },
      ],
      hostIP: HOST_IP,
      hostIPs: [{ ip: HOST_IP }],
      startTime: t,
      containerStatuses: containers.map((c) => ({ name: c.name, image: c.image, imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} })),
      qosClass: (pod.status as Record<string, unknown> | undefined)?.qosClass ?? 'BestEffort',
    };
    this.store.update(POD, pod);
  }

  /**
   * An `image: auto` container no injector filled in: the kubelet cannot pull "auto"
   * (docker.io/library/auto:latest), so the pod stays Pending with ErrImagePull, then
   * ImagePullBackOff, while its other containers run.
   */
  private failImagePull(pod: KObject, ip: string, reason: 'ErrImagePull' | 'ImagePullBackOff' = 'ErrImagePull'): void {
    const spec = (pod.spec ?? {}) as Record<string, unknown>;
    const containers = (spec.containers as Record<string, unknown>[]) ?? [];
    const t = stamp();
    const old = (pod.status ?? {}) as Record<string, unknown>;
    const unready = containers.filter((c) => c.image === AUTO_IMAGE).map((c) => c.name);
    const pullError = `failed to pull and unpack image "docker.io/library/${AUTO_IMAGE}:latest": failed to resolve reference "docker.io/library/${AUTO_IMAGE}:latest": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`;
    const notReady = { status: 'False', lastProbeTime: null, lastTransitionTime: t, reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` };
    pod.status = {
      phase: 'Pending',
      conditions: [
        { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: t },
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: t },
        { type: 'Ready', ...notReady },
        { type: 'ContainersReady', ...notReady },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: t },
      ],
      hostIP: HOST_IP,
      hostIPs: [{ ip: HOST_IP }],
      podIP: ip,
      podIPs: [{ ip }],
      startTime: old.startTime ?? t,
      containerStatuses: containers.map((c) =>
        c.image === AUTO_IMAGE
          ? {
              name: c.name, image: AUTO_IMAGE, imageID: '', ready: false, restartCount: 0, started: false, lastState: {},
              state: { waiting: { reason, message: reason === 'ErrImagePull' ? `rpc error: code = Unknown desc = ${pullError}` : `Back-off pulling image "${AUTO_IMAGE}": ErrImagePull: ${pullError}` } },
            }
          : { name: c.name, image: c.image, imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: t } }, lastState: {} },
      ),
      qosClass: old.qosClass ?? 'BestEffort',
    };
    this.store.update(POD, pod);
    if (reason === 'ImagePullBackOff') return;
    // The kubelet backs off after the failed pull.
    const timer = setTimeout(() => {
      this.backoffTimers.delete(timer);
      const current = this.store.get(POD, pod.metadata.namespace, pod.metadata.name);
      if (current && !this.stopped) this.failImagePull(current, ip, 'ImagePullBackOff');
    }, Math.max(0, this.options.podReadyDelayMs()));
    timer.unref?.();
    this.backoffTimers.add(timer);
  }

  private startPod(namespace: string, name: string, ip: string): void {
    const pod = this.store.get(POD, namespace, name);
    if (!pod) return;
    const spec = (pod.spec ?? {}) as Record<string, unknown>;
    const containers = (spec.containers as Record<string, unknown>[]) ?? [];
    const inits = (spec.initContainers as Record<string, unknown>[]) ?? [];
    if (containers.some((c) => c.image === AUTO_IMAGE)) return this.failImagePull(pod, ip);
    const t = stamp();
    const cid = (): string => `containerd://${createHash('sha256').update(`${namespace}/${name}/${Math.random()}`).digest('hex')}`;
    const imageID = (image: unknown): string => `${String(image).replace(/:[^/:]+$/, '')}@sha256:${createHash('sha256').update(String(image)).digest('hex')}`;
    pod.status = {
      phase: 'Running',
      conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: t })),
      hostIP: HOST_IP,
      hostIPs: [{ ip: HOST_IP }],
      podIP: ip,
      podIPs: [{ ip }],
      startTime: (pod.status as Record<string, unknown> | undefined)?.startTime ?? t,
      ...(inits.length
        ? {
            initContainerStatuses: inits.map((c) => ({
              name: c.name,
              image: c.image,
              imageID: imageID(c.image),
              containerID: cid(),
              ready: true,
              restartCount: 0,
              started: false,
              state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: t, finishedAt: t, containerID: cid() } },
              lastState: {},
            })),
          }
        : {}),
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image,
        imageID: imageID(c.image),
        containerID: cid(),
        ready: true,
        restartCount: 0,
        started: true,
        state: { running: { startedAt: t } },
        lastState: {},
      })),
      qosClass: (pod.status as Record<string, unknown> | undefined)?.qosClass ?? 'BestEffort',
    };
    this.store.update(POD, pod);
    const isGateway = proxyMode(pod) === 'router';
    for (const c of containers) {
      if (c.name !== 'istio-proxy') continue;
      // As pilot-agent prints them: flags at once, certificates and xDS over about a second, then ready now.
      const lines = proxyStartupLines(isGateway ? 'gateway' : 'sidecar', name, namespace);
      const readyAt = Date.now();
      lines.forEach((line, i) => {
        const when = new Date(readyAt - (STARTUP_OFFSETS_MS[lines.length - 1 - i] ?? 0));
        this.logs.append(namespace, name, 'istio-proxy', `${when.toISOString().replace('Z', '000Z')}\t${line}`, when);
      });
    }
    if (pod.metadata.labels?.app === 'istiod') {
      const when = new Date();
      for (const line of ['info\tFLAG: --domain="cluster.local"', 'info\tmesh configuration: loaded from ConfigMap istio-system/istio', 'info\tads\tAll caches have been synced up in 1.21s, marking server ready', 'info\tDiscovery service started']) {
        this.logs.append(namespace, name, 'discovery', `${when.toISOString().replace('Z', '000Z')}\t${line}`, when);
      }
    }
  }
}

export function isPodReady(pod: KObject): boolean {
  const conds = ((pod.status as Record<string, unknown> | undefined)?.conditions as { type: string; status: string }[] | undefined) ?? [];
  return conds.some((c) => c.type === 'Ready' && c.status === 'True');
}
