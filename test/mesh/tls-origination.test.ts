// TLS origination at the egress gateway in the mesh model (issue 15, track 2): the sidecar reaches
// the gateway over Istio mutual TLS (DestinationRule ISTIO_MUTUAL with an SNI), the gateway's HTTPS
// ISTIO_MUTUAL server takes it, and the gateway originates TLS (SIMPLE) to the host. A wrong SNI
// finds no filter chain; plain HTTP to the mTLS server is reset; without SIMPLE the host answers 400.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { gatewayValues } from '../../src/lesson/course.js';
import { defaultLessonsDir, renderTemplate } from '../../src/lesson/index.js';
import { parseAccessLogLine } from '../../src/verify/access-log.js';
import type { IstioObject } from '../../src/mesh/types.js';
import { baseState, GATEWAY_POD, logsOf, run, CLIENT } from './fixtures.js';

const values = { httpHost: 'httpbin.org', namespace: 'default', istioNamespace: 'istio-system', ...gatewayValues('shared', 'default', 'istio-system') };
const objectsOf = (file: string): IstioObject[] =>
  (yaml.loadAll(renderTemplate(readFileSync(join(defaultLessonsDir(), '20-tls-origination', 'manifests', file), 'utf8'), values)) as { kind: IstioObject['kind']; metadata: { name: string }; spec: Record<string, unknown> }[])
    .filter(Boolean)
    .map((o) => ({ kind: o.kind, name: o.metadata.name, namespace: 'default', spec: o.spec }));

const LESSON = ['serviceentry.yaml', 'gateway-destinationrule.yaml', 'virtualservice.yaml', 'originate-tls.yaml'];
const GET = ['curl', '-sS', '-H', 'x-request-id: r-1', 'http://httpbin.org/get'];

function state(files: string[]) {
  return baseState({ objects: files.flatMap(objectsOf) });
}

describe('TLS origination at the egress gateway', () => {
  it('plain HTTP from curl, mutual TLS to the gateway, TLS to the host: the host saw https', () => {
    const r = run(state(LESSON), GET);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('"url": "https://httpbin.org/get"');
    const [gw] = logsOf(r, GATEWAY_POD.name).map((l) => parseAccessLogLine(l)!);
    // The gateway's line: HTTP/2 over the sidecar's mutual TLS (its SNI is the requested server name), upstream 443.
    expect(gw).toMatchObject({ protocol: 'HTTP/2', responseCode: 200, requestedServerName: 'httpbin.org', upstreamCluster: 'outbound|443||httpbin.org', authority: 'httpbin.org' });
    expect(gw.downstreamLocalAddress).toMatch(/:8443$/);
    const [sidecar] = logsOf(r, CLIENT.name).map((l) => parseAccessLogLine(l)!);
    expect(sidecar).toMatchObject({ protocol: 'HTTP/1.1', responseCode: 200, upstreamCluster: 'outbound|443|cnn|istio-egressgateway.istio-system.svc.cluster.local' });
  });

  it('an SNI no server names: the gateway closes the connection, the sidecar answers 503 and the gateway writes no line', () => {
    // The lesson's objects with the DestinationRule replaced by the wrong-SNI one (same name), as the lesson applies it.
    const wrong = [...objectsOf('serviceentry.yaml'), ...objectsOf('gateway-destinationrule.yaml').filter((o) => o.kind === 'Gateway'), ...objectsOf('destinationrule-wrong-sni.yaml'), ...objectsOf('virtualservice.yaml'), ...objectsOf('originate-tls.yaml')];
    const r = run(baseState({ objects: wrong }), ['curl', '-sS', '-o', '/dev/null', '-D', '-', 'http://httpbin.org/get']);
    expect(r.stdout).toMatch(/^HTTP\/1.1 503 Service Unavailable/);
    expect(logsOf(r, GATEWAY_POD.name)).toEqual([]);
    expect(parseAccessLogLine(logsOf(r, CLIENT.name)[0])).toMatchObject({ responseCode: 503, responseFlags: 'UC' });
  });

  it('without ISTIO_MUTUAL towards an ISTIO_MUTUAL server the plain request is reset (503); without SIMPLE the host answers 400', () => {
    const plainDr = objectsOf('gateway-destinationrule.yaml').map((o) => (o.kind === 'DestinationRule' ? { ...o, spec: { host: o.spec.host, subsets: [{ name: 'cnn' }] } } : o));
    const noMtls = baseState({ objects: [...objectsOf('serviceentry.yaml'), ...plainDr, ...objectsOf('virtualservice.yaml'), ...objectsOf('originate-tls.yaml')] });
    expect(run(noMtls, ['curl', '-sS', '-o', '/dev/null', '-D', '-', 'http://httpbin.org/get']).stdout).toMatch(/^HTTP\/1.1 503 /);
    const noOrigination = run(state(LESSON.filter((f) => f !== 'originate-tls.yaml')), ['curl', '-sS', '-o', '/dev/null', '-D', '-', 'http://httpbin.org/get']);
    expect(noOrigination.stdout).toMatch(/^HTTP\/1.1 400 /);
  });
});
