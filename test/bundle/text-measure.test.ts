// The bundle patches how ink's dependencies measure text, to spare the first frame their start-up
// cost (scripts/bundle-plugins.mjs: string-width 8 and 7, @alcalzone/ansi-tokenize, slice-ansi).
// Patched, each must give exactly what the original gives: every code point of the fast path
// alone, mixed text with terminal escapes, and text that must still take the slow path.
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenize as originalTokenize } from '@alcalzone/ansi-tokenize';
import originalSliceAnsi from 'slice-ansi';
import originalStringWidth8 from 'string-width';
import originalStringWidth7 from '../../node_modules/wrap-ansi/node_modules/string-width/index.js';
// @ts-expect-error the build's plugins are plain JavaScript
import { segmenterOnFirstUse, SIMPLE_TEXT_CLASS, stringWidthFastPaths } from '../../scripts/bundle-plugins.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type Width = (text: string, options?: { ambiguousIsNarrow?: boolean }) => number;
interface Patched {
  stringWidth8: Width;
  stringWidth7: Width;
  tokenize: typeof originalTokenize;
  sliceAnsi: typeof originalSliceAnsi;
}

let scratch: string;
let patched: Patched;

beforeAll(async () => {
  const result = await build({
    stdin: {
      contents: [
        "export { default as stringWidth8 } from 'string-width';",
        "export { default as stringWidth7 } from './node_modules/wrap-ansi/node_modules/string-width/index.js';",
        "export { tokenize } from '@alcalzone/ansi-tokenize';",
        "export { default as sliceAnsi } from 'slice-ansi';",
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'js',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'error',
    plugins: [stringWidthFastPaths, segmenterOnFirstUse],
  });
  const code = result.outputFiles[0]!.text;
  // The plugins must have patched something, or this test would compare the originals with themselves.
  expect(code).toContain('segmenterInstance ??=');
  expect(code).toContain('graphemeSegmenterInstance ??=');
  expect(code.match(/simpleWidth/g)?.length).toBeGreaterThanOrEqual(2);
  scratch = mkdtempSync(path.join(tmpdir(), 'egress-text-measure-'));
  const file = path.join(scratch, 'patched.mjs');
  writeFileSync(file, code);
  patched = (await import(pathToFileURL(file).href)) as Patched;
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Every code point of the fast path's class. */
function simpleCodePoints(): number[] {
  const points: number[] = [];
  for (const [, from, to] of (SIMPLE_TEXT_CLASS as string).matchAll(/\\u([0-9A-F]{4})-\\u([0-9A-F]{4})/g)) {
    for (let cp = parseInt(from!, 16); cp <= parseInt(to!, 16); cp++) points.push(cp);
  }
  return points;
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const SLOW_PATH_SAMPLES = [
  'e\u0301', // a combining mark
  '✔️ done', // an emoji with U+FE0F
  '👍🏽', // a skin tone
  '🇨🇳', // a flag
  '1️⃣', // a keycap
  '\u1100\u1161\u11a8', // Hangul jamo forming one syllable
  'a\u200db', // a zero-width joiner
  '©', // Extended_Pictographic in Latin-1
  '⌚ 〰 ‼', // Extended_Pictographic in the fast path's ranges
  '\u00ad', // a soft hyphen (format)
  'ｶﾞ', // halfwidth katakana with its voiced mark
];

describe('text measuring as the bundle patches it', () => {
  const points = simpleCodePoints();

  it('covers the characters the UI draws on its first screens', () => {
    const drawn = '⠋…·│─✓✗★→←↑↓•中文，。：（）「」ー';
    for (const ch of drawn) {
      if (/\p{Extended_Pictographic}/u.test(ch)) continue; // these take the slow path on purpose
      expect(points).toContain(ch.codePointAt(0));
    }
  });

  it('gives every fast-path code point the width the original string-width 8 and 7 give it', () => {
    const mismatches: string[] = [];
    for (const cp of points) {
      const ch = String.fromCodePoint(cp);
      for (const ambiguousIsNarrow of [true, false]) {
        if (patched.stringWidth8(ch, { ambiguousIsNarrow }) !== originalStringWidth8(ch, { ambiguousIsNarrow })) mismatches.push(`8 U+${cp.toString(16)}`);
        if (patched.stringWidth7(ch, { ambiguousIsNarrow }) !== (originalStringWidth7 as Width)(ch, { ambiguousIsNarrow })) mismatches.push(`7 U+${cp.toString(16)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('measures, tokenizes and slices mixed text with terminal escapes as the originals do', () => {
    const next = random(42);
    const styles = ['\x1b[1m', '\x1b[36m', '\x1b[39m', '\x1b[22m', '\x1b[7m', '\x1b[0m'];
    for (let round = 0; round < 400; round++) {
      let text = '';
      const length = 1 + Math.floor(next() * 24);
      for (let i = 0; i < length; i++) {
        const pick = next();
        if (pick < 0.15) text += styles[Math.floor(next() * styles.length)];
        else if (pick < 0.2) text += SLOW_PATH_SAMPLES[Math.floor(next() * SLOW_PATH_SAMPLES.length)];
        else text += String.fromCodePoint(points[Math.floor(next() * points.length)]!);
      }
      expect(patched.stringWidth8(text), JSON.stringify(text)).toBe(originalStringWidth8(text));
      expect(patched.stringWidth7(text), JSON.stringify(text)).toBe((originalStringWidth7 as Width)(text));
      expect(patched.tokenize(text), JSON.stringify(text)).toEqual(originalTokenize(text));
      const end = Math.floor(next() * 12);
      expect(patched.sliceAnsi(text, 1, end), JSON.stringify(text)).toBe(originalSliceAnsi(text, 1, end));
    }
  });

  it('still takes the slow path where graphemes span code points', () => {
    for (const text of SLOW_PATH_SAMPLES) {
      expect(patched.stringWidth8(text), text).toBe(originalStringWidth8(text));
      expect(patched.stringWidth7(text), text).toBe((originalStringWidth7 as Width)(text));
      expect(patched.tokenize(`\x1b[36m${text}\x1b[39m`), text).toEqual(originalTokenize(`\x1b[36m${text}\x1b[39m`));
    }
  });
});
