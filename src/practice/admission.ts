// Mutating admission: defaults kube-apiserver fills in, cluster IPs, and Istio's injector (injection.ts).

import type { ResourceInfo } from './resources.js';
import type { KObject, Store } from './store.js';
import { isPlainObject } from './patch.js';
import { inject, injectionEnabled } from './injection.js';

export { PROXY_IMAGE, ISTIO_REVISION } from './injection.js';

type Container = Record<string, unknown> & { name?: string; image?: string };

function defaultContainers(list: unknown): void {
  if (!Array.isArray(list)) return;
  for (const c of list as Container[]) {
    if (!isPlainObject(c)) continue;
    c.imagePullPolicy ??= typeof c.image === 'string' && (c.image.endsWith(':latest') || !/:[^/]+$/.test(c.image)) ? 'Always' : 'IfNotPresent';
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    c.resources ??= {};
  }
}

export function defaultPodSpec(spec: Record<string, unknown>): void {
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.serviceAccountName ??= (spec.serviceAccount as string | undefined) ?? 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  defaultContainers(spec.containers);
  defaultContainers(spec.initContainers);
}

export class Admission {
  private nextServiceIp = 10;

  constructor(private readonly store: Store) {}

  admit = (res: ResourceInfo, obj: KObject, old: KObject | undefined): void => {
    if (res.group === '' && res.plural === 'namespaces') {
      obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name };
      obj.spec = { finalizers: ['kubernetes'], ...(obj.spec as object) };
      obj.status = { phase: 'Active', ...(old?.status as object) };
    } else if (res.group === '' && res.plural === 'pods') {
      if (!isPlainObject(obj.spec)) obj.spec = { containers: [] };
      if (old) {
        obj.status = old.status;
        return;
      }
      const ns = this.store.get({ group: '', plural: 'namespaces' }, undefined, obj.metadata.namespace ?? 'default');
      if (injectionEnabled(ns, obj)) inject(obj);
      defaultPodSpec(obj.spec as Record<string, unknown>);
      obj.status = { phase: 'Pending', qosClass: 'BestEffort' };
    } else if (res.group === '' && res.plural === 'secrets') {
      // As kube-apiserver converts a v1 Secret: stringData is write-only, merged into data (it wins).
      const o = obj as KObject & { data?: unknown; stringData?: unknown; type?: unknown };
      if (isPlainObject(o.stringData)) {
        const data = isPlainObject(o.data) ? { ...o.data } : {};
        for (const [k, v] of Object.entries(o.stringData)) if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
        o.data = data;
      }
      delete o.stringData;
      o.type ??= 'Opaque';
    } else if (res.group === '' && res.plural === 'services') {
      const spec = (isPlainObject(obj.spec) ? obj.spec : {}) as Record<string, unknown>;
      obj.spec = spec;
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      const oldIp = (old?.spec as Record<string, unknown> | undefined)?.clusterIP;
      if (spec.clusterIP === undefined) spec.clusterIP = oldIp ?? this.allocateServiceIp();
      spec.clusterIPs ??= spec.clusterIP === 'None' ? ['None'] : [spec.clusterIP];
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
      spec.internalTrafficPolicy ??= 'Cluster';
      if (Array.isArray(spec.ports)) {
        for (const p of spec.ports as Record<string, unknown>[]) {
          p.protocol ??= 'TCP';
          p.targetPort ??= p.port;
        }
      }
      obj.status ??= old?.status ?? { loadBalancer: {} };
    } else if (res.group === 'apps' && (res.plural === 'deployments' || res.plural === 'replicasets')) {
      const spec = (isPlainObject(obj.spec) ? obj.spec : {}) as Record<string, unknown>;
      obj.spec = spec;
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      if (res.plural === 'deployments') {
        spec.progressDeadlineSeconds ??= 600;
        spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
      }
      const template = spec.template as Record<string, unknown> | undefined;
      if (template && isPlainObject(template.spec)) defaultPodSpec(template.spec as Record<string, unknown>);
      if (old) obj.status = old.status;
      else obj.status ??= {};
    } else if (res.group === '' && res.plural === 'serviceaccounts') {
      // nothing to default
    }
  };

  private readonly usedIps = new Set<string>();

  allocateServiceIp(): string {
    for (;;) {
      const n = this.nextServiceIp++;
      const ip = `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
      if (!this.usedIps.has(ip)) return ip;
    }
  }

  /** After a restore: never hand out an IP a stored service already has. */
  skipUsedServiceIps(services: KObject[]): void {
    for (const s of services) {
      const ip = (s.spec as Record<string, unknown> | undefined)?.clusterIP;
      if (typeof ip === 'string') this.usedIps.add(ip);
    }
  }
}
