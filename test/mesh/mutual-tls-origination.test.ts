// Mutual TLS origination at the egress gateway in the mesh model (issue 15, track 2, lesson 21):
// DestinationRule MUTUAL with credentialName; the gateway presents the Secret's client certificate
// to mtls.example.com, which demands one (nginx with ssl_verify_client on).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { gatewayValues } from '../../src/lesson/course.js';
import { defaultLessonsDir, renderTemplate } from '../../src/lesson/index.js';
import { parseAccessLogLine } from '../../src/verify/access-log.js';
import type { IstioObject, MeshSecret } from '../../src/mesh/types.js';
import { baseState, CLIENT, GATEWAY_POD, logsOf, run } from './fixtures.js';

const values = { httpHost: 'httpbin.org', namespace: 'default', istioNamespace: 'istio-system', ...gatewayValues('shared', 'default', 'istio-system') };
const docsOf = (file: string) =>
  (yaml.loadAll(renderTemplate(readFileSync(join(defaultLessonsDir(), '21-mutual-tls-origination', 'manifests', file), 'utf8'), values)) as { kind: string; metadata: { name: string; namespace?: string }; spec: Record<string, unknown>; stringData: Record<string, string> }[]).filter(Boolean);
const objectsOf = (file: string): IstioObject[] => docsOf(file).map((o) => ({ kind: o.kind as IstioObject['kind'], name: o.metadata.name, namespace: 'default', spec: o.spec }));
const secretOf = (file: string): MeshSecret[] => docsOf(file).map((o) => ({ namespace: o.metadata.namespace!, name: o.metadata.name, data: o.stringData }));

const ROUTING = ['serviceentry.yaml', 'gateway-destinationrule.yaml', 'virtualservice.yaml'];
const GET = ['curl', '-sS', '-H', 'x-request-id: r-1', 'http://mtls.example.com/get'];

function state(files: string[], secrets: MeshSecret[] = []) {
  return baseState({ objects: files.flatMap(objectsOf), secrets });
}
const gatewayLine = (r: ReturnType<typeof run>) => parseAccessLogLine(logsOf(r, GATEWAY_POD.name)[0])!;

describe('mutual TLS origination at the egress gateway', () => {
  it('SIMPLE origination shows no client certificate: the server answers 400 itself', () => {
    const r = run(state([...ROUTING, 'originate-simple.yaml']), GET);
    expect(r.stdout).toContain('<title>400 No required SSL certificate was sent</title>');
    expect(gatewayLine(r)).toMatchObject({ responseCode: 400, upstreamCluster: 'outbound|443||mtls.example.com', requestedServerName: 'mtls.example.com' });
  });

  it('MUTUAL with the Secret in the gateway namespace: the server verified the client certificate', () => {
    const r = run(state([...ROUTING, 'originate-mutual.yaml'], secretOf('client-credential.yaml')), GET);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      url: 'https://mtls.example.com/get',
      ssl_client_verify: 'SUCCESS',
      ssl_client_s_dn: 'CN=client.example.com,O=client organization',
      ssl_client_i_dn: 'CN=example.com,O=example Inc.',
    });
    expect(gatewayLine(r)).toMatchObject({ protocol: 'HTTP/2', responseCode: 200, upstreamCluster: 'outbound|443||mtls.example.com', requestedServerName: 'mtls.example.com' });
  });

  it('a client certificate another CA issued: the server answers 400 "The SSL certificate error"', () => {
    const r = run(state([...ROUTING, 'originate-mutual.yaml'], secretOf('client-credential-wrong-ca.yaml')), GET);
    expect(r.stdout).toContain('<center>The SSL certificate error</center>');
    expect(gatewayLine(r)).toMatchObject({ responseCode: 400, responseFlags: undefined, upstreamCluster: 'outbound|443||mtls.example.com' });
  });

  it('no Secret for credentialName, or one in the client namespace only: the gateway answers 503 UF,URX (not supplied by SDS)', () => {
    const inClientNs = secretOf('client-credential.yaml').map((s) => ({ ...s, namespace: 'default' }));
    for (const secrets of [[], inClientNs]) {
      const r = run(state([...ROUTING, 'originate-mutual.yaml'], secrets), GET);
      expect(r.stdout).toContain('transport failure reason: TLS error: Secret is not supplied by SDS');
      expect(gatewayLine(r)).toMatchObject({ responseCode: 503, responseFlags: 'UF,URX' });
      // The default format's UPSTREAM_TRANSPORT_FAILURE_REASON field, spaces as underscores.
      expect(logsOf(r, GATEWAY_POD.name)[0]).toContain(' "TLS_error:_Secret_is_not_supplied_by_SDS" ');
      expect(parseAccessLogLine(logsOf(r, CLIENT.name)[0])).toMatchObject({ responseCode: 503, responseFlags: undefined });
    }
  });

  it('a ca.crt that did not issue the server certificate: the gateway fails the handshake, 503 CERTIFICATE_VERIFY_FAILED', () => {
    const wrongCa = secretOf('client-credential-wrong-ca.yaml')[0].data['tls.crt'];
    const secrets = secretOf('client-credential.yaml').map((s) => ({ ...s, data: { ...s.data, 'ca.crt': wrongCa } }));
    const r = run(state([...ROUTING, 'originate-mutual.yaml'], secrets), GET);
    expect(gatewayLine(r)).toMatchObject({ responseCode: 503, responseFlags: 'UF,URX' });
    expect(logsOf(r, GATEWAY_POD.name)[0]).toContain('"TLS_error:_268435581:SSL_routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED"');
    expect(r.stdout).toMatch(/^upstream connect error/);
  });
});
