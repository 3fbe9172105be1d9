// Every routing case and failure signature of the mesh model.
import { describe, expect, it } from 'vitest';
import type { IstioObject, MeshState } from '../../src/mesh/types.js';
import { baseState, CLIENT, DR_CNN, GATEWAY_POD, GW_HTTP, GW_TLS, HTTP_CMD, HTTPS_CMD, logsOf, run, SE_BAIDU, SE_HTTPBIN, VS_HTTP, VS_TLS } from './fixtures.js';

const registryOnly = (objects: IstioObject[] = []): MeshState =>
  baseState({ objects, meshConfig: { outboundTrafficPolicy: 'REGISTRY_ONLY', accessLogFile: '/dev/stdout' } });

const statusLine = (stdout: string): string => stdout.split('\r\n')[0];

describe('outbound policy', () => {
  it('ALLOW_ANY without ServiceEntry: HTTP through PassthroughCluster (route allow_any)', () => {
    const r = run(baseState(), HTTP_CMD);
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 200 OK');
    expect(r.stdout).toContain('server: envoy');
    expect(logsOf(r, CLIENT.name)[0]).toMatch(/"44\.207\.188\.95:80" PassthroughCluster 10\.244\.0\.12:\d+ 44\.207\.188\.95:80 10\.244\.0\.12:\d+ - allow_any$/);
  });

  it('ALLOW_ANY without ServiceEntry: HTTPS passes through too', () => {
    const r = run(baseState(), HTTPS_CMD);
    expect(r.exitCode).toBe(0);
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 200 OK');
    expect(logsOf(r, CLIENT.name)[0]).toMatch(/^\[[^\]]+\] "- - -" 0 - - - .* PassthroughCluster .* www\.baidu\.com -$/);
  });

  it('REGISTRY_ONLY without ServiceEntry: HTTP 502 direct_response from the sidecar', () => {
    const r = run(registryOnly(), HTTP_CMD);
    expect(r.exitCode).toBe(0);
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 502 Bad Gateway');
    expect(logsOf(r, CLIENT.name)[0]).toMatch(/"GET \/headers HTTP\/1\.1" 502 - direct_response - .* "httpbin\.org" "-" - - 44\.207\.188\.95:80 10\.244\.0\.12:\d+ - block_all$/);
  });

  it('REGISTRY_ONLY without ServiceEntry: HTTPS fails with curl 35', () => {
    const r = run(registryOnly(), HTTPS_CMD);
    expect(r.exitCode).toBe(35);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to www.baidu.com:443 \n');
    expect(logsOf(r, CLIENT.name)[0]).toContain('"- - -" 0 UH - - "-" 0 0 0 - "-" "-" "-" "-" "-" BlackHoleCluster');
  });

  it('REGISTRY_ONLY with a ServiceEntry: both parts work', () => {
    expect(statusLine(run(registryOnly([SE_HTTPBIN]), HTTP_CMD).stdout)).toBe('HTTP/1.1 200 OK');
    const tls = run(registryOnly([SE_BAIDU]), HTTPS_CMD);
    expect(tls.exitCode).toBe(0);
    expect(statusLine(tls.stdout)).toBe('HTTP/1.1 200 OK');
  });

  it('a Sidecar in the namespace overrides mesh config, both ways', () => {
    const strict: IstioObject = { kind: 'Sidecar', namespace: 'default', name: 'default', spec: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } } };
    expect(statusLine(run(baseState({ objects: [strict] }), HTTP_CMD).stdout)).toBe('HTTP/1.1 502 Bad Gateway');
    const open: IstioObject = { kind: 'Sidecar', namespace: 'default', name: 'default', spec: { outboundTrafficPolicy: { mode: 'ALLOW_ANY' } } };
    expect(statusLine(run(registryOnly([open]), HTTP_CMD).stdout)).toBe('HTTP/1.1 200 OK');
    // A Sidecar with a workloadSelector does not set the namespace's policy; one in another namespace does nothing here.
    const selected: IstioObject = { ...strict, spec: { ...strict.spec, workloadSelector: { labels: { app: 'other' } } } };
    expect(statusLine(run(baseState({ objects: [selected] }), HTTP_CMD).stdout)).toBe('HTTP/1.1 200 OK');
    expect(statusLine(run(baseState({ objects: [{ ...strict, namespace: 'other' }] }), HTTP_CMD).stdout)).toBe('HTTP/1.1 200 OK');
  });

  it("a Sidecar's egress hosts limit what the sidecar imports", () => {
    const scoped = (hosts: string[]): IstioObject => ({ kind: 'Sidecar', namespace: 'default', name: 'default', spec: { egress: [{ hosts }], outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } } });
    // The ServiceEntry lives in default: "./*" imports it, "istio-system/*" alone does not.
    expect(statusLine(run(baseState({ objects: [SE_HTTPBIN, scoped(['./*'])] }), HTTP_CMD).stdout)).toBe('HTTP/1.1 200 OK');
    expect(statusLine(run(baseState({ objects: [SE_HTTPBIN, scoped(['istio-system/*'])] }), HTTP_CMD).stdout)).toBe('HTTP/1.1 502 Bad Gateway');
    // Through the gateway, the gateway's service must be imported too.
    const full = [SE_HTTPBIN, GW_HTTP, DR_CNN, VS_HTTP];
    expect(statusLine(run(baseState({ objects: [...full, scoped(['./*', 'istio-system/*'])] }), HTTP_CMD).stdout)).toBe('HTTP/1.1 200 OK');
    const r = run(baseState({ objects: [...full, scoped(['./httpbin.org'])] }), HTTP_CMD);
    expect(logsOf(r, CLIENT.name)[0]).toContain(' 503 NC cluster_not_found ');
  });

  it('a Sidecar in the root namespace sets the mesh-wide default', () => {
    const root: IstioObject = { kind: 'Sidecar', namespace: 'istio-system', name: 'default', spec: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } } };
    expect(statusLine(run(baseState({ objects: [root] }), HTTP_CMD).stdout)).toBe('HTTP/1.1 502 Bad Gateway');
  });
});

describe('without a sidecar', () => {
  const noSidecar = { pod: { ...CLIENT, hasSidecar: false } };

  it('goes direct: the origin server header, no access log anywhere', () => {
    const r = run(baseState({ objects: [SE_HTTPBIN, GW_HTTP, DR_CNN, VS_HTTP] }), HTTP_CMD, noSidecar);
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 200 OK');
    expect(r.stdout).toContain('Server: gunicorn/19.9.0\r\n');
    expect(r.stdout).toContain('Connection: keep-alive\r\n');
    expect(r.stdout).not.toContain('envoy');
    expect(r.accessLog).toEqual([]);
  });

  it('is not blocked by REGISTRY_ONLY', () => {
    expect(run(registryOnly(), HTTPS_CMD, noSidecar).exitCode).toBe(0);
  });

  it('commands in the istio-proxy container are not intercepted either', () => {
    const r = run(registryOnly(), HTTP_CMD, { container: 'istio-proxy' });
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 200 OK');
    expect(r.accessLog).toEqual([]);
  });
});

describe('HTTP through the egress gateway: failure signatures', () => {
  it('Gateway hosts do not include the host: 404 NR route_not_found at the gateway', () => {
    const wrongHosts: IstioObject = { ...GW_HTTP, spec: { ...GW_HTTP.spec, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['edition.cnn.com'] }] } };
    const r = run(baseState({ objects: [SE_HTTPBIN, wrongHosts, DR_CNN, VS_HTTP] }), HTTP_CMD);
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 404 Not Found');
    expect(r.stdout).toContain('server: envoy');
    expect(logsOf(r, GATEWAY_POD.name)[0]).toMatch(/"GET \/headers HTTP\/2" 404 NR route_not_found - "-" 0 0 0 - "10\.244\.0\.12" .* "-" - - 10\.244\.0\.8:8080 10\.244\.0\.12:\d+ - -$/);
    expect(logsOf(r, CLIENT.name)[0]).toContain('" 404 - via_upstream - ');
  });

  it('VirtualService not bound to the gateway: 404 NR at the gateway', () => {
    const meshOnly: IstioObject = { ...VS_HTTP, spec: { ...VS_HTTP.spec, gateways: ['mesh'] } };
    const r = run(baseState({ objects: [SE_HTTPBIN, GW_HTTP, DR_CNN, meshOnly] }), HTTP_CMD);
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 404 Not Found');
    expect(logsOf(r, GATEWAY_POD.name)[0]).toContain(' 404 NR route_not_found ');
  });

  it('VirtualService not bound to mesh: traffic never crosses the gateway', () => {
    const gatewayOnly: IstioObject = { ...VS_HTTP, spec: { ...VS_HTTP.spec, gateways: ['istio-egressgateway'] } };
    const r = run(baseState({ objects: [SE_HTTPBIN, GW_HTTP, DR_CNN, gatewayOnly] }), HTTP_CMD);
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 200 OK');
    expect(logsOf(r, GATEWAY_POD.name)).toEqual([]);
  });

  it('a Gateway in another namespace than `gateways: [istio-egressgateway]` means: 404 NR', () => {
    const elsewhere: IstioObject = { ...GW_HTTP, namespace: 'istio-system' };
    const r = run(baseState({ objects: [SE_HTTPBIN, elsewhere, DR_CNN, VS_HTTP] }), HTTP_CMD);
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 404 Not Found');
  });

  it('no Gateway server on port 80: the gateway refuses, the sidecar answers 503 UF', () => {
    const r = run(baseState({ objects: [SE_HTTPBIN, DR_CNN, VS_HTTP] }), HTTP_CMD);
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 503 Service Unavailable');
    expect(logsOf(r, CLIENT.name)[0]).toContain(' 503 UF,URX upstream_reset_before_response_started{remote_connection_failure|delayed_connect_error:_Connection_refused} - "delayed_connect_error:_Connection_refused" ');
    expect(logsOf(r, GATEWAY_POD.name)).toEqual([]);
  });

  it('DestinationRule only in another namespace with exportTo "." is not visible: 503 NC', () => {
    const hidden: IstioObject = { ...DR_CNN, namespace: 'other', spec: { ...DR_CNN.spec, exportTo: ['.'] } };
    const r = run(baseState({ objects: [SE_HTTPBIN, GW_HTTP, hidden, VS_HTTP] }), HTTP_CMD);
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 503 Service Unavailable');
    expect(logsOf(r, CLIENT.name)[0]).toContain(' 503 NC cluster_not_found ');
  });

  it('DestinationRule in the root namespace is visible', () => {
    const root: IstioObject = { ...DR_CNN, namespace: 'istio-system' };
    expect(statusLine(run(baseState({ objects: [SE_HTTPBIN, GW_HTTP, root, VS_HTTP] }), HTTP_CMD).stdout)).toBe('HTTP/1.1 200 OK');
  });

  it('DestinationRule without the subset: 503 NC', () => {
    const other: IstioObject = { ...DR_CNN, spec: { ...DR_CNN.spec, subsets: [{ name: 'bbc' }] } };
    expect(logsOf(run(baseState({ objects: [SE_HTTPBIN, GW_HTTP, other, VS_HTTP] }), HTTP_CMD), CLIENT.name)[0]).toContain(' 503 NC cluster_not_found ');
  });

  it('a subset whose labels no gateway pod carries: 503 UH', () => {
    const labelled: IstioObject = { ...DR_CNN, spec: { ...DR_CNN.spec, subsets: [{ name: 'cnn', labels: { version: 'v2' } }] } };
    expect(logsOf(run(baseState({ objects: [SE_HTTPBIN, GW_HTTP, labelled, VS_HTTP] }), HTTP_CMD), CLIENT.name)[0]).toContain(' 503 UH no_healthy_upstream ');
    const matching: IstioObject = { ...DR_CNN, spec: { ...DR_CNN.spec, subsets: [{ name: 'cnn', labels: { istio: 'egressgateway' } }] } };
    expect(statusLine(run(baseState({ objects: [SE_HTTPBIN, GW_HTTP, matching, VS_HTTP] }), HTTP_CMD).stdout)).toBe('HTTP/1.1 200 OK');
  });

  it('a ServiceEntry exported only to its own namespace is invisible to the gateway: 503 NC there', () => {
    const local: IstioObject = { ...SE_HTTPBIN, spec: { ...SE_HTTPBIN.spec, exportTo: ['.'] } };
    const r = run(baseState({ objects: [local, GW_HTTP, DR_CNN, VS_HTTP] }), HTTP_CMD);
    expect(logsOf(r, GATEWAY_POD.name)[0]).toContain(' 503 NC cluster_not_found ');
  });

  it('gateway pods absent: 503 UH no_healthy_upstream', () => {
    const state = baseState({ objects: [SE_HTTPBIN, GW_HTTP, DR_CNN, VS_HTTP] });
    state.pods = [CLIENT];
    const r = run(state, HTTP_CMD);
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 503 Service Unavailable');
    expect(r.stdout).toContain('content-length: 19\r\n');
    expect(logsOf(r, CLIENT.name)[0]).toContain(' 503 UH no_healthy_upstream - "-" 0 19 0 - ');
    expect(logsOf(r, CLIENT.name)[0]).toContain(' "-" outbound|80|cnn|istio-egressgateway.istio-system.svc.cluster.local ');
  });

  it('gateway pods not ready count as absent', () => {
    const state = baseState({ objects: [SE_HTTPBIN, GW_HTTP, DR_CNN, VS_HTTP] });
    state.pods = [CLIENT, { ...GATEWAY_POD, ready: false }];
    expect(logsOf(run(state, HTTP_CMD), CLIENT.name)[0]).toContain(' 503 UH no_healthy_upstream ');
  });

  it('gateway not installed at all (no Service): 503 NC', () => {
    const state = baseState({ objects: [SE_HTTPBIN, GW_HTTP, DR_CNN, VS_HTTP], services: [] });
    state.pods = [CLIENT];
    expect(logsOf(run(state, HTTP_CMD), CLIENT.name)[0]).toContain(' 503 NC cluster_not_found ');
  });

  it('no ServiceEntry behind the gateway: 503 NC at the gateway', () => {
    const r = run(baseState({ objects: [GW_HTTP, DR_CNN, VS_HTTP] }), HTTP_CMD);
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 503 Service Unavailable');
    expect(logsOf(r, GATEWAY_POD.name)[0]).toContain(' 503 NC cluster_not_found ');
    expect(logsOf(r, CLIENT.name)[0]).toContain(' 503 - via_upstream ');
  });

  it('resolution NONE: the gateway routes to itself until it gives out', () => {
    const none: IstioObject = { ...SE_HTTPBIN, spec: { ...SE_HTTPBIN.spec, resolution: 'NONE' } };
    const r = run(baseState({ objects: [none, GW_HTTP, DR_CNN, VS_HTTP] }), HTTP_CMD);
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 503 Service Unavailable');
    const gateway = logsOf(r, GATEWAY_POD.name);
    expect(gateway.length).toBeGreaterThan(2);
    expect(gateway[0]).toContain(' 503 UO ');
    expect(gateway[1]).toContain('"10.244.0.8:8080" outbound|80||httpbin.org');
  });

  it('request id: a given x-request-id is kept; otherwise Envoy makes one, the same on both proxies', () => {
    const r = run(baseState({ objects: [SE_HTTPBIN, GW_HTTP, DR_CNN, VS_HTTP] }), HTTP_CMD);
    const id = /"([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})"/.exec(logsOf(r, CLIENT.name)[0])?.[1];
    expect(id).toBeDefined();
    expect(logsOf(r, GATEWAY_POD.name)[0]).toContain(`"${id}"`);
  });

  it('httpbin /headers shows what Envoy added', () => {
    const r = run(baseState({ objects: [SE_HTTPBIN, GW_HTTP, DR_CNN, VS_HTTP] }), ['curl', '-s', '-H', 'x-request-id: abc', 'http://httpbin.org/headers']);
    const headers = JSON.parse(r.stdout).headers as Record<string, string>;
    expect(headers.Host).toBe('httpbin.org');
    expect(headers['User-Agent']).toBe('curl/8.16.0');
    expect(headers['X-Request-Id']).toBe('abc');
    expect(headers['X-Envoy-Decorator-Operation']).toBe('httpbin.org:80/*');
    expect(headers['X-Envoy-Peer-Metadata-Id']).toMatch(/^router~10\.244\.0\.8~istio-egressgateway/);
    expect(Object.keys(headers)).toEqual(expect.arrayContaining(['X-B3-Traceid', 'X-B3-Spanid', 'X-B3-Sampled', 'X-Envoy-Attempt-Count']));
  });
});

describe('TLS through the egress gateway: failure signatures', () => {
  it('+ Gateway + DestinationRule without VirtualService: still straight from the sidecar', () => {
    const r = run(baseState({ objects: [SE_BAIDU, GW_TLS, DR_CNN] }), HTTPS_CMD);
    expect(r.exitCode).toBe(0);
    expect(logsOf(r, CLIENT.name)[0]).toContain(' outbound|443||www.baidu.com ');
    expect(logsOf(r, GATEWAY_POD.name)).toEqual([]);
  });

  it('VirtualService not bound to the gateway: no filter chain at the gateway, curl 35', () => {
    const meshOnly: IstioObject = { ...VS_TLS, spec: { ...VS_TLS.spec, gateways: ['mesh'] } };
    const r = run(baseState({ objects: [SE_BAIDU, GW_TLS, DR_CNN, meshOnly] }), HTTPS_CMD);
    expect(r.exitCode).toBe(35);
    expect(logsOf(r, GATEWAY_POD.name)[0]).toContain('"- - -" 0 NR filter_chain_not_found ');
  });

  it('resolution NONE behind the gateway: the stream loops back into the gateway until it is cut', () => {
    const none: IstioObject = { ...SE_BAIDU, spec: { ...SE_BAIDU.spec, resolution: 'NONE' } };
    const r = run(baseState({ objects: [none, GW_TLS, DR_CNN, VS_TLS] }), HTTPS_CMD);
    expect(r.exitCode).toBe(35);
    expect(logsOf(r, GATEWAY_POD.name).some((l) => l.includes('"10.244.0.8:8443" outbound|443||www.baidu.com'))).toBe(true);
  });

  it('Gateway hosts do not match the SNI: filter_chain_not_found at the gateway, curl 35', () => {
    const wrong: IstioObject = { ...GW_TLS, spec: { ...GW_TLS.spec, servers: [{ port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: ['edition.cnn.com'], tls: { mode: 'PASSTHROUGH' } }] } };
    const r = run(baseState({ objects: [SE_BAIDU, wrong, DR_CNN, VS_TLS] }), HTTPS_CMD);
    expect(r.exitCode).toBe(35);
    expect(r.stderr).toContain('curl: (35) ');
    expect(logsOf(r, GATEWAY_POD.name)[0]).toMatch(/"- - -" 0 NR filter_chain_not_found - "-" 0 0 0 - .* 10\.244\.0\.8:8443 10\.244\.0\.12:\d+ www\.baidu\.com -$/);
  });

  it('no Gateway server on 443: connection refused at the gateway, UF at the sidecar, curl 35', () => {
    const r = run(baseState({ objects: [SE_BAIDU, DR_CNN, VS_TLS] }), HTTPS_CMD);
    expect(r.exitCode).toBe(35);
    expect(logsOf(r, CLIENT.name)[0]).toContain('"- - -" 0 UF - - "delayed_connect_error:_Connection_refused"');
  });

  it('DestinationRule missing: NC at the sidecar, curl 35', () => {
    const r = run(baseState({ objects: [SE_BAIDU, GW_TLS, VS_TLS] }), HTTPS_CMD);
    expect(r.exitCode).toBe(35);
    expect(logsOf(r, CLIENT.name)[0]).toContain('"- - -" 0 NC - - ');
  });

  it('gateway pods absent: UH at the sidecar, curl 35', () => {
    const state = baseState({ objects: [SE_BAIDU, GW_TLS, DR_CNN, VS_TLS] });
    state.pods = [CLIENT];
    const r = run(state, HTTPS_CMD);
    expect(r.exitCode).toBe(35);
    expect(logsOf(r, CLIENT.name)[0]).toContain('"- - -" 0 UH - - ');
  });

  it('a Gateway that terminates TLS instead of passing it through: reset, curl 35', () => {
    const simple: IstioObject = { ...GW_TLS, spec: { ...GW_TLS.spec, servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['www.baidu.com'], tls: { mode: 'SIMPLE' } }] } };
    expect(run(baseState({ objects: [SE_BAIDU, simple, DR_CNN, VS_TLS] }), HTTPS_CMD).exitCode).toBe(35);
  });

  it('a ServiceEntry that calls port 443 HTTP: the sidecar answers the ClientHello in plain text', () => {
    const wrong: IstioObject = { ...SE_BAIDU, spec: { ...SE_BAIDU.spec, ports: [{ number: 443, name: 'http', protocol: 'HTTP' }] } };
    const r = run(baseState({ objects: [wrong] }), HTTPS_CMD);
    expect(r.exitCode).toBe(35);
    expect(r.stderr).toContain('wrong version number');
  });
});

describe('access logging', () => {
  const full = [SE_HTTPBIN, GW_HTTP, DR_CNN, VS_HTTP];
  const telemetry = (namespace: string, spec: Record<string, unknown>): IstioObject => ({ kind: 'Telemetry', namespace, name: 'mesh-default', spec });

  it('off in mesh config: no lines, same output', () => {
    const r = run(baseState({ objects: full, meshConfig: { outboundTrafficPolicy: 'ALLOW_ANY' } }), HTTP_CMD);
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 200 OK');
    expect(r.accessLog).toEqual([]);
  });

  it('a root-namespace Telemetry with the envoy provider turns it on everywhere', () => {
    const on = telemetry('istio-system', { accessLogging: [{ providers: [{ name: 'envoy' }] }] });
    const r = run(baseState({ objects: [...full, on], meshConfig: { outboundTrafficPolicy: 'ALLOW_ANY' } }), HTTP_CMD);
    expect(logsOf(r, CLIENT.name)).toHaveLength(1);
    expect(logsOf(r, GATEWAY_POD.name)).toHaveLength(1);
  });

  it('a namespace Telemetry with disabled: true turns it off for that namespace only', () => {
    const off = telemetry('default', { accessLogging: [{ disabled: true }] });
    const r = run(baseState({ objects: [...full, off] }), HTTP_CMD);
    expect(logsOf(r, CLIENT.name)).toEqual([]);
    expect(logsOf(r, GATEWAY_POD.name)).toHaveLength(1);
  });

  it('a workload Telemetry selecting the gateway wins over the root one', () => {
    const off = telemetry('istio-system', { selector: { matchLabels: { istio: 'egressgateway' } }, accessLogging: [{ disabled: true }] });
    const r = run(baseState({ objects: [...full, off] }), HTTP_CMD);
    expect(logsOf(r, CLIENT.name)).toHaveLength(1);
    expect(logsOf(r, GATEWAY_POD.name)).toEqual([]);
  });

  it('JSON encoding: one JSON object per line with Istio\'s keys', () => {
    const r = run(baseState({ objects: full, meshConfig: { outboundTrafficPolicy: 'ALLOW_ANY', accessLogFile: '/dev/stdout', accessLogEncoding: 'JSON' } }), HTTP_CMD);
    const entry = JSON.parse(logsOf(r, GATEWAY_POD.name)[0]);
    expect(entry).toMatchObject({
      method: 'GET', path: '/headers', protocol: 'HTTP/2', response_code: 200, response_flags: null,
      response_code_details: 'via_upstream', authority: 'httpbin.org', upstream_cluster: 'outbound|80||httpbin.org',
      downstream_local_address: '10.244.0.8:8080', x_forwarded_for: '10.244.0.12', start_time: '2026-11-24T06:00:00.124Z',
    });
    expect(typeof entry.duration).toBe('number');
  });
});

describe('cluster services and odd destinations', () => {
  it('curl to the egress gateway service itself: the gateway has no route for that Host', () => {
    const r = run(baseState({ objects: [GW_HTTP] }), ['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', 'http://istio-egressgateway.istio-system']);
    expect(r.stdout).toBe('404');
    expect(logsOf(r, CLIENT.name)[0]).toContain(' outbound|80||istio-egressgateway.istio-system.svc.cluster.local ');
    expect(logsOf(r, GATEWAY_POD.name)[0]).toContain(' 404 NR route_not_found ');
  });

  it('unknown cluster names fail DNS (curl 6)', () => {
    const r = run(baseState(), ['curl', '-sS', 'http://nothing.default.svc.cluster.local/']);
    expect(r.exitCode).toBe(6);
    expect(r.stderr).toBe('curl: (6) Could not resolve host: nothing.default.svc.cluster.local\n');
  });

  it('a closed port out on the internet times out under --max-time (curl 28) with a DC line', () => {
    const r = run(baseState(), ['curl', '-sS', '--max-time', '3', 'http://httpbin.org:81/']);
    expect(r.exitCode).toBe(28);
    expect(r.stderr).toMatch(/^curl: \(28\) Operation timed out after 300\d milliseconds with 0 bytes received\n$/);
    expect(logsOf(r, CLIENT.name)[0]).toMatch(/"- - -" 0 DC - - "-" \d+ 0 3000 - .* PassthroughCluster /);
  });

  it('plain HTTP on a port without an HTTP listener is proxied as TCP: origin headers, a TCP line', () => {
    const r = run(baseState(), ['curl', '-sS', '-D', '-', '-o', '/dev/null', 'http://httpbin.org:8080/get']);
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 200 OK');
    expect(r.stdout).toContain('Server: gunicorn/19.9.0');
    expect(r.stdout).not.toContain('envoy');
    expect(logsOf(r, CLIENT.name)[0]).toMatch(/"- - -" 0 - - - "-" \d+ \d+ \d+ - "-" "-" "-" "-" "44\.207\.188\.95:8080" PassthroughCluster .* - -$/);
  });

  it('REGISTRY_ONLY on such a port: the blackhole closes the connection, curl 56', () => {
    const r = run(registryOnly(), ['curl', '-sS', 'http://httpbin.org:8080/get']);
    expect(r.exitCode).toBe(56);
    expect(r.stderr).toBe('curl: (56) Recv failure: Connection reset by peer\n');
    expect(logsOf(r, CLIENT.name)[0]).toContain('"- - -" 0 UH - - ');
    expect(logsOf(r, CLIENT.name)[0]).toContain(' BlackHoleCluster ');
  });

  it('a ServiceEntry declaring an HTTP port gives the sidecar an HTTP listener there', () => {
    const se: IstioObject = { kind: 'ServiceEntry', namespace: 'default', name: 'alt', spec: { hosts: ['httpbin.org'], ports: [{ number: 8080, name: 'http-alt', protocol: 'HTTP' }], resolution: 'DNS' } };
    const r = run(registryOnly([se]), ['curl', '-sS', '-D', '-', '-o', '/dev/null', 'http://httpbin.org:8080/get']);
    expect(r.stdout).toContain('server: envoy');
    expect(logsOf(r, CLIENT.name)[0]).toContain(' outbound|8080||httpbin.org ');
  });

  it('a VirtualService with weights and a uri match: unmatched paths get 404 NR from the sidecar', () => {
    const vs: IstioObject = {
      kind: 'VirtualService', namespace: 'default', name: 'only-get',
      spec: { hosts: ['httpbin.org'], http: [{ name: 'get-only', match: [{ uri: { prefix: '/get' } }], route: [{ destination: { host: 'httpbin.org' } }] }] },
    };
    const hit = run(baseState({ objects: [SE_HTTPBIN, vs] }), ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'http://httpbin.org/get']);
    expect(hit.stdout).toBe('200');
    expect(logsOf(hit, CLIENT.name)[0]).toMatch(/ outbound\|80\|\|httpbin\.org .* get-only$/);
    const miss = run(baseState({ objects: [SE_HTTPBIN, vs] }), ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'http://httpbin.org/headers']);
    expect(miss.stdout).toBe('404');
    expect(logsOf(miss, CLIENT.name)[0]).toContain(' 404 NR route_not_found ');
  });
});
