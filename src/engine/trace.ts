// Collecting a request's trace: follow the client's sidecar log and the egress gateway's (both
// bounded rings, both reconnecting through the port's followLogs, both from a short tail so a
// request made a while ago is still in the window), join the lines as they arrive (src/trace),
// and stop when every hop is lit or explained, or when the access-log line could no longer come.

import type { ClusterPort, FactObject, GatewayTarget, LogLine, MeshFacts } from '../cluster/port.js';
import type { KubeObject, PodTarget } from '../lesson/model.js';
import { GATEWAY_API_KINDS, joinTrace, traceComplete, type Trace, type TraceInput } from '../trace/index.js';
import { describeCurl } from '../verify/curl.js';
import { Ring } from './ring.js';
import type { RequestRecord } from './runners.js';

/** Lines kept per proxy: a busy shared gateway logs every learner's traffic. */
export const TRACE_LINES = 300;
/** Earlier lines asked for when following starts (the request was usually made before). */
const TAIL_LINES = 200;
/** The streams need a moment to deliver the tail, however long ago the request was. */
const MIN_FOLLOW_MS = 1_500;
/** Re-join at most this often while lines stream in. */
const JOIN_INTERVAL_MS = 100;

export interface CollectTraceOptions {
  port: ClusterPort;
  signal: AbortSignal;
  now: () => number;
  request: RequestRecord;
  /** The client pods (the exec step's target); their istio-proxy container is followed. */
  client: PodTarget;
  gateway: GatewayTarget;
  /** The gateway's name when it is not the course's egress gateway (`cnn-egress-gateway-istio`). */
  gatewayName?: string;
  clientNamespace: string;
  istioNamespace: string;
  /** How long after the request finished a missing line counts as missing. */
  graceMs: number;
  onTrace: (trace: Trace) => void;
}

export async function collectTrace(o: CollectTraceOptions): Promise<Trace> {
  const follow = new AbortController();
  const stop = () => follow.abort();
  if (o.signal.aborted) follow.abort();
  else o.signal.addEventListener('abort', stop, { once: true });
  // Made now: an abort while the facts are read must end the wait too.
  const stopped = new Promise<void>((resolve) => follow.signal.addEventListener('abort', () => resolve(), { once: true }));
  const sidecarLines = new Ring<LogLine>(TRACE_LINES);
  const gatewayLines = new Ring<LogLine>(TRACE_LINES);
  let facts: MeshFacts | undefined;
  let gatewayApi: FactObject[] | undefined;
  let factsRead = false;
  const input = (settled: boolean): TraceInput => ({
    request: {
      ...(o.request.requestId ? { requestId: o.request.requestId } : {}),
      ...(o.request.pod ? { clientPod: o.request.pod } : {}),
      ...(o.request.clientIp ? { clientIp: o.request.clientIp } : {}),
      ...(o.request.host ? { host: o.request.host } : {}),
      ...(o.request.port ? { port: o.request.port } : {}),
      tls: o.request.tls === true,
      startedAt: o.request.startedAt,
      ...(o.request.finishedAt !== undefined ? { finishedAt: o.request.finishedAt } : {}),
      ...(o.request.curl ? { outcome: describeCurl(o.request.curl) } : {}),
    },
    sidecarLines: sidecarLines.toArray(),
    gatewayLines: gatewayLines.toArray(),
    ...(facts ? { facts } : {}),
    gatewayNamespace: o.gateway.pods.namespace,
    ...(o.gatewayName ? { gatewayName: o.gatewayName } : {}),
    ...(gatewayApi?.length ? { gatewayApi } : {}),
    clientNamespace: o.clientNamespace,
    istioNamespace: o.istioNamespace,
    settled,
  });

  let latest = joinTrace(input(false));
  o.onTrace(latest);
  let done: () => void = () => undefined;
  const complete = new Promise<void>((resolve) => (done = resolve));
  let timer: NodeJS.Timeout | undefined;
  const rejoin = () => {
    timer = undefined;
    if (follow.signal.aborted) return;
    latest = joinTrace(input(false));
    o.onTrace(latest);
    if (factsRead && traceComplete(latest)) done();
  };
  const dirty = () => {
    if (!timer) timer = setTimeout(rejoin, JOIN_INTERVAL_MS);
  };
  const sidecarTarget: PodTarget = { ...o.client, container: 'istio-proxy' };
  const streams = [
    o.port.followLogs(sidecarTarget, { signal: follow.signal, tailLines: TAIL_LINES, onLine: (l) => (sidecarLines.push(l), dirty()) }),
    o.port.followLogs(o.gateway.pods, { signal: follow.signal, tailLines: TAIL_LINES, onLine: (l) => (gatewayLines.push(l), dirty()) }),
  ].map((p) => p.catch(() => undefined)); // a stream that cannot start leaves its hop dim ("no line")
  const started = o.now();
  try {
    // The objects name each hop's decider, and say whether the gateway logs at all; wide: on a
    // shared gateway another namespace's Gateway may be the one answering.
    [facts, gatewayApi] = await Promise.all([
      o.port
        .meshFacts({ clientNamespace: o.clientNamespace, istioNamespace: o.istioNamespace, signal: follow.signal, client: o.client, gateway: o.gateway, wide: true })
        .catch(() => undefined),
      gatewayApiObjects(o.port, o.clientNamespace, follow.signal),
    ]);
    factsRead = true;
    dirty();
    const until = Math.max(started + MIN_FOLLOW_MS, (o.request.finishedAt ?? started) + o.graceMs);
    let deadline: NodeJS.Timeout | undefined;
    await Promise.race([
      complete,
      new Promise<void>((resolve) => (deadline = setTimeout(resolve, Math.max(0, until - o.now())))),
      stopped,
    ]);
    clearTimeout(deadline);
  } finally {
    if (timer) clearTimeout(timer);
    o.signal.removeEventListener('abort', stop);
    follow.abort();
    await Promise.all(streams);
  }
  latest = joinTrace(input(true));
  o.onTrace(latest);
  return latest;
}

const toFact = (o: KubeObject): FactObject => ({
  kind: o.kind,
  name: o.metadata.name,
  namespace: o.metadata.namespace ?? '',
  spec: (o.spec ?? {}) as Record<string, unknown>,
  ...(o.metadata.labels ? { labels: o.metadata.labels } : {}),
  ...(typeof o.metadata.creationTimestamp === 'string' ? { created: o.metadata.creationTimestamp } : {}),
});

/**
 * The Gateway API objects of the client namespace (Gateways, HTTPRoutes, TLSRoutes), read through
 * the port as a learner may (their namespace only). A kind the cluster does not serve, or may not
 * be listed, is left out: its routes are then named by nothing rather than guessed.
 */
export async function gatewayApiObjects(port: ClusterPort, namespace: string, signal: AbortSignal): Promise<FactObject[]> {
  const listObjects = port.listObjects?.bind(port);
  if (!listObjects) return [];
  const lists = await Promise.all(GATEWAY_API_KINDS.map(({ apiVersion, kind }) => listObjects({ apiVersion, kind, namespace }, signal).catch(() => [] as KubeObject[])));
  return lists.flat().map(toFact);
}
