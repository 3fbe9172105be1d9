// Issue 3's checks through the CLI itself, in-process: `egress-tutorial validate` passes on the
// shipped lessons, and `egress-tutorial manifests` prints every seed manifest (same spec as the
// seed, apart from apiVersion), with --set reaching the hosts.
import { describe, expect, it } from 'vitest';
import yaml from 'js-yaml';
import { runCli, type CliIO } from '../../src/cli/cli.js';
import type { KubeObject } from '../../src/lesson/model.js';
import { LESSONS_DIR } from './files.js';
import { SEED_APPLIES } from './seed.js';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: { LANG: 'en_US.UTF-8', PATH: process.env.PATH },
    stdinIsTTY: false,
    stdoutIsTTY: false,
    confirm: async () => false,
    onSignal: () => () => {},
  };
  const code = await runCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The seed's spec is the lessons' without the exportTo issue 11 adds to mesh-side objects. */
function withoutExportTo(spec: unknown): unknown {
  const { exportTo: _e, ...rest } = (spec ?? {}) as Record<string, unknown>;
  return rest;
}

describe('egress-tutorial validate / manifests on the shipped lessons', () => {
  it('validate finds no problem', async () => {
    const { code, err } = await cli(['validate', LESSONS_DIR]);
    expect(err).not.toMatch(/:\d+: /);
    expect(code).toBe(0);
  });

  it('manifests prints every seed manifest: same kind, name and spec, as networking.istio.io/v1', async () => {
    const { code, out } = await cli(['manifests']);
    expect(code).toBe(0);
    const docs = (yaml.loadAll(out) as KubeObject[]).filter(Boolean);
    for (const seed of SEED_APPLIES) {
      for (const s of (yaml.loadAll(seed.yaml) as KubeObject[]).filter(Boolean)) {
        const same = docs.filter((d) => d.kind === s.kind && d.metadata.name === s.metadata.name && JSON.stringify(withoutExportTo(d.spec)) === JSON.stringify(s.spec));
        expect(same.length, `${s.kind}/${s.metadata.name} (${seed.lesson})`).toBeGreaterThanOrEqual(1);
        expect(same.every((d) => d.apiVersion === 'networking.istio.io/v1')).toBe(true);
      }
    }
  });

  it('manifests --set puts the chosen hosts and Istio namespace in place of the seed values', async () => {
    const { code, out } = await cli(['manifests', '--set', 'httpHost=example.com', '--set', 'httpsHost=example.org', '--istio-namespace', 'mesh-system']);
    expect(code).toBe(0);
    const istio = (yaml.loadAll(out) as KubeObject[]).filter((d) => d?.apiVersion?.startsWith('networking.istio.io/'));
    expect(istio).toHaveLength(10);
    const text = JSON.stringify(istio);
    expect(text).not.toMatch(/httpbin\.org|www\.baidu\.com|istio-system/);
    expect(text).toContain('"sniHosts":["example.org"]');
    expect(text).toContain('istio-egressgateway.mesh-system.svc.cluster.local');
  });
});

describe('the gateway modes through the CLI (issue 11)', () => {
  it('manifests --gateway own prints the learner\'s own gateway and points every route at it', async () => {
    const { code, out } = await cli(['manifests', '--gateway', 'own', '-n', 'learner-01']);
    expect(code).toBe(0);
    const docs = (yaml.loadAll(out) as KubeObject[]).filter(Boolean);
    expect(docs.filter((d) => d.metadata.name === 'egressgateway').map((d) => d.kind)).toEqual(['ServiceAccount', 'Service', 'Deployment']);
    expect(out).toContain('# Source: 02-setup/manifests/egress-gateway.yaml (lesson 02-setup, step own-gateway)');
    expect(out).not.toContain('istio-system');
    for (const d of docs.filter((o) => ['ServiceEntry', 'VirtualService', 'DestinationRule'].includes(o.kind))) expect((d.spec as { exportTo: string[] }).exportTo).toEqual(['.']);
  });

  it('validate checks both modes: a broken manifest of an own-only step is found without --gateway', async () => {
    const { mkdtempSync, cpSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'validate-modes-'));
    try {
      cpSync(LESSONS_DIR, join(dir, 'lessons'), { recursive: true });
      cpSync(join(LESSONS_DIR, '..', 'assets'), join(dir, 'assets'), { recursive: true });
      writeFileSync(join(dir, 'lessons', '02-setup', 'manifests', 'egress-gateway.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {}\n');
      const { code, out } = await cli(['validate', join(dir, 'lessons')]);
      expect(code).toBe(1);
      expect(out).toBe('02-setup/manifests/egress-gateway.yaml:1: the object has no metadata.name');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
