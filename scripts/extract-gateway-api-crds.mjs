#!/usr/bin/env node
// Refreshes assets/gateway-api/crds.json from a checkout of kubernetes-sigs/gateway-api at a
// release tag: both channels' CRDs (config/crd/standard and config/crd/experimental), group
// gateway.networking.k8s.io only. Descriptions are dropped (the tutorial validates, it does not
// document); everything else of each schema is kept as upstream ships it.
// Usage: node scripts/extract-gateway-api-crds.mjs path/to/gateway-api/config/crd [--out DIR]
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import yaml from 'js-yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const usage = 'usage: node scripts/extract-gateway-api-crds.mjs path/to/gateway-api/config/crd [--out DIR]';
let args;
try {
  args = parseArgs({ allowPositionals: true, options: { out: { type: 'string' } } });
} catch (err) {
  console.error(`${err.message}; ${usage}`);
  process.exit(2);
}
if (!args.positionals[0]) {
  console.error(`Name the gateway-api checkout's config/crd folder; ${usage}`);
  process.exit(2);
}
const source = resolve(args.positionals[0]);
const outDir = resolve(args.values.out ?? resolve(root, 'assets/gateway-api'));
const GROUP = 'gateway.networking.k8s.io';

function withoutDescriptions(node) {
  if (Array.isArray(node)) return node.map(withoutDescriptions);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    // "description" is a property name inside `properties` maps too (none in these CRDs, but keep it safe).
    if (k === 'description' && typeof v === 'string') continue;
    out[k] = withoutDescriptions(v);
  }
  return out;
}

const schemas = {};
const crds = [];
let bundleVersion;
for (const channel of ['standard', 'experimental']) {
  let files;
  try {
    files = readdirSync(join(source, channel)).filter((f) => f.startsWith(`${GROUP}_`) && f.endsWith('.yaml')).sort();
  } catch (err) {
    console.error(`Cannot read ${join(source, channel)} (${err.code ?? err.message}); ${usage}`);
    process.exit(1);
  }
  for (const file of files) {
    const crd = yaml.loadAll(readFileSync(join(source, channel, file), 'utf8')).find((d) => d?.kind === 'CustomResourceDefinition');
    if (!crd) continue;
    bundleVersion ??= crd.metadata.annotations?.['gateway.networking.k8s.io/bundle-version'];
    const names = crd.spec.names;
    const versions = [];
    for (const v of crd.spec.versions) {
      if (!v.served) continue;
      const schema = withoutDescriptions(v.schema.openAPIV3Schema);
      const id = createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 12);
      schemas[id] ??= schema;
      versions.push({ name: v.name, storage: v.storage === true, schema: id, ...(v.subresources?.status ? {} : { noStatus: true }) });
    }
    crds.push({
      group: GROUP,
      kind: names.kind,
      plural: names.plural,
      singular: names.singular ?? names.kind.toLowerCase(),
      shortNames: names.shortNames ?? [],
      categories: names.categories ?? [],
      scope: crd.spec.scope,
      channel,
      annotations: crd.metadata.annotations ?? {},
      versions,
    });
  }
}

const out = {
  source: `https://github.com/kubernetes-sigs/gateway-api/tree/${bundleVersion}/config/crd`,
  license: 'Apache-2.0',
  copyright: 'Copyright The Kubernetes Authors',
  bundleVersion,
  crds,
  schemas,
};
mkdirSync(outDir, { recursive: true });
writeFileSync(resolve(outDir, 'crds.json'), JSON.stringify(out) + '\n');
const list = (channel) => crds.filter((c) => c.channel === channel).map((c) => `- ${c.kind} (${c.plural}; served ${c.versions.map((v) => v.name + (v.storage ? ' [storage]' : '')).join(', ')})`).join('\n');
writeFileSync(
  resolve(outDir, 'NOTICE.md'),
  `# Gateway API CRD schemas

\`crds.json\` in this folder is extracted from the Kubernetes Gateway API's CustomResourceDefinitions,
release ${bundleVersion} (upstream: https://github.com/kubernetes-sigs/gateway-api, folder
\`config/crd\`, both channels), by \`scripts/extract-gateway-api-crds.mjs\`.

Copyright The Kubernetes Authors. Licensed under the Apache License, Version 2.0
(https://www.apache.org/licenses/LICENSE-2.0). The extract is unmodified data, reduced in scope:
group gateway.networking.k8s.io only, and the schemas' \`description\` texts removed.

The practice cluster serves one channel (\`practice --gateway-api standard|experimental|none\`),
as \`kubectl apply -f standard-install.yaml\` or \`experimental-install.yaml\` would install it.

## Standard channel
${list('standard')}

## Experimental channel
${list('experimental')}

Refresh: \`node scripts/extract-gateway-api-crds.mjs path/to/gateway-api/config/crd\` (a release tag's checkout).
`,
);
console.log(`Wrote ${crds.length} CRDs of Gateway API ${bundleVersion} to ${outDir}.`);
