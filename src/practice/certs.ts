// A throwaway certificate authority and serving certificate for the loopback API, encoded by
// hand (a few DER structures), because kubectl only sends credentials over HTTPS and Node has no
// certificate generator. ECDSA P-256, valid for a year, SANs localhost, 127.0.0.1 and ::1.

import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

const seq = (...c: Buffer[]): Buffer => tlv(0x30, ...c);
const set = (...c: Buffer[]): Buffer => tlv(0x31, ...c);
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
const bits = (b: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.from([unused]), b);

function integer(b: Buffer): Buffer {
  let v = b;
  while (v.length > 1 && v[0] === 0 && v[1] < 0x80) v = v.subarray(1);
  if (v[0] >= 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return tlv(0x02, v);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const chunk: number[] = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(d: Date): Buffer {
  const p = (n: number): string => String(n).padStart(2, '0');
  const s = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(s, 'ascii'));
}

const name = (cn: string): Buffer => seq(set(seq(oid('2.5.4.3'), utf8(cn))));
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

function keyId(pub: KeyObject): Buffer {
  return createHash('sha1').update(pub.export({ type: 'spki', format: 'der' })).digest();
}

function ipBytes(ip: string): Buffer {
  if (ip.includes(':')) {
    // only the forms we use: "::1"
    const b = Buffer.alloc(16);
    if (ip === '::1') b[15] = 1;
    return b;
  }
  return Buffer.from(ip.split('.').map(Number));
}

interface CertInput {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signingKey: KeyObject;
  issuerPublicKey: KeyObject;
  ca: boolean;
  dnsNames?: string[];
  ips?: string[];
}

function certificate(c: CertInput): string {
  const now = Date.now();
  const exts: Buffer[] = [
    extension('2.5.29.19', true, c.ca ? seq(bool(true)) : seq()),
    // keyUsage: digitalSignature (+ keyCertSign, cRLSign for the CA)
    extension('2.5.29.15', true, c.ca ? bits(Buffer.from([0x86]), 1) : bits(Buffer.from([0x80]), 7)),
    extension('2.5.29.14', false, octets(keyId(c.publicKey))),
  ];
  if (!c.ca) {
    exts.push(extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))));
    exts.push(extension('2.5.29.35', false, seq(tlv(0x80, keyId(c.issuerPublicKey)))));
    const san = [...(c.dnsNames ?? []).map((d) => tlv(0x82, Buffer.from(d, 'ascii'))), ...(c.ips ?? []).map((ip) => tlv(0x87, ipBytes(ip)))];
    exts.push(extension('2.5.29.17', false, seq(...san)));
  }
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    ECDSA_SHA256,
    name(c.issuer),
    seq(time(new Date(now - 60 * 60 * 1000)), time(new Date(now + 365 * 24 * 60 * 60 * 1000))),
    name(c.subject),
    c.publicKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, seq(...exts)),
  );
  const signature = sign('sha256', tbs, c.signingKey);
  const der = seq(tbs, ECDSA_SHA256, bits(signature));
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

export interface ServingCertificate {
  caPem: string; // trust this (kubeconfig certificate-authority-data)
  certPem: string; // the server's certificate
  keyPem: string; // the server's private key
}

export function generateServingCertificate(): ServingCertificate {
  const ca = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const leaf = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const caName = `egress-tutorial-practice-ca@${Math.floor(Date.now() / 1000)}`;
  const caPem = certificate({ subject: caName, issuer: caName, publicKey: ca.publicKey, signingKey: ca.privateKey, issuerPublicKey: ca.publicKey, ca: true });
  const certPem = certificate({
    subject: 'egress-tutorial-practice-apiserver',
    issuer: caName,
    publicKey: leaf.publicKey,
    signingKey: ca.privateKey,
    issuerPublicKey: ca.publicKey,
    ca: false,
    dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'],
    ips: ['127.0.0.1', '::1'],
  });
  return { caPem, certPem, keyPem: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}
