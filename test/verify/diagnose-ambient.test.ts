// Diagnosis in ambient mode: a logs step that followed the waypoint (or ztunnel) and found no line
// for the request names what ztunnel read: the host's ServiceEntry and its istio.io/use-waypoint.
import { describe, expect, it } from 'vitest';
import type { FactObject, MeshFacts } from '../../src/cluster/port.js';
import { diagnose, parseCurlOutput } from '../../src/verify/index.js';

const facts = (objects: FactObject[]): MeshFacts => ({ outboundPolicy: 'ALLOW_ANY', accessLogging: 'on', egressGatewayPods: 0, clientHasSidecar: 'unknown', objects });
const entry = (labels: Record<string, string> = {}, name = 'httpbin-org'): FactObject => ({ kind: 'ServiceEntry', name, namespace: 'team-a', spec: { hosts: ['httpbin.org'] }, labels });
const ok = parseCurlOutput('HTTP/1.1 200 OK\r\nserver: gunicorn/19.9.0\r\n\r\n', '', 0);
const waypoint = { namespace: 'team-a', name: 'waypoint' };
const base = { curl: ok, host: 'httpbin.org', missingLogLine: true, clientNamespace: 'team-a', waypoint } as const;

describe('a missing waypoint line', () => {
  it('a ServiceEntry without istio.io/use-waypoint: ztunnel passed it through; the label is the fix', () => {
    expect(diagnose({ ...base, facts: facts([entry()]) })).toBe(
      'The request to httpbin.org got HTTP 200, but the waypoint waypoint wrote no line for it: ServiceEntry httpbin-org (team-a) has no label istio.io/use-waypoint, so ztunnel sent the bytes straight to httpbin.org (its line shows dst.addr the host\'s own address and no dst.hbone_addr), and nothing attached to the waypoint saw them. Label it: kubectl label serviceentry httpbin-org -n team-a istio.io/use-waypoint=waypoint.',
    );
    expect(diagnose({ ...base, facts: facts([entry()]), lang: 'zh' })).toMatch(/^访问 httpbin\.org 的请求得到了 HTTP 200，但 waypoint waypoint 没有为它写日志行：服务入口 httpbin-org（team-a）没有 istio\.io\/use-waypoint 标签/);
  });

  it('labelled for another waypoint, or none: named, with --overwrite', () => {
    expect(diagnose({ ...base, facts: facts([entry({ 'istio.io/use-waypoint': 'egress' })]) })).toMatch(/is labelled istio\.io\/use-waypoint=egress, so ztunnel sends its traffic to the waypoint egress\. Point it at this one: kubectl label serviceentry httpbin-org -n team-a istio\.io\/use-waypoint=waypoint --overwrite\.$/);
    expect(diagnose({ ...base, facts: facts([entry({ 'istio.io/use-waypoint': 'none' })]) })).toMatch(/use-waypoint=none, so ztunnel sends its traffic to no waypoint\./);
  });

  it('no ServiceEntry for the host: apply it; with the right label, the waypoint itself or its log', () => {
    expect(diagnose({ ...base, facts: facts([]) })).toBe("The waypoint waypoint wrote no line for the request to httpbin.org: no ServiceEntry in team-a declares httpbin.org, so ztunnel knows no service for it and passes the connection straight out. Apply the lesson's ServiceEntry (labelled istio.io/use-waypoint=waypoint).");
    // Of several entries for the host, the one naming this waypoint is the one that counts.
    expect(diagnose({ ...base, facts: facts([entry({}, 'old'), entry({ 'istio.io/use-waypoint': 'waypoint' })]) })).toMatch(/^ServiceEntry httpbin-org sends httpbin\.org to the waypoint waypoint, but its log shows no line for the request: check the waypoint pod is Ready \(kubectl get gateway waypoint -n team-a: Programmed\)/);
  });

  it('ztunnel without a line from the client pod: the pod is not in ambient mode', () => {
    expect(diagnose({ curl: ok, host: 'httpbin.org', missingLogLine: true, clientNamespace: 'team-a', ztunnel: true, facts: facts([entry()]) })).toMatch(/^ztunnel logged no connection from your client pod: the pod is not in ambient mode\. It has a sidecar .*kubectl get pods -n team-a -L istio\.io\/dataplane-mode/);
  });
});
