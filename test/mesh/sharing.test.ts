// Several learners' objects on one mesh: exportTo visibility for sidecars and gateways, the
// DestinationRule lookup order, and pilot's conflict rules (oldest wins, merged gateway routes).
import { describe, expect, it } from 'vitest';
import type { IstioObject, MeshState } from '../../src/mesh/types.js';
import { GATEWAY_POD, HTTP_CMD, HTTPS_CMD, logsOf, run } from './fixtures.js';
import { at, classroom, clientPod, learnerObjects, ownGatewayPod } from './classroom-fixtures.js';

const A = clientPod('learner-01', 1);
const B = clientPod('learner-02', 2);
const C = clientPod('learner-03', 3);
const statusLine = (stdout: string): string => stdout.split('\r\n')[0];
/** The status code of curl's first head line. */
const code = (stdout: string): string => statusLine(stdout).split(' ')[1] ?? '';
const shared = (ns: string, exportTo?: string[], created?: string): IstioObject[] => learnerObjects('http', ns, { gateway: 'shared', exportTo, created });
const sharedTls = (ns: string, exportTo?: string[], created?: string): IstioObject[] => learnerObjects('https', ns, { gateway: 'shared', exportTo, created });
const withPods = (objects: IstioObject[]): MeshState => {
  const state = classroom(objects);
  return { ...state, pods: [...state.pods, C] };
};
const kindOf = (objects: IstioObject[], kind: IstioObject['kind']): IstioObject => objects.find((o) => o.kind === kind) as IstioObject;
/** A mesh VirtualService for httpbin.org answering by itself (a direct response), in `ns`. */
const answering = (ns: string, name: string, status: number, created: string, exportTo?: string[]): IstioObject => ({
  kind: 'VirtualService', namespace: ns, name, created,
  spec: { hosts: ['httpbin.org'], ...(exportTo ? { exportTo } : {}), http: [{ name: `${ns}-answer`, directResponse: { status, body: { string: ns } } }] },
});

describe('exportTo', () => {
  it('shared gateway with [".", "istio-system"]: the gateway still sees the half of the task it needs', () => {
    const r = run(withPods(shared('learner-01', ['.', 'istio-system'])), HTTP_CMD, { pod: A });
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 200 OK');
    expect(logsOf(r, GATEWAY_POD.name)[0]).toMatch(/ 200 - via_upstream .* outbound\|80\|\|httpbin\.org /);
  });

  it('shared gateway with ["."]: the gateway cannot see the VirtualService: 404 NR at the gateway', () => {
    const r = run(withPods(shared('learner-01', ['.'])), HTTP_CMD, { pod: A });
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 404 Not Found');
    expect(r.stdout).toContain('server: envoy'); // the gateway's answer, relayed by the sidecar
    expect(logsOf(r, GATEWAY_POD.name)[0]).toContain(' 404 NR route_not_found ');
    // The sidecar half worked: it sent the request to the gateway.
    expect(logsOf(r, A.name)[0]).toContain('outbound|80|cnn|istio-egressgateway.istio-system.svc.cluster.local');
  });

  it('shared gateway, VirtualService exported but the ServiceEntry kept private: 503 NC at the gateway', () => {
    const objects = shared('learner-01', ['.', 'istio-system']).map((o) => (o.kind === 'ServiceEntry' ? { ...o, spec: { ...o.spec, exportTo: ['.'] } } : o));
    const r = run(withPods(objects), HTTP_CMD, { pod: A });
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 503 Service Unavailable');
    expect(logsOf(r, GATEWAY_POD.name)[0]).toContain(' 503 NC cluster_not_found ');
  });

  it('shared gateway, TLS passthrough with ["."]: no filter chain for the SNI, curl 35', () => {
    const ok = run(withPods(sharedTls('learner-01', ['.', 'istio-system'])), HTTPS_CMD, { pod: A });
    expect(ok.exitCode).toBe(0);
    const r = run(withPods(sharedTls('learner-01', ['.'])), HTTPS_CMD, { pod: A });
    expect(r.exitCode).toBe(35);
    expect(logsOf(r, GATEWAY_POD.name)[0]).toContain(' NR filter_chain_not_found ');
  });

  it('own gateway with ["."]: everything is in the learner\'s namespace, so everything is visible', () => {
    const r = run(withPods(learnerObjects('http', 'learner-01', { exportTo: ['.'] })), HTTP_CMD, { pod: A });
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 200 OK');
  });

  it("another namespace does not see a learner's objects kept private, and sees those exported to it by name", () => {
    const hidden = run(withPods(learnerObjects('http', 'learner-01', { exportTo: ['.'] })), HTTP_CMD, { pod: B });
    // learner-02 sees no VirtualService for httpbin.org: ALLOW_ANY passthrough from its sidecar.
    expect(logsOf(hidden, B.name)[0]).toMatch(/ PassthroughCluster .* allow_any$/);
    const named = run(withPods([answering('learner-01', 'vs', 418, at(1), ['.', 'learner-02'])]), HTTP_CMD, { pod: B });
    expect(code(named.stdout)).toBe('418');
    const none = run(withPods([answering('learner-01', 'vs', 418, at(1), ['~'])]), HTTP_CMD, { pod: A });
    expect(statusLine(none.stdout)).toBe('HTTP/1.1 200 OK');
  });

  it('a DestinationRule applies from the client namespace, the service namespace or the root namespace only', () => {
    const b = shared('learner-02').filter((o) => o.kind !== 'DestinationRule');
    const dr = kindOf(shared('learner-02'), 'DestinationRule'); // host istio-egressgateway.istio-system, subset cnn
    // In a third namespace (public, but neither the client's nor the service's nor the root): never used.
    const elsewhere = run(withPods([...b, { ...dr, namespace: 'learner-01' }]), HTTP_CMD, { pod: B });
    expect(logsOf(elsewhere, B.name)[0]).toContain(' 503 NC cluster_not_found ');
    // In the root namespace (here also the service's): every client gets it.
    const inRoot = run(withPods([...b, { ...dr, namespace: 'istio-system' }]), HTTP_CMD, { pod: B });
    expect(statusLine(inRoot.stdout)).toBe('HTTP/1.1 200 OK');
    // In the service's namespace: learner-02 routing through learner-01's own gateway uses learner-01's rule.
    const viaA = JSON.parse(JSON.stringify(shared('learner-02').filter((o) => o.kind === 'VirtualService' || o.kind === 'ServiceEntry')).replaceAll('istio-egressgateway.istio-system.svc.cluster.local', 'egressgateway.learner-01.svc.cluster.local')) as IstioObject[];
    const a = learnerObjects('http', 'learner-01');
    const inService = run(withPods([...viaA, ...a.filter((o) => o.kind !== 'ServiceEntry' && o.kind !== 'VirtualService'), kindOf(a, 'VirtualService')]), HTTP_CMD, { pod: B });
    expect(logsOf(inService, B.name)[0]).toContain('outbound|80|cnn|egressgateway.learner-01.svc.cluster.local');
    expect(statusLine(inService.stdout)).toBe('HTTP/1.1 200 OK');
  });

  it("the client namespace's DestinationRule wins over the root namespace's, even when it lacks the subset", () => {
    const b = learnerObjects('http', 'learner-02');
    const dr = kindOf(b, 'DestinationRule');
    const own: IstioObject = { ...dr, name: 'no-subsets', spec: { host: dr.spec.host } };
    const r = run(withPods([...b.filter((o) => o !== dr), own, { ...dr, namespace: 'istio-system' }]), HTTP_CMD, { pod: B });
    expect(logsOf(r, B.name)[0]).toContain(' 503 NC cluster_not_found ');
  });
});

describe('several mesh VirtualServices for one host (IST0109)', () => {
  it('the oldest one visible to the client wins, whichever namespace it is in', () => {
    const older = [answering('learner-01', 'vs', 418, at(1)), answering('learner-02', 'vs', 451, at(2))];
    expect(code(run(withPods(older), HTTP_CMD, { pod: C }).stdout)).toBe('418');
    expect(code(run(withPods(older), HTTP_CMD, { pod: B }).stdout)).toBe('418');
    const newer = [answering('learner-01', 'vs', 418, at(3)), answering('learner-02', 'vs', 451, at(2))];
    expect(code(run(withPods(newer), HTTP_CMD, { pod: C }).stdout)).toBe('451');
  });

  it('created in the same second: by name, then by namespace', () => {
    const byName = [answering('learner-02', 'a', 451, at(1)), answering('learner-01', 'b', 418, at(1))];
    expect(code(run(withPods(byName), HTTP_CMD, { pod: C }).stdout)).toBe('451');
    const byNamespace = [answering('learner-02', 'vs', 451, at(1)), answering('learner-01', 'vs', 418, at(1))];
    expect(code(run(withPods(byNamespace), HTTP_CMD, { pod: C }).stdout)).toBe('418');
  });

  it("a client's own VirtualService kept private comes before an older public one", () => {
    const objects = [answering('learner-01', 'vs', 418, at(1)), answering('learner-02', 'vs', 451, at(5), ['.'])];
    expect(code(run(withPods(objects), HTTP_CMD, { pod: B }).stdout)).toBe('451');
    expect(code(run(withPods(objects), HTTP_CMD, { pod: C }).stdout)).toBe('418');
  });

  it('an exact host beats a wildcard host, however old the wildcard one is', () => {
    const wildcard: IstioObject = { ...answering('learner-01', 'wild', 418, at(1)), spec: { hosts: ['*.org'], http: [{ directResponse: { status: 418 } }] } };
    const r = run(withPods([wildcard, answering('learner-02', 'exact', 451, at(9))]), HTTP_CMD, { pod: C });
    expect(code(r.stdout)).toBe('451');
  });
});

describe('several Gateways with the same host and port on the shared gateway (IST0145)', () => {
  /** Learner objects on the shared gateway, exported to it, with the gateway-side route replaced. */
  const learner = (ns: string, created: string, gatewayRoute?: Record<string, unknown>): IstioObject[] =>
    shared(ns, ['.', 'istio-system'], created).map((o) => {
      if (o.kind !== 'VirtualService' || !gatewayRoute) return o;
      const http = (o.spec.http as Record<string, unknown>[]).map((r, i) => (i === 1 ? { ...r, ...gatewayRoute } : r));
      return { ...o, spec: { ...o.spec, http } };
    });

  it("HTTP: routes merge into one virtual host, oldest first: the older learner's catch-all answers for everyone", () => {
    const brokenB = { name: 'broken', route: [{ destination: { host: 'no-such-host.example', port: { number: 80 } } }] };
    const objects = [...learner('learner-01', at(1)), ...learner('learner-02', at(2), brokenB)];
    const b = run(withPods(objects), HTTP_CMD, { pod: B });
    // learner-02's own gateway-side route is broken, yet learner-01's older catch-all carries the request.
    expect(statusLine(b.stdout)).toBe('HTTP/1.1 200 OK');
    expect(logsOf(b, GATEWAY_POD.name)[0]).toMatch(/ 200 - via_upstream .* 10\.244\.0\.22:\d+ - -$/);
  });

  it("HTTP: when the broken one is older, it answers for the learner whose own objects are right", () => {
    const brokenA = { name: 'broken', match: [{ gateways: ['istio-egressgateway'], port: 80 }], directResponse: { status: 418, body: { string: 'learner-01' } } };
    const objects = [...learner('learner-01', at(1), brokenA), ...learner('learner-02', at(2))];
    const b = run(withPods(objects), HTTP_CMD, { pod: B });
    expect(code(b.stdout)).toBe('418');
    expect(logsOf(b, GATEWAY_POD.name)[0]).toMatch(/ 418 - direct_response .* broken$/);
  });

  it('HTTP: a route the older learner lacks falls through to the newer learner\'s routes in the same virtual host', () => {
    const onlyStatus = { name: 'status-only', match: [{ gateways: ['istio-egressgateway'], port: 80, uri: { prefix: '/status' } }], directResponse: { status: 418 } };
    const objects = [...learner('learner-01', at(1), onlyStatus), ...learner('learner-02', at(2))];
    const status = run(withPods(objects), ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'http://httpbin.org/status/200'], { pod: B });
    expect(status.stdout).toBe('418');
    const headers = run(withPods(objects), HTTP_CMD, { pod: B });
    expect(statusLine(headers.stdout)).toBe('HTTP/1.1 200 OK');
  });

  it('HTTP: VirtualServices bound to one Gateway: those exported to the gateway namespace by name come before public ones, however old', () => {
    // One Gateway in istio-system that both learners' VirtualServices bind to.
    const toShared = (objects: IstioObject[]): IstioObject[] =>
      objects.filter((o) => o.kind !== 'Gateway').map((o) => (o.kind === 'VirtualService' ? (JSON.parse(JSON.stringify(o).replaceAll('"istio-egressgateway"', '"istio-system/egress"')) as IstioObject) : o));
    const gateway: IstioObject = { ...kindOf(shared('istio-system'), 'Gateway'), name: 'egress', created: at(0) };
    const teapot = { name: 'teapot', match: [{ gateways: ['istio-system/egress'], port: 80 }], directResponse: { status: 418 } };
    const publicA = toShared(shared('learner-01', undefined, at(1)));
    const withTeapot = (objects: IstioObject[]): IstioObject[] => objects.map((o) => (o.kind === 'VirtualService' ? { ...o, spec: { ...o.spec, http: [(o.spec.http as unknown[])[0], teapot] } } : o));
    const namedB = withTeapot(toShared(shared('learner-02', ['.', 'istio-system'], at(5))));
    expect(code(run(withPods([gateway, ...publicA, ...namedB]), HTTP_CMD, { pod: A }).stdout)).toBe('418');
    const publicB = withTeapot(toShared(shared('learner-02', undefined, at(5))));
    expect(code(run(withPods([gateway, ...publicA, ...publicB]), HTTP_CMD, { pod: A }).stdout)).toBe('200');
  });

  it('TLS passthrough: the newer Gateway repeating the host is dropped, the older learner\'s route carries both', () => {
    const brokenTls = (ns: string, created: string): IstioObject[] =>
      sharedTls(ns, ['.', 'istio-system'], created).map((o) => {
        if (o.kind !== 'VirtualService') return o;
        const tls = (o.spec.tls as Record<string, unknown>[]).map((r, i) => (i === 1 ? { ...r, route: [{ destination: { host: 'no-such-host.example', port: { number: 443 } } }] } : r));
        return { ...o, spec: { ...o.spec, tls } };
      });
    const aBroken = [...brokenTls('learner-01', at(1)), ...sharedTls('learner-02', ['.', 'istio-system'], at(2))];
    const b = run(withPods(aBroken), HTTPS_CMD, { pod: B });
    expect(b.exitCode).toBe(35);
    expect(logsOf(b, GATEWAY_POD.name)[0]).toMatch(/^\[[^\]]+\] "- - -" 0 NC /);
    const bBroken = [...sharedTls('learner-01', ['.', 'istio-system'], at(1)), ...brokenTls('learner-02', at(2))];
    const ok = run(withPods(bBroken), HTTPS_CMD, { pod: B });
    expect(ok.exitCode).toBe(0);
    // The gateway's line still names learner-02's client: proofs can tell learners apart.
    expect(logsOf(ok, GATEWAY_POD.name)[0]).toMatch(/ 10\.244\.0\.22:\d+ www\.baidu\.com -$/);
  });

  it('TLS passthrough: a newer Gateway repeating one host of an older one loses its other hosts too', () => {
    const withExtraHost = (o: IstioObject): IstioObject => {
      if (o.kind === 'Gateway') return { ...o, spec: { ...o.spec, servers: (o.spec.servers as Record<string, unknown>[]).map((s) => ({ ...s, hosts: ['www.baidu.com', 'example.com'] })) } };
      if (o.kind === 'ServiceEntry') return { ...o, spec: { ...o.spec, hosts: ['www.baidu.com', 'example.com'] } };
      if (o.kind !== 'VirtualService') return o;
      const text = JSON.stringify(o.spec).replaceAll('"sniHosts":["www.baidu.com"]', '"sniHosts":["example.com"]').replaceAll('"host":"www.baidu.com"', '"host":"example.com"');
      return { ...o, spec: { ...(JSON.parse(text) as Record<string, unknown>), hosts: ['example.com'] } };
    };
    const example = ['curl', '-sS', '-o', '/dev/null', 'https://example.com/'];
    const alone = run(withPods(sharedTls('learner-02', ['.', 'istio-system'], at(2)).map(withExtraHost)), example, { pod: B });
    expect(alone.exitCode).toBe(0);
    const objects = [...sharedTls('learner-01', ['.', 'istio-system'], at(1)), ...sharedTls('learner-02', ['.', 'istio-system'], at(2)).map(withExtraHost)];
    const r = run(withPods(objects), example, { pod: B });
    expect(r.exitCode).toBe(35);
    expect(logsOf(r, GATEWAY_POD.name)[0]).toContain(' NR filter_chain_not_found ');
  });

  it('TLS passthrough: Gateways whose hosts are namespaced both stay, and the duplicate SNI filter chain of the newer is skipped', () => {
    const namespaced = (ns: string, created: string, broken: boolean): IstioObject[] =>
      sharedTls(ns, ['.', 'istio-system'], created).map((o) => {
        if (o.kind === 'Gateway') {
          const servers = (o.spec.servers as Record<string, unknown>[]).map((s) => ({ ...s, hosts: [`${ns}/www.baidu.com`] }));
          return { ...o, spec: { ...o.spec, servers } };
        }
        if (o.kind !== 'VirtualService' || !broken) return o;
        const tls = (o.spec.tls as Record<string, unknown>[]).map((r, i) => (i === 1 ? { ...r, route: [{ destination: { host: 'no-such-host.example', port: { number: 443 } } }] } : r));
        return { ...o, spec: { ...o.spec, tls } };
      });
    const r = run(withPods([...namespaced('learner-01', at(1), true), ...namespaced('learner-02', at(2), false)]), HTTPS_CMD, { pod: B });
    expect(r.exitCode).toBe(35);
    expect(logsOf(r, GATEWAY_POD.name)[0]).toMatch(/ NC /);
  });
});

describe('ServiceEntries for one host in several namespaces', () => {
  const entry = (ns: string, created: string, address: string): IstioObject => ({
    kind: 'ServiceEntry', namespace: ns, name: 'httpbin', created,
    spec: { hosts: ['httpbin.org'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'STATIC', endpoints: [{ address }] },
  });
  const upstreamHost = (line: string): string => /" "([^"]+)" outbound/.exec(line)?.[1] ?? '';

  it('the oldest one a client sees wins, even over one in its own namespace', () => {
    const objects = [entry('learner-01', at(1), '52.1.1.1'), entry('learner-02', at(2), '52.2.2.2')];
    expect(upstreamHost(logsOf(run(withPods(objects), HTTP_CMD, { pod: C }), C.name)[0])).toBe('52.1.1.1:80');
    expect(upstreamHost(logsOf(run(withPods(objects), HTTP_CMD, { pod: B }), B.name)[0])).toBe('52.1.1.1:80');
    const swapped = [entry('learner-01', at(3), '52.1.1.1'), entry('learner-02', at(2), '52.2.2.2')];
    expect(upstreamHost(logsOf(run(withPods(swapped), HTTP_CMD, { pod: C }), C.name)[0])).toBe('52.2.2.2:80');
  });

  it('one kept private to its namespace does not take the host from the others', () => {
    const objects = [{ ...entry('learner-01', at(1), '52.1.1.1'), spec: { ...entry('learner-01', at(1), '52.1.1.1').spec, exportTo: ['.'] } }, entry('learner-02', at(2), '52.2.2.2')];
    expect(upstreamHost(logsOf(run(withPods(objects), HTTP_CMD, { pod: C }), C.name)[0])).toBe('52.2.2.2:80');
    expect(upstreamHost(logsOf(run(withPods(objects), HTTP_CMD, { pod: A }), A.name)[0])).toBe('52.1.1.1:80');
  });
});

describe('own gateways are isolated from each other', () => {
  it("a broken learner's objects change nothing for the other learner", () => {
    const broken = learnerObjects('http', 'learner-02', { exportTo: ['.'], created: at(1) }).map((o) =>
      o.kind === 'VirtualService' ? { ...o, spec: { ...o.spec, http: [(o.spec.http as unknown[])[0], { match: [{ gateways: ['istio-egressgateway'], port: 80 }], directResponse: { status: 418 } }] } } : o,
    );
    const objects = [...broken, ...learnerObjects('http', 'learner-01', { exportTo: ['.'], created: at(2) })];
    const a = run(withPods(objects), HTTP_CMD, { pod: A });
    expect(statusLine(a.stdout)).toBe('HTTP/1.1 200 OK');
    expect(logsOf(a, ownGatewayPod('learner-01', 1).name)).toHaveLength(1);
    const b = run(withPods(objects), HTTP_CMD, { pod: B });
    expect(code(b.stdout)).toBe('418');
    expect(logsOf(b, ownGatewayPod('learner-02', 2).name)[0]).toContain(' 418 - direct_response ');
    expect(logsOf(b, ownGatewayPod('learner-01', 1).name)).toEqual([]);
  });
});
