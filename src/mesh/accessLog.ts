// Envoy access-log lines in Istio's default TEXT format, or Istio's default JSON format.
// The field model is parser-free: build an AccessLogFields and format it.

/** One access-log entry, field by field. `undefined`/empty prints as `-` (TEXT) or null (JSON). */
export interface AccessLogFields {
  startTime: Date;
  /** Undefined for TCP/TLS connections: the request part prints as `"- - -"`. */
  method?: string;
  path?: string;
  protocol?: string; // HTTP/1.1, HTTP/2
  responseCode: number; // 0 for TCP/TLS
  responseFlags?: string; // NC, NR, UH, UF, UO, ... (comma-joined when several)
  responseCodeDetails?: string; // via_upstream, route_not_found, ...
  connectionTerminationDetails?: string;
  upstreamTransportFailureReason?: string;
  bytesReceived: number;
  bytesSent: number;
  durationMs: number;
  upstreamServiceTimeMs?: number;
  xForwardedFor?: string;
  userAgent?: string;
  requestId?: string;
  authority?: string;
  upstreamHost?: string; // ip:port
  upstreamCluster?: string; // outbound|80||httpbin.org, PassthroughCluster, BlackHoleCluster
  upstreamLocalAddress?: string;
  downstreamLocalAddress?: string;
  downstreamRemoteAddress?: string;
  requestedServerName?: string; // SNI
  routeName?: string;
}

export type AccessLogEncoding = 'TEXT' | 'JSON';

const dash = (v: string | number | undefined): string =>
  v === undefined || v === '' ? '-' : String(v);

/** Envoy's START_TIME: ISO 8601 with milliseconds, UTC. */
export function formatStartTime(d: Date): string {
  return d.toISOString();
}

function formatText(f: AccessLogFields): string {
  const request = f.method === undefined ? '- - -' : `${dash(f.method)} ${dash(f.path)} ${dash(f.protocol)}`;
  return [
    `[${formatStartTime(f.startTime)}]`,
    `"${request}"`,
    String(f.responseCode),
    dash(f.responseFlags),
    dash(f.responseCodeDetails),
    dash(f.connectionTerminationDetails),
    `"${dash(f.upstreamTransportFailureReason)}"`,
    String(f.bytesReceived),
    String(f.bytesSent),
    String(f.durationMs),
    dash(f.upstreamServiceTimeMs),
    `"${dash(f.xForwardedFor)}"`,
    `"${dash(f.userAgent)}"`,
    `"${dash(f.requestId)}"`,
    `"${dash(f.authority)}"`,
    `"${dash(f.upstreamHost)}"`,
    dash(f.upstreamCluster),
    dash(f.upstreamLocalAddress),
    dash(f.downstreamLocalAddress),
    dash(f.downstreamRemoteAddress),
    dash(f.requestedServerName),
    dash(f.routeName),
  ].join(' ');
}

const orNull = <T>(v: T | undefined | ''): T | null => (v === undefined || v === '' ? null : (v as T));

// Istio's JSON access log is a protobuf Struct, which Envoy prints with keys in sorted order.
function formatJson(f: AccessLogFields): string {
  const entry: Record<string, string | number | null> = {
    authority: orNull(f.authority),
    bytes_received: f.bytesReceived,
    bytes_sent: f.bytesSent,
    connection_termination_details: orNull(f.connectionTerminationDetails),
    downstream_local_address: orNull(f.downstreamLocalAddress),
    downstream_remote_address: orNull(f.downstreamRemoteAddress),
    duration: f.durationMs,
    method: orNull(f.method),
    path: orNull(f.path),
    protocol: orNull(f.protocol),
    request_id: orNull(f.requestId),
    requested_server_name: orNull(f.requestedServerName),
    response_code: f.responseCode,
    response_code_details: orNull(f.responseCodeDetails),
    response_flags: orNull(f.responseFlags),
    route_name: orNull(f.routeName),
    start_time: formatStartTime(f.startTime),
    upstream_cluster: orNull(f.upstreamCluster),
    upstream_host: orNull(f.upstreamHost),
    upstream_local_address: orNull(f.upstreamLocalAddress),
    upstream_service_time: f.upstreamServiceTimeMs === undefined ? null : String(f.upstreamServiceTimeMs),
    upstream_transport_failure_reason: orNull(f.upstreamTransportFailureReason),
    user_agent: orNull(f.userAgent),
    x_forwarded_for: orNull(f.xForwardedFor),
  };
  return JSON.stringify(entry);
}

/** One access-log line (no trailing newline). */
export function formatAccessLog(fields: AccessLogFields, encoding: AccessLogEncoding = 'TEXT'): string {
  return encoding === 'JSON' ? formatJson(fields) : formatText(fields);
}
