// The practice cluster reached through an ordinary kubeconfig (exported KUBECONFIG) is recognised
// by name AND loopback server: identity 'practice', progress key 'practice' whatever its port.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCluster, isPracticeCluster, PRACTICE_CONTEXT_NAME } from '../../src/cluster/index.js';
import { isLoopbackHost } from '../../src/cluster/kube/practice-identity.js';
import { CONTEXT_NAME, startPracticeCluster, type PracticeCluster } from '../../src/practice/index.js';

describe('isLoopbackHost / isPracticeCluster (pure)', () => {
  it('accepts 127.0.0.0/8 and ::1 only', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '[::1]', '::1', '[::ffff:7f00:1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['10.0.0.1', 'localhost', 'example.com', '128.0.0.1', '[::2]', '::ffff:a00:1', '']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('needs the practice name and a loopback server, never the name alone', () => {
    expect(PRACTICE_CONTEXT_NAME).toBe(CONTEXT_NAME);
    expect(isPracticeCluster(CONTEXT_NAME, CONTEXT_NAME, 'https://127.0.0.1:40123')).toBe(true);
    expect(isPracticeCluster('renamed', CONTEXT_NAME, 'https://[::1]:40123')).toBe(true);
    expect(isPracticeCluster(CONTEXT_NAME, CONTEXT_NAME, 'https://10.1.2.3:6443')).toBe(false);
    expect(isPracticeCluster(CONTEXT_NAME, CONTEXT_NAME, 'https://localhost:6443')).toBe(false);
    expect(isPracticeCluster('kind-kind', 'kind-kind', 'https://127.0.0.1:40123')).toBe(false);
    expect(isPracticeCluster(CONTEXT_NAME, CONTEXT_NAME, 'not a url')).toBe(false);
  });
});

describe('a running practice cluster through an exported KUBECONFIG', () => {
  let cluster: PracticeCluster;
  let dir: string;
  beforeAll(async () => {
    cluster = await startPracticeCluster({ knobs: { podReadyDelayMs: 0 } });
    dir = mkdtempSync(join(tmpdir(), 'egress-practice-id-'));
  });
  afterAll(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is the practice backend with the key "practice", though connected as an ordinary kube cluster', async () => {
    const file = await cluster.writeKubeconfig(join(dir, 'practice.yaml'));
    const { port } = await connectCluster({ backend: 'kube', env: { KUBECONFIG: file } });
    try {
      expect(port.identity()).toMatchObject({ backend: 'practice', key: 'practice', context: CONTEXT_NAME });
      expect(port.identity().server).toBe(cluster.url);
    } finally {
      port.close();
    }
  });

  it('the same server under other names stays an ordinary cluster keyed by its server', async () => {
    const config = yaml.load(cluster.kubeconfig()) as {
      clusters: { name: string }[];
      contexts: { name: string; context: { cluster: string } }[];
      'current-context': string;
    };
    config.clusters[0].name = 'loopback-dev';
    config.contexts[0].name = 'loopback-dev';
    config.contexts[0].context.cluster = 'loopback-dev';
    config['current-context'] = 'loopback-dev';
    const file = join(dir, 'renamed.yaml');
    writeFileSync(file, yaml.dump(config), { mode: 0o600 });
    const { port } = await connectCluster({ kubeconfig: file });
    try {
      expect(port.identity().backend).toBe('kube');
      expect(port.identity().key).toBe(`kube:${cluster.url}#loopback-dev`);
    } finally {
      port.close();
    }
  });
});
