// esbuild plugins for the bundle: each swaps or trims something a dependency would otherwise
// load at run time for nothing. They fail the build, naming themselves, if what they patch moves.
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
