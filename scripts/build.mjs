#!/usr/bin/env node
// Builds the shipped CLI with esbuild into one file, dist/egress-tutorial.cjs, plus
// THIRD_PARTY_NOTICES.md. The file holds:
//   - the bin (src/cli/main.ts): argument parsing, --help, --version, the plain first frame;
//     everything else it asks of src/cli/modules.ts, which the bin has in the form of
//     src/cli/modules-from-payload.ts;
//   - the payload, in a comment at the end of the file: two scripts, the interactive UI
//     (src/cli/modules-ui.ts: ink, React, yoga, the screens) and the rest (src/cli/modules-rest.ts:
//     lessons, engine, Markdown, client-node, the practice cluster), each deflated, in base64.
// V8 must pre-parse every byte of a script's code before running any of it, but only skims a
// comment: `--version` stays as quick as a small script, and a part is inflated and compiled, with
// a code cache, only when a verb needs it (src/cli/payload.ts; bench/startup.mjs measures it).
//
// Usage: node scripts/build.mjs [--outdir DIR] [--no-notices] [--analyze] [--quiet]
import { build, transform } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { constants as zlibConstants, deflateRawSync } from 'node:zlib';
import { chmod, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ts from 'typescript';
import { collectBundledPackages, renderNotices } from './notices.mjs';
import { highlightLanguageSubset, inkWithoutDevtools, segmenterOnFirstUse, stringWidthFastPaths, yogaSynchronousWasm } from './bundle-plugins.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// How the payload is kept in the bin: the same code the bin reads it back with.
const { payloadComment } = await import(
  `data:text/javascript;base64,${Buffer.from((await transform(readFileSync(path.join(ROOT, 'src/cli/payload-format.ts'), 'utf8'), { loader: 'ts', format: 'esm' })).code).toString('base64')}`
);
const BIN_ENTRY = 'src/cli/main.ts';
// The payload's parts (src/cli/modules.ts): the first frame needs only the UI's.
const PAYLOAD_PARTS = { ui: 'src/cli/modules-ui.ts', rest: 'src/cli/modules-rest.ts' };
export const BIN_NAME = 'egress-tutorial';

/**
 * Bare imports that may stay unresolved: optional accelerators that their importers load inside
 * try/catch and work without (ws: bufferutil, utf-8-validate; node-fetch: encoding).
 */
const OPTIONAL_EXTERNALS = new Set(['bufferutil', 'utf-8-validate', 'encoding']);

// CJS dependencies call require() for Node built-ins; ESM output has no require of its own.
const REQUIRE_BANNER =
  "import { createRequire as __egressCreateRequire } from 'node:module'; const require = __egressCreateRequire(import.meta.url);";

/**
 * The esbuild options every bundle of this code needs (the bin, and the bench harnesses that run
 * the product's modules with the product's settings).
 * @returns {import('esbuild').BuildOptions}
 */
export function bundleOptions() {
  return {
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm', // ink and yoga-layout use top-level await
    target: 'node20',
    minify: true,
    banner: { js: REQUIRE_BANNER },
    alias: {
      'react-devtools-core': path.join(ROOT, 'scripts/react-devtools-core-stub.mjs'),
      'whatwg-url': path.join(ROOT, 'scripts/whatwg-url-stub.mjs'),
      'node-emoji': path.join(ROOT, 'scripts/node-emoji-stub.mjs'),
    },
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [yogaSynchronousWasm, inkWithoutDevtools, highlightLanguageSubset, stringWidthFastPaths, segmenterOnFirstUse],
  };
}

function usage(message) {
  process.stderr.write(`${message}\nUsage: node scripts/build.mjs [--outdir DIR] [--no-notices] [--analyze] [--quiet]\n`);
  process.exit(2);
}

function parseFlags(argv) {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        outdir: { type: 'string', default: 'dist' },
        'no-notices': { type: 'boolean', default: false },
        analyze: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    return values;
  } catch (error) {
    usage(error.message);
  }
}

/** Size of each package in the output, largest first (for --analyze). */
function sizesByPackage(metafile) {
  const sizes = new Map();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = input.match(/.*node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/);
      const key = match ? match[1] : input.startsWith('src') ? '(egress-tutorial src)' : input;
      sizes.set(key, (sizes.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...sizes].sort((a, b) => b[1] - a[1]);
}

/** Every import the bundle leaves to run time must be a Node built-in (zero runtime dependencies). */
function unexpectedExternals(metafile) {
  const bad = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) {
      if (!imported.external) continue;
      if (isBuiltin(imported.path) || OPTIONAL_EXTERNALS.has(imported.path)) continue;
      bad.add(imported.path);
    }
  }
  return [...bad];
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;

// The bin, in the bundle, takes the payload's exports in place of src/cli/modules.ts.
const modulesFromPayload = {
  name: 'modules-from-payload',
  setup(build) {
    build.onResolve({ filter: /^\.\/modules\.js$/ }, (args) =>
      /[\\/]src[\\/]cli[\\/]cli\.ts$/.test(args.importer) ? { path: path.join(ROOT, 'src/cli/modules-from-payload.ts') } : undefined,
    );
  },
};

/**
 * The payload in ASCII. esbuild escapes non-ASCII characters everywhere but in regular expression
 * literals; there `\uXXXX` means the same. An ASCII file is read into a one-byte string: quicker
 * for Node's module loader (every start reads the whole file) and for the bin reading its payload.
 */
function asciiPayload(code) {
  if (!/[^\x00-\x7f]/.test(code)) return code;
  const source = ts.createSourceFile('payload.js', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const regexps = [];
  const visit = (node) => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) regexps.push([node.getStart(source), node.end]);
    else ts.forEachChild(node, visit);
  };
  visit(source);
  let out = '';
  let from = 0;
  for (const [start, end] of regexps) {
    out += code.slice(from, start) + code.slice(start, end).replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    from = end;
  }
  out += code.slice(from);
  const left = out.search(/[^\x00-\x7f]/);
  if (left !== -1) throw new Error(`the payload has a non-ASCII character outside regular expressions: ${JSON.stringify(out.slice(left - 40, left + 10))}`);
  return out;
}

/** One metafile for notices and checks, from the bin's and the payload's. */
const mergeMetafiles = (a, b) => ({ inputs: { ...a.inputs, ...b.inputs }, outputs: { ...a.outputs, ...b.outputs } });

/**
 * Build the bundle. Returns what was written, for scripts and tests.
 * @param {{ outdir?: string, notices?: boolean, quiet?: boolean, analyze?: boolean }} options
 */
export async function buildBundle(options = {}) {
  const { outdir = 'dist', notices = true, quiet = false, analyze = false } = options;
  const started = performance.now();
  const outAbs = path.resolve(ROOT, outdir);
  if (outAbs === ROOT || !outAbs.startsWith(ROOT + path.sep)) usage(`--outdir must be a folder inside ${ROOT}`);
  const binPath = path.join(outAbs, `${BIN_NAME}.cjs`);
  // Both are CommonJS: Node starts a CommonJS main module ~5 ms sooner than an ES module, and the
  // payload must be a script to be compiled with a code cache. Their import.meta.url is the bin's
  // (the payload gets it as an argument, src/cli/payload.ts).
  const common = {
    ...bundleOptions(),
    format: 'cjs',
    banner: {},
    define: { ...bundleOptions().define, 'import.meta.url': '__egressImportMetaUrl' },
    legalComments: 'none',
    metafile: true,
    write: false,
    logLevel: quiet ? 'error' : 'warning',
  };

  // Never written as such: each part goes into the bin's comment.
  const names = Object.keys(PAYLOAD_PARTS);
  const built = await Promise.all(names.map((name) => build({ ...common, entryPoints: [PAYLOAD_PARTS[name]], outfile: path.join(outAbs, `${name}.cjs`) })));
  const payload = names.map((name, i) => {
    const code = asciiPayload(built[i].outputFiles[0].text);
    const deflated = deflateRawSync(Buffer.from(code, 'latin1'), { level: zlibConstants.Z_BEST_COMPRESSION });
    return { name, code, deflated, key: createHash('sha256').update(code).digest('hex').slice(0, 20), metafile: built[i].metafile };
  });
  const bin = await build({
    ...common,
    entryPoints: [BIN_ENTRY],
    outfile: binPath,
    banner: { js: '"use strict";var __egressImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
    define: { ...common.define, __EGRESS_PAYLOAD_KEYS__: JSON.stringify(Object.fromEntries(payload.map((p) => [p.name, p.key]))) },
    plugins: [modulesFromPayload, ...common.plugins],
  });
  const metafile = [bin.metafile, ...payload.map((p) => p.metafile)].reduce(mergeMetafiles);
  const bad = unexpectedExternals(metafile);
  if (bad.length > 0) {
    throw new Error(`the bundle would need these packages at run time: ${bad.join(', ')} (bundle them or list them in OPTIONAL_EXTERNALS with the reason)`);
  }

  const comment = payloadComment(Object.fromEntries(payload.map((p) => [p.name, p.deflated.toString('base64')])));
  const text = `#!/usr/bin/env node\n${bin.outputFiles[0].text}${comment}`;
  const nonAscii = text.search(/[^\x00-\x7f]/);
  if (nonAscii !== -1) throw new Error(`the bin has a non-ASCII character: ${JSON.stringify(text.slice(nonAscii - 40, nonAscii + 10))}`);
  await mkdir(outAbs, { recursive: true });
  // Written beside and renamed over, so a bin already running from dist/ keeps its own file.
  await writeFile(`${binPath}.tmp`, text, { mode: 0o755 });
  await chmod(`${binPath}.tmp`, 0o755);
  await rename(`${binPath}.tmp`, binPath);
  // Whatever else an earlier build left in dist/ (chunks of the former split build) goes.
  for (const name of await readdir(outAbs)) {
    if (name !== path.basename(binPath)) await rm(path.join(outAbs, name), { recursive: true, force: true });
  }
  const files = [
    { path: path.relative(ROOT, binPath), bytes: Buffer.byteLength(text) },
  ];

  let warnings = [];
  if (notices) {
    const collected = collectBundledPackages(metafile, ROOT);
    warnings = collected.warnings;
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    await writeFile(path.join(ROOT, 'THIRD_PARTY_NOTICES.md'), renderNotices(collected.packages, pkg.name));
  }

  const ms = performance.now() - started;
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  if (!quiet) {
    process.stdout.write(
      `built ${path.relative(ROOT, binPath)} (${kb(total)}: the bin ${kb(bin.outputFiles[0].contents.byteLength)}; ` +
        payload.map((p) => `the payload's ${p.name} part ${kb(p.code.length)}, deflated ${kb(p.deflated.length)}`).join('; ') +
        `) in ${(ms / 1000).toFixed(1)} s\n`,
    );
    for (const warning of warnings) process.stdout.write(`notice: ${warning}\n`);
    if (analyze) {
      for (const f of files) process.stdout.write(`  ${kb(f.bytes).padStart(10)}  ${f.path}\n`);
      process.stdout.write('by package:\n');
      for (const [name, bytes] of sizesByPackage(metafile).slice(0, 25)) process.stdout.write(`  ${kb(bytes).padStart(10)}  ${name}\n`);
    }
  }
  return { bin: binPath, files, payload: payload.map(({ name, code, deflated }) => ({ name, bytes: code.length, deflatedBytes: deflated.length })), totalBytes: total, ms, metafile };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const flags = parseFlags(process.argv.slice(2));
  try {
    await buildBundle({ outdir: flags.outdir, notices: !flags['no-notices'], quiet: flags.quiet, analyze: flags.analyze });
  } catch (error) {
    // esbuild has already printed its own diagnostics; say what failed in one line.
    process.stderr.write(`build failed: ${error.message.split('\n')[0]}\n`);
    process.exit(1);
  }
}
