// The `practice` verb's "I am running" note: a small file in the state dir naming its pid, URL and
// kubeconfig, so `--practice` in another terminal joins that cluster instead of starting a second
// one on the same state file. Stale when the pid is gone or the server does not answer.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

export const PRACTICE_INFO_FILE = 'practice-running.json';

export interface PracticeInfo {
  pid: number;
  url: string; // the API server, on loopback
  kubeconfig: string; // path of the kubeconfig the verb wrote (0600)
}

export const practiceInfoPath = (stateDir: string): string => join(stateDir, PRACTICE_INFO_FILE);

/** Record the running practice cluster (atomic, 0600). */
export function writePracticeInfo(stateDir: string, info: PracticeInfo): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = practiceInfoPath(stateDir);
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(temp, file);
}

/** Remove the note if it is this process's (another process's note is left alone). */
export function removePracticeInfo(stateDir: string, pid = process.pid): void {
  const info = readPracticeInfo(stateDir);
  if (info && info.pid === pid) rmSync(practiceInfoPath(stateDir), { force: true });
}

/** The note as written, or undefined when absent or malformed. */
export function readPracticeInfo(stateDir: string): PracticeInfo | undefined {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(practiceInfoPath(stateDir), 'utf8'));
  } catch {
    return undefined;
  }
  const d = data as Partial<PracticeInfo> | null;
  if (!d || typeof d !== 'object' || !Number.isInteger(d.pid) || typeof d.url !== 'string' || typeof d.kubeconfig !== 'string') return undefined;
  return { pid: d.pid as number, url: d.url, kubeconfig: d.kubeconfig };
}

/** Is a process with this pid alive? (EPERM: alive, owned by someone else.) */
export function pidAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Does something accept connections at the URL's host and port (within timeoutMs)? */
export function serverAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve(false);
  }
  const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
  const host = target.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Quick, synchronous look (no probe): a note whose pid is alive and whose kubeconfig exists. */
export function practiceInfoIfAlive(stateDir: string): PracticeInfo | undefined {
  const info = readPracticeInfo(stateDir);
  return info && pidAlive(info.pid) && existsSync(info.kubeconfig) ? info : undefined;
}

/**
 * The practice cluster another `egress-tutorial practice` runs, if it is up. A stale note (pid
 * gone, kubeconfig gone, server silent) is removed so the next start is clean.
 */
export async function findRunningPractice(stateDir: string): Promise<PracticeInfo | undefined> {
  const info = readPracticeInfo(stateDir);
  if (!info) return undefined;
  const alive = practiceInfoIfAlive(stateDir);
  if (alive && (await serverAnswers(alive.url))) return alive;
  // The verb writes its note only once the server listens, so a silent server means it is gone
  // (or the pid was reused): clear the note so the next start is clean.
  rmSync(practiceInfoPath(stateDir), { force: true });
  return undefined;
}
