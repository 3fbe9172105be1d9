// The access-log line format, field by field.
import { describe, expect, it } from 'vitest';
import { type AccessLogFields, formatAccessLog } from '../../src/mesh/index.js';

const http: AccessLogFields = {
  startTime: new Date('2026-11-24T06:00:00.123Z'),
  method: 'GET',
  path: '/headers',
  protocol: 'HTTP/1.1',
  responseCode: 200,
  responseCodeDetails: 'via_upstream',
  bytesReceived: 0,
  bytesSent: 1040,
  durationMs: 190,
  upstreamServiceTimeMs: 189,
  xForwardedFor: '10.244.0.12',
  userAgent: 'curl/8.16.0',
  requestId: 'abc',
  authority: 'httpbin.org',
  upstreamHost: '44.207.188.95:80',
  upstreamCluster: 'outbound|80||httpbin.org',
  upstreamLocalAddress: '10.244.0.8:39000',
  downstreamLocalAddress: '10.244.0.8:8080',
  downstreamRemoteAddress: '10.244.0.12:41234',
};

describe('formatAccessLog', () => {
  it("Istio's default TEXT format, empty fields as -", () => {
    expect(formatAccessLog(http)).toBe(
      '[2026-11-24T06:00:00.123Z] "GET /headers HTTP/1.1" 200 - via_upstream - "-" 0 1040 190 189 "10.244.0.12" "curl/8.16.0" "abc" "httpbin.org" "44.207.188.95:80" outbound|80||httpbin.org 10.244.0.8:39000 10.244.0.8:8080 10.244.0.12:41234 - -',
    );
  });

  it('TCP/TLS lines: "- - -" and code 0, SNI in the server-name field', () => {
    const line = formatAccessLog({
      startTime: new Date('2026-11-24T06:00:00.000Z'), responseCode: 0, bytesReceived: 839, bytesSent: 5120, durationMs: 230,
      upstreamHost: '110.242.70.57:443', upstreamCluster: 'outbound|443||www.baidu.com', upstreamLocalAddress: '10.244.0.8:40000',
      downstreamLocalAddress: '10.244.0.8:8443', downstreamRemoteAddress: '10.244.0.12:50000', requestedServerName: 'www.baidu.com',
    });
    expect(line).toBe('[2026-11-24T06:00:00.000Z] "- - -" 0 - - - "-" 839 5120 230 - "-" "-" "-" "-" "110.242.70.57:443" outbound|443||www.baidu.com 10.244.0.8:40000 10.244.0.8:8443 10.244.0.12:50000 www.baidu.com -');
  });

  it('JSON: sorted keys, numbers as numbers, empty as null', () => {
    const line = formatAccessLog({ ...http, responseFlags: 'NR', routeName: undefined }, 'JSON');
    expect(Object.keys(JSON.parse(line))).toEqual([...Object.keys(JSON.parse(line))].sort());
    expect(JSON.parse(line)).toMatchObject({ response_code: 200, response_flags: 'NR', route_name: null, bytes_sent: 1040, upstream_service_time: '189' });
    expect(line).not.toContain('\n');
  });
});
