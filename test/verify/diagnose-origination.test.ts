// Diagnoses for TLS origination to a server that demands a client certificate (lesson 21): the
// server's 400 (no certificate with SIMPLE, an untrusted one with MUTUAL) and the gateway's 503
// (no Secret for credentialName, or a ca.crt that does not verify the server), named with the
// DestinationRule and the Secret in the gateway's namespace.
import { describe, expect, it } from 'vitest';
import type { FactObject, MeshFacts } from '../../src/cluster/port.js';
import { diagnose, parseCurlOutput } from '../../src/verify/index.js';

const rule = (tls: Record<string, unknown>): FactObject => ({
  kind: 'DestinationRule', name: 'originate-mtls-for-server', namespace: 'default',
  spec: { host: 'mtls.example.com', trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls }] } },
});
const facts = (objects: FactObject[]): MeshFacts => ({ outboundPolicy: 'ALLOW_ANY', accessLogging: 'on', egressGatewayPods: 1, clientHasSidecar: true, objects });
const upstream = (code: number) => parseCurlOutput(`HTTP/1.1 ${code} X\r\nserver: envoy\r\nx-envoy-upstream-service-time: 3\r\n\r\n`, '', 0);
const MUTUAL = rule({ mode: 'MUTUAL', credentialName: 'client-credential-default', sni: 'mtls.example.com' });
const base = { expect: { httpStatus: 200 }, host: 'mtls.example.com', istioNamespace: 'istio-system', clientNamespace: 'default' } as const;

describe('diagnose: TLS origination with a client certificate', () => {
  it('400 with SIMPLE: the server demands a client certificate; use MUTUAL with credentialName', () => {
    const text = diagnose({ ...base, curl: upstream(400), facts: facts([rule({ mode: 'SIMPLE' })]) });
    expect(text).toContain('DestinationRule originate-mtls-for-server (default) originates TLS without one (mode SIMPLE)');
    expect(text).toContain('set tls.mode MUTUAL with credentialName');
  });

  it('400 with MUTUAL: the server does not trust the certificate of the Secret in the gateway namespace (shared or own)', () => {
    expect(diagnose({ ...base, curl: upstream(400), facts: facts([MUTUAL]) })).toContain('Secret client-credential-default (istio-system), and the server does not trust its issuer');
    expect(diagnose({ ...base, gatewayMode: 'own', curl: upstream(400), facts: facts([MUTUAL]) })).toContain('Secret client-credential-default (default)');
  });

  it('503 passed on from the gateway with MUTUAL: the Secret is missing there or its ca.crt does not verify the server, in both languages', () => {
    const text = diagnose({ ...base, curl: upstream(503), facts: facts([MUTUAL]) });
    expect(text).toContain('could not originate mutual TLS for DestinationRule originate-mtls-for-server (default)');
    expect(text).toContain('`kubectl get secret client-credential-default -n istio-system`');
    expect(diagnose({ ...base, lang: 'zh', curl: upstream(503), facts: facts([MUTUAL]) })).toContain('Secret client-credential-default 不在网关的命名空间 istio-system 中');
  });

  it('without an originating DestinationRule for the host the generic upstream sentence stays', () => {
    expect(diagnose({ ...base, curl: upstream(400), facts: facts([]) })).toContain('mtls.example.com itself answered HTTP 400');
  });
});
