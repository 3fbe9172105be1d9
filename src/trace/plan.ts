// The lesson's request path before any request was sent: the same four hops the trace lights,
// all dim ("planned"), each naming the lesson's objects that will decide it. An explain step's
// request-path diagram (assets/diagrams) is drawn this way, so the picture the learner reads first
// is the one a verification lights later. Pure: the objects come from the lessons' manifests.

import type { FactObject } from '../cluster/port.js';
import type { Lesson } from '../lesson/model.js';
import { gatewayDeciders, parseCluster, sidecarDeciders, type DecideContext } from './decide.js';
import type { Trace } from './model.js';

export interface PlannedPath {
  protocol: 'http' | 'tls';
  host: string;
  port: number;
}

/** The diagrams that draw a request's path (the others, e.g. "who speaks TLS?", stay text). */
const PATHS: Record<string, PlannedPath> = {
  'http-egress.txt': { protocol: 'http', host: 'httpbin.org', port: 80 },
  'tls-passthrough.txt': { protocol: 'tls', host: 'www.baidu.com', port: 443 },
};

export function plannedPathOf(diagram: string | undefined): PlannedPath | undefined {
  return diagram ? PATHS[diagram] : undefined;
}

const ISTIO_KINDS = new Set(['ServiceEntry', 'Gateway', 'VirtualService', 'DestinationRule', 'Sidecar']);

/**
 * The Istio objects the course's manifests apply, as the client namespace will hold them: this
 * lesson's and earlier ones' first (the latest definition wins), then later lessons' (a goal
 * shown before the lesson that builds it).
 */
export function courseObjects(lessons: Lesson[], lessonId: string, clientNamespace: string): FactObject[] {
  const at = Math.max(0, lessons.findIndex((l) => l.id === lessonId));
  const order = [...lessons.slice(0, at + 1).reverse(), ...lessons.slice(at + 1)];
  const seen = new Map<string, FactObject>();
  for (const lesson of order) {
    const objects = lesson.steps.flatMap((s) => (s.kind === 'apply' ? s.manifests.flatMap((m) => m.objects) : [])).reverse();
    for (const o of objects) {
      if (!ISTIO_KINDS.has(o.kind)) continue;
      const namespace = o.metadata.namespace ?? clientNamespace;
      const key = `${o.kind}/${namespace}/${o.metadata.name}`;
      if (!seen.has(key)) seen.set(key, { kind: o.kind, name: o.metadata.name, namespace, spec: (o.spec ?? {}) as Record<string, unknown> });
    }
  }
  return [...seen.values()];
}

type Route = { destination?: { host?: unknown; subset?: unknown; port?: { number?: unknown } } };

/** Where the VirtualService bound to `mesh` sends this host first: the cluster the sidecar will use. */
function sidecarCluster(objects: FactObject[], path: PlannedPath, clientNamespace: string): string | undefined {
  const section = path.protocol === 'tls' ? 'tls' : 'http';
  for (const vs of objects.filter((o) => o.kind === 'VirtualService' && Array.isArray(o.spec.hosts) && (o.spec.hosts as unknown[]).includes(path.host))) {
    for (const rule of (Array.isArray(vs.spec[section]) ? vs.spec[section] : []) as { match?: { gateways?: unknown }[]; route?: Route[] }[]) {
      const meshBound = (rule.match ?? []).some((m) => Array.isArray(m.gateways) && m.gateways.includes('mesh'));
      const d = rule.route?.[0]?.destination;
      if (!meshBound || typeof d?.host !== 'string') continue;
      const host = d.host.includes('.') ? d.host : `${d.host}.${clientNamespace}.svc.cluster.local`;
      return `outbound|${typeof d.port?.number === 'number' ? d.port.number : path.port}|${typeof d.subset === 'string' ? d.subset : ''}|${host}`;
    }
  }
  return undefined;
}

export function plannedTrace(path: PlannedPath, objects: FactObject[], where: { clientNamespace: string; gatewayNamespace: string }): Trace {
  const ctx: DecideContext = { objects, host: path.host, tls: path.protocol === 'tls', port: path.port, clientNamespace: where.clientNamespace, gatewayNamespace: where.gatewayNamespace };
  const cluster = sidecarCluster(objects, path, where.clientNamespace);
  const toGateway = cluster !== undefined && parseCluster(cluster)?.host !== path.host;
  return {
    protocol: path.protocol,
    host: path.host,
    clientNamespace: where.clientNamespace,
    planned: true,
    settled: true,
    hops: [
      { id: 'client', name: 'curl', lit: false, why: 'planned', decidedBy: [] },
      { id: 'sidecar', name: 'curl', lit: false, why: 'planned', decidedBy: cluster ? sidecarDeciders({ upstreamCluster: cluster }, ctx) : [] },
      { id: 'gateway', name: where.gatewayNamespace === where.clientNamespace ? '' : 'istio-egressgateway', lit: false, why: 'planned', decidedBy: toGateway ? gatewayDeciders({ upstreamCluster: `outbound|${path.port}||${path.host}` }, ctx) : [] },
      { id: 'external', name: path.host, lit: false, why: 'planned', decidedBy: [] },
    ],
  };
}
