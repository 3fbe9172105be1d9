// The seed's lesson commands, stage by stage, with the exact curl output and the log lines.
import { describe, expect, it } from 'vitest';
import { baseState, CLIENT, DR_CNN, GATEWAY_POD, GW_HTTP, GW_TLS, HTTP_CMD, HTTPS_CMD, logsOf, run, SE_BAIDU, SE_HTTPBIN, seeded, VS_HTTP, VS_TLS } from './fixtures.js';

describe('HTTP part of the seed', () => {
  it('ServiceEntry only: 200 from the sidecar straight to httpbin.org, no gateway line', () => {
    const r = run(baseState({ objects: [SE_HTTPBIN] }), HTTP_CMD);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(r.stdout).toContain('\r\nserver: envoy\r\n');
    expect(r.stdout).toMatch(/\r\nx-envoy-upstream-service-time: \d+\r\n\r\n$/);
    expect(r.stdout).not.toContain('{'); // -o /dev/null: no body
    const client = logsOf(r, CLIENT.name);
    expect(client).toHaveLength(1);
    expect(client[0]).toContain('"GET /headers HTTP/1.1" 200 - via_upstream -');
    expect(client[0]).toContain(' outbound|80||httpbin.org ');
    expect(logsOf(r, GATEWAY_POD.name)).toEqual([]);
  });

  it('exact head for `curl -sSL -o /dev/null -D - http://httpbin.org/headers`', () => {
    const r = run(baseState({ objects: [SE_HTTPBIN] }), HTTP_CMD);
    const lines = r.stdout.split('\r\n');
    expect(lines[0]).toBe('HTTP/1.1 200 OK');
    expect(lines.slice(1, -2).map((l) => l.split(':')[0])).toEqual([
      'date', 'content-type', 'content-length', 'server', 'access-control-allow-origin', 'access-control-allow-credentials', 'x-envoy-upstream-service-time',
    ]);
    expect(lines.slice(-2)).toEqual(['', '']);
    expect(r.stdout).toContain('content-type: application/json\r\n');
  });

  it('SE + Gateway + DestinationRule without VirtualService: still direct', () => {
    const r = run(baseState({ objects: [SE_HTTPBIN, GW_HTTP, DR_CNN] }), HTTP_CMD);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(logsOf(r, CLIENT.name)[0]).toContain(' outbound|80||httpbin.org ');
    expect(logsOf(r, GATEWAY_POD.name)).toEqual([]);
  });

  it('+ VirtualService: through the egress gateway, a line on each proxy with the same request id', () => {
    const r = run(baseState({ objects: [SE_HTTPBIN, GW_HTTP, DR_CNN, VS_HTTP] }), [...HTTP_CMD.slice(0, -1), '-H', 'x-request-id: lesson-42', HTTP_CMD.at(-1)!]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(r.stdout).toContain('server: envoy\r\n');
    const [client] = logsOf(r, CLIENT.name);
    const [gateway] = logsOf(r, GATEWAY_POD.name);
    expect(client).toContain('"GET /headers HTTP/1.1" 200 - via_upstream -');
    expect(client).toContain('"lesson-42" "httpbin.org" "10.244.0.8:8080" outbound|80|cnn|istio-egressgateway.istio-system.svc.cluster.local ');
    // The gateway's Service port 80 is named http2, so the sidecar speaks HTTP/2 to it.
    expect(gateway).toContain('"GET /headers HTTP/2" 200 - via_upstream -');
    expect(gateway).toContain('"10.244.0.12" "curl/8.16.0" "lesson-42" "httpbin.org"');
    expect(gateway).toContain(' outbound|80||httpbin.org 10.244.0.8:');
    expect(gateway).toContain(' 10.244.0.8:8080 10.244.0.12:');
    const gatewayAccess = r.accessLog.find((l) => l.pod === GATEWAY_POD.name)!;
    expect(gatewayAccess).toMatchObject({ namespace: 'istio-system', container: 'istio-proxy' });
  });

  it('DestinationRule missing: 503 NC cluster_not_found at the sidecar', () => {
    const r = run(baseState({ objects: [SE_HTTPBIN, GW_HTTP, VS_HTTP] }), HTTP_CMD);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(logsOf(r, CLIENT.name)[0]).toContain('" 503 NC cluster_not_found ');
    expect(logsOf(r, GATEWAY_POD.name)).toEqual([]);
  });
});

describe('HTTPS part of the seed', () => {
  it('ServiceEntry only: SNI passthrough from the sidecar, origin headers', () => {
    const r = run(baseState({ objects: [SE_BAIDU] }), HTTPS_CMD);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(r.stdout).toContain('Server: bfe/1.0.8.18\r\n');
    expect(r.stdout).not.toContain('server: envoy');
    expect(r.stdout.endsWith('\r\n\r\n')).toBe(true);
    const [client] = logsOf(r, CLIENT.name);
    expect(client).toMatch(/"- - -" 0 - - - "-" \d+ \d+ \d+ - "-" "-" "-" "-" "110\.242\.70\.57:443" outbound\|443\|\|www\.baidu\.com /);
    expect(client).toMatch(/ www\.baidu\.com -$/);
  });

  it('full setup: through the gateway by SNI, lines on both proxies', () => {
    const r = run(baseState({ objects: [SE_BAIDU, GW_TLS, DR_CNN, VS_TLS] }), HTTPS_CMD);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const [client] = logsOf(r, CLIENT.name);
    const [gateway] = logsOf(r, GATEWAY_POD.name);
    expect(client).toContain('"10.244.0.8:8443" outbound|443|cnn|istio-egressgateway.istio-system.svc.cluster.local ');
    expect(gateway).toContain('"110.242.70.57:443" outbound|443||www.baidu.com 10.244.0.8:');
    expect(gateway).toMatch(/ 10\.244\.0\.8:8443 10\.244\.0\.12:\d+ www\.baidu\.com -$/);
  });
});

describe('determinism', () => {
  it('the same random source gives the same output and log lines; another gives other ids', () => {
    const state = baseState({ objects: [SE_HTTPBIN, GW_HTTP, DR_CNN, VS_HTTP] });
    const a = run(state, HTTP_CMD);
    const b = run(state, HTTP_CMD);
    expect(b).toEqual(a);
    const c = run(state, HTTP_CMD, { random: seeded(7) });
    expect(c.accessLog[0].line).not.toBe(a.accessLog[0].line);
    expect(c.stdout.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
  });
});

describe('exact output of the lesson commands through the egress gateway (seeded)', () => {
  it('curl -sSL -o /dev/null -D - http://httpbin.org/headers', () => {
    const r = run(baseState({ objects: [SE_HTTPBIN, GW_HTTP, DR_CNN, VS_HTTP] }), HTTP_CMD);
    expect(r.stdout).toBe(
      'HTTP/1.1 200 OK\r\n' +
        'date: Tue, 24 Nov 2026 06:00:00 GMT\r\n' +
        'content-type: application/json\r\n' +
        'content-length: 604\r\n' +
        'server: envoy\r\n' +
        'access-control-allow-origin: *\r\n' +
        'access-control-allow-credentials: true\r\n' +
        'x-envoy-upstream-service-time: 439\r\n' +
        '\r\n',
    );
    expect(r.stderr).toBe('');
    expect(logsOf(r, GATEWAY_POD.name)).toEqual([
      '[2026-11-24T06:00:00.124Z] "GET /headers HTTP/2" 200 - via_upstream - "-" 0 604 437 436 "10.244.0.12" "curl/8.16.0" "936071df-d7ad-4912-8fee-8284fd2d7008" "httpbin.org" "44.207.188.95:80" outbound|80||httpbin.org 10.244.0.8:56468 10.244.0.8:8080 10.244.0.12:51991 - -',
    ]);
  });

  it('curl -sSL -o /dev/null -D - https://www.baidu.com?q=1', () => {
    const r = run(baseState({ objects: [SE_BAIDU, GW_TLS, DR_CNN, VS_TLS] }), HTTPS_CMD);
    expect(r.stdout).toBe(
      'HTTP/1.1 200 OK\r\n' +
        'Accept-Ranges: bytes\r\n' +
        'Cache-Control: private, no-cache, no-store, proxy-revalidate, no-transform\r\n' +
        'Connection: keep-alive\r\n' +
        'Content-Length: 141\r\n' +
        'Content-Type: text/html\r\n' +
        'Date: Tue, 24 Nov 2026 06:00:00 GMT\r\n' +
        'Etag: "588603eb-98b"\r\n' +
        'Last-Modified: Mon, 23 Jan 2017 13:23:55 GMT\r\n' +
        'Pragma: no-cache\r\n' +
        'Server: bfe/1.0.8.18\r\n' +
        'Set-Cookie: BDORZ=27315; max-age=86400; domain=.baidu.com; path=/\r\n' +
        '\r\n',
    );
    expect(logsOf(r, GATEWAY_POD.name)).toEqual([
      '[2026-11-24T06:00:00.124Z] "- - -" 0 - - - "-" 750 5209 99 - "-" "-" "-" "-" "110.242.70.57:443" outbound|443||www.baidu.com 10.244.0.8:43373 10.244.0.8:8443 10.244.0.12:39051 www.baidu.com -',
    ]);
  });
});
