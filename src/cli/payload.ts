// The payload: everything a verb loads beyond argument parsing, kept inside the bin as a trailing
// comment (src/cli/payload-format.ts) in two parts, the interactive UI and the rest, each a
// script. V8 only skims a comment, so `--version` and `--help` cost what a small script costs; a
// verb inflates the part it needs and compiles it with V8's code cache. Each part's source and
// code cache are kept together in one file under $XDG_CACHE_HOME, so from the second start on
// they are neither inflated nor parsed again. (Node 20 has no compile cache of its own;
// module.enableCompileCache() is 22.1+.)
//
// node:crypto and node:zlib are imported only when the payload is loaded: as static imports of
// the bin they would cost every `--version` their load.

import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { xdgCache } from 'xdg-basedir';
import { extractPayload } from './payload-format.js';

/** `$XDG_CACHE_HOME/egress-tutorial`, else ~/.cache/egress-tutorial. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || xdgCache || join(homedir(), '.cache'), 'egress-tutorial');
}

/** The cache file for this payload on this Node: V8 refuses a code cache made by another V8. */
export function compileCacheFile(dir: string, key: string): string {
  return join(dir, `payload-${key}-${process.version}-${process.arch}.cache`);
}

type CreateHash = typeof import('node:crypto').createHash;

const DIGEST_BYTES = 32;
const LENGTH_BYTES = 4;

/**
 * The cache file's contents: a SHA-256 of the rest, the source's length, the source (ASCII, which
 * the build guarantees), V8's code cache. The digest keeps a damaged file from ever reaching V8.
 */
export function sealCache(source: string, codeCache: Buffer, createHash: CreateHash): Buffer {
  const length = Buffer.alloc(LENGTH_BYTES);
  length.writeUInt32BE(source.length);
  const body = Buffer.concat([length, Buffer.from(source, 'latin1'), codeCache]);
  return Buffer.concat([createHash('sha256').update(body).digest(), body]);
}

export function unsealCache(file: Buffer, createHash: CreateHash): { source: string; codeCache: Buffer } | undefined {
  if (file.length < DIGEST_BYTES + LENGTH_BYTES) return undefined;
  const body = file.subarray(DIGEST_BYTES);
  if (!createHash('sha256').update(body).digest().equals(file.subarray(0, DIGEST_BYTES))) return undefined;
  const length = body.readUInt32BE(0);
  if (LENGTH_BYTES + length > body.length) return undefined;
  return { source: body.toString('latin1', LENGTH_BYTES, LENGTH_BYTES + length), codeCache: body.subarray(LENGTH_BYTES + length) };
}

export interface LoadedPayload<T> {
  exports: T;
  /** Whether the cache was found and V8 took its code cache. */
  cacheUsed: boolean;
  /** Write the cache (the source and what has been compiled so far) if there was none or V8 refused it. */
  saveCompileCache(): void;
}

export interface PayloadSource {
  /** The bin file (its URL is the payload's import.meta.url; its folder is the package's dist/). */
  binFile: string;
  /** Names the cache: a hash of this part of the payload, computed by the build. */
  key: string;
  /** The keys of every part of this build: their caches stay when this one is written. */
  keys: string[];
  /** The deflated payload; read only when there is no usable cache. */
  readDeflated(): Buffer;
  /** Folder of the cache; undefined: no cache. */
  cacheDir?: string;
}

/** Compile and run the payload (a CommonJS-style script); return its exports. */
export async function runPayload<T>(payload: PayloadSource): Promise<LoadedPayload<T>> {
  const { binFile } = payload;
  const { createHash } = await import('node:crypto');
  const cacheFile = payload.cacheDir === undefined ? undefined : compileCacheFile(payload.cacheDir, payload.key);
  let cached: { source: string; codeCache: Buffer } | undefined;
  if (cacheFile) {
    try {
      cached = unsealCache(readFileSync(cacheFile), createHash);
    } catch {
      // no cache yet, or unreadable: inflate and compile
    }
  }
  const { inflateRawSync } = cached ? { inflateRawSync: undefined } : await import('node:zlib');
  const source = cached?.source ?? inflateRawSync!(payload.readDeflated()).toString('latin1');
  const wrapped = `(function (exports, require, module, __filename, __dirname, __egressImportMetaUrl) {${source}\n})`;
  const script = new vm.Script(wrapped, { filename: binFile, cachedData: cached?.codeCache });
  const cacheUsed = cached !== undefined && !script.cachedDataRejected;
  const module = { exports: {} as T };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(module.exports, createRequire(binFile), module, binFile, dirname(binFile), pathToFileURL(binFile).href);
  let saved = cacheUsed;
  return {
    exports: module.exports,
    cacheUsed,
    saveCompileCache() {
      if (saved || !cacheFile) return;
      saved = true;
      const temp = `${cacheFile}.${process.pid}.tmp`;
      try {
        makeCacheDir(dirname(cacheFile));
        writeFileSync(temp, sealCache(source, script.createCachedData(), createHash), { mode: 0o600 });
        renameSync(temp, cacheFile);
        removeOtherPayloads(dirname(cacheFile), payload.keys);
      } catch {
        // A cache only saves time: a read-only or full disk means inflating and compiling next time.
        try {
          rmSync(temp, { force: true });
        } catch {
          // there was no folder to write the temporary file in
        }
      }
    },
  };
}

/**
 * The cache folder and its parent, one level each: not mkdir's recursive mode, which Node 20 loops
 * in forever on some file systems (/proc). A cache in a folder whose grandparent is missing is
 * not worth creating folders for.
 */
function makeCacheDir(dir: string): void {
  for (const folder of [dirname(dir), dir]) {
    try {
      mkdirSync(folder, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Caches of other builds (an earlier version of the tutorial) would only take up room. */
function removeOtherPayloads(dir: string, keys: string[]): void {
  for (const name of readdirSync(dir)) {
    const key = /^payload-([0-9a-f]+)-.*\.cache$/.exec(name)?.[1];
    if (key !== undefined && !keys.includes(key)) rmSync(join(dir, name), { force: true });
  }
}

/** One part of the payload, deflated, from the bin's own file. */
export function readDeflatedPayload(binFile: string, part: string): Buffer {
  // The build writes ASCII only, and latin1 is the quickest way to read ASCII into a string.
  const base64 = extractPayload(readFileSync(binFile, 'latin1'), part);
  if (base64 === undefined) throw new Error(`${binFile} holds no payload part '${part}': rebuild it with \`npm run build\``);
  return Buffer.from(base64, 'base64');
}
