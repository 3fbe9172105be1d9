// Reading Envoy access-log lines as Istio prints them: the default TEXT format (any Istio
// version: the parser anchors on the structure, not on a field count) or JSON.

import type { LogExpect } from '../lesson/model.js';

export interface AccessLogFields {
  startTime?: string;
  startMs?: number; // START_TIME as ms since epoch, when it parses
  method?: string;
  path?: string;
  protocol?: string;
  responseCode?: number; // 0 for TCP/TLS lines
  responseFlags?: string; // e.g. "NR", "NC", "UH"; undefined when "-"
  responseCodeDetails?: string; // e.g. "route_not_found"
  userAgent?: string;
  requestId?: string;
  authority?: string;
  upstreamHost?: string;
  upstreamCluster?: string;
  downstreamRemoteAddress?: string;
  requestedServerName?: string; // SNI
  routeName?: string;
  // Additive (the request trace): sizes, time and the addresses that join one proxy's line to the next's.
  bytesReceived?: number;
  bytesSent?: number;
  durationMs?: number;
  upstreamLocalAddress?: string; // the sidecar's side of the connection to the next hop: the gateway sees it as its downstream remote address
  downstreamLocalAddress?: string;
  /** Additive: 'ztunnel' for ztunnel's own connection lines (ambient), which carry no request id. */
  source?: 'ztunnel';
}

type Token = { kind: 'bracket' | 'quoted' | 'bare'; value: string };

function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '[') {
      const end = line.indexOf(']', i + 1);
      const stop = end < 0 ? line.length : end;
      tokens.push({ kind: 'bracket', value: line.slice(i + 1, stop) });
      i = stop + 1;
    } else if (c === '"') {
      let j = i + 1;
      let value = '';
      while (j < line.length && line[j] !== '"') {
        if (line[j] === '\\' && j + 1 < line.length) j++;
        value += line[j];
        j++;
      }
      tokens.push({ kind: 'quoted', value });
      i = j + 1;
    } else {
      let j = i;
      while (j < line.length && line[j] !== ' ' && line[j] !== '\t') j++;
      tokens.push({ kind: 'bare', value: line.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

const dash = (v: string | undefined): string | undefined => (v === undefined || v === '-' || v === '' ? undefined : v);

function parseTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function parseText(line: string): AccessLogFields | undefined {
  // Log collectors may prefix an RFC 3339 timestamp (kubectl logs --timestamps).
  const trimmed = line.replace(/^\d{4}-\d{2}-\d{2}T\S+\s+(?=\[)/, '').trim();
  if (!trimmed.startsWith('[')) return undefined;
  const tokens = tokenize(trimmed);
  if (tokens.length < 4 || tokens[0].kind !== 'bracket' || tokens[1].kind !== 'quoted') return undefined;
  const code = tokens[2];
  if (code.kind !== 'bare' || !/^\d{1,3}$/.test(code.value)) return undefined;

  const fields: AccessLogFields = { startTime: tokens[0].value, startMs: parseTime(tokens[0].value) };
  const request = tokens[1].value.split(' ');
  if (request.length === 3) {
    fields.method = dash(request[0]);
    fields.path = dash(request[1]);
    fields.protocol = dash(request[2]);
  }
  fields.responseCode = Number(code.value);
  if (tokens[3].kind === 'bare') fields.responseFlags = dash(tokens[3].value);
  // Istio 1.9+ prints RESPONSE_CODE_DETAILS next: a bare word that is not a number.
  const details = tokens[4];
  if (details && details.kind === 'bare' && !/^\d+$/.test(details.value)) fields.responseCodeDetails = dash(details.value);

  // Every version ends with five quoted fields in a row — X-FORWARDED-FOR, USER-AGENT,
  // X-REQUEST-ID, :AUTHORITY, UPSTREAM_HOST — then bare UPSTREAM_CLUSTER, UPSTREAM_LOCAL_ADDRESS,
  // DOWNSTREAM_LOCAL_ADDRESS, DOWNSTREAM_REMOTE_ADDRESS, REQUESTED_SERVER_NAME[, ROUTE_NAME].
  let runEnd = -1;
  for (let i = tokens.length - 1; i >= 5; i--) {
    if (tokens.slice(i - 4, i + 1).every((t) => t.kind === 'quoted')) {
      runEnd = i;
      break;
    }
  }
  if (runEnd < 0) return fields;
  // BYTES_RECEIVED BYTES_SENT DURATION: the first three bare numbers between the flags and that run.
  const numbers = tokens.slice(4, runEnd - 4).filter((t) => t.kind === 'bare' && /^\d+$/.test(t.value));
  if (numbers.length >= 3) [fields.bytesReceived, fields.bytesSent, fields.durationMs] = numbers.slice(0, 3).map((t) => Number(t.value));
  fields.userAgent = dash(tokens[runEnd - 3].value);
  fields.requestId = dash(tokens[runEnd - 2].value);
  fields.authority = dash(tokens[runEnd - 1].value);
  fields.upstreamHost = dash(tokens[runEnd].value);
  const rest = tokens.slice(runEnd + 1).map((t) => t.value);
  fields.upstreamCluster = dash(rest[0]);
  fields.upstreamLocalAddress = dash(rest[1]);
  fields.downstreamLocalAddress = dash(rest[2]);
  fields.downstreamRemoteAddress = dash(rest[3]);
  fields.requestedServerName = dash(rest[4]);
  fields.routeName = dash(rest[5]);
  return fields;
}

function str(record: Record<string, unknown>, key: string): string | undefined {
  const v = record[key];
  if (v === null || v === undefined) return undefined;
  return dash(String(v));
}

function num(record: Record<string, unknown>, key: string): number | undefined {
  const v = str(record, key);
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

function parseJson(line: string): AccessLogFields | undefined {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!record || typeof record !== 'object' || Array.isArray(record)) return undefined;
  const r = record as Record<string, unknown>;
  if (!('response_code' in r) && !('start_time' in r)) return undefined;
  const code = str(r, 'response_code');
  return {
    startTime: str(r, 'start_time'),
    startMs: parseTime(str(r, 'start_time')),
    method: str(r, 'method'),
    path: str(r, 'path'),
    protocol: str(r, 'protocol'),
    responseCode: code !== undefined && /^\d+$/.test(code) ? Number(code) : undefined,
    responseFlags: str(r, 'response_flags'),
    responseCodeDetails: str(r, 'response_code_details'),
    userAgent: str(r, 'user_agent'),
    requestId: str(r, 'request_id'),
    authority: str(r, 'authority'),
    upstreamHost: str(r, 'upstream_host'),
    upstreamCluster: str(r, 'upstream_cluster'),
    downstreamRemoteAddress: str(r, 'downstream_remote_address'),
    requestedServerName: str(r, 'requested_server_name'),
    routeName: str(r, 'route_name'),
    bytesReceived: num(r, 'bytes_received'),
    bytesSent: num(r, 'bytes_sent'),
    durationMs: num(r, 'duration'),
    upstreamLocalAddress: str(r, 'upstream_local_address'),
    downstreamLocalAddress: str(r, 'downstream_local_address'),
  };
}

/** The fields of one access-log line, or undefined when the line is not an access-log entry. */
export function parseAccessLogLine(text: string): AccessLogFields | undefined {
  const t = text.trim();
  if (t.startsWith('{')) return parseJson(t);
  if (ZTUNNEL_LINE.test(t)) return parseZtunnel(t);
  return parseText(t);
}

/** ztunnel's own line (ambient mode): `<time> info access connection complete src.addr=... dst.addr=...`. */
const ZTUNNEL_LINE = /^\S+\s+(info|warn|error)\s+access\s+connection complete\s/;

/**
 * A ztunnel connection as access-log fields: a TCP line (response code 0) whose authority is the
 * service ztunnel resolved (dst.service), upstream host where it sent the bytes (inside the HBONE
 * tunnel when there is one), downstream remote address the ambient pod's.
 */
function parseZtunnel(line: string): AccessLogFields | undefined {
  const kv: Record<string, string> = {};
  for (const m of line.matchAll(/([a-z_.]+)=("(?:[^"\\]|\\.)*"|\S+)/g)) kv[m[1]] = m[2].startsWith('"') ? m[2].slice(1, -1) : m[2];
  if (!kv['src.addr'] || !kv['dst.addr']) return undefined;
  const startTime = line.split(/\s/)[0];
  const ms = Date.parse(startTime);
  const num = (k: string) => (kv[k] !== undefined && /^\d+$/.test(kv[k]) ? Number(kv[k]) : undefined);
  return {
    source: 'ztunnel',
    startTime,
    ...(Number.isNaN(ms) ? {} : { startMs: ms }),
    responseCode: 0,
    authority: kv['dst.service'],
    upstreamHost: kv['dst.hbone_addr'] ?? kv['dst.addr'],
    downstreamRemoteAddress: kv['src.addr'],
    bytesSent: num('bytes_sent'),
    bytesReceived: num('bytes_recv'),
    durationMs: kv.duration ? Number(kv.duration.replace(/ms$/, '')) : undefined,
    ...(kv.error ? { responseCodeDetails: kv.error } : {}),
  };
}

/** How to recognise this step's request among the log lines. */
export interface MatchContext {
  /** The x-request-id the exec step sent: only a line carrying this id matches (never time alone). */
  requestId?: string;
  /** Lines that started before this (ms since epoch) are older requests. */
  notBeforeMs?: number;
  /** Lines that started after this (ms since epoch, the request's end) are later requests. */
  notAfterMs?: number;
  /**
   * The client pod's IP: the gateway logs the connection's downstream remote address, so a line
   * from any other pod (another learner's, on a shared gateway) never counts.
   */
  clientIp?: string;
  /** Clock slack between this machine and the proxy, ms (default 2000). */
  slackMs?: number;
}

const stripPort = (host: string): string => host.replace(/:\d+$/, '').toLowerCase();

/** The IP of an Envoy address (`10.0.0.5:41234`, `[fd00::5]:41234`). */
export function addressIp(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracket) return bracket[1];
  const parts = address.split(':');
  return parts.length === 2 ? parts[0] : address; // IPv4:port, or a bare address
}

/**
 * The line is this step's request by identity: its id when tagged, else its time window; and its
 * client pod. ztunnel's lines carry no request id (it never reads HTTP), tagged or not: one is the
 * tagged request's connection when it comes from the client pod's address within the request's
 * time window, never by time alone.
 */
function isOurs(fields: AccessLogFields, context: MatchContext): boolean {
  const ip = addressIp(fields.downstreamRemoteAddress);
  const idless = fields.source === 'ztunnel';
  if (idless && context.requestId && (context.clientIp === undefined || ip === undefined)) return false;
  if (context.clientIp !== undefined) {
    // A tagged line is identified by its id even where the address is not logged; untagged, the address must say.
    if (ip !== undefined ? ip !== context.clientIp : !context.requestId) return false;
  }
  if (context.requestId && !idless) return fields.requestId === context.requestId;
  // TCP/TLS lines carry no request id (the header is inside the encrypted stream): use time.
  const slack = context.slackMs ?? 2000;
  if (context.notBeforeMs !== undefined && (fields.startMs === undefined || fields.startMs < context.notBeforeMs - slack)) return false;
  if (context.notAfterMs !== undefined && (fields.startMs === undefined || fields.startMs > context.notAfterMs + slack)) return false;
  return true;
}

/** Does this line prove the step's request, per the lesson's expectation? */
export function matchesExpectation(fields: AccessLogFields, expect: LogExpect, context: MatchContext = {}): boolean {
  return isOurs(fields, context) && showsExpected(fields, expect);
}

/**
 * A line that shows what the step expects but is not this step's request: another client's (a
 * different downstream address or request id). On a shared gateway these are other learners'.
 */
export function isOthersProof(fields: AccessLogFields, expect: LogExpect, context: MatchContext): boolean {
  return showsExpected(fields, expect) && !isOurs(fields, context) && fromAnotherClient(fields, context);
}

function fromAnotherClient(fields: AccessLogFields, context: MatchContext): boolean {
  const ip = addressIp(fields.downstreamRemoteAddress);
  if (context.clientIp !== undefined && ip !== undefined && ip !== context.clientIp) return true;
  return context.requestId !== undefined && fields.requestId !== undefined && fields.requestId !== context.requestId && (context.clientIp === undefined || ip === undefined);
}

function showsExpected(fields: AccessLogFields, expect: LogExpect): boolean {
  if (expect.authority !== undefined && (!fields.authority || stripPort(fields.authority) !== stripPort(expect.authority))) return false;
  if (expect.sni !== undefined && fields.requestedServerName?.toLowerCase() !== expect.sni.toLowerCase()) return false;
  if (expect.upstreamClusterContains !== undefined && !fields.upstreamCluster?.includes(expect.upstreamClusterContains)) return false;
  if (expect.responseCode !== undefined && fields.responseCode !== expect.responseCode) return false;
  return true;
}
