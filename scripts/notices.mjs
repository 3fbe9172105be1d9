// Third-party licence notices for the bundle, generated from esbuild's metafile: every
// package that contributed bytes to the output is listed with its version, licence and the
// licence text it ships with. The output is deterministic (sorted, no dates) so the file only
// changes when what is bundled changes.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

// The MIT terms, for packages that declare MIT but ship no licence file: the licence asks that
// its permission notice travel with the code.
const MIT_TERMS = `Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.`;

const LICENCE_FILE = /^(licen[cs]e|copying|notice)([-._].*)?$/i;
const COPYRIGHT_LINE = /copyright\s+(\(c\)|©|\d{4})[^\n*]*/i;
/** Licences we know to be fine to redistribute in a bundle with their notice. */
const PERMISSIVE = new Set(['MIT', 'ISC', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD', 'BlueOak-1.0.0', 'CC0-1.0', 'Python-2.0', 'Unlicense', 'MIT-0']);

/** The package directory (".../node_modules/name" or ".../node_modules/@scope/name") of a bundled input path. */
export function packageDirOf(inputPath) {
  const parts = inputPath.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return undefined;
  const width = parts[at + 1].startsWith('@') ? 2 : 1;
  return parts.slice(0, at + 1 + width).join('/');
}

function licenceOf(pkg) {
  if (typeof pkg.license === 'string') return pkg.license;
  if (pkg.license && typeof pkg.license.type === 'string') return pkg.license.type;
  if (Array.isArray(pkg.licenses)) return pkg.licenses.map((l) => l.type ?? l).join(' OR ');
  return 'UNKNOWN';
}

/** Copyright lines from the package's bundled sources, for packages that ship no licence file. */
function copyrightLinesFrom(root, files) {
  const lines = new Set();
  for (const file of files) {
    let text;
    try {
      text = readFileSync(path.join(root, file), 'utf8');
    } catch {
      continue;
    }
    const match = COPYRIGHT_LINE.exec(text);
    if (match) lines.add(match[0].trim());
  }
  return [...lines];
}

/**
 * @param {import('esbuild').Metafile} metafile
 * @param {string} root the package root (metafile paths are relative to it)
 * @returns {{ packages: {name: string, version: string, licence: string, dir: string, bytes: number, texts: {file: string, text: string}[], copyright: string[]}[], warnings: string[] }}
 */
export function collectBundledPackages(metafile, root) {
  const bytesByInput = new Map();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      bytesByInput.set(input, (bytesByInput.get(input) ?? 0) + bytesInOutput);
    }
  }
  const byDir = new Map();
  for (const [input, bytes] of bytesByInput) {
    if (bytes === 0) continue; // tree-shaken away entirely
    const dir = packageDirOf(input);
    if (!dir) continue; // our own sources and the build's stub modules
    const entry = byDir.get(dir) ?? { bytes: 0, files: [] };
    entry.bytes += bytes;
    entry.files.push(input);
    byDir.set(dir, entry);
  }
  const warnings = [];
  const packages = [];
  for (const [dir, { bytes, files }] of byDir) {
    const pkg = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
    const same = packages.find((p) => p.name === pkg.name && p.version === pkg.version);
    if (same) {
      same.bytes += bytes; // the same release installed twice (nested): one notice
      continue;
    }
    const licence = licenceOf(pkg);
    const texts = readdirSync(path.join(root, dir))
      .filter((name) => LICENCE_FILE.test(name) && existsSync(path.join(root, dir, name)))
      .sort()
      .map((file) => ({ file, text: readFileSync(path.join(root, dir, file), 'utf8').trim() }));
    const copyright = texts.length === 0 ? copyrightLinesFrom(root, files) : [];
    const author = typeof pkg.author === 'string' ? pkg.author : pkg.author?.name;
    if (texts.length === 0 && author) copyright.push(`Author (package.json): ${author}`);
    const spdxIds = licence.replace(/[()]/g, '').split(/\s+(?:OR|AND)\s+/);
    if (!spdxIds.some((id) => PERMISSIVE.has(id))) warnings.push(`${pkg.name}@${pkg.version}: licence "${licence}" needs a look before shipping`);
    if (texts.length === 0) warnings.push(`${pkg.name}@${pkg.version}: ships no licence file (declares ${licence})`);
    packages.push({ name: pkg.name, version: pkg.version, licence, dir, bytes, texts, copyright });
  }
  packages.sort((a, b) => (a.name === b.name ? a.version.localeCompare(b.version) : a.name < b.name ? -1 : 1));
  return { packages, warnings };
}

/** THIRD_PARTY_NOTICES.md text for the collected packages. */
export function renderNotices(packages, productName) {
  const out = [];
  out.push('# Third-party notices', '');
  out.push(
    `${productName} ships as one esbuild bundle (\`dist/\`) that contains code from the packages below.`,
    'This file is generated by `scripts/build.mjs` from the bundle\'s metafile; do not edit it by hand.',
    '',
    '| Package | Version | Licence |',
    '| --- | --- | --- |',
  );
  for (const p of packages) out.push(`| ${p.name} | ${p.version} | ${p.licence} |`);
  out.push('');
  for (const p of packages) {
    out.push(`## ${p.name} ${p.version}`, '', `Licence: ${p.licence}`, '');
    if (p.texts.length === 0) {
      out.push(`The package ships no licence file; its package.json declares ${p.licence}.`);
      for (const line of p.copyright) out.push('', `    ${line}`);
      out.push('');
      if (p.licence === 'MIT') out.push('MIT terms:', '', ...MIT_TERMS.split('\n').map((line) => (line ? `    ${line}` : '')), '');
    }
    for (const { file, text } of p.texts) {
      out.push(`${file}:`, '', ...text.split(/\r?\n/).map((line) => (line ? `    ${line}` : '')), '');
    }
  }
  return out.join('\n').replace(/[ \t]+$/gm, '') + '\n';
}
