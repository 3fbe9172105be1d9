// The ambient track in a class (own and shared gateway modes) on the ambient practice cluster: a
// learner with only the class's permissions walks lesson 40 in their namespace (their pre-flight
// reads the ztunnel DaemonSet by name); no namespace is labelled; ztunnel's log is read in
// shared mode only (own mode gives no logs of the Istio namespace, and the step is left out).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';
import { memoryIO } from '../cli/io.js';
import { call } from '../practice/helpers.js';

let cluster: PracticeCluster;
let dir: string;
let adminConfig: string;
const env = (who: string) => ({ XDG_STATE_HOME: join(dir, 'state', who), XDG_CACHE_HOME: join(dir, 'cache'), HOME: dir, LANG: 'en_US.UTF-8' });

beforeAll(async () => {
  cluster = await startPracticeCluster({ knobs: { ambient: true, podReadyDelayMs: 0 } });
  dir = await mkdtemp(join(tmpdir(), 'ambient-class-'));
  adminConfig = await cluster.writeKubeconfig(join(dir, 'admin.kubeconfig'));
});
afterAll(async () => {
  await cluster?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a class on an ambient cluster', () => {
  it.each(['own', 'shared'] as const)('a learner (%s gateway) walks the ambient track with the class\'s permissions', async (gateway) => {
    const prefix = `amb-${gateway}-`;
    const kcDir = join(dir, `kc-${gateway}`);
    const setup = memoryIO(env('admin'));
    expect(await runCli(['class', 'setup', '--learners', '1', '--prefix', prefix, '--gateway', gateway, '--kubeconfig-dir', kcDir, '--yes', '--kubeconfig', adminConfig], setup), setup.stderr.join('\n')).toBe(0);
    const io = memoryIO(env(`${prefix}01`));
    const code = await runCli(['run', '--yes', '--track', 'ambient', '--kubeconfig', join(kcDir, `${prefix}01.kubeconfig`)], io);
    const text = [...io.stdout, ...io.stderr].join('\n');
    expect(code, text).toBe(0);
    expect(text).toContain(`WARN ambient-mode: Namespace "${prefix}01" is labelled for sidecar injection (istio-injection)`);
    expect(text).toMatch(new RegExp(`▶ PROOF waypoint-\\S+: .*"GET /get HTTP/1\\.1" 200 `));
    if (gateway === 'shared') expect(text).toMatch(new RegExp(`▶ PROOF ztunnel-\\S+: .*src\\.namespace="${prefix}01"`));
    else expect(text).not.toContain('ztunnel-log');
    expect(text).toMatch(/"POST \/post HTTP\/1\.1" 403 /);
    // The learner's namespace keeps its labels: sidecar injection from the class, no ambient label.
    const ns = (await call(cluster, `/api/v1/namespaces/${prefix}01`)).json;
    expect(ns.metadata.labels['istio-injection']).toBe('enabled');
    expect(ns.metadata.labels['istio.io/dataplane-mode']).toBeUndefined();
  }, 120_000);
});
