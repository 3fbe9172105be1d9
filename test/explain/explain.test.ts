// Each explainer finding from a fixture of objects plus the log lines Envoy left: lesson 4's and
// lesson 5's objects (as the lessons render them for the shared gateway), one fault at a time.
import { describe, expect, it } from 'vitest';
import { explain, mergePatch, patchCommand, renderFindings, type ExplainInput, type ExplainObject, type Finding } from '../../src/explain/index.js';
import { parseAccessLogLine, parseCurlOutput, type AccessLogFields } from '../../src/verify/index.js';

const GW_HOST = 'istio-egressgateway.istio-system.svc.cluster.local';
const T0 = '2026-01-01T10:00:00Z';
const T1 = '2026-01-01T11:00:00Z';
const obj = (kind: string, name: string, spec: Record<string, unknown>, namespace = 'default', created = T1, labels: Record<string, string> = {}): ExplainObject => ({ kind, name, namespace, spec, created, labels });

const serviceEntry = (host = 'httpbin.org') => obj('ServiceEntry', 'cnn', { hosts: [host], ports: [{ number: 80, name: 'http-port', protocol: 'HTTP' }, { number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'DNS', exportTo: ['.', 'istio-system'] });
const httpServer = (port = 80, host = 'httpbin.org') => ({ port: { number: port, name: 'http', protocol: 'HTTP' }, hosts: [host] });
const gateway = (servers: unknown[] = [httpServer()], name = 'istio-egressgateway', namespace = 'default', created = T1) => obj('Gateway', name, { selector: { istio: 'egressgateway' }, servers }, namespace, created);
const destinationRule = (subset = 'cnn', namespace = 'default', exportTo: string[] = ['.', 'istio-system']) => obj('DestinationRule', 'egressgateway-for-cnn', { host: GW_HOST, exportTo, subsets: [{ name: subset }] }, namespace);
const virtualService = (over: { gateway?: string; exportTo?: string[]; name?: string; namespace?: string; created?: string; host?: string } = {}) => {
  const g = over.gateway ?? 'istio-egressgateway';
  const host = over.host ?? 'httpbin.org';
  return obj(
    'VirtualService',
    over.name ?? 'direct-cnn-through-egress-gateway',
    {
      hosts: [host],
      exportTo: over.exportTo ?? ['.', 'istio-system'],
      gateways: [g, 'mesh'],
      http: [
        { match: [{ gateways: ['mesh'], port: 80 }], route: [{ destination: { host: GW_HOST, subset: 'cnn', port: { number: 80 } }, weight: 100 }] },
        { match: [{ gateways: [g], port: 80 }], route: [{ destination: { host, port: { number: 80 } }, weight: 100 }] },
      ],
    },
    over.namespace ?? 'default',
    over.created ?? T1,
    { 'egress-tutorial.dev/lesson': '04-http-egress-gateway' },
  );
};
const lesson4 = (): ExplainObject[] => [serviceEntry(), gateway(), destinationRule(), virtualService()];

const tlsGateway = (host: string) => gateway([{ port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: [host], tls: { mode: 'PASSTHROUGH' } }]);
const tlsVirtualService = (gatewaySni = 'www.baidu.com') =>
  obj('VirtualService', 'direct-cnn-through-egress-gateway', {
    hosts: ['www.baidu.com'],
    exportTo: ['.', 'istio-system'],
    gateways: ['mesh', 'istio-egressgateway'],
    tls: [
      { match: [{ gateways: ['mesh'], port: 443, sniHosts: ['www.baidu.com'] }], route: [{ destination: { host: GW_HOST, subset: 'cnn', port: { number: 443 } } }] },
      { match: [{ gateways: ['istio-egressgateway'], port: 443, sniHosts: [gatewaySni] }], route: [{ destination: { host: 'www.baidu.com', port: { number: 443 } }, weight: 100 }] },
    ],
  });
const lesson5 = (): ExplainObject[] => [obj('ServiceEntry', 'cnn', { hosts: ['www.baidu.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' }), tlsGateway('www.baidu.com'), destinationRule(), tlsVirtualService()];

const status = (code: number) => parseCurlOutput(`HTTP/1.1 ${code} X\r\nserver: envoy\r\n\r\n`, '', 0);
const line = (text: string): AccessLogFields => parseAccessLogLine(text)!;
// Lines as the practice cluster's mesh model prints them (Istio's default format).
const CLIENT_NC = line('[2026-01-01T12:00:00.000Z] "GET /headers HTTP/1.1" 503 NC cluster_not_found - "-" 0 0 0 - "-" "curl/8.5.0" "r1" "httpbin.org" "-" - - 240.240.0.1:80 10.244.0.7:40000 - -');
const CLIENT_UF = line('[2026-01-01T12:00:00.000Z] "GET /headers HTTP/1.1" 503 UF,URX upstream_reset_before_response_started{connection_failure} - "-" 0 91 1 - "-" "curl/8.5.0" "r1" "httpbin.org" "10.96.0.20:80" outbound|80|cnn|' + GW_HOST + ' - 240.240.0.1:80 10.244.0.7:40000 - -');
const CLIENT_OK = line('[2026-01-01T12:00:00.000Z] "GET /headers HTTP/1.1" 200 - via_upstream - "-" 0 500 20 19 "-" "curl/8.5.0" "r1" "httpbin.org" "10.96.0.20:80" outbound|80|cnn|' + GW_HOST + ' 10.244.0.7:41000 240.240.0.1:80 10.244.0.7:40000 - -');
const CLIENT_BLOCK = line('[2026-01-01T12:00:00.000Z] "GET /headers HTTP/1.1" 502 - direct_response - "-" 0 0 0 - "-" "curl/8.5.0" "r1" "httpbin.org" "-" - - 240.240.0.1:80 10.244.0.7:40000 - block_all');
const GATEWAY_NR = line('[2026-01-01T12:00:00.000Z] "GET /headers HTTP/2" 404 NR route_not_found - "-" 0 0 0 - "10.244.0.7" "curl/8.5.0" "r1" "httpbin.org" "-" - - 10.244.0.20:8080 10.244.0.7:41000 - -');
const GATEWAY_FCNF = line('[2026-01-01T12:00:00.000Z] "- - -" 0 NR filter_chain_not_found - "-" 0 0 0 - "-" "-" "-" "-" "-" - - 10.244.0.20:8443 10.244.0.7:41000 - -');

const input = (over: Partial<ExplainInput> = {}): ExplainInput => ({
  objects: lesson4(),
  clientNamespace: 'default',
  istioNamespace: 'istio-system',
  outboundPolicy: 'ALLOW_ANY',
  meshAccessLog: 'on',
  gateway: { namespace: 'istio-system', labels: { istio: 'egressgateway', app: 'istio-egressgateway' }, host: GW_HOST, pod: 'istio-egressgateway-abc' },
  client: { pod: 'curl-123', labels: { app: 'curl' } },
  lesson: '04-http-egress-gateway',
  request: { host: 'httpbin.org', port: 80, tls: false },
  curl: status(200),
  ...over,
});

const only = (findings: Finding[]): Finding => {
  expect(findings.map((f) => f.id)).toHaveLength(1);
  return findings[0];
};
const replace = (objects: ExplainObject[], o: ExplainObject) => [...objects.filter((x) => !(x.kind === o.kind && x.name === o.name && x.namespace === o.namespace)), o];

describe('explain: nothing to say', () => {
  it('lesson 4 working: no finding for a passing request, nor for a failure the objects do not explain', () => {
    expect(explain(input())).toEqual([]);
    expect(explain(input({ curl: parseCurlOutput('', 'curl: (6) Could not resolve host: httpbin.org\n', 6) }))).toEqual([]);
    expect(explain(input({ curl: status(503), clientLines: [CLIENT_UF] }))).toEqual([]);
  });
});

describe('explain: the client side', () => {
  it('REGISTRY_ONLY and no ServiceEntry: names the Sidecar, creates the ServiceEntry', () => {
    const sidecar = obj('Sidecar', 'registry-only', { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } });
    const f = only(explain(input({ objects: [sidecar], outboundPolicy: 'REGISTRY_ONLY', curl: status(502), clientLines: [CLIENT_BLOCK] })));
    expect(f).toMatchObject({ id: 'registry-only-no-service-entry', ref: { kind: 'ServiceEntry', namespace: 'default' }, field: 'spec.hosts' });
    expect(f.problem.en).toContain('Sidecar registry-only (default)');
    expect(f.effect.en).toContain("client's sidecar logged 502");
    expect(f.effect.en).toContain('route=block_all');
    expect(f.patch).toMatchObject({ op: 'create', object: { kind: 'ServiceEntry', spec: { hosts: ['httpbin.org'], ports: [{ number: 80, protocol: 'HTTP' }], resolution: 'DNS' } } });
    expect(f.istioctl).toContain('istioctl proxy-config clusters curl-123 -n default --fqdn httpbin.org');
    expect(f.problem.zh).toContain('REGISTRY_ONLY');
  });

  it('REGISTRY_ONLY with a ServiceEntry hidden by exportTo: exports it', () => {
    const hidden = obj('ServiceEntry', 'cnn', { hosts: ['httpbin.org'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], exportTo: ['.'] }, 'other');
    const f = only(explain(input({ objects: [hidden], outboundPolicy: 'REGISTRY_ONLY', curl: status(502) })));
    expect(f).toMatchObject({ ref: { name: 'cnn', namespace: 'other' }, field: 'spec.exportTo', patch: { op: 'merge', patch: { spec: { exportTo: ['.', 'default'] } } } });
  });

  it('IST0109: another namespace\'s older mesh VirtualService for the host takes it, named', () => {
    const theirs = obj('VirtualService', 'httpbin-catchall', { hosts: ['httpbin.org'], http: [{ route: [{ destination: { host: 'httpbin.org' } }] }] }, 'learner-02', T0);
    // Ours public too (a private one, exportTo ["."], would come first for our sidecar).
    const ours = replace(lesson4(), virtualService({ exportTo: ['*'] }));
    const f = explain(input({ objects: [...ours, theirs], curl: status(404) }))[0];
    expect(f).toMatchObject({ id: 'mesh-virtualservice-conflict', code: 'IST0109', ref: { kind: 'VirtualService', name: 'httpbin-catchall', namespace: 'learner-02' } });
    expect(f.problem.en).toContain('direct-cnn-through-egress-gateway (default)');
    expect(f.patch).toMatchObject({ op: 'merge', patch: { spec: { exportTo: ['.'] } } });
    expect(f.istioctl).toEqual(['istioctl proxy-config routes curl-123 -n default', 'istioctl analyze -n default']);
    // Newer than ours: ours wins, nothing to say about it here.
    expect(explain(input({ objects: [...ours, { ...theirs, created: '2026-01-02T00:00:00Z' }], curl: status(404) })).map((x) => x.id)).not.toContain('mesh-virtualservice-conflict');
    expect(explain(input({ objects: [...lesson4(), theirs], curl: status(404) })).map((x) => x.id)).not.toContain('mesh-virtualservice-conflict');
  });

  it('IST0101 subset: the DestinationRule the sidecar uses lacks the subset; the patch adds it', () => {
    const f = only(explain(input({ objects: replace(lesson4(), destinationRule('egressgateway')), curl: status(503), clientLines: [CLIENT_NC] })));
    expect(f).toMatchObject({ id: 'subset-not-found', code: 'IST0101', ref: { kind: 'DestinationRule', name: 'egressgateway-for-cnn', namespace: 'default' }, field: 'spec.subsets' });
    expect(f.effect.en).toContain('503 NC cluster_not_found');
    expect(f.effect.en).toContain(`outbound|80|cnn|${GW_HOST}`);
    expect(f.patch).toMatchObject({ op: 'merge', patch: { spec: { subsets: [{ name: 'egressgateway' }, { name: 'cnn' }] } } });
    expect(f.istioctl[0]).toBe(`istioctl proxy-config clusters curl-123 -n default --fqdn ${GW_HOST}`);
  });

  it('DestinationRule in the Istio namespace hidden by exportTo ["."]: creates it in the client namespace', () => {
    const objects = [serviceEntry(), gateway(), virtualService(), destinationRule('cnn', 'istio-system', ['.'])];
    const f = only(explain(input({ objects, curl: status(503), clientLines: [CLIENT_NC] })));
    expect(f).toMatchObject({ id: 'destinationrule-hidden', ref: { namespace: 'istio-system' }, field: 'spec.exportTo' });
    expect(f.patch).toMatchObject({ op: 'create', object: { kind: 'DestinationRule', metadata: { name: 'egressgateway-for-cnn', namespace: 'default' }, spec: { host: GW_HOST, exportTo: ['.', 'istio-system'], subsets: [{ name: 'cnn' }] } } });
  });

  it('DestinationRule in a namespace the sidecar never reads, and none at all', () => {
    const elsewhere = [serviceEntry(), gateway(), virtualService(), destinationRule('cnn', 'learner-02', ['*'])];
    expect(only(explain(input({ objects: elsewhere, curl: status(503) })))).toMatchObject({ id: 'destinationrule-elsewhere', ref: { namespace: 'learner-02' }, field: 'metadata.namespace' });
    const none = [serviceEntry(), gateway(), virtualService()];
    expect(only(explain(input({ objects: none, curl: status(503) })))).toMatchObject({ id: 'destinationrule-missing', code: 'IST0101', patch: { op: 'create' } });
    // Unreadable client namespace (RBAC): nothing is said to be missing.
    expect(explain(input({ objects: none, curl: status(503), unreadable: ['default'] }))).toEqual([]);
    expect(explain(input({ objects: none, curl: status(503), unreadable: ['istio-system'] }))).toEqual([]);
  });

  it('Gateway port not the route\'s destination port: UF,URX; the patch moves the server', () => {
    const f = only(explain(input({ objects: replace(lesson4(), gateway([httpServer(443)])), curl: status(503), clientLines: [CLIENT_UF] })));
    expect(f).toMatchObject({ id: 'gateway-port-mismatch', ref: { kind: 'Gateway', name: 'istio-egressgateway' }, field: 'spec.servers[0].port.number' });
    expect(f.effect.en).toContain('503 UF,URX');
    expect(f.patch).toMatchObject({ op: 'merge', patch: { spec: { servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['httpbin.org'] }] } } });
    expect(f.istioctl[0]).toBe('istioctl proxy-config listeners istio-egressgateway-abc -n istio-system --port 80');
  });
});

describe('explain: the gateway side', () => {
  it('IST0101 gateway: the VirtualService binds a Gateway that does not exist; the patch renames it everywhere', () => {
    const f = only(explain(input({ objects: replace(lesson4(), virtualService({ gateway: 'egressgateway' })), curl: status(404), gatewayLines: [GATEWAY_NR] })));
    expect(f).toMatchObject({ id: 'gateway-not-found', code: 'IST0101', ref: { kind: 'VirtualService' }, field: 'spec.gateways[0]' });
    expect(f.effect.en).toMatch(/^The egress gateway logged 404 NR route_not_found, route=-, cluster=- \(curl saw HTTP 404\)/);
    const patched = mergePatch({ spec: virtualService({ gateway: 'egressgateway' }).spec }, (f.patch as { patch: unknown }).patch) as { spec: Record<string, unknown> };
    expect(patched.spec).toEqual(virtualService().spec);
    expect(f.istioctl).toContain('istioctl proxy-config routes istio-egressgateway-abc -n istio-system');
  });

  it('a Gateway in a namespace we cannot read is not called missing', () => {
    const vs = virtualService({ gateway: 'istio-system/shared-gw' });
    expect(explain(input({ objects: replace(lesson4(), vs), curl: status(404), unreadable: ['istio-system'] })).map((f) => f.id)).not.toContain('gateway-not-found');
  });

  it('VirtualService hidden from the gateway by exportTo ["."]: 404 NR at the gateway', () => {
    const f = only(explain(input({ objects: replace(lesson4(), virtualService({ exportTo: ['.'] })), curl: status(404), gatewayLines: [GATEWAY_NR] })));
    expect(f).toMatchObject({ id: 'virtualservice-hidden-from-gateway', field: 'spec.exportTo', patch: { op: 'merge', patch: { spec: { exportTo: ['.', 'istio-system'] } } } });
  });

  it('IST0132: the Gateway server does not list the host the VirtualService routes', () => {
    const f = only(explain(input({ objects: replace(lesson4(), gateway([httpServer(80, 'www.httpbin.org')])), curl: status(404), gatewayLines: [GATEWAY_NR] })));
    expect(f).toMatchObject({ id: 'host-not-in-gateway', code: 'IST0132', ref: { kind: 'Gateway' }, field: 'spec.servers[0].hosts' });
    expect(f.problem.en).toContain('lists only www.httpbin.org');
    expect(f.patch).toMatchObject({ patch: { spec: { servers: [{ hosts: ['www.httpbin.org', 'httpbin.org'] }] } } });
  });

  it('SNI not matched by the Gateway\'s TLS server: filter_chain_not_found', () => {
    const objects = replace(lesson5(), tlsGateway('httpbin.org'));
    const f = only(explain(input({ objects, request: { host: 'www.baidu.com', port: 443, tls: true }, curl: parseCurlOutput('', 'curl: (35) OpenSSL SSL_connect: Connection reset by peer\n', 35), gatewayLines: [GATEWAY_FCNF] })));
    expect(f).toMatchObject({ id: 'sni-not-matched', ref: { kind: 'Gateway' }, field: 'spec.servers[0].hosts' });
    expect(f.effect.en).toContain('filter_chain_not_found');
    expect(f.effect.en).toContain('curl saw curl exit 35');
    expect(f.istioctl[0]).toBe('istioctl proxy-config listeners istio-egressgateway-abc -n istio-system --port 443');
  });

  it('SNI not matched by the VirtualService\'s gateway-side tls match', () => {
    const objects = replace(lesson5(), tlsVirtualService('baidu.com'));
    const f = only(explain(input({ objects, request: { host: 'www.baidu.com', port: 443, tls: true }, curl: parseCurlOutput('', 'curl: (35) reset\n', 35) })));
    expect(f).toMatchObject({ id: 'sni-not-matched', ref: { kind: 'VirtualService' }, field: 'spec.tls[1].match[0].sniHosts' });
    expect(f.patch).toMatchObject({ patch: { spec: { tls: [{}, { match: [{ sniHosts: ['baidu.com', 'www.baidu.com'] }] }] } } });
  });

  it('IST0145: an older Gateway from another namespace claims the same host and port on the same gateway pods', () => {
    const theirs = gateway([httpServer()], 'egress-httpbin', 'learner-02', T0);
    const theirVs = obj('VirtualService', 'httpbin-egress', { hosts: ['httpbin.org'], gateways: ['egress-httpbin'], http: [{ route: [{ destination: { host: 'blocked.example' } }] }] }, 'learner-02', T0);
    const f = only(explain(input({ objects: [...lesson4(), theirs, theirVs], curl: status(503) })));
    expect(f).toMatchObject({ id: 'conflicting-gateways', code: 'IST0145', ref: { kind: 'Gateway', name: 'istio-egressgateway', namespace: 'default' } });
    expect(f.problem.en).toContain('egress-httpbin (learner-02)');
    expect(f.patch).toBeUndefined();
  });

  it('a class on the shared gateway: an older learner\'s identical Gateway and route serve the host, and a failure elsewhere is not blamed on them', () => {
    const theirs = gateway([httpServer()], 'istio-egressgateway', 'learner-02', T0);
    const theirVs = virtualService({ namespace: 'learner-02', created: T0 });
    expect(explain(input({ objects: [...lesson4(), theirs, theirVs], curl: status(503) }))).toEqual([]);
  });
});

describe('explain: the access log', () => {
  it('a Telemetry turns the gateway\'s log off: the request passed the gateway but it wrote nothing', () => {
    const quiet = obj('Telemetry', 'quiet-egress-gateway', { selector: { matchLabels: { istio: 'egressgateway' } }, accessLogging: [{ disabled: true }] }, 'istio-system');
    const f = only(explain(input({ objects: [...lesson4(), quiet], gatewayLogFollowed: true, gatewayLines: [], clientLines: [CLIENT_OK] })));
    expect(f).toMatchObject({ id: 'access-log-off', ref: { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', name: 'quiet-egress-gateway' }, patch: { op: 'delete' } });
    expect(f.effect.en).toContain(`cluster=outbound|80|cnn|${GW_HOST}`);
    expect(f.effect.en).toContain('wrote no access-log line');
    // Not followed (an exec step): a missing line is no evidence.
    expect(explain(input({ objects: [...lesson4(), quiet] }))).toEqual([]);
  });

  it('the client sidecar\'s log off while the gateway logged', () => {
    const quiet = obj('Telemetry', 'no-logs', { accessLogging: [{ disabled: true }] }, 'default');
    const ok = line('[2026-01-01T12:00:00.000Z] "GET /headers HTTP/2" 200 - via_upstream - "-" 0 500 20 19 "10.244.0.7" "curl/8.5.0" "r1" "httpbin.org" "3.3.3.3:80" outbound|80||httpbin.org 10.244.0.20:50000 10.244.0.20:8080 10.244.0.7:41000 - -');
    const f = only(explain(input({ objects: [...lesson4(), quiet], gatewayLogFollowed: true, gatewayLines: [ok], clientLines: [] })));
    expect(f).toMatchObject({ id: 'access-log-off', ref: { name: 'no-logs', namespace: 'default' } });
    expect(f.problem.en).toContain("client's sidecar (curl-123)");
  });
});

describe('rendering', () => {
  it('kubectl commands for each kind of patch', () => {
    expect(patchCommand({ op: 'merge', ref: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', name: 'v', namespace: 'default' }, patch: { spec: { exportTo: ['.'] } } })).toBe(`kubectl patch virtualservice.networking.istio.io v -n default --type=merge -p '{"spec":{"exportTo":["."]}}'`);
    expect(patchCommand({ op: 'delete', ref: { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', name: 't', namespace: 'istio-system' } })).toBe('kubectl delete telemetry.telemetry.istio.io t -n istio-system');
    expect(patchCommand({ op: 'create', object: { apiVersion: 'v1', kind: 'X', metadata: { name: 'x' } } })).toMatch(/^kubectl apply -f - <<'EOF'\napiVersion: v1\nkind: X\n/);
  });

  it('a finding in both languages, with the patch and the istioctl commands', () => {
    const findings = explain(input({ objects: replace(lesson4(), destinationRule('egressgateway')), curl: status(503), clientLines: [CLIENT_NC] }));
    const en = renderFindings(findings, 'en');
    expect(en).toMatch(/^Found \[IST0101\]: DestinationRule egressgateway-for-cnn \(default\) field spec\.subsets\n/);
    expect(en).toContain('Envoy: The client\'s sidecar logged 503 NC');
    expect(en).toContain('    kubectl patch destinationrule.networking.istio.io egressgateway-for-cnn -n default --type=merge');
    expect(en).toContain('On a real cluster:\n    $ istioctl proxy-config clusters curl-123');
    const zh = renderFindings(findings, 'zh');
    expect(zh).toMatch(/^发现 \[IST0101\]：DestinationRule egressgateway-for-cnn \(default\) 字段 spec\.subsets\n/);
    expect(zh).toContain('客户端的边车记录了 503 NC');
    expect(zh).toContain('在真实集群上');
    expect(zh).toContain('子集“cnn”');
  });
});
