// esbuild plugin: make yoga-layout decode its inlined wasm directly instead of fetch()ing the
// data: URL. On Node, that fetch() loads all of undici (~40 ms before ink's first frame); the
// emscripten loader already has a synchronous base64 path it takes when fetch is unavailable.
import { readFile } from 'node:fs/promises';

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
              text: `yoga-layout's wasm loader changed (no '${FETCH_CHECK}' in ${args.path}): update scripts/yoga-wasm-plugin.mjs`,
            },
          ],
        };
      }
      return { contents: source.split(FETCH_CHECK).join('!0'), loader: 'js' };
    });
  },
};
