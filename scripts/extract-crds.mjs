#!/usr/bin/env node
// Refreshes assets/istio/crds.json from Istio's generated CRD bundle.
// Usage: node scripts/extract-crds.mjs [path/to/crd-all.gen.yaml] [--out DIR]
// Defaults: ../shared/istio/crd-all.gen.yaml, and assets/istio/ as the output folder.
// The committed crds.json is what ships and what tests read; this script only refreshes it.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import yaml from 'js-yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let args;
try {
  args = parseArgs({ allowPositionals: true, options: { out: { type: 'string' } } });
} catch (err) {
  console.error(`${err.message}; usage: node scripts/extract-crds.mjs [crd-all.gen.yaml] [--out DIR]`);
  process.exit(2);
}
const source = resolve(args.positionals[0] ?? resolve(root, '../shared/istio/crd-all.gen.yaml'));
const outDir = resolve(args.values.out ?? resolve(root, 'assets/istio'));

/** The kinds the tutorial needs, in the order they are written. */
const WANTED = [
  ['networking.istio.io', 'Gateway'],
  ['networking.istio.io', 'VirtualService'],
  ['networking.istio.io', 'DestinationRule'],
  ['networking.istio.io', 'ServiceEntry'],
  ['networking.istio.io', 'Sidecar'],
  ['telemetry.istio.io', 'Telemetry'],
  ['security.istio.io', 'AuthorizationPolicy'],
];

let text;
try {
  text = readFileSync(source, 'utf8');
} catch (err) {
  console.error(`Cannot read ${source} (${err.code ?? err.message}); pass the path of Istio's crd-all.gen.yaml as the first argument.`);
  process.exit(1);
}

const docs = yaml.loadAll(text).filter((d) => d && d.kind === 'CustomResourceDefinition');
const schemas = {}; // content hash -> openAPIV3Schema, shared by identical versions
const crds = [];

for (const [group, kind] of WANTED) {
  const crd = docs.find((d) => d.spec?.group === group && d.spec?.names?.kind === kind);
  if (!crd) {
    console.error(`${source} has no CustomResourceDefinition for ${kind}.${group}.`);
    process.exit(1);
  }
  const names = crd.spec.names;
  const versions = [];
  for (const v of crd.spec.versions) {
    if (!v.served) continue;
    const schema = v.schema?.openAPIV3Schema;
    if (!schema) {
      console.error(`${kind}.${group} version ${v.name} has no openAPIV3Schema.`);
      process.exit(1);
    }
    const body = JSON.stringify(schema);
    const id = createHash('sha256').update(body).digest('hex').slice(0, 12);
    schemas[id] ??= schema;
    versions.push({ name: v.name, storage: v.storage === true, schema: id });
  }
  crds.push({
    group,
    kind: names.kind,
    plural: names.plural,
    singular: names.singular ?? names.kind.toLowerCase(),
    shortNames: names.shortNames ?? [],
    scope: crd.spec.scope,
    versions,
  });
}

const out = {
  source: 'https://github.com/istio/istio/blob/master/manifests/charts/base/files/crd-all.gen.yaml',
  license: 'Apache-2.0',
  copyright: 'Copyright Istio Authors',
  crds,
  schemas,
};
mkdirSync(outDir, { recursive: true });
writeFileSync(resolve(outDir, 'crds.json'), JSON.stringify(out) + '\n');

const list = crds
  .map((c) => `- ${c.kind}.${c.group} (${c.plural}; served ${c.versions.map((v) => v.name + (v.storage ? ' [storage]' : '')).join(', ')})`)
  .join('\n');
writeFileSync(
  resolve(outDir, 'NOTICE.md'),
  `# Istio CRD schemas

\`crds.json\` in this folder is extracted from Istio's generated CustomResourceDefinition bundle
\`crd-all.gen.yaml\` (upstream: https://github.com/istio/istio, file
\`manifests/charts/base/files/crd-all.gen.yaml\`), by \`scripts/extract-crds.mjs\`.

Copyright Istio Authors. Licensed under the Apache License, Version 2.0
(https://www.apache.org/licenses/LICENSE-2.0). The extract is unmodified data, reduced in scope.

## What was extracted
For each kind below: group, kind, plural, singular, short names, scope, every served version (and
which is the storage version), and each version's \`openAPIV3Schema\`. Versions with identical
schemas share one copy (keyed by a content hash under \`schemas\`).

${list}

Refresh: \`node scripts/extract-crds.mjs path/to/crd-all.gen.yaml\`.
`,
);
console.log(`Wrote ${relative(process.cwd(), resolve(outDir, 'crds.json'))}: ${crds.length} kinds, ${Object.keys(schemas).length} distinct schemas.`);
