// ServiceAccount tokens from the TokenRequest API. They look like kube's (a JWT with the usual
// claims) but are checked by lookup, not signature: the cluster remembers a hash of each token
// (never the token itself, so a state file holds nothing usable), its expiry, and the UIDs of the
// ServiceAccount and bound object, so a token dies with them as in kube-apiserver.

import { createHash, randomBytes, randomUUID } from 'node:crypto';

export const API_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';
export const ISSUER = 'https://kubernetes.default.svc.cluster.local';

export interface BoundObject {
  kind: 'Pod' | 'Secret';
  name: string;
  uid: string;
}

export interface TokenRecord {
  hash: string; // sha256 of the token, hex
  namespace: string;
  serviceAccount: string;
  serviceAccountUid: string;
  audiences: string[];
  expires: number; // ms since epoch
  bound?: BoundObject;
}

export interface IssueRequest {
  namespace: string;
  serviceAccount: string;
  serviceAccountUid: string;
  audiences: string[];
  /** Absent: a legacy Secret token, which never expires (it dies with its Secret). */
  expirationSeconds?: number;
  bound?: BoundObject;
}

/** The latest time a Date can hold: "never" for legacy tokens. */
const NEVER = 8.64e15;

const b64url = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class TokenRegistry {
  private readonly byHash = new Map<string, TokenRecord>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Issues a token; returns it with its expiry. */
  issue(req: IssueRequest): { token: string; expires: Date } {
    const issuedAt = Math.floor(this.now() / 1000);
    const exp = req.expirationSeconds === undefined ? NEVER / 1000 : issuedAt + req.expirationSeconds;
    const legacy: Record<string, unknown> = {
      iss: 'kubernetes/serviceaccount',
      'kubernetes.io/serviceaccount/namespace': req.namespace,
      'kubernetes.io/serviceaccount/secret.name': req.bound?.name,
      'kubernetes.io/serviceaccount/service-account.name': req.serviceAccount,
      'kubernetes.io/serviceaccount/service-account.uid': req.serviceAccountUid,
      sub: `system:serviceaccount:${req.namespace}:${req.serviceAccount}`,
    };
    const claims: Record<string, unknown> = req.expirationSeconds === undefined ? legacy : {
      aud: req.audiences,
      exp,
      iat: issuedAt,
      iss: ISSUER,
      jti: randomUUID(),
      'kubernetes.io': {
        namespace: req.namespace,
        ...(req.bound ? { [req.bound.kind.toLowerCase()]: { name: req.bound.name, uid: req.bound.uid } } : {}),
        serviceaccount: { name: req.serviceAccount, uid: req.serviceAccountUid },
      },
      nbf: issuedAt,
      sub: `system:serviceaccount:${req.namespace}:${req.serviceAccount}`,
    };
    // The third part is random, not a signature: it is what makes the token unguessable.
    const token = `${b64url({ alg: 'RS256', kid: 'practice' })}.${b64url(claims)}.${randomBytes(48).toString('base64url')}`;
    const expires = req.expirationSeconds === undefined ? NEVER : exp * 1000;
    this.prune();
    this.byHash.set(tokenHash(token), {
      hash: tokenHash(token),
      namespace: req.namespace,
      serviceAccount: req.serviceAccount,
      serviceAccountUid: req.serviceAccountUid,
      audiences: req.audiences,
      expires,
      bound: req.bound,
    });
    this.changed();
    return { token, expires: new Date(expires) };
  }

  /** The record of a live (unexpired) token, or undefined. */
  lookup(token: string): TokenRecord | undefined {
    const r = this.byHash.get(tokenHash(token));
    if (!r || r.expires <= this.now()) return undefined;
    return r;
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  snapshot(): TokenRecord[] {
    this.prune();
    return [...this.byHash.values()].map((r) => ({ ...r, audiences: [...r.audiences], bound: r.bound ? { ...r.bound } : undefined }));
  }

  restore(records: TokenRecord[] | undefined): void {
    this.byHash.clear();
    for (const r of records ?? []) {
      if (typeof r?.hash === 'string' && typeof r.expires === 'number' && r.expires > this.now()) this.byHash.set(r.hash, { ...r });
    }
  }

  private prune(): void {
    const t = this.now();
    for (const [k, r] of this.byHash) if (r.expires <= t) this.byHash.delete(k);
  }

  private changed(): void {
    for (const fn of [...this.listeners]) fn();
  }
}
