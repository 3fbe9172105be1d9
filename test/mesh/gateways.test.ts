// Gateway pods in any namespace (a learner's own egress gateway, contract C1), Gateway selectors
// across namespaces, and which proxy writes which line when several learners share a mesh.
import { describe, expect, it } from 'vitest';
import type { IstioObject } from '../../src/mesh/types.js';
import { GATEWAY_POD, HTTP_CMD, HTTPS_CMD, logsOf, run } from './fixtures.js';
import { classroom, clientPod, learnerObjects, ownGatewayPod } from './classroom-fixtures.js';

const A = clientPod('learner-01', 1);
const B = clientPod('learner-02', 2);
const GW_A = ownGatewayPod('learner-01', 1);
const GW_B = ownGatewayPod('learner-02', 2);
const statusLine = (stdout: string): string => stdout.split('\r\n')[0];
/** The DOWNSTREAM_REMOTE_ADDRESS field of a TEXT line (second to last but one). */
const downstreamRemote = (line: string): string => line.split(' ').at(-3) ?? '';
const upstreamLocal = (line: string): string => line.split(' ').at(-5) ?? '';

describe('own egress gateways (gateway injection, C1)', () => {
  const objects = [...learnerObjects('http', 'learner-01', { exportTo: ['.'] }), ...learnerObjects('http', 'learner-02', { exportTo: ['.'] })];

  it("HTTP: each learner's request crosses their own gateway, whose log alone has the line", () => {
    const state = classroom(objects);
    const a = run(state, HTTP_CMD, { pod: A });
    expect(statusLine(a.stdout)).toBe('HTTP/1.1 200 OK');
    expect(logsOf(a, GW_A.name)).toHaveLength(1);
    expect(logsOf(a, GW_B.name)).toEqual([]);
    expect(logsOf(a, GATEWAY_POD.name)).toEqual([]);
    const line = logsOf(a, GW_A.name)[0];
    expect(line).toMatch(/"GET \/headers HTTP\/2" 200 - via_upstream .* outbound\|80\|\|httpbin\.org 10\.244\.0\.41:\d+ 10\.244\.0\.41:80 10\.244\.0\.21:\d+ - -$/);
    // The client sidecar sent it to the learner's gateway service, subset cnn.
    expect(logsOf(a, A.name)[0]).toContain('"10.244.0.41:80" outbound|80|cnn|egressgateway.learner-01.svc.cluster.local');

    const b = run(state, HTTP_CMD, { pod: B });
    expect(statusLine(b.stdout)).toBe('HTTP/1.1 200 OK');
    expect(logsOf(b, GW_B.name)).toHaveLength(1);
    expect(logsOf(b, GW_A.name)).toEqual([]);
    expect(downstreamRemote(logsOf(b, GW_B.name)[0])).toMatch(/^10\.244\.0\.22:\d+$/);
  });

  it('DOWNSTREAM_REMOTE_ADDRESS at the gateway is the client pod, the port its sidecar used (HTTP and TLS)', () => {
    const state = classroom(learnerObjects('https', 'learner-01', { exportTo: ['.'] }));
    const http = run(classroom(objects), HTTP_CMD, { pod: A });
    expect(downstreamRemote(logsOf(http, GW_A.name)[0])).toBe(upstreamLocal(logsOf(http, A.name)[0]));
    expect(downstreamRemote(logsOf(http, GW_A.name)[0])).toMatch(/^10\.244\.0\.21:\d{5}$/);
    const tls = run(state, HTTPS_CMD, { pod: A });
    expect(tls.exitCode).toBe(0);
    const gwLine = logsOf(tls, GW_A.name)[0];
    expect(gwLine).toMatch(/^\[[^\]]+\] "- - -" 0 - - - .* outbound\|443\|\|www\.baidu\.com 10\.244\.0\.41:\d+ 10\.244\.0\.41:443 10\.244\.0\.21:\d+ www\.baidu\.com -$/);
    expect(downstreamRemote(gwLine)).toBe(upstreamLocal(logsOf(tls, A.name)[0]));
  });

  it('a gateway pod is what its proxy is: the flag wins over the istio=egressgateway label', () => {
    const seedObjects = learnerObjects('http', 'default', { gateway: 'shared' });
    const notGateway = { ...GATEWAY_POD, gateway: false };
    const state = classroom(seedObjects, { pods: [clientPod('default', 9), notGateway] });
    const r = run(state, HTTP_CMD, { pod: clientPod('default', 9) });
    // Nothing listens on the pod: the sidecar's connection is refused.
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 503 Service Unavailable');
    expect(logsOf(r, clientPod('default', 9).name)[0]).toMatch(/ 503 (URX,UF|UF,URX) /); // connection refused (either flag order)
  });

  it("a Gateway selects gateway pods in any namespace: one in istio-system can program a learner's gateway", () => {
    const [se, gw, dr, vs] = learnerObjects('http', 'learner-01');
    const moved: IstioObject = { ...gw, namespace: 'istio-system' };
    // The VirtualService names the Gateway by namespace/name now.
    const spec = JSON.parse(JSON.stringify(vs.spec).replaceAll('"istio-egressgateway"', '"istio-system/istio-egressgateway"')) as Record<string, unknown>;
    const r = run(classroom([se, moved, dr, { ...vs, spec }]), HTTP_CMD, { pod: A });
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 200 OK');
    expect(logsOf(r, GW_A.name)).toHaveLength(1);
  });

  it('a Gateway without selector programs every gateway pod', () => {
    const [se, gw, dr, vs] = learnerObjects('http', 'learner-01');
    const { selector: _s, ...rest } = gw.spec;
    const r = run(classroom([se, { ...gw, spec: rest }, dr, vs]), HTTP_CMD, { pod: A });
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 200 OK');
    expect(logsOf(r, GW_A.name)).toHaveLength(1);
  });

  it("a learner's unique selector leaves the other learners' gateways without a listener", () => {
    // Learner 01's Gateway selects only learner 01's pod (istio: egressgateway-learner-01)…
    const [se, , dr, vs] = learnerObjects('http', 'learner-02');
    const gw01 = learnerObjects('http', 'learner-01')[1];
    const r = run(classroom([se, gw01, dr, vs]), HTTP_CMD, { pod: B });
    // …and learner 02's own gateway has no Gateway at all: no listener on 80, connection refused.
    expect(statusLine(r.stdout)).toBe('HTTP/1.1 503 Service Unavailable');
    expect(logsOf(r, B.name)[0]).toMatch(/ 503 (URX,UF|UF,URX) /); // connection refused (either flag order)
    expect(logsOf(r, GW_A.name)).toEqual([]);
  });

  it('gateway pods that are not Ready get no traffic: 503 UH at the sidecar', () => {
    const state = classroom(objects);
    state.pods = state.pods.map((p) => (p.name === GW_A.name ? { ...p, ready: false } : p));
    const r = run(state, HTTP_CMD, { pod: A });
    expect(logsOf(r, A.name)[0]).toContain(' 503 UH no_healthy_upstream ');
  });
});
