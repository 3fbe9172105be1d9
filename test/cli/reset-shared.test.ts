// Issue 11: `reset` through the CLI releases this namespace's claim on shared objects in the Istio
// namespace and keeps them for the others; `reset --include-shared` deletes them. The CLI
// in-process (kube backend, client-node) against a practice cluster reached by kubeconfig file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { connectCluster, type ClusterPort } from '../../src/cluster/index.js';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';
import { memoryIO } from './io.js';

const dir = mkdtempSync(join(tmpdir(), 'reset-shared-'));
const env = { XDG_STATE_HOME: join(dir, 'state') };
let practice: PracticeCluster;
let kubeconfig: string;
let port: ClusterPort;

const gatewayTelemetry = {
  apiVersion: 'telemetry.istio.io/v1',
  kind: 'Telemetry',
  metadata: { name: 'egress-tutorial-gateway-access-log', namespace: 'istio-system' },
  spec: { selector: { matchLabels: { istio: 'egressgateway' } }, accessLogging: [{ providers: [{ name: 'envoy' }] }] },
};
const meshDefault = { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name: 'mesh-default', namespace: 'istio-system' }, spec: { accessLogging: [{ providers: [{ name: 'envoy' }] }] } };

beforeAll(async () => {
  practice = await startPracticeCluster({ knobs: { podReadyDelayMs: 0 } });
  kubeconfig = await practice.writeKubeconfig(join(dir, 'practice.kubeconfig'));
  ({ port } = await connectCluster({ kubeconfigYaml: practice.kubeconfig(), namespace: 'default', backend: 'practice' }));
  await port.labelNamespace!('learner-02', { 'istio-injection': 'enabled' });
  // Two learners rely on the gateway's Telemetry; the old mesh-wide fix records nobody.
  await port.claimShared!([gatewayTelemetry], 'default', { lesson: '02-setup', step: 'preflight' });
  await port.claimShared!([gatewayTelemetry], 'learner-02', { lesson: '02-setup', step: 'preflight' });
  await port.apply([meshDefault], { lesson: '02-setup', step: 'preflight', namespace: 'default' });
  await port.apply([{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'curl' } }], { lesson: '02-setup', step: 'client', namespace: 'default' });
}, 30_000);
afterAll(async () => {
  port?.close();
  await practice?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const istioTelemetries = async () => (await port.listManaged({ namespaces: ['istio-system'] })).map((r) => r.name).sort();

describe('reset and shared objects', () => {
  it('reset keeps what other namespaces rely on, and says so', async () => {
    const io = memoryIO(env);
    expect(await runCli(['reset', '--kubeconfig', kubeconfig, '-n', 'default', '--yes'], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain('  Telemetry/egress-tutorial-gateway-access-log (istio-system) — shared: deleted only if no other namespace relies on it');
    expect(text).toContain('  ServiceAccount/curl: deleted');
    expect(text).toMatch(/Telemetry\/egress-tutorial-gateway-access-log: released — .* is still relied on by learner-02: only "default" was removed from it\./);
    expect(text).toMatch(/Telemetry\/mesh-default: kept — .* records no namespaces relying on it/);
    expect(text).toContain('Left in place: 2 shared objects other namespaces rely on or may rely on (Telemetry istio-system/egress-tutorial-gateway-access-log, Telemetry istio-system/mesh-default); `reset --include-shared` deletes them too.');
    expect(await istioTelemetries()).toEqual(['egress-tutorial-gateway-access-log', 'mesh-default']);
  }, 60_000);

  it('reset --include-shared deletes them', async () => {
    const io = memoryIO(env);
    expect(await runCli(['reset', '--kubeconfig', kubeconfig, '-n', 'default', '--yes', '--include-shared'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/Telemetry\/mesh-default: deleted/);
    expect(await istioTelemetries()).toEqual([]);
  }, 60_000);
});
