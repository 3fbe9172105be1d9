#!/usr/bin/env node
// Builds the shipped CLI with esbuild: src/cli/main.ts -> dist/egress-tutorial.mjs (the bin),
// plus the chunks it imports lazily, plus THIRD_PARTY_NOTICES.md.
//
// Why chunks and not one file: V8 has to read and pre-parse every byte of an ES module before
// running any of it. As one ~2 MB file, `--version` alone costs ~2.5x `node -e 0`; as a ~15 kB
// bin that imports the rest lazily it costs ~1x (bench/startup.mjs measures both). The chunks
// (the UI, the lesson loader, Markdown, client-node, the practice cluster) sit beside the bin in
// dist/ and load only on the paths that need them. `--one-file` builds the single-file variant.
//
// Usage: node scripts/build.mjs [--one-file] [--outdir DIR] [--no-notices] [--analyze] [--quiet] [--entry FILE]
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { collectBundledPackages, renderNotices } from './notices.mjs';
import { highlightLanguageSubset, stringWidthEmojiPrefilter, yogaWasmWithoutFetch } from './bundle-plugins.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_ENTRY = 'src/cli/main.ts';
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
    },
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [yogaWasmWithoutFetch, highlightLanguageSubset, stringWidthEmojiPrefilter],
  };
}

function usage(message) {
  process.stderr.write(`${message}\nUsage: node scripts/build.mjs [--one-file] [--outdir DIR] [--no-notices] [--analyze] [--quiet] [--entry FILE]\n`);
  process.exit(2);
}

function parseFlags(argv) {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        'one-file': { type: 'boolean', default: false },
        outdir: { type: 'string', default: 'dist' },
        'no-notices': { type: 'boolean', default: false },
        analyze: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        entry: { type: 'string', default: DEFAULT_ENTRY }, // for experiments
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

/**
 * Build the bundle. Returns what was written, for scripts and tests.
 * @param {{ oneFile?: boolean, outdir?: string, notices?: boolean, quiet?: boolean, analyze?: boolean, entry?: string }} options
 */
export async function buildBundle(options = {}) {
  const { oneFile = false, outdir = 'dist', notices = true, quiet = false, analyze = false, entry = DEFAULT_ENTRY } = options;
  const started = performance.now();
  const outAbs = path.resolve(ROOT, outdir);
  if (outAbs === ROOT || !outAbs.startsWith(ROOT + path.sep)) usage(`--outdir must be a folder inside ${ROOT}`);

  const result = await build({
    ...bundleOptions(),
    entryPoints: [{ in: entry, out: BIN_NAME }],
    ...(oneFile ? {} : { splitting: true, chunkNames: '[name]-[hash]' }),
    // Chunks sit beside the bin so import.meta.url has the same depth in every output file.
    outdir: outAbs,
    outExtension: { '.js': '.mjs' },
    legalComments: 'none', // collected with full licence texts into THIRD_PARTY_NOTICES.md
    metafile: true,
    write: false,
    logLevel: quiet ? 'error' : 'warning',
  });

  const bad = unexpectedExternals(result.metafile);
  if (bad.length > 0) {
    throw new Error(`the bundle would need these packages at run time: ${bad.join(', ')} (bundle them or list them in OPTIONAL_EXTERNALS with the reason)`);
  }

  await mkdir(outAbs, { recursive: true });
  const binPath = path.join(outAbs, `${BIN_NAME}.mjs`);
  const files = [];
  for (const file of result.outputFiles) {
    const isBin = file.path === binPath;
    await mkdir(path.dirname(file.path), { recursive: true });
    await writeFile(file.path, isBin ? `#!/usr/bin/env node\n${file.text}` : file.contents);
    if (isBin) await chmod(file.path, 0o755);
    files.push({ path: path.relative(ROOT, file.path), bytes: file.contents.byteLength });
  }
  files.sort((a, b) => b.bytes - a.bytes);
  // Only now remove what the previous build left (chunks are named by content hash), so a bin
  // already running from dist/ keeps finding the chunks both builds share.
  const written = new Set(result.outputFiles.map((f) => f.path));
  for (const name of await readdir(outAbs)) {
    if (!written.has(path.join(outAbs, name))) await rm(path.join(outAbs, name), { recursive: true, force: true });
  }

  let warnings = [];
  if (notices) {
    const collected = collectBundledPackages(result.metafile, ROOT);
    warnings = collected.warnings;
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    await writeFile(path.join(ROOT, 'THIRD_PARTY_NOTICES.md'), renderNotices(collected.packages, pkg.name));
  }

  const ms = performance.now() - started;
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  if (!quiet) {
    const bin = files.find((f) => f.path === path.relative(ROOT, binPath));
    process.stdout.write(
      `built ${path.relative(ROOT, binPath)} (${kb(bin?.bytes ?? 0)})` +
        (oneFile ? '' : ` + ${files.length - 1} lazily imported chunks`) +
        `, ${kb(total)} in all, in ${(ms / 1000).toFixed(1)} s\n`,
    );
    for (const warning of warnings) process.stdout.write(`notice: ${warning}\n`);
    if (analyze) {
      for (const f of files) process.stdout.write(`  ${kb(f.bytes).padStart(10)}  ${f.path}\n`);
      process.stdout.write('by package:\n');
      for (const [name, bytes] of sizesByPackage(result.metafile).slice(0, 25)) process.stdout.write(`  ${kb(bytes).padStart(10)}  ${name}\n`);
    }
  }
  return { bin: binPath, files, totalBytes: total, ms, metafile: result.metafile };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const flags = parseFlags(process.argv.slice(2));
  try {
    await buildBundle({ oneFile: flags['one-file'], outdir: flags.outdir, notices: !flags['no-notices'], quiet: flags.quiet, analyze: flags.analyze, entry: flags.entry });
  } catch (error) {
    // esbuild has already printed its own diagnostics; say what failed in one line.
    process.stderr.write(`build failed: ${error.message.split('\n')[0]}\n`);
    process.exit(1);
  }
}
