// Ambient mode in the mesh model: an ambient pod has no sidecar, ztunnel carries its connections
// and writes its own log line (not Envoy's); a sidecar pod's traffic leaves no ztunnel line.
import { describe, expect, it } from 'vitest';
import type { MeshPod } from '../../src/mesh/types.js';
import { formatZtunnelLine } from '../../src/mesh/ztunnel.js';
import { baseState, CLIENT, HTTP_CMD, HTTPS_CMD, logsOf, run, SE_HTTPBIN } from './fixtures.js';

const AMBIENT_CLIENT: MeshPod = { ...CLIENT, namespace: 'egress-ambient', hasSidecar: false, ambient: true, serviceAccount: 'curl' };
const ZTUNNEL: MeshPod = { namespace: 'istio-system', name: 'ztunnel-7xk2p', labels: { app: 'ztunnel' }, ip: '10.244.0.3', hasSidecar: false, ready: true, ztunnel: true };

describe('ztunnel carries an ambient pod\'s connections', () => {
  it('plain HTTP to the internet: the response arrives, no Envoy line anywhere, one ztunnel line in its format', () => {
    const state = baseState({ pods: [AMBIENT_CLIENT, ZTUNNEL] });
    const r = run(state, HTTP_CMD, { pod: AMBIENT_CLIENT });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(r.accessLog.map((l) => l.pod)).toEqual(['ztunnel-7xk2p']);
    const [line] = logsOf(r, 'ztunnel-7xk2p');
    expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\tinfo\taccess\tconnection complete\t/);
    expect(line).toMatch(/src\.addr=10\.244\.0\.12:\d+ src\.workload="curl-5b549b49b8-mv2xz" src\.namespace="egress-ambient" src\.identity="spiffe:\/\/cluster\.local\/ns\/egress-ambient\/sa\/curl" dst\.addr=[\d.]+:80 direction="outbound" bytes_sent=\d+ bytes_recv=\d+ duration="\d+ms"$/);
    // Passthrough: no HBONE tunnel to anyone.
    expect(line).not.toContain('dst.hbone_addr');
  });

  it('names the ServiceEntry host as dst.service when one declares it; TLS is passed through with its bytes', () => {
    const state = baseState({ pods: [AMBIENT_CLIENT, ZTUNNEL], objects: [{ ...SE_HTTPBIN, namespace: 'egress-ambient' }] });
    const [line] = logsOf(run(state, HTTP_CMD, { pod: AMBIENT_CLIENT }), 'ztunnel-7xk2p');
    expect(line).toContain('dst.service="httpbin.org"');
    const tls = run(state, HTTPS_CMD, { pod: AMBIENT_CLIENT });
    expect(tls.exitCode).toBe(0);
    const [tlsLine] = logsOf(tls, 'ztunnel-7xk2p');
    expect(tlsLine).toMatch(/dst\.addr=[\d.]+:443 direction="outbound" bytes_sent=[1-9]\d* bytes_recv=[1-9]\d*/);
  });

  it('a sidecar pod next to ztunnel: Envoy lines, no ztunnel line; without ztunnel an unlabelled pod goes out directly', () => {
    const sidecar = run(baseState({ pods: [CLIENT, ZTUNNEL] }), HTTP_CMD);
    expect(logsOf(sidecar, 'ztunnel-7xk2p')).toEqual([]);
    expect(logsOf(sidecar, CLIENT.name)).toHaveLength(1);
    const noZtunnel = run(baseState({ pods: [AMBIENT_CLIENT] }), HTTP_CMD, { pod: AMBIENT_CLIENT });
    expect(noZtunnel.exitCode).toBe(0);
    expect(noZtunnel.accessLog).toEqual([]);
  });

  it('formats an HBONE hop with the tunnel address and the peer workload, and an error at level error', () => {
    const line = formatZtunnelLine({
      start: new Date('2026-12-07T12:00:00.123Z'),
      src: AMBIENT_CLIENT,
      srcAddr: '10.244.0.12:51234',
      dstAddr: '10.244.0.20:15008',
      hboneAddr: '240.240.0.2:80',
      service: 'httpbin.org',
      dstWorkload: { namespace: 'egress-ambient', name: 'waypoint-6f9c5d7b8-x2v4q', labels: {}, ip: '10.244.0.20', hasSidecar: false, ready: true, serviceAccount: 'waypoint' },
      bytesSent: 78,
      bytesRecv: 512,
      durationMs: 14,
    });
    expect(line).toBe(
      '2026-12-07T12:00:00.123000Z\tinfo\taccess\tconnection complete\tsrc.addr=10.244.0.12:51234 src.workload="curl-5b549b49b8-mv2xz" src.namespace="egress-ambient" src.identity="spiffe://cluster.local/ns/egress-ambient/sa/curl" dst.addr=10.244.0.20:15008 dst.hbone_addr=240.240.0.2:80 dst.service="httpbin.org" dst.workload="waypoint-6f9c5d7b8-x2v4q" dst.namespace="egress-ambient" dst.identity="spiffe://cluster.local/ns/egress-ambient/sa/waypoint" direction="outbound" bytes_sent=78 bytes_recv=512 duration="14ms"',
    );
  });
});

// ---- the egress waypoint ------------------------------------------------------------------------

const WAYPOINT: MeshPod = {
  namespace: 'egress-ambient', name: 'waypoint-6f9c5d7b8-x2v4q', ip: '10.244.0.20', hasSidecar: false, ready: true,
  labels: { 'gateway.networking.k8s.io/gateway-name': 'waypoint', 'istio.io/dataplane-mode': 'none' }, waypoint: 'waypoint', serviceAccount: 'waypoint',
};
const labelledEntry = (labels: Record<string, string> = { 'istio.io/use-waypoint': 'waypoint' }) => ({ ...SE_HTTPBIN, namespace: 'egress-ambient', labels });
const GET = ['curl', '-sS', '-D', '-', 'http://httpbin.org/get'];
const policy = (name: string, spec: Record<string, unknown>) => ({ kind: 'AuthorizationPolicy' as const, namespace: 'egress-ambient', name, spec });
const toEntry = { targetRefs: [{ kind: 'ServiceEntry', group: 'networking.istio.io', name: SE_HTTPBIN.name }] };

describe('an egress waypoint for a ServiceEntry labelled istio.io/use-waypoint', () => {
  it('ztunnel tunnels to the waypoint over HBONE and the waypoint\'s Envoy sends it out and logs it', () => {
    const state = baseState({ pods: [AMBIENT_CLIENT, ZTUNNEL, WAYPOINT], objects: [labelledEntry()] });
    const r = run(state, GET, { pod: AMBIENT_CLIENT });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 200 OK\r?\n/);
    expect(r.stdout).toContain('server: istio-envoy');
    const [z] = logsOf(r, 'ztunnel-7xk2p');
    expect(z).toMatch(/dst\.addr=10\.244\.0\.20:15008 dst\.hbone_addr=240\.240\.\d+\.\d+:80 dst\.service="httpbin\.org" dst\.workload="waypoint-6f9c5d7b8-x2v4q" dst\.namespace="egress-ambient" dst\.identity="spiffe:\/\/cluster\.local\/ns\/egress-ambient\/sa\/waypoint" direction="outbound"/);
    const [w] = logsOf(r, WAYPOINT.name);
    expect(w).toMatch(/^\[[^\]]+\] "GET \/get HTTP\/1\.1" 200 - via_upstream - "-" 0 \d+ \d+ \d+ "-" "curl\/8\.16\.0" "[0-9a-f-]+" "httpbin\.org" "[\d.]+:80" outbound\|80\|\|httpbin\.org 10\.244\.0\.20:\d+ 240\.240\.\d+\.\d+:80 10\.244\.0\.12:\d+ - default$/);
    expect(logsOf(r, AMBIENT_CLIENT.name)).toEqual([]);
  });

  it('the namespace label works too; "none" on the entry opts out (passthrough, no waypoint line)', () => {
    const nsLabelled = baseState({ pods: [AMBIENT_CLIENT, ZTUNNEL, WAYPOINT], objects: [labelledEntry({})], namespaces: [{ name: 'egress-ambient', labels: { 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' } }] });
    expect(logsOf(run(nsLabelled, GET, { pod: AMBIENT_CLIENT }), WAYPOINT.name)).toHaveLength(1);
    const optedOut = baseState({ pods: [AMBIENT_CLIENT, ZTUNNEL, WAYPOINT], objects: [labelledEntry({ 'istio.io/use-waypoint': 'none' })], namespaces: nsLabelled.namespaces });
    const r = run(optedOut, GET, { pod: AMBIENT_CLIENT });
    expect(logsOf(r, WAYPOINT.name)).toEqual([]);
    expect(logsOf(r, 'ztunnel-7xk2p')[0]).not.toContain('dst.hbone_addr');
  });

  it('no ready waypoint pod: ztunnel logs an error and closes the connection (curl 56)', () => {
    const state = baseState({ pods: [AMBIENT_CLIENT, ZTUNNEL, { ...WAYPOINT, ready: false }], objects: [labelledEntry()] });
    const r = run(state, GET, { pod: AMBIENT_CLIENT });
    expect(r.exitCode).toBe(56);
    expect(r.stderr).toContain('curl: (56) Recv failure: Connection reset by peer');
    expect(logsOf(r, 'ztunnel-7xk2p')[0]).toMatch(/\terror\taccess\tconnection complete\t.* error="no healthy upstream: waypoint egress-ambient\/waypoint has no ready endpoints"$/);
  });

  it('an AuthorizationPolicy targeting the ServiceEntry is enforced at the waypoint: 403 RBAC: access denied', () => {
    const deny = policy('deny-post', { ...toEntry, action: 'DENY', rules: [{ to: [{ operation: { methods: ['POST'] } }] }] });
    const state = baseState({ pods: [AMBIENT_CLIENT, ZTUNNEL, WAYPOINT], objects: [labelledEntry(), deny] });
    expect(run(state, ['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', 'http://httpbin.org/get'], { pod: AMBIENT_CLIENT }).stdout).toBe('200');
    const r = run(state, ['curl', '-sS', '-X', 'POST', 'http://httpbin.org/post'], { pod: AMBIENT_CLIENT });
    expect(r.stdout).toBe('RBAC: access denied');
    expect(logsOf(r, WAYPOINT.name)[0]).toMatch(/"POST \/post HTTP\/1\.1" 403 - rbac_access_denied_matched_policy\[ns\[egress-ambient\]-policy\[deny-post\]-rule\[0\]\] /);
    // ALLOW for one path: everything else is denied.
    const allow = policy('allow-get', { ...toEntry, action: 'ALLOW', rules: [{ to: [{ operation: { methods: ['GET'], paths: ['/get'] } }] }] });
    const s2 = baseState({ pods: [AMBIENT_CLIENT, ZTUNNEL, WAYPOINT], objects: [labelledEntry(), allow] });
    expect(run(s2, ['curl', '-sS', 'http://httpbin.org/headers'], { pod: AMBIENT_CLIENT }).stdout).toBe('RBAC: access denied');
    expect(logsOf(run(s2, ['curl', '-sS', 'http://httpbin.org/headers'], { pod: AMBIENT_CLIENT }), WAYPOINT.name)[0]).toContain(' 403 - rbac_access_denied_matched_policy[none] ');
  });

  it('policy applies only where traffic passes the waypoint: a selector policy does nothing there, and without the label the targetRefs policy is bypassed', () => {
    const bySelector = policy('deny-all-selector', { selector: { matchLabels: { app: 'curl' } }, action: 'DENY', rules: [{}] });
    const withSelector = baseState({ pods: [AMBIENT_CLIENT, ZTUNNEL, WAYPOINT], objects: [labelledEntry(), bySelector] });
    expect(run(withSelector, ['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', 'http://httpbin.org/get'], { pod: AMBIENT_CLIENT }).stdout).toBe('200');
    const deny = policy('deny-all', { ...toEntry, action: 'DENY', rules: [{}] });
    const unlabelled = baseState({ pods: [AMBIENT_CLIENT, ZTUNNEL, WAYPOINT], objects: [labelledEntry({}), deny] });
    const r = run(unlabelled, ['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', 'http://httpbin.org/get'], { pod: AMBIENT_CLIENT });
    expect(r.stdout).toBe('200');
    expect(logsOf(r, WAYPOINT.name)).toEqual([]);
  });
});
