// esbuild plugins for the bundle: each swaps or trims something a dependency would otherwise
// load at run time for nothing. A plugin that patches source text fails the build, naming
// itself, when the text it patches is no longer there.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** cli-highlight's `highlight.js` becomes highlight.js core with the lessons' languages (see the module). */
export const highlightLanguageSubset = {
  name: 'highlight-language-subset',
  setup(build) {
    build.onResolve({ filter: /^highlight\.js$/ }, (args) => {
      if (!/[\\/]cli-highlight[\\/]/.test(args.importer)) return undefined;
      return { path: path.join(HERE, 'highlight-languages.cjs') };
    });
  },
};

// yoga-layout (ink's layout engine) fetch()es its inlined wasm from a data: URL; on Node that
// loads all of undici (~40 ms before ink's first frame). The emscripten loader has a synchronous
// base64 path it takes when fetch is unavailable: make it take that one.
const YOGA_BINARY = /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/;
const FETCH_CHECK = '"function"!=typeof fetch';

export const yogaWasmWithoutFetch = {
  name: 'yoga-wasm-without-fetch',
  setup(build) {
    build.onLoad({ filter: YOGA_BINARY }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes(FETCH_CHECK)) {
        return {
          errors: [
            {
              text: `yoga-layout's wasm loader changed (no '${FETCH_CHECK}' in ${args.path}): update scripts/bundle-plugins.mjs`,
            },
          ],
        };
      }
      return { contents: source.split(FETCH_CHECK).join('!0'), loader: 'js' };
    });
  },
};

// string-width 8 tests every non-ASCII grapheme against /^\p{RGI_Emoji}$/v, a regex V8 takes
// 30-50 ms to compile on first use: on ink's first frame (the spinner and '…' are not ASCII).
// Every RGI emoji holds an Extended_Pictographic or Emoji_Component code point (checked for every
// single code point, alone and with U+FE0F; sequences hold ZWJ, U+FE0F, a keycap, a regional
// indicator, a skin tone or a tag, all Emoji_Component), so a cheap test of that class first gives
// the same widths and skips the big regex for braille, box drawing, CJK and the like.
const STRING_WIDTH = /[\\/]string-width[\\/]index\.js$/;
const RGI_DECLARATION = 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;';
const RGI_USE = 'rgiEmojiRegex.test(segment)';

export const stringWidthEmojiPrefilter = {
  name: 'string-width-emoji-prefilter',
  setup(build) {
    build.onLoad({ filter: STRING_WIDTH }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes(RGI_DECLARATION)) return undefined; // another major version: leave it be
      if (!source.includes(RGI_USE)) {
        return { errors: [{ text: `string-width changed (no '${RGI_USE}' in ${args.path}): update scripts/bundle-plugins.mjs` }] };
      }
      const patched = source
        .replace(RGI_DECLARATION, `${RGI_DECLARATION}\nconst emojiCandidateRegex = /[\\p{Extended_Pictographic}\\p{Emoji_Component}]/u;`)
        .split(RGI_USE)
        .join(`(emojiCandidateRegex.test(segment) && ${RGI_USE})`);
      return { contents: patched, loader: 'js' };
    });
  },
};
