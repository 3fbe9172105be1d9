// A simulated external server that demands a client certificate (nginx with ssl_verify_client on),
// as in Istio's task "Egress Gateways with TLS Origination", mutual TLS part. Its CA (example.com)
// issued its own certificate and the client certificate lesson 21 ships; only public certificates
// live here. Verification uses node's X.509 parser, no I/O.

import { X509Certificate } from 'node:crypto';
import { byteLength, type HttpRequest, httpDate } from './http.js';
import type { MeshState } from './types.js';

export const MTLS_HOST = 'mtls.example.com';

/** The example.com CA: it issued mtls.example.com's certificate and trusts the clients it issued. */
export const MTLS_SERVER_CA = `-----BEGIN CERTIFICATE-----
MIIBsTCCAVegAwIBAgIUavs/wuLD7l0xbt0pVOIPYaAAi0gwCgYIKoZIzj0EAwIw
LTEVMBMGA1UECgwMZXhhbXBsZSBJbmMuMRQwEgYDVQQDDAtleGFtcGxlLmNvbTAg
Fw0yNjEyMDcxMzA1MjVaGA8yMTI2MTExMzEzMDUyNVowLTEVMBMGA1UECgwMZXhh
bXBsZSBJbmMuMRQwEgYDVQQDDAtleGFtcGxlLmNvbTBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABN9J5HNYi4HMQkgHSMrssB+hEr6/Spgfby1vrKb90cg1tzFS8C94
OViDzTEOIPOD+20QjXVqQB4hrbgp0ryoze6jUzBRMB0GA1UdDgQWBBQkQ9XdfsQ9
1Xq6JV5lP4setgG/kDAfBgNVHSMEGDAWgBQkQ9XdfsQ91Xq6JV5lP4setgG/kDAP
BgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIFBuso15vnlHv3lzCSf7
0WSbfUT89VbrL5+YjMk74u/TAiEAhRBnRuPZ33O1hRN6IZ2P7+jUONGbSB3YJeej
mPEsP2c=
-----END CERTIFICATE-----
`;

const SERVER_CERT = `-----BEGIN CERTIFICATE-----
MIIBwTCCAWigAwIBAgIUfgbh/js+qly0nPYUjwH1D6yPZFgwCgYIKoZIzj0EAwIw
LTEVMBMGA1UECgwMZXhhbXBsZSBJbmMuMRQwEgYDVQQDDAtleGFtcGxlLmNvbTAg
Fw0yNjEyMDcxMzA1MjVaGA8yMTI2MTExMzEzMDUyNVowMjEVMBMGA1UECgwMZXhh
bXBsZSBJbmMuMRkwFwYDVQQDDBBtdGxzLmV4YW1wbGUuY29tMFkwEwYHKoZIzj0C
AQYIKoZIzj0DAQcDQgAEob7nNM75kWS+aTgIpwaW5gJxV8cDFKcIR5y4n3rleLpQ
zyaOM5tdyKhRcdKD8R5TNkcOBkRffwvNoMkk/FMeQKNfMF0wGwYDVR0RBBQwEoIQ
bXRscy5leGFtcGxlLmNvbTAdBgNVHQ4EFgQUbQ3qfsEt4HP0gNqbM19R2r1ueoYw
HwYDVR0jBBgwFoAUJEPV3X7EPdV6uiVeZT+LHrYBv5AwCgYIKoZIzj0EAwIDRwAw
RAIgO6UjSr+eTAZ09Wt5dnGfTFo5U6t67ZKsoWBVRSR/s9gCIEwzrdeGChrmlEJD
TDSiOovMC0fDtR6d0pZC56d37iSU
-----END CERTIFICATE-----
`;

/** A client certificate as a proxy presents it, from the Secret a DestinationRule's credentialName names. */
export interface ClientCertificate {
  subject: string;
  issuer: string;
  pem: string;
}

/** The certificate, key and CA of a credentialName Secret (tls.crt, tls.key, ca.crt), as the gateway's SDS reads it. */
export interface ClientCredential {
  cert?: string;
  key?: string;
  ca?: string;
}

/** The Secret a DestinationRule's credentialName names, in the proxy's namespace (the gateway's, for a gateway). */
export function clientCredential(state: MeshState, namespace: string, name: string): ClientCredential | undefined {
  const secret = (state.secrets ?? []).find((s) => s.namespace === namespace && s.name === name);
  if (!secret) return undefined;
  const d = secret.data;
  // SDS accepts the generic keys (tls.crt, tls.key, ca.crt) and cert/key/cacert.
  const cred: ClientCredential = {};
  const cert = d['tls.crt'] ?? d.cert;
  const key = d['tls.key'] ?? d.key;
  const ca = d['ca.crt'] ?? d.cacert;
  if (cert) cred.cert = cert;
  if (key) cred.key = key;
  if (ca) cred.ca = ca;
  return cred.cert && cred.key ? cred : undefined;
}

function parse(pem: string | undefined): X509Certificate | undefined {
  if (!pem) return undefined;
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

const issuedBy = (cert: X509Certificate, ca: X509Certificate): boolean => cert.checkIssued(ca) && cert.verify(ca.publicKey);

/** Whether a CA bundle (a Secret's ca.crt) lets the proxy verify the host's server certificate. */
export function serverVerifies(host: string, caPem: string): boolean {
  const ca = parse(caPem);
  if (!ca) return false;
  // Only mtls.example.com's certificate is modelled; other hosts carry publicly trusted ones that a private CA did not issue.
  return host === MTLS_HOST && issuedBy(new X509Certificate(SERVER_CERT), ca);
}

/** The certificate a proxy presents: its subject and issuer as openssl prints them (RFC 2253 order). */
export function presentCertificate(pem: string): ClientCertificate | undefined {
  const cert = parse(pem);
  if (!cert) return undefined;
  const dn = (text: string) => text.split('\n').filter(Boolean).reverse().join(',');
  return { subject: dn(cert.subject), issuer: dn(cert.issuer), pem };
}

function nginx400(reason: string, now: Date) {
  const body = `<html>\r\n<head><title>400 ${reason}</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>${reason}</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  return { status: 400, headers: [['Server', 'nginx'], ['Date', httpDate(now)], ['Content-Type', 'text/html'], ['Content-Length', String(byteLength(body))], ['Connection', 'close']] as [string, string][], body };
}

/**
 * What mtls.example.com answers. nginx with ssl_verify_client on completes the handshake and then
 * answers 400 itself: no certificate, or one its CA did not issue. A verified client gets a JSON
 * page naming the scheme and the certificate it presented (nginx's $ssl_client_s_dn and friends).
 */
export function mtlsServerRespond(req: HttpRequest, now: Date) {
  if (req.scheme === 'http') return nginx400('The plain HTTP request was sent to HTTPS port', now);
  if (!req.clientCert) return nginx400('No required SSL certificate was sent', now);
  const cert = parse(req.clientCert.pem);
  if (!cert || !issuedBy(cert, new X509Certificate(MTLS_SERVER_CA))) return nginx400('The SSL certificate error', now);
  const body = JSON.stringify({
    url: `https://${req.authority}${req.pathAndQuery}`,
    ssl_client_verify: 'SUCCESS',
    ssl_client_s_dn: req.clientCert.subject,
    ssl_client_i_dn: req.clientCert.issuer,
  }, null, 2) + '\n';
  return { status: 200, headers: [['Server', 'nginx'], ['Date', httpDate(now)], ['Content-Type', 'application/json'], ['Content-Length', String(byteLength(body))], ['Connection', 'keep-alive']] as [string, string][], body };
}
