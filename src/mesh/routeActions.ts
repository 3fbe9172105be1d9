// What an HTTP route of a VirtualService does besides choosing a destination: direct responses,
// fault injection, timeouts, rewrites and request header edits.

type Spec = Record<string, unknown>;

export interface HttpRouteActions {
  directResponse?: { status: number; body: string };
  abort?: { status: number; percent: number };
  delay?: { ms: number; percent: number };
  timeoutMs?: number;
  rewrite?: { uri?: string; authority?: string };
  setHeaders?: [string, string][];
  addHeaders?: [string, string][];
  removeHeaders?: string[];
}

const asRecord = (v: unknown): Spec => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Spec) : {});
const asNumber = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** A protobuf Duration as YAML writes it: "5s", "1.5s", "100ms", "2m", "1h". */
export function parseDuration(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) return undefined;
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * factor);
}

const percentOf = (fault: Spec): number => asNumber(asRecord(fault.percentage).value) ?? 100;

const pairs = (v: unknown): [string, string][] =>
  Object.entries(asRecord(v)).filter((e): e is [string, string] => typeof e[1] === 'string');

export function routeActions(route: Spec): HttpRouteActions {
  const out: HttpRouteActions = {};
  const direct = asRecord(route.directResponse);
  const directStatus = asNumber(direct.status);
  if (directStatus !== undefined) {
    const body = asRecord(direct.body);
    out.directResponse = { status: directStatus, body: typeof body.string === 'string' ? body.string : '' };
  }
  const fault = asRecord(route.fault);
  const abort = asRecord(fault.abort);
  const abortStatus = asNumber(abort.httpStatus);
  if (abortStatus !== undefined) out.abort = { status: abortStatus, percent: percentOf(abort) };
  const delay = asRecord(fault.delay);
  const delayMs = parseDuration(delay.fixedDelay);
  if (delayMs !== undefined) out.delay = { ms: delayMs, percent: percentOf(delay) };
  const timeout = parseDuration(route.timeout);
  if (timeout !== undefined && timeout > 0) out.timeoutMs = timeout;
  const rewrite = asRecord(route.rewrite);
  if (typeof rewrite.uri === 'string' || typeof rewrite.authority === 'string') {
    out.rewrite = {
      uri: typeof rewrite.uri === 'string' ? rewrite.uri : undefined,
      authority: typeof rewrite.authority === 'string' ? rewrite.authority : undefined,
    };
  }
  const request = asRecord(asRecord(route.headers).request);
  if (route.headers !== undefined) {
    out.setHeaders = pairs(request.set);
    out.addHeaders = pairs(request.add);
    out.removeHeaders = Array.isArray(request.remove) ? request.remove.filter((h): h is string => typeof h === 'string') : [];
  }
  return out;
}
