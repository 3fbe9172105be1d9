// Optional state file: the store and logs as JSON, written atomically after changes (debounced)
// and read back at start so a restarted practice cluster resumes where it was.

import { readFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StoreSnapshot } from './store.js';
import type { TokenRecord } from './tokens.js';
import type { ServingCertificate } from './certs.js';

/** What kubeconfigs made from this cluster depend on: keeping it lets them work after a restart. */
export interface SavedIdentity {
  tls: ServingCertificate;
  adminToken: string;
  port: number;
}
import { writePrivateFile } from './kubeconfig.js';

export const STATE_FORMAT = 'egress-tutorial-practice-state/v1';

export interface SavedState {
  format: typeof STATE_FORMAT;
  savedAt: string;
  store: StoreSnapshot;
  logs: Record<string, { time: string; text: string }[]>;
  /** Hashes of the live ServiceAccount tokens (absent in files from before tokens existed). */
  tokens?: TokenRecord[];
  /** The serving certificate, admin token and port (absent in older files). */
  identity?: SavedIdentity;
  /** Install choices not visible as one object (absent in older files: the defaults apply). */
  install?: SavedInstall;
}

export interface SavedInstall {
  gatewayApi?: 'none' | 'standard' | 'experimental';
  alphaGatewayApi?: boolean;
}

/** Reads a state file; undefined when there is none. Throws one clear sentence when it is unusable. */
export async function loadState(path: string): Promise<SavedState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`Cannot read the practice state file ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'}); fix its permissions or choose another state file.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`The practice state file ${path} is not valid JSON; move it aside or choose another state file to start fresh.`);
  }
  const s = parsed as Partial<SavedState>;
  if (s?.format !== STATE_FORMAT || !s.store || !Array.isArray(s.store.objects) || typeof s.store.resourceVersion !== 'number') {
    throw new Error(`The file ${path} is not a practice cluster state file; move it aside or choose another state file to start fresh.`);
  }
  return { format: STATE_FORMAT, savedAt: String(s.savedAt ?? ''), store: s.store, logs: s.logs ?? {}, tokens: Array.isArray(s.tokens) ? s.tokens : [], identity: usableIdentity(s.identity), ...(s.install && typeof s.install === 'object' ? { install: savedInstall(s.install) } : {}) };
}

function savedInstall(raw: SavedInstall): SavedInstall {
  const out: SavedInstall = {};
  if (raw.gatewayApi === 'none' || raw.gatewayApi === 'standard' || raw.gatewayApi === 'experimental') out.gatewayApi = raw.gatewayApi;
  if (typeof raw.alphaGatewayApi === 'boolean') out.alphaGatewayApi = raw.alphaGatewayApi;
  return out;
}

export class StateSaver {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private lastError: Error | undefined;

  constructor(
    private readonly path: string,
    private readonly snapshot: () => SavedState,
    private readonly delayMs = 200,
  ) {}

  /** Schedules a save soon; many changes in a burst make one write. */
  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writing = this.writing.then(() => this.write());
    }, this.delayMs);
    this.timer.unref?.();
  }

  /** Writes now and waits for pending writes. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.writing = this.writing.then(() => this.write());
    }
    await this.writing;
  }

  /** Synchronous last-chance save (process exit). */
  flushSync(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.exit.tmp`;
    writeFileSync(tmp, JSON.stringify(this.snapshot()), { mode: 0o600 });
    renameSync(tmp, this.path);
  }

  error(): Error | undefined {
    return this.lastError;
  }

  private async write(): Promise<void> {
    try {
      await writePrivateFile(this.path, JSON.stringify(this.snapshot()));
      this.lastError = undefined;
    } catch (e) {
      this.lastError = e as Error;
    }
  }
}

/** A saved identity whose certificate is still valid for a day, else undefined (a new one is made). */
function usableIdentity(v: unknown): SavedIdentity | undefined {
  const id = v as Partial<SavedIdentity> | undefined;
  if (!id?.tls || typeof id.tls.caPem !== 'string' || typeof id.tls.certPem !== 'string' || typeof id.tls.keyPem !== 'string') return undefined;
  if (typeof id.adminToken !== 'string' || id.adminToken.length < 32 || typeof id.port !== 'number') return undefined;
  try {
    const cert = new X509Certificate(id.tls.certPem);
    if (Date.parse(cert.validTo) < Date.now() + 24 * 3600 * 1000) return undefined;
  } catch {
    return undefined;
  }
  return { tls: id.tls, adminToken: id.adminToken, port: id.port };
}
