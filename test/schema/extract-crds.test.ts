import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import yaml from 'js-yaml';
import { packageRoot } from '../../src/schema/paths.js';

const SCRIPT = join(packageRoot(), 'scripts', 'extract-crds.mjs');
const KINDS: [string, string, string][] = [
  ['networking.istio.io', 'Gateway', 'gateways'],
  ['networking.istio.io', 'VirtualService', 'virtualservices'],
  ['networking.istio.io', 'DestinationRule', 'destinationrules'],
  ['networking.istio.io', 'ServiceEntry', 'serviceentries'],
  ['networking.istio.io', 'Sidecar', 'sidecars'],
  ['telemetry.istio.io', 'Telemetry', 'telemetries'],
  ['security.istio.io', 'AuthorizationPolicy', 'authorizationpolicies'],
];

function crd(group: string, kind: string, plural: string) {
  const schema = { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', description: kind } } } };
  const other = { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'string' } } } };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: { kind, plural, singular: kind.toLowerCase(), shortNames: kind === 'Gateway' ? ['gw'] : undefined },
      scope: 'Namespaced',
      versions: [
        { name: 'v1', served: true, storage: true, schema },
        { name: 'v1beta1', served: true, storage: false, schema },
        { name: 'v1alpha2', served: true, storage: false, schema: other },
        { name: 'v1alpha1', served: false, storage: false, schema: other },
      ],
    },
  };
}

let dirs: string[] = [];
afterEach(() => {
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  dirs = [];
});

function fixture(kinds = KINDS): { input: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'et-crds-'));
  dirs.push(dir);
  const docs = [crd('extensions.istio.io', 'WasmPlugin', 'wasmplugins'), ...kinds.map(([g, k, p]) => crd(g, k, p))];
  const input = join(dir, 'crd-all.gen.yaml');
  writeFileSync(input, docs.map((d) => yaml.dump(d)).join('---\n'));
  return { input, out: join(dir, 'out') };
}

describe('scripts/extract-crds.mjs', () => {
  it('keeps the seven kinds, served versions only, marks storage, and shares identical schemas', () => {
    const { input, out } = fixture();
    execFileSync(process.execPath, [SCRIPT, input, '--out', out], { stdio: 'pipe' });
    const json = JSON.parse(readFileSync(join(out, 'crds.json'), 'utf8'));
    expect(json.crds.map((c: any) => c.kind)).toEqual(KINDS.map(([, k]) => k));
    const gw = json.crds[0];
    expect(gw).toMatchObject({ group: 'networking.istio.io', plural: 'gateways', singular: 'gateway', shortNames: ['gw'], scope: 'Namespaced' });
    expect(gw.versions.map((v: any) => [v.name, v.storage])).toEqual([['v1', true], ['v1beta1', false], ['v1alpha2', false]]);
    expect(gw.versions[0].schema).toBe(gw.versions[1].schema);
    expect(gw.versions[2].schema).not.toBe(gw.versions[0].schema);
    expect(json.crds[1].shortNames).toEqual([]);
    // One schema per kind (its description differs) plus the one shared "other" schema.
    expect(Object.keys(json.schemas)).toHaveLength(8);
    const notice = readFileSync(join(out, 'NOTICE.md'), 'utf8');
    expect(notice).toContain('Copyright Istio Authors');
    expect(notice).toContain('Apache License, Version 2.0');
    expect(notice).toContain('https://github.com/istio/istio');
    expect(notice).toContain('- Telemetry.telemetry.istio.io (telemetries; served v1 [storage], v1beta1, v1alpha2)');
  });

  it('names the missing kind and exits 1', () => {
    const { input, out } = fixture(KINDS.filter(([, k]) => k !== 'Sidecar'));
    const r = spawnSync(process.execPath, [SCRIPT, input, '--out', out], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('has no CustomResourceDefinition for Sidecar.networking.istio.io');
  });

  it('says how to call it when the input is missing', () => {
    const r = spawnSync(process.execPath, [SCRIPT, '/nonexistent/crd.yaml', '--out', '/nonexistent/out'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Cannot read \/nonexistent\/crd\.yaml \(ENOENT\); pass the path of Istio's crd-all\.gen\.yaml as the first argument\./);
  });
});
