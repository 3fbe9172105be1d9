// The bundle's payload: how it sits in the bin, and how it is compiled with a code cache kept
// beside the source under XDG_CACHE_HOME (src/cli/payload-format.ts, src/cli/payload.ts). The
// built bin itself is exercised in test/bundle/.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractPayload, payloadComment, PAYLOAD_START } from '../../src/cli/payload-format.js';
import { cacheDir, compileCacheFile, runPayload, sealCache, unsealCache, type PayloadSource } from '../../src/cli/payload.js';

describe('the payload comment', () => {
  const deflate = (code: string) => deflateRawSync(Buffer.from(code)).toString('base64');

  it('holds each part in base64 at the end of the bin, and gives each back', () => {
    const ui = deflate('module.exports = { a: "*/ not the end" };');
    const rest = deflate('module.exports = { b: 2 };');
    // esbuild writes the marker's newlines as they are, in a template literal.
    const bin = `#!/usr/bin/env node\nconst marker = \`${PAYLOAD_START}\`;\nconsole.log(1);${payloadComment({ ui, rest })}`;
    expect(extractPayload(bin, 'ui')).toBe(ui);
    expect(extractPayload(bin, 'rest')).toBe(rest);
    expect(extractPayload(bin, 'other')).toBeUndefined();
    // The bin's own code, holding the marker as a literal, is not mistaken for the payload.
    expect(bin.indexOf(PAYLOAD_START)).toBeLessThan(bin.lastIndexOf(PAYLOAD_START));
  });

  it('refuses what is not base64 or a part name, and a file with no payload or a cut one', () => {
    expect(() => payloadComment({ ui: 'a*/b' })).toThrow(/base64/);
    expect(() => payloadComment({ 'u i': 'QUJD' })).toThrow(/name/);
    expect(extractPayload('console.log(1);\n', 'ui')).toBeUndefined();
    const whole = `x${payloadComment({ ui: 'QUJD', rest: 'REVG' })}`;
    expect(extractPayload(whole.slice(0, -3), 'ui')).toBeUndefined(); // cut short: no end
    expect(extractPayload(whole.slice(0, whole.indexOf('REVG') + 2), 'rest')).toBeUndefined();
    expect(extractPayload(`x${PAYLOAD_START}ui:not base64!\n*/\n`, 'ui')).toBeUndefined();
  });
});

describe('the cache file', () => {
  it('gives back the source and the code cache it sealed', () => {
    const sealed = sealCache('module.exports = 1;', Buffer.from([1, 2, 3]), createHash);
    expect(unsealCache(sealed, createHash)).toEqual({ source: 'module.exports = 1;', codeCache: Buffer.from([1, 2, 3]) });
  });

  it('refuses a damaged or cut file', () => {
    const sealed = sealCache('module.exports = 1;', Buffer.from([1, 2, 3]), createHash);
    const flipped = Buffer.from(sealed);
    flipped[40] ^= 1;
    expect(unsealCache(flipped, createHash)).toBeUndefined();
    expect(unsealCache(sealed.subarray(0, sealed.length - 1), createHash)).toBeUndefined();
    expect(unsealCache(Buffer.alloc(10), createHash)).toBeUndefined();
  });

  it('lives under XDG_CACHE_HOME, named by the payload and this Node', () => {
    expect(cacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/egress-tutorial');
    expect(compileCacheFile('/x/cache/egress-tutorial', 'abc')).toBe(`/x/cache/egress-tutorial/payload-abc-${process.version}-${process.arch}.cache`);
  });
});

describe('runPayload', () => {
  let dir: string;
  let binFile: string;
  let inflations: number;
  const code = [
    // What the payload gets from the bin: CommonJS's names and the bin's import.meta.url.
    'const { join } = require("node:path");',
    'function twice(n) { return n * 2; }',
    'module.exports = { twice, here: join(__dirname, "x"), url: __egressImportMetaUrl, file: __filename };',
  ].join('\n');
  const source = (cache: string | undefined, key = 'a1', keys = [key]): PayloadSource => ({
    binFile,
    key,
    keys,
    cacheDir: cache,
    readDeflated: () => {
      inflations += 1;
      return deflateRawSync(Buffer.from(code, 'latin1'));
    },
  });
  type Exports = { twice(n: number): number; here: string; url: string; file: string };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'egress-payload-'));
    binFile = path.join(dir, 'dist', 'egress-tutorial.cjs');
    inflations = 0;
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the payload as the bin would: exports, require, __dirname and import.meta.url are the bin\'s', async () => {
    const loaded = await runPayload<Exports>(source(undefined));
    expect(loaded.exports.twice(21)).toBe(42);
    expect(loaded.exports.here).toBe(path.join(dir, 'dist', 'x'));
    expect(loaded.exports.file).toBe(binFile);
    expect(loaded.exports.url).toBe(`file://${binFile}`);
    expect(loaded.cacheUsed).toBe(false);
  });

  it('keeps the source and its code cache after start-up, and the next start uses them without inflating', async () => {
    const cache = path.join(dir, 'cache');
    const first = await runPayload<Exports>(source(cache));
    first.exports.twice(1); // compiled now, so the code cache holds it
    expect(first.cacheUsed).toBe(false);
    first.saveCompileCache();
    expect(readdirSync(cache)).toEqual([path.basename(compileCacheFile(cache, 'a1'))]);
    expect(inflations).toBe(1);

    const second = await runPayload<Exports>(source(cache));
    expect(second.cacheUsed).toBe(true);
    expect(inflations).toBe(1);
    expect(second.exports.twice(4)).toBe(8);
  });

  it('compiles from the bin again when the cache file is damaged, and writes a good one', async () => {
    const cache = path.join(dir, 'cache');
    (await runPayload<Exports>(source(cache))).saveCompileCache();
    const file = compileCacheFile(cache, 'a1');
    const damaged = readFileSync(file);
    damaged[damaged.length - 5] ^= 0xff;
    writeFileSync(file, damaged);

    const again = await runPayload<Exports>(source(cache));
    expect(again.cacheUsed).toBe(false);
    expect(again.exports.twice(5)).toBe(10);
    again.saveCompileCache();
    expect((await runPayload<Exports>(source(cache))).cacheUsed).toBe(true);
  });

  it('removes the caches of other builds when it writes its own, and keeps those of its other parts', async () => {
    const cache = path.join(dir, 'cache');
    mkdirSync(cache, { recursive: true });
    const old = compileCacheFile(cache, 'a0a0');
    const otherPart = compileCacheFile(cache, 'cafe');
    writeFileSync(old, 'stale');
    writeFileSync(otherPart, 'the other part of this build');
    writeFileSync(path.join(cache, 'notes.txt'), 'not ours to remove');
    (await runPayload<Exports>(source(cache, 'beef', ['beef', 'cafe']))).saveCompileCache();
    expect(existsSync(old)).toBe(false);
    expect(readdirSync(cache).sort()).toEqual(['notes.txt', path.basename(otherPart), path.basename(compileCacheFile(cache, 'beef'))].sort());
  });

  it('creates the cache folder and its parent, but not a whole missing path (and never hangs on /proc)', async () => {
    const deep = path.join(dir, 'missing', 'cache');
    const loaded = await runPayload<Exports>(source(path.join(deep, 'egress-tutorial')));
    loaded.saveCompileCache();
    expect(existsSync(deep)).toBe(false);

    const shallow = path.join(dir, 'cache');
    mkdirSync(dir, { recursive: true });
    const again = await runPayload<Exports>(source(path.join(shallow, 'egress-tutorial')));
    again.saveCompileCache();
    expect(readdirSync(path.join(shallow, 'egress-tutorial'))).toHaveLength(1);

    if (existsSync('/proc/self')) {
      const proc = await runPayload<Exports>(source('/proc/no-such-folder/egress-tutorial'));
      expect(() => proc.saveCompileCache()).not.toThrow();
    }
  });

  it('still runs when the cache folder cannot be written', async () => {
    // A file where the folder should be: no user, root included, can write under it.
    const cache = path.join(dir, 'cache');
    mkdirSync(dir, { recursive: true });
    writeFileSync(cache, 'a file, not a folder');
    const loaded = await runPayload<Exports>(source(cache));
    expect(() => loaded.saveCompileCache()).not.toThrow();
    expect(loaded.exports.twice(2)).toBe(4);
    expect(readFileSync(cache, 'utf8')).toBe('a file, not a folder');
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
