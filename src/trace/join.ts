// Joining one request's hops from the access-log lines of the client's sidecar and the egress
// gateway. HTTP by the x-request-id the tutorial sets; TLS (and untagged HTTP) by the sidecar's
// source address as the gateway sees it, the SNI or authority, and time. Another pod's line is
// never joined: the sidecar's lines must come from the client pod, the gateway's from its IP.

import type { LogLine } from '../cluster/port.js';
import { addressIp, parseAccessLogLine, type AccessLogFields } from '../verify/access-log.js';
import { proxyAccessLog, type ProxyAccessLog } from './accessLog.js';
import { gatewayDeciders, parseCluster, sidecarDeciders, type DecideContext } from './decide.js';
import { hostMatches } from './hosts.js';
import type { Hop, HopFields, JoinedBy, NoEvidence, Trace, TraceInput } from './model.js';

interface Parsed {
  line: LogLine;
  f: AccessLogFields;
}

const DEFAULT_SLACK_MS = 2_000;

function parse(lines: LogLine[]): Parsed[] {
  const out: Parsed[] = [];
  for (const line of lines) {
    const f = parseAccessLogLine(line.text);
    if (f) out.push({ line, f });
  }
  return out;
}

const stripPort = (h: string | undefined): string | undefined => h?.replace(/:\d+$/, '').toLowerCase();

function inWindow(f: AccessLogFields, input: TraceInput): boolean {
  const slack = input.slackMs ?? DEFAULT_SLACK_MS;
  const { startedAt, finishedAt } = input.request;
  if (f.startMs === undefined) return false;
  return f.startMs >= startedAt - slack && (finishedAt === undefined || f.startMs <= finishedAt + slack);
}

/** The line names this request's host: by SNI for TLS, by :authority for HTTP. */
function forHost(f: AccessLogFields, input: TraceInput): boolean {
  const host = input.request.host;
  if (!host) return false;
  return input.request.tls ? f.method === undefined && f.requestedServerName?.toLowerCase() === host.toLowerCase() : f.method !== undefined && stripPort(f.authority) === host.toLowerCase();
}

/** The client sidecar's outbound line of this request, from the client pod only. */
function sidecarLine(lines: Parsed[], input: TraceInput): Parsed | undefined {
  const { clientPod, clientIp, requestId, tls } = input.request;
  const own = lines.filter(({ line, f }) => {
    if (clientPod ? line.pod !== clientPod : !clientIp || addressIp(f.downstreamRemoteAddress) !== clientIp) return false;
    return !f.upstreamCluster?.startsWith('inbound|');
  });
  if (requestId && !tls) return own.find(({ f }) => f.requestId === requestId);
  return own.filter(({ f }) => forHost(f, input) && inWindow(f, input)).at(-1);
}

/** The gateway's line of this request, and how it was tied to the sidecar's. */
function gatewayLine(lines: Parsed[], sidecar: Parsed | undefined, input: TraceInput): { hit: Parsed; joinedBy: JoinedBy } | undefined {
  const { clientIp, requestId, tls } = input.request;
  // The gateway logs the client pod's IP as its downstream: any other address is another pod.
  const fromClient = lines.filter(({ f }) => {
    const ip = addressIp(f.downstreamRemoteAddress);
    return ip === undefined ? !!requestId && !tls : ip === clientIp;
  });
  if (requestId && !tls) {
    const hit = fromClient.find(({ f }) => f.requestId === requestId);
    return hit ? { hit, joinedBy: 'request-id' } : undefined;
  }
  const source = sidecar?.f.upstreamLocalAddress;
  if (source) {
    const hit = fromClient.filter(({ f }) => f.downstreamRemoteAddress === source && forHost(f, input) && inWindow(f, input)).at(-1);
    if (hit) return { hit, joinedBy: 'address' };
    if (sidecar) return undefined; // the sidecar's connection is known: a line from another source port is another request
  }
  if (!clientIp) return undefined;
  const hit = fromClient.filter(({ f }) => forHost(f, input) && inWindow(f, input)).at(-1);
  return hit ? { hit, joinedBy: 'time' } : undefined;
}

function fieldsOf(f: AccessLogFields): HopFields {
  const out: HopFields = {};
  const put = <K extends keyof HopFields>(k: K, v: HopFields[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  put('responseCode', f.responseCode);
  put('responseFlags', f.responseFlags);
  put('responseCodeDetails', f.responseCodeDetails);
  put('routeName', f.routeName);
  put('upstreamCluster', f.upstreamCluster);
  put('upstreamHost', f.upstreamHost);
  put('bytesReceived', f.bytesReceived);
  put('bytesSent', f.bytesSent);
  put('durationMs', f.durationMs);
  put('protocol', f.protocol);
  put('sni', f.requestedServerName);
  put('authority', f.authority);
  return out;
}

/** Where the sidecar sent the request: to the gateway (an in-mesh service), straight out, or nowhere. */
export function sidecarSentTo(f: HopFields, host: string | undefined): 'gateway' | 'outside' | 'nowhere' {
  const cluster = f.upstreamCluster;
  if (!cluster || cluster === 'BlackHoleCluster' || (!f.upstreamHost && f.responseFlags)) return 'nowhere';
  if (cluster === 'PassthroughCluster') return 'outside';
  const parsed = parseCluster(cluster);
  if (parsed && host && hostMatches(parsed.host, host)) return 'outside';
  return 'gateway';
}

/** A proxy that reached its upstream (an upstream host logged and no failure flag). */
const reachedUpstream = (f: HopFields): boolean => !!f.upstreamHost && !f.responseFlags;

/** The access log of the client's sidecar and of the gateway, as the Telemetry objects and mesh config set them. */
function accessLogs(input: TraceInput, gatewayPod: string | undefined): { client: ProxyAccessLog; gateway: ProxyAccessLog } {
  const { facts, request } = input;
  const unknown: ProxyAccessLog = { state: 'unknown' };
  if (!facts) return { client: unknown, gateway: unknown };
  const root = input.istioNamespace ?? 'istio-system';
  const client = facts.clientPods?.find((p) => (request.clientPod ? p.name === request.clientPod : !!request.clientIp && p.ip === request.clientIp));
  const gateways = facts.gatewayPods ?? [];
  const gateway = gateways.find((p) => p.name === gatewayPod) ?? gateways[0];
  return {
    client: client ? proxyAccessLog(facts, root, { namespace: input.clientNamespace, labels: client.labels }) : unknown,
    gateway: gateway ? proxyAccessLog(facts, root, { namespace: input.gatewayNamespace, labels: gateway.labels }) : unknown,
  };
}

export function joinTrace(input: TraceInput): Trace {
  const { request, facts } = input;
  const host = request.host;
  const waitingOr = (why: NoEvidence): NoEvidence => (input.settled ? why : 'waiting');
  const sidecarHit = sidecarLine(parse(input.sidecarLines), input);
  const gatewayHit = gatewayLine(parse(input.gatewayLines), sidecarHit, input);
  const logs = accessLogs(input, gatewayHit?.hit.line.pod);
  const gatewayPods = facts?.gatewayPods ?? [];
  const gatewayPod = gatewayPods.find((p) => p.name === gatewayHit?.hit.line.pod) ?? gatewayPods[0];
  const ctx: DecideContext = {
    objects: facts?.objects ?? [],
    host: host ?? '',
    tls: request.tls,
    ...(request.port !== undefined ? { port: request.port } : {}),
    clientNamespace: input.clientNamespace,
    gatewayNamespace: input.gatewayNamespace,
    ...(facts?.outboundPolicy ? { outboundPolicy: facts.outboundPolicy } : {}),
    ...(gatewayPod ? { gatewayLabels: gatewayPod.labels } : {}),
    ...(facts?.others ? { others: facts.others } : {}),
    ...(facts?.othersUnreadable ? { othersUnreadable: true } : {}),
    ...(input.gatewayApi?.length ? { gatewayApi: input.gatewayApi } : {}),
  };

  const client: Hop = { id: 'client', name: request.clientPod ?? request.clientIp ?? '?', lit: request.outcome !== undefined, decidedBy: [] };
  if (!client.lit) client.why = waitingOr('no-line');

  let sidecar: Hop;
  if (sidecarHit) {
    const fields = fieldsOf(sidecarHit.f);
    sidecar = { id: 'sidecar', name: sidecarHit.line.pod, lit: true, line: sidecarHit.line, fields, decidedBy: sidecarDeciders(fields, ctx) };
  } else if (facts?.clientHasSidecar === false) {
    sidecar = { id: 'sidecar', name: request.clientPod ?? '?', lit: false, why: 'no-sidecar', decidedBy: [] };
  } else if (logs.client.state === 'off') {
    // The objects say so: no line will come, whatever the gateway logs.
    sidecar = { id: 'sidecar', name: request.clientPod ?? '?', lit: false, why: 'log-off', logOffBy: logs.client.by, decidedBy: [] };
  } else {
    sidecar = { id: 'sidecar', name: request.clientPod ?? '?', lit: false, why: waitingOr('no-line'), decidedBy: [] };
  }
  const sentTo = sidecar.fields ? sidecarSentTo(sidecar.fields, host) : undefined;

  let gateway: Hop;
  if (gatewayHit) {
    const fields = fieldsOf(gatewayHit.hit.f);
    gateway = { id: 'gateway', name: gatewayHit.hit.line.pod, lit: true, line: gatewayHit.hit.line, fields, decidedBy: gatewayDeciders(fields, ctx) };
  } else {
    let why: NoEvidence;
    if (sentTo === 'outside' || sidecar.why === 'no-sidecar') why = 'bypassed';
    else if (sentTo === 'nowhere') why = 'not-reached';
    else if (facts?.accessLogging === 'off' || logs.gateway.state === 'off') why = 'log-off';
    else why = waitingOr('no-line');
    gateway = { id: 'gateway', name: input.gatewayName ?? '', lit: false, why, ...(why === 'log-off' && logs.gateway.state === 'off' ? { logOffBy: logs.gateway.by } : {}), decidedBy: [] };
  }

  // The gateway logged this pod's request, which only its sidecar can have sent there (the
  // gateway's line is joined by request id or the pod's IP): when the objects could not say, a
  // sidecar with no line of it has its access log off, once the lines had time to come.
  if (!sidecar.lit && gateway.lit && sidecar.why === 'no-line' && logs.client.state === 'unknown') sidecar.why = 'log-off';

  // The outside host is seen through the last proxy's upstream: its address and its answer.
  const last = gateway.lit ? gateway : sentTo === 'outside' ? sidecar : undefined;
  let external: Hop;
  if (last?.fields && reachedUpstream(last.fields) && (last === sidecar || hostMatches(parseCluster(last.fields.upstreamCluster)?.host ?? host ?? '', host ?? ''))) {
    external = { id: 'external', name: host ?? '?', lit: true, fields: { upstreamHost: last.fields.upstreamHost, ...(last.fields.responseCode ? { responseCode: last.fields.responseCode } : {}) }, decidedBy: [] };
  } else {
    const stopped = (gateway.lit && gateway.fields && !reachedUpstream(gateway.fields)) || sentTo === 'nowhere';
    external = { id: 'external', name: host ?? '?', lit: false, why: stopped ? 'not-reached' : gateway.why === 'log-off' || sidecar.why === 'no-sidecar' ? 'no-line' : waitingOr('no-line'), decidedBy: [] };
  }

  const hops = [client, sidecar, gateway, external];
  const trace: Trace = {
    protocol: request.tls ? 'tls' : 'http',
    hops,
    settled: input.settled || hops.every((h) => h.lit || (h.why !== 'waiting' && h.why !== 'no-line')),
  };
  if (host) trace.host = host;
  if (request.requestId && !request.tls) trace.requestId = request.requestId;
  if (request.clientPod) trace.clientPod = request.clientPod;
  if (request.clientIp) trace.clientIp = request.clientIp;
  trace.clientNamespace = input.clientNamespace;
  if (gatewayHit) trace.joinedBy = gatewayHit.joinedBy;
  if (request.outcome) trace.outcome = request.outcome;
  if (input.gatewayApi?.length) trace.gatewayApi = true;
  // Still following: a hop that may yet be lit says so.
  if (trace.settled) for (const h of hops) if (h.why === 'waiting') h.why = 'no-line';
  return trace;
}

/** Every hop that should have evidence has it, or has a reason that more lines will not change. */
export function traceComplete(trace: Trace): boolean {
  return trace.hops.every((h) => h.lit || (h.why !== 'waiting' && h.why !== 'no-line'));
}
