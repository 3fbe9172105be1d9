import { describe, expect, it } from 'vitest';
import { matchesExpectation, isOthersProof, addressIp, parseAccessLogLine } from '../../src/verify/index.js';

const CURRENT =
  '[2026-11-24T06:30:00.123Z] "GET /headers HTTP/1.1" 200 - via_upstream - "-" 0 1234 45 44 "10.244.0.7" "curl/8.5.0" "egress-tutorial-abc" "httpbin.org" "34.1.2.3:80" outbound|80||httpbin.org 10.244.0.9:41234 10.244.0.9:8080 10.244.0.7:52344 - -';
const TLS =
  '[2026-11-24T06:31:00.000Z] "- - -" 0 - - - "-" 840 4900 120 - "-" "-" "-" "-" "110.242.68.3:443" outbound|443||www.baidu.com 10.244.0.9:40000 10.244.0.9:8443 10.244.0.7:51000 www.baidu.com -';
// Istio 1.5–1.8: no RESPONSE_CODE_DETAILS / CONNECTION_TERMINATION_DETAILS.
const OLD =
  '[2020-05-01T10:00:00.000Z] "GET /politics HTTP/2" 301 - "-" "-" 0 0 67 52 "10.10.10.10" "curl/7.64.0" "ad2a" "edition.cnn.com" "151.101.65.67:80" outbound|80||edition.cnn.com - 10.36.1.4:80 10.36.0.7:60234 -';
const JSON_LINE = JSON.stringify({
  start_time: '2026-11-24T06:32:00.000Z',
  method: 'GET',
  path: '/headers',
  protocol: 'HTTP/1.1',
  response_code: 404,
  response_flags: 'NR',
  response_code_details: 'route_not_found',
  request_id: 'rid-1',
  authority: 'httpbin.org',
  upstream_cluster: null,
  requested_server_name: null,
});

describe('parseAccessLogLine', () => {
  it('parses the current default text format', () => {
    const f = parseAccessLogLine(CURRENT)!;
    expect(f).toMatchObject({
      method: 'GET',
      path: '/headers',
      responseCode: 200,
      responseCodeDetails: 'via_upstream',
      userAgent: 'curl/8.5.0',
      requestId: 'egress-tutorial-abc',
      authority: 'httpbin.org',
      upstreamHost: '34.1.2.3:80',
      upstreamCluster: 'outbound|80||httpbin.org',
      downstreamRemoteAddress: '10.244.0.7:52344',
    });
    expect(f.responseFlags).toBeUndefined();
    expect(f.startMs).toBe(Date.parse('2026-11-24T06:30:00.123Z'));
  });

  it('parses a TLS passthrough line with its SNI', () => {
    const f = parseAccessLogLine(TLS)!;
    expect(f.responseCode).toBe(0);
    expect(f.requestId).toBeUndefined();
    expect(f.requestedServerName).toBe('www.baidu.com');
    expect(f.upstreamCluster).toBe('outbound|443||www.baidu.com');
  });

  it('parses the older, shorter format', () => {
    const f = parseAccessLogLine(OLD)!;
    expect(f.responseCode).toBe(301);
    expect(f.responseCodeDetails).toBeUndefined();
    expect(f.authority).toBe('edition.cnn.com');
    expect(f.upstreamCluster).toBe('outbound|80||edition.cnn.com');
    expect(f.requestId).toBe('ad2a');
  });

  it('parses JSON access logs', () => {
    const f = parseAccessLogLine(JSON_LINE)!;
    expect(f).toMatchObject({ responseCode: 404, responseFlags: 'NR', requestId: 'rid-1', authority: 'httpbin.org' });
    expect(f.upstreamCluster).toBeUndefined();
  });

  it('ignores lines that are not access-log entries', () => {
    expect(parseAccessLogLine('2026-11-24T06:00:00.000Z info Envoy proxy is ready')).toBeUndefined();
    expect(parseAccessLogLine('{"level":"info","msg":"x"}')).toBeUndefined();
    expect(parseAccessLogLine('')).toBeUndefined();
  });

  it('strips a kubectl --timestamps prefix', () => {
    expect(parseAccessLogLine(`2026-11-24T06:30:00.200000000Z ${CURRENT}`)?.requestId).toBe('egress-tutorial-abc');
  });
});

describe('matchesExpectation', () => {
  const http = parseAccessLogLine(CURRENT)!;
  const tls = parseAccessLogLine(TLS)!;

  it('matches by request id and authority', () => {
    expect(matchesExpectation(http, { authority: 'httpbin.org', upstreamClusterContains: 'outbound|80||httpbin.org' }, { requestId: 'egress-tutorial-abc' })).toBe(true);
    expect(matchesExpectation(http, { authority: 'httpbin.org' }, { requestId: 'other' })).toBe(false);
    expect(matchesExpectation(http, { authority: 'httpbin.org:80' }, {})).toBe(true);
    expect(matchesExpectation(http, { authority: 'example.com' }, {})).toBe(false);
    expect(matchesExpectation(http, { responseCode: 503 }, {})).toBe(false);
  });

  it('matches TLS lines by SNI and time, since they carry no request id', () => {
    const at = Date.parse('2026-11-24T06:31:00.000Z');
    expect(matchesExpectation(tls, { sni: 'www.baidu.com' }, { notBeforeMs: at - 500 })).toBe(true);
    expect(matchesExpectation(tls, { sni: 'www.baidu.com' }, { notBeforeMs: at + 60_000 })).toBe(false);
    expect(matchesExpectation(tls, { sni: 'edition.cnn.com' }, {})).toBe(false);
  });

  // Issue 11: a tagged request is proved by its id only — an earlier version fell back to time and
  // SNI when a line had no id, so another learner's TLS line passed for a tagged request.
  it('never matches a tagged request by time alone', () => {
    const at = Date.parse('2026-11-24T06:31:00.000Z');
    expect(matchesExpectation(tls, { sni: 'www.baidu.com' }, { requestId: 'x', notBeforeMs: at - 500 })).toBe(false);
    expect(matchesExpectation(http, {}, { requestId: 'another-id', notBeforeMs: 0 })).toBe(false);
  });

  it('TLS: only the client pod\'s connection, inside the request\'s time window, counts', () => {
    const at = Date.parse('2026-11-24T06:31:00.000Z');
    const window = { notBeforeMs: at - 500, notAfterMs: at + 500 };
    expect(matchesExpectation(tls, { sni: 'www.baidu.com' }, { ...window, clientIp: '10.244.0.7' })).toBe(true);
    expect(matchesExpectation(tls, { sni: 'www.baidu.com' }, { ...window, clientIp: '10.244.0.8' })).toBe(false);
    expect(isOthersProof(tls, { sni: 'www.baidu.com' }, { ...window, clientIp: '10.244.0.8' })).toBe(true);
    // A connection that started after the request ended is a later one.
    expect(matchesExpectation(tls, { sni: 'www.baidu.com' }, { notBeforeMs: at - 60_000, notAfterMs: at - 10_000, clientIp: '10.244.0.7' })).toBe(false);
    // Same pod, outside the window: an earlier request of the learner's own, not another learner's.
    expect(isOthersProof(tls, { sni: 'www.baidu.com' }, { notBeforeMs: at + 60_000, clientIp: '10.244.0.7' })).toBe(false);
    // With the client known, a line without a downstream address proves nothing.
    const noAddress = { ...tls, downstreamRemoteAddress: undefined };
    expect(matchesExpectation(noAddress, { sni: 'www.baidu.com' }, { ...window, clientIp: '10.244.0.7' })).toBe(false);
    expect(addressIp('[fd00::7]:51000')).toBe('fd00::7');
  });

  it('HTTP: the request id decides; a line with this id from another pod does not count', () => {
    expect(matchesExpectation(http, { authority: 'httpbin.org' }, { requestId: 'egress-tutorial-abc', clientIp: '10.244.0.7' })).toBe(true);
    expect(matchesExpectation(http, { authority: 'httpbin.org' }, { requestId: 'egress-tutorial-abc', clientIp: '10.244.0.99' })).toBe(false);
    expect(isOthersProof(http, { authority: 'httpbin.org' }, { requestId: 'egress-tutorial-mine', clientIp: '10.244.0.99' })).toBe(true);
    // The learner's own earlier attempt (same pod, older id) is not someone else's.
    expect(isOthersProof(http, { authority: 'httpbin.org' }, { requestId: 'egress-tutorial-mine', clientIp: '10.244.0.7' })).toBe(false);
  });
});

describe('ztunnel lines (ambient mode)', () => {
  const line = '2026-12-07T12:00:00.123000Z\tinfo\taccess\tconnection complete\tsrc.addr=10.244.0.12:51234 src.workload="curl-ambient-6d4f" src.namespace="default" src.identity="spiffe://cluster.local/ns/default/sa/curl" dst.addr=44.207.188.95:80 dst.service="httpbin.org" direction="outbound" bytes_sent=78 bytes_recv=512 duration="14ms"';
  it('reads a connection as a TCP line: dst.service as authority, the pod as downstream', () => {
    expect(parseAccessLogLine(line)).toMatchObject({ startMs: Date.parse('2026-12-07T12:00:00.123Z'), responseCode: 0, authority: 'httpbin.org', upstreamHost: '44.207.188.95:80', downstreamRemoteAddress: '10.244.0.12:51234', bytesSent: 78, bytesReceived: 512, durationMs: 14 });
    const hbone = parseAccessLogLine(line.replace('dst.addr=44.207.188.95:80', 'dst.addr=10.244.0.20:15008 dst.hbone_addr=240.240.0.2:80'));
    expect(hbone?.upstreamHost).toBe('240.240.0.2:80');
    expect(matchesExpectation(parseAccessLogLine(line)!, { authority: 'httpbin.org', responseCode: 0 }, { clientIp: '10.244.0.12' })).toBe(true);
    expect(matchesExpectation(parseAccessLogLine(line)!, { authority: 'httpbin.org', responseCode: 0 }, { clientIp: '10.244.0.99' })).toBe(false);
  });

  it('a tagged request\'s connection: ztunnel logs no request id, so the client pod\'s address and the time window decide, never time alone', () => {
    const fields = parseAccessLogLine(line)!;
    expect(fields.source).toBe('ztunnel');
    const at = Date.parse('2026-12-07T12:00:00.123Z');
    const tagged = { requestId: 'egress-tutorial-abc', clientIp: '10.244.0.12', notBeforeMs: at - 100, notAfterMs: at + 200 };
    expect(matchesExpectation(fields, { authority: 'httpbin.org' }, tagged)).toBe(true);
    // Another pod's connection, or one long before or after the request, is not this request's.
    expect(matchesExpectation(fields, { authority: 'httpbin.org' }, { ...tagged, clientIp: '10.244.0.99' })).toBe(false);
    expect(matchesExpectation(fields, { authority: 'httpbin.org' }, { ...tagged, notBeforeMs: at + 10_000, notAfterMs: at + 11_000 })).toBe(false);
    // Without the client's address a tagged request's ztunnel line is never matched by time alone.
    expect(matchesExpectation(fields, { authority: 'httpbin.org' }, { requestId: 'egress-tutorial-abc', notBeforeMs: at - 100 })).toBe(false);
    expect(isOthersProof(fields, { authority: 'httpbin.org' }, { ...tagged, clientIp: '10.244.0.99' })).toBe(true);
    // Envoy's lines still need the id when the request was tagged.
    expect(matchesExpectation(parseAccessLogLine(CURRENT)!, { authority: 'httpbin.org' }, { requestId: 'egress-tutorial-other', clientIp: '10.244.0.7' })).toBe(false);
  });
});
