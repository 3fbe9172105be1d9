// The explainer in ambient mode: a waypoint's log followed, no line for a request that got its
// 200: the ServiceEntry ztunnel reads does not name that waypoint, and the fix is the label.
import { describe, expect, it } from 'vitest';
import { explain, patchCommand, type ExplainInput, type ExplainObject } from '../../src/explain/index.js';
import { parseCurlOutput } from '../../src/verify/index.js';

const entry = (labels: Record<string, string> = {}): ExplainObject => ({ kind: 'ServiceEntry', name: 'httpbin-org', namespace: 'team-a', spec: { hosts: ['httpbin.org'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'DNS', exportTo: ['.'] }, labels });
const input = (objects: ExplainObject[], over: Partial<ExplainInput> = {}): ExplainInput => ({
  objects,
  clientNamespace: 'team-a',
  istioNamespace: 'istio-system',
  outboundPolicy: 'ALLOW_ANY',
  meshAccessLog: 'on',
  gateway: { namespace: 'istio-system', labels: { istio: 'egressgateway' }, host: 'istio-egressgateway.istio-system.svc.cluster.local' },
  request: { host: 'httpbin.org', port: 80, tls: false },
  curl: parseCurlOutput('HTTP/1.1 200 OK\r\nserver: gunicorn/19.9.0\r\n\r\n', '', 0),
  gatewayLines: [],
  gatewayLogFollowed: true,
  waypoint: { namespace: 'team-a', name: 'waypoint' },
  ...over,
});

describe('waypoint-not-used', () => {
  it('an unlabelled ServiceEntry: the label field, what ztunnel did, and the merge patch that adds it', () => {
    const [f, ...rest] = explain(input([entry()]));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ id: 'waypoint-not-used', ref: { kind: 'ServiceEntry', name: 'httpbin-org', namespace: 'team-a' }, field: 'metadata.labels[istio.io/use-waypoint]' });
    expect(f.problem.en).toBe('ServiceEntry httpbin-org (team-a) declares httpbin.org but has no label istio.io/use-waypoint, so ztunnel sends no traffic for httpbin.org to a waypoint.');
    expect(f.problem.zh).toMatch(/^服务入口 httpbin-org \(team-a\) 声明了 httpbin\.org，却没有 istio\.io\/use-waypoint 标签/);
    expect(patchCommand(f.patch!)).toBe(`kubectl patch serviceentry.networking.istio.io httpbin-org -n team-a --type=merge -p '{"metadata":{"labels":{"istio.io/use-waypoint":"waypoint"}}}'`);
  });

  it('labelled for another waypoint or none: named; labelled for this one, or a line was logged, or the request failed: no finding', () => {
    expect(explain(input([entry({ 'istio.io/use-waypoint': 'none' })]))[0].problem.en).toBe('ServiceEntry httpbin-org (team-a) is labelled istio.io/use-waypoint=none: it opts out of every waypoint.');
    expect(explain(input([entry({ 'istio.io/use-waypoint': 'egress' })]))[0].problem.en).toContain('ztunnel sends its traffic to the waypoint egress');
    expect(explain(input([entry({ 'istio.io/use-waypoint': 'waypoint' })]))).toEqual([]);
    expect(explain(input([entry()], { gatewayLines: [{ responseCode: 200, authority: 'httpbin.org' }] }))).toEqual([]);
    expect(explain(input([entry()], { curl: parseCurlOutput('', 'curl: (56) Recv failure: Connection reset by peer', 56) }))).toEqual([]);
    // No ServiceEntry at all: nothing to label (the diagnosis says to apply it).
    expect(explain(input([]))).toEqual([]);
  });
});
