import { describe, expect, it } from 'vitest';
import type { MeshFacts } from '../../src/cluster/port.js';
import { diagnose, parseAccessLogLine, parseCurlOutput } from '../../src/verify/index.js';

const facts = (over: Partial<MeshFacts> = {}): MeshFacts => ({
  outboundPolicy: 'ALLOW_ANY',
  accessLogging: 'on',
  egressGatewayPods: 1,
  clientHasSidecar: true,
  objects: [],
  ...over,
});
const status = (code: number) => parseCurlOutput(`HTTP/1.1 ${code} X\r\nserver: envoy\r\n\r\n`, '', 0);

describe('diagnose', () => {
  it('503 NC → DestinationRule subset', () => {
    const text = diagnose({ curl: status(503), expect: { httpStatus: 200 }, facts: facts({ objects: [{ kind: 'DestinationRule', name: 'x', namespace: 'istio-system', spec: {} }] }) });
    expect(text).toMatch(/DestinationRule subset/);
    expect(diagnose({ curl: status(503), facts: facts() })).toMatch(/no DestinationRule/);
  });

  it('404 NR → Gateway/VirtualService mismatch', () => {
    expect(diagnose({ curl: status(404), expect: { httpStatus: 200 }, facts: facts() })).toMatch(/Gateway and the VirtualService do not match/);
  });

  it('502 or curl 35 → REGISTRY_ONLY without ServiceEntry', () => {
    expect(diagnose({ curl: status(502), facts: facts({ outboundPolicy: 'REGISTRY_ONLY' }), host: 'httpbin.org' })).toMatch(/REGISTRY_ONLY and no ServiceEntry registers httpbin.org/);
    expect(diagnose({ curl: parseCurlOutput('', 'curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL\n', 35), host: 'www.baidu.com' })).toMatch(/ServiceEntry/);
  });

  it('an expected exit list with 35 makes its other codes (56) the same refusal; other codes name the expected ones', () => {
    const reset = parseCurlOutput('', 'curl: (56) Recv failure: Connection reset by peer\n', 56);
    const registryOnly = facts({ outboundPolicy: 'REGISTRY_ONLY' });
    expect(diagnose({ curl: reset, expect: { exitCode: [35, 56] }, facts: registryOnly, host: 'www.baidu.com' })).toMatch(/REGISTRY_ONLY and no ServiceEntry registers www.baidu.com/);
    expect(diagnose({ curl: reset, facts: registryOnly, host: 'www.baidu.com' })).toMatch(/curl failed with exit 56/);
    const other = parseCurlOutput('', 'curl: (60) SSL certificate problem\n', 60);
    expect(diagnose({ curl: other, expect: { exitCode: [35, 56] }, facts: facts() })).toMatch(/^curl exited 60, but this step expects exit 35 or 56/);
  });

  it('curl 6 → DNS / host', () => {
    expect(diagnose({ curl: parseCurlOutput('', 'curl: (6) Could not resolve host: h\n', 6), host: 'h' })).toMatch(/could not resolve h/);
  });

  it('200 but no gateway line: access log off, no sidecar, or not routed', () => {
    const ok = status(200);
    expect(diagnose({ curl: ok, missingLogLine: true, facts: facts({ accessLogging: 'off' }) })).toMatch(/Access logging is off/);
    expect(diagnose({ curl: ok, missingLogLine: true, facts: facts({ clientHasSidecar: false }) })).toMatch(/no istio-proxy sidecar/);
    expect(diagnose({ curl: ok, missingLogLine: true, facts: facts() })).toMatch(/did not cross the gateway/);
  });

  it('gateway pods absent', () => {
    expect(diagnose({ curl: status(503), facts: facts({ egressGatewayPods: 0 }), istioNamespace: 'istio-system' })).toMatch(/No egress gateway pods run in istio-system/);
  });

  it('reads NR / NC flags from gateway lines', () => {
    const line = parseAccessLogLine(
      '[2026-11-24T06:30:00.000Z] "GET /headers HTTP/1.1" 404 NR route_not_found - "-" 0 0 0 - "-" "curl/8" "r" "httpbin.org" "-" - - 10.0.0.1:8080 10.0.0.2:1 - -',
    )!;
    expect(diagnose({ missingLogLine: true, gatewayLines: [line], facts: facts() })).toMatch(/no route, NR/);
  });

  it('tells "not propagated yet" from "wrong"', () => {
    const input = { curl: status(404), expect: { httpStatus: 200 }, facts: facts() };
    expect(diagnose({ ...input, changing: true })).toMatch(/^The result was still changing.*not have pushed the configuration yet/);
    expect(diagnose({ ...input, changing: false })).not.toMatch(/still changing/);
  });

  it('an expected failure that succeeded names the leftover ServiceEntry', () => {
    const text = diagnose({
      curl: status(200),
      expectFailure: true,
      host: 'httpbin.org',
      facts: facts({ objects: [{ kind: 'ServiceEntry', name: 'cnn', namespace: 'default', spec: { hosts: ['httpbin.org'] } }] }),
    });
    expect(text).toMatch(/ServiceEntry for httpbin.org already exists/);
  });
});

describe('diagnose: who answered', () => {
  it('a 404 that came from the upstream is not a mesh routing problem', () => {
    const curl = parseCurlOutput('HTTP/1.1 404 Not Found\r\nserver: envoy\r\nx-envoy-upstream-service-time: 12\r\n\r\n', '', 0);
    const text = diagnose({ curl, expect: { httpStatus: 200 }, host: 'httpbin.org', facts: facts() });
    expect(text).toMatch(/^httpbin.org itself answered HTTP 404/);
    expect(text).not.toMatch(/NR/);
  });
});

describe('issue 11: a shared gateway carries other learners\' traffic', () => {
  const input = {
    missingLogLine: true,
    curl: parseCurlOutput('HTTP/1.1 200 OK\r\n\r\n', '', 0),
    otherClients: ['10.244.0.31'],
    clientIp: '10.244.0.12',
    gatewayHost: 'istio-egressgateway.istio-system.svc.cluster.local',
    facts: { outboundPolicy: 'ALLOW_ANY' as const, accessLogging: 'on' as const, egressGatewayPods: 1, clientHasSidecar: true, objects: [] },
  };

  it('says when only other clients\' lines matched, in both languages', () => {
    const en = diagnose({ ...input, lang: 'en' });
    expect(en).toMatch(/^The gateway's log shows matching lines, but only from another client \(10\.244\.0\.31\), none from your client pod \(10\.244\.0\.12\): that is other learners' traffic/);
    expect(en).toContain('istio-egressgateway.istio-system.svc.cluster.local');
    const zh = diagnose({ ...input, lang: 'zh' });
    expect(zh).toMatch(/^网关日志里有符合条件的行，但都来自其他 1 个客户端（10\.244\.0\.31），没有一行来自你的客户端 Pod（10\.244\.0\.12）/);
  });

  it('without other clients\' lines it is the usual diagnosis', () => {
    expect(diagnose({ ...input, otherClients: [], lang: 'en' })).toMatch(/did not cross the gateway/);
  });

  it('in own mode a missing gateway is the learner\'s own to deploy', () => {
    const facts = { ...input.facts, egressGatewayPods: 0 };
    expect(diagnose({ ...input, facts, gatewayMode: 'own', clientNamespace: 'learner-01', lang: 'en' })).toMatch(/^Your own egress gateway has no Ready pod in learner-01: deploy it \(lesson 2/);
    expect(diagnose({ ...input, facts, gatewayMode: 'own', clientNamespace: 'learner-01', lang: 'zh' })).toMatch(/^你自己的出口网关在 learner-01 中没有就绪的 Pod/);
  });
});
