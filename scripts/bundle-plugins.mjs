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
