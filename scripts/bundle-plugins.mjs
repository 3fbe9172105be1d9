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

/** Replace `text` in a dependency's source, or fail the build naming the plugin and the file. */
function patchSource(plugin, file, source, replacements) {
  let patched = source;
  for (const [text, replacement] of replacements) {
    if (!patched.includes(text)) {
      return { errors: [{ text: `${plugin}: ${file} changed (no '${text}' in it): update scripts/bundle-plugins.mjs` }] };
    }
    patched = patched.split(text).join(replacement);
  }
  return { contents: patched, loader: 'js' };
}

// The payload is a script (it is compiled with a code cache, src/cli/payload.ts), and a script has
// no top-level await. yoga-layout awaits its wasm: emscripten's loader has a hook for instantiating
// it ourselves, and with a synchronous instantiation the whole module initialises synchronously.
// The hook is also given the loader's synchronous decoder of the inlined wasm (no fetch(), which
// would load all of undici).
const YOGA_BINARY = /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/;
const YOGA_INDEX = /[\\/]yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/;
const YOGA_SYNC_LOADER = `function loadYogaSynchronously(load) {
  const module = {
    instantiateWasm(imports, readBinary, receiveInstance) {
      receiveInstance(new WebAssembly.Instance(new WebAssembly.Module(readBinary()), imports));
      return {};
    },
  };
  load(module);
  if (!module.asm) throw new Error('yoga-layout did not initialise synchronously');
  return module;
}
`;

export const yogaSynchronousWasm = {
  name: 'yoga-synchronous-wasm',
  setup(build) {
    build.onLoad({ filter: YOGA_BINARY }, async (args) =>
      patchSource('yoga-synchronous-wasm', args.path, await readFile(args.path, 'utf8'), [['h.instantiateWasm(d,', 'h.instantiateWasm(d,wa,']]),
    );
    build.onLoad({ filter: YOGA_INDEX }, async (args) =>
      patchSource('yoga-synchronous-wasm', args.path, await readFile(args.path, 'utf8'), [
        ['const Yoga = wrapAssembly(await loadYoga());', `${YOGA_SYNC_LOADER}const Yoga = wrapAssembly(loadYogaSynchronously(loadYoga));`],
      ]),
    );
  },
};

// ink awaits React DevTools and its own package.json at the top level when DEV=true. Neither is
// bundled (react-devtools-core is stubbed), so DEV=true gets ink's own "not installed" warning.
const INK_RECONCILER = /[\\/]ink[\\/]build[\\/]reconciler\.js$/;

export const inkWithoutDevtools = {
  name: 'ink-without-devtools',
  setup(build) {
    build.onLoad({ filter: INK_RECONCILER }, async (args) =>
      patchSource('ink-without-devtools', args.path, await readFile(args.path, 'utf8'), [
        ["await import('./devtools.js');", "throw Object.assign(new Error('React DevTools are not bundled'), { code: 'ERR_MODULE_NOT_FOUND' });"],
        ['? await loadPackageJson()', '? { name: undefined, version: undefined }'],
      ]),
    );
  },
};

// string-width (8 for ink, 7 for wrap-ansi) costs ink's first frame about 30 ms before it has
// measured anything: at load it builds an Intl.Segmenter and /^\p{RGI_Emoji}$/v (V8 expands the
// emoji sequences when it compiles the pattern, ~15 ms), and the first segment() loads ICU's break
// data (~10 ms). Every frame has non-ASCII text (the spinner, '…', '·', '│', Chinese), so none of
// it would be spared. This plugin:
//   - builds the segmenter and the big regexes on first use instead of at load;
//   - tests a cheap emoji class before the RGI regex (every RGI emoji holds an
//     Extended_Pictographic or Emoji_Component code point, alone and in sequences);
//   - measures text made only of SIMPLE_TEXT code points, none Extended_Pictographic, without
//     segmenting: each of them is a grapheme of its own whatever follows (no marks, joiners, jamo,
//     regional indicators, variation selectors or controls) and none is an emoji (digits, '#' and
//     '*' are emoji only before U+FE0F U+20E3), so the width is the sum of their East Asian
//     widths, which is what both versions compute for a one-code-point grapheme that is not an emoji.
// test/bundle/text-measure.test.ts compares the result with the original for every such code
// point and for mixed text.
export const SIMPLE_TEXT_CLASS =
  '\\u0020-\\u007E\\u00A0-\\u00AC\\u00AE-\\u024F\\u2010-\\u2027\\u2030-\\u205E\\u2100-\\u23FF\\u2500-\\u27BF\\u2800-\\u28FF' +
  '\\u3000-\\u3029\\u3030-\\u303F\\u3041-\\u3096\\u309B-\\u30FF\\u3400-\\u4DBF\\u4E00-\\u9FFF\\uFF01-\\uFF60';
const FAST_PATH = `
	if (/^[${SIMPLE_TEXT_CLASS}]*$/.test(string) && !/\\p{Extended_Pictographic}/u.test(string)) {
		const simpleWidthOptions = {ambiguousAsWide: !ambiguousIsNarrow};
		let simpleWidth = 0;
		for (const character of string) simpleWidth += eastAsianWidth(character.codePointAt(0), simpleWidthOptions);
		return simpleWidth;
	}
`;
const LAZY_SEGMENTER = [
  'const segmenter = new Intl.Segmenter();',
  'let segmenterInstance;\nconst segmenter = {segment: text => (segmenterInstance ??= new Intl.Segmenter()).segment(text)};',
];
const STRING_WIDTH = /[\\/]string-width[\\/]index\.js$/;
const STRING_WIDTH_PATCHES = {
  8: [
    LAZY_SEGMENTER,
    [
      'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;',
      "let rgiEmojiRegexInstance;\nconst emojiCandidateRegex = /[\\p{Extended_Pictographic}\\p{Emoji_Component}]/u;\nconst rgiEmojiRegex = {test: text => emojiCandidateRegex.test(text) && (rgiEmojiRegexInstance ??= new RegExp('^\\\\p{RGI_Emoji}$', 'v')).test(text)};",
    ],
    ['\tif (/^[\\u0020-\\u007E]*$/.test(string)) {\n\t\treturn string.length;\n\t}\n', `\tif (/^[\\u0020-\\u007E]*$/.test(string)) {\n\t\treturn string.length;\n\t}\n${FAST_PATH}`],
  ],
  7: [
    LAZY_SEGMENTER,
    [
      'const defaultIgnorableCodePointRegex = /^\\p{Default_Ignorable_Code_Point}$/u;',
      "let defaultIgnorableInstance;\nconst defaultIgnorableCodePointRegex = {test: text => (defaultIgnorableInstance ??= /^\\p{Default_Ignorable_Code_Point}$/u).test(text)};",
    ],
    ['\tif (string.length === 0) {\n\t\treturn 0;\n\t}\n', `\tif (string.length === 0) {\n\t\treturn 0;\n\t}\n${FAST_PATH}`],
  ],
};

// slice-ansi 8 (ink's clipping and truncation) and @alcalzone/ansi-tokenize (ink's output, every
// line of every frame) build an Intl.Segmenter at load as well; the first one built in a process
// costs ~10 ms (ICU's break rules). slice-ansi's is built on first use. ansi-tokenize segments
// every line it is given, so for a line made of SIMPLE_TEXT code points and terminal escapes
// (controls, each a grapheme of its own too) it walks code points instead, which gives the same
// segments.
const SLICE_ANSI_TOKENIZER = /[\\/]slice-ansi[\\/]tokenize-ansi\.js$/;
const ANSI_TOKENIZE = /[\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize\.js$/;

export const segmenterOnFirstUse = {
  name: 'segmenter-on-first-use',
  setup(build) {
    build.onLoad({ filter: SLICE_ANSI_TOKENIZER }, async (args) =>
      patchSource('segmenter-on-first-use', args.path, await readFile(args.path, 'utf8'), [
        [
          "const GRAPHEME_SEGMENTER = new Intl.Segmenter(undefined, {granularity: 'grapheme'});",
          "let graphemeSegmenterInstance;\nconst GRAPHEME_SEGMENTER = {segment: text => (graphemeSegmenterInstance ??= new Intl.Segmenter(undefined, {granularity: 'grapheme'})).segment(text)};",
        ],
      ]),
    );
    build.onLoad({ filter: ANSI_TOKENIZE }, async (args) =>
      patchSource('segmenter-on-first-use', args.path, await readFile(args.path, 'utf8'), [
        [
          'const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });',
          `let segmenterInstance;
const segmenter = { segment: (text) => (segmenterInstance ??= new Intl.Segmenter(undefined, { granularity: "grapheme" })).segment(text) };
function segmentsOf(text) {
    if (!/^[\\u0007\\u001B\\u009B${SIMPLE_TEXT_CLASS}]*$/.test(text) || /\\p{Extended_Pictographic}/u.test(text)) return segmenter.segment(text);
    const segments = [];
    for (let index = 0; index < text.length; index++) segments.push({ segment: text[index], index });
    return segments;
}`,
        ],
        ['for (const { segment, index } of segmenter.segment(str)) {', 'for (const { segment, index } of segmentsOf(str)) {'],
      ]),
    );
  },
};

export const stringWidthFastPaths = {
  name: 'string-width-fast-paths',
  setup(build) {
    build.onLoad({ filter: STRING_WIDTH }, async (args) => {
      const { version } = JSON.parse(await readFile(path.join(path.dirname(args.path), 'package.json'), 'utf8'));
      const patches = STRING_WIDTH_PATCHES[version.split('.')[0]];
      if (!patches) return undefined; // string-width 4 (cli-table3, yargs): not on the first frame
      return patchSource('string-width-fast-paths', args.path, await readFile(args.path, 'utf8'), patches);
    });
  },
};
