// NetworkPolicy in the mesh model (issue 15, track 3): selectors, isolation per direction, additive
// rules, ipBlock with except, ports, DNS to kube-dns; a dropped connection times out; a pod without
// a sidecar bypasses the gateway unless a policy stops it, and the gateway path still works.
import { describe, expect, it } from 'vitest';
import { connectionAllowed, inCidr, KUBE_DNS, selects } from '../../src/mesh/networkPolicy.js';
import type { MeshPod, MeshState, NetworkPolicyObject } from '../../src/mesh/types.js';
import { baseState, CLIENT, DR_CNN, GATEWAY_POD, GW_HTTP, HTTP_CMD, logsOf, run, SE_HTTPBIN, VS_HTTP } from './fixtures.js';

/** The upstream task's policy, class-safe: egress only to kube-dns and to the Istio namespace's pods. */
const GATEWAY_ONLY: NetworkPolicyObject = {
  namespace: 'default',
  name: 'allow-egress-to-gateway-and-dns',
  spec: {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } } }] },
    ],
  },
};

const BYPASS: MeshPod = { namespace: 'default', name: 'curl-bypass-7d9f-abcde', labels: { app: 'curl-bypass' }, ip: '10.244.0.31', hasSidecar: false, ready: true };

function state(policies: NetworkPolicyObject[], enforced = true, extra: Partial<MeshState> = {}): MeshState {
  return baseState({ objects: [SE_HTTPBIN, GW_HTTP, DR_CNN, VS_HTTP], pods: [CLIENT, GATEWAY_POD, BYPASS], networkPolicies: policies, networkPolicyEnforced: enforced, ...extra });
}

const peer = (pod: MeshPod) => ({ ip: pod.ip, pod: { namespace: pod.namespace, labels: pod.labels } });
const internet = { ip: '3.210.94.60' };

describe('NetworkPolicy evaluation', () => {
  it('label selectors: matchLabels and every expression operator; {} selects every pod', () => {
    expect(selects({}, { app: 'x' })).toBe(true);
    expect(selects({ matchLabels: { app: 'curl' } }, { app: 'curl', v: '1' })).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'curl'] }] }, { app: 'curl' })).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['curl'] }] }, { app: 'curl' })).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, { app: 'curl' })).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, { app: 'curl' })).toBe(true);
  });

  it('CIDRs', () => {
    expect(inCidr('10.244.0.12', '10.0.0.0/8')).toBe(true);
    expect(inCidr('3.210.94.60', '10.0.0.0/8')).toBe(false);
    expect(inCidr('3.210.94.60', '0.0.0.0/0')).toBe(true);
  });

  it('no policy selecting a pod: everything allowed; an egress policy isolates the pods it selects, for egress only', () => {
    expect(connectionAllowed(state([]), peer(BYPASS), internet, 80).allowed).toBe(true);
    const s = state([GATEWAY_ONLY]);
    expect(connectionAllowed(s, peer(BYPASS), internet, 80)).toEqual({ allowed: false, direction: 'egress', isolatedBy: ['default/allow-egress-to-gateway-and-dns'] });
    expect(connectionAllowed(s, peer(CLIENT), peer(GATEWAY_POD), 8080).allowed).toBe(true);
    expect(connectionAllowed(s, peer(CLIENT), KUBE_DNS, 53, 'UDP').allowed).toBe(true);
    expect(connectionAllowed(s, peer(CLIENT), KUBE_DNS, 5353, 'UDP').allowed).toBe(false);
    // The gateway in istio-system is not selected: its egress stays open; ingress to the client is not isolated.
    expect(connectionAllowed(s, peer(GATEWAY_POD), internet, 80).allowed).toBe(true);
    expect(connectionAllowed(s, peer(GATEWAY_POD), peer(CLIENT), 80).allowed).toBe(true);
  });

  it('rules are additive across policies; ipBlock except carves out; a CNI that does not enforce allows all', () => {
    const web: NetworkPolicyObject = { namespace: 'default', name: 'allow-web', spec: { podSelector: { matchLabels: { app: 'curl-bypass' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['3.210.0.0/16'] } }], ports: [{ port: 80 }] }] } };
    const s = state([GATEWAY_ONLY, web]);
    expect(connectionAllowed(s, peer(BYPASS), { ip: '93.184.216.34' }, 80).allowed).toBe(true);
    expect(connectionAllowed(s, peer(BYPASS), { ip: '93.184.216.34' }, 443).allowed).toBe(false);
    expect(connectionAllowed(s, peer(BYPASS), internet, 80).allowed).toBe(false);
    expect(connectionAllowed(state([GATEWAY_ONLY], false), peer(BYPASS), internet, 80).allowed).toBe(true);
  });

  it('ingress: a policy with only the default policyTypes isolates ingress of the pods it selects', () => {
    const denyIn: NetworkPolicyObject = { namespace: 'istio-system', name: 'deny-in', spec: { podSelector: { matchLabels: { istio: 'egressgateway' } } } };
    expect(connectionAllowed(state([denyIn]), peer(CLIENT), peer(GATEWAY_POD), 8080)).toEqual({ allowed: false, direction: 'ingress', isolatedBy: ['istio-system/deny-in'] });
  });
});

describe('NetworkPolicy on traffic', () => {
  const BYPASS_CMD = ['curl', '-sS', '-o', '/dev/null', '-D', '-', '--max-time', '5', 'http://httpbin.org/headers'];

  it('a pod without a sidecar reaches the internet directly, with no gateway line, until the policy drops it (curl 28)', () => {
    const open = run(state([]), BYPASS_CMD, { pod: BYPASS });
    expect(open.exitCode).toBe(0);
    expect(open.stdout).toMatch(/^HTTP\/1.1 200 OK/);
    expect(logsOf(open, GATEWAY_POD.name)).toEqual([]);
    const blocked = run(state([GATEWAY_ONLY]), BYPASS_CMD, { pod: BYPASS });
    expect(blocked.exitCode).toBe(28);
    expect(blocked.stderr).toMatch(/Failed to connect to httpbin.org port 80 after 500\d ms: Timeout was reached/);
  });

  it('the sidecar client through the egress gateway still gets its 200, proved by the gateway line', () => {
    const r = run(state([GATEWAY_ONLY]), HTTP_CMD);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^HTTP\/1.1 200 OK/);
    expect(logsOf(r, GATEWAY_POD.name)).toHaveLength(1);
  });

  it('without the DNS rule the name does not resolve; without enforcement nothing changes', () => {
    const noDns: NetworkPolicyObject = { ...GATEWAY_ONLY, spec: { ...GATEWAY_ONLY.spec, egress: [(GATEWAY_ONLY.spec.egress as unknown[])[1]] } };
    const r = run(state([noDns]), BYPASS_CMD, { pod: BYPASS });
    expect(r.exitCode).toBe(28);
    expect(r.stderr).toContain('Resolving timed out after 5000 milliseconds');
    expect(run(state([GATEWAY_ONLY], false), BYPASS_CMD, { pod: BYPASS }).exitCode).toBe(0);
  });
});
