// Loading kubeconfig like kubectl, and connectCluster's sentences for bad configuration.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKubeconfig } from '../../src/cluster/kube/kubeconfig.js';
import { connectCluster } from '../../src/cluster/index.js';
import { ClusterError } from '../../src/cluster/port.js';

let dir: string;

function kubeconfig(opts: { clusters?: [string, string][]; contexts?: [string, string, string?][]; current?: string; token?: string; extraUser?: string }): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
  for (const [name, server] of opts.clusters ?? []) lines.push(`- name: ${name}`, '  cluster:', `    server: ${server}`);
  lines.push('users:', '- name: u', '  user:', `    token: ${opts.token ?? 'secret-token-value-123'}`);
  if (opts.extraUser) lines.push(opts.extraUser);
  lines.push('contexts:');
  for (const [name, cluster, ns] of opts.contexts ?? []) lines.push(`- name: ${name}`, '  context:', `    cluster: ${cluster}`, '    user: u', ...(ns ? [`    namespace: ${ns}`] : []));
  if (opts.current) lines.push(`current-context: ${opts.current}`);
  return lines.join('\n') + '\n';
}

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

async function connectError(options: Parameters<typeof connectCluster>[0]): Promise<ClusterError> {
  try {
    await connectCluster(options);
  } catch (err) {
    expect(err).toBeInstanceOf(ClusterError);
    return err as ClusterError;
  }
  throw new Error('expected connectCluster to fail');
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kcfg-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('loadKubeconfig', () => {
  it('merges several KUBECONFIG files like kubectl: first file wins for names and current-context, missing files skipped', () => {
    const a = write('a.yaml', kubeconfig({ clusters: [['c1', 'https://one.example:6443']], contexts: [['ctx-a', 'c1', 'team-a']], current: 'ctx-a' }));
    const b = write(
      'b.yaml',
      kubeconfig({ clusters: [['c1', 'https://other.example:6443'], ['c2', 'https://two.example:6443']], contexts: [['ctx-a', 'c2'], ['ctx-b', 'c2', 'team-b']], current: 'ctx-b' }),
    );
    const env = { KUBECONFIG: [a, path.join(dir, 'missing.yaml'), b].join(path.delimiter) };
    const loaded = loadKubeconfig({ env });
    expect(loaded.context.name).toBe('ctx-a'); // client-node's own merge would pick ctx-b
    expect(loaded.cluster.server).toBe('https://one.example:6443');
    expect(loaded.context.namespace).toBe('team-a');
    expect(loaded.files).toEqual([a, b]);
    const other = loadKubeconfig({ env, context: 'ctx-b' });
    expect(other.cluster.server).toBe('https://two.example:6443');
    expect(other.kc.getCurrentCluster()?.server).toBe('https://two.example:6443');
  });

  it('--kubeconfig wins over KUBECONFIG and must exist', () => {
    const a = write('k1.yaml', kubeconfig({ clusters: [['c', 'https://a.example']], contexts: [['x', 'c']], current: 'x' }));
    const env = { KUBECONFIG: path.join(dir, 'nope.yaml') };
    expect(loadKubeconfig({ kubeconfig: a, env }).cluster.server).toBe('https://a.example');
    expect(() => loadKubeconfig({ kubeconfig: path.join(dir, 'absent.yaml'), env })).toThrow(/does not exist.*--practice/);
  });

  it('makes relative certificate paths absolute against the file that names them', () => {
    const file = write(
      'certs.yaml',
      kubeconfig({ clusters: [['c', 'https://a.example']], contexts: [['x', 'c']], current: 'x' }).replace('    server: https://a.example', '    server: https://a.example\n    certificate-authority: pki/ca.crt'),
    );
    expect(loadKubeconfig({ kubeconfig: file }).cluster.caFile).toBe(path.join(dir, 'pki', 'ca.crt'));
  });

  it('names the problem and the fix for unknown contexts, missing clusters and no current context', () => {
    const file = write('ctx.yaml', kubeconfig({ clusters: [['c', 'https://a.example']], contexts: [['x', 'c'], ['broken', 'gone']] }));
    expect(() => loadKubeconfig({ kubeconfig: file })).toThrow(/sets no current context \(known: x, broken\): pick one with --context/);
    expect(() => loadKubeconfig({ kubeconfig: file, context: 'prod' })).toThrow(/Context "prod" is not in the kubeconfig .*known: x, broken/);
    expect(() => loadKubeconfig({ kubeconfig: file, context: 'broken' })).toThrow(/names cluster "gone", which the kubeconfig .* does not define/);
  });

  it('reports YAML errors with the line, never the file content (which may hold credentials)', () => {
    const file = write('bad.yaml', 'apiVersion: v1\nusers:\n- name: u\n  user:\n    token: hunter2-super-secret\n  bad: [unclosed\n');
    let error: unknown;
    try {
      loadKubeconfig({ kubeconfig: file });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as ClusterError).reason).toBe('config');
    expect((error as ClusterError).message).toMatch(/could not be read \(YAML error on line \d+/);
    expect((error as ClusterError).message).not.toContain('hunter2');
  });

  it('without KUBECONFIG and ~/.kube/config says so instead of falling back to localhost:8080', () => {
    expect(() => loadKubeconfig({ env: {}, home: dir })).toThrow(/No kubeconfig found .*--practice/);
    const kube = path.join(dir, 'home', '.kube');
    fs.mkdirSync(kube, { recursive: true });
    fs.writeFileSync(path.join(kube, 'config'), kubeconfig({ clusters: [['c', 'https://home.example']], contexts: [['h', 'c']], current: 'h' }));
    expect(loadKubeconfig({ env: {}, home: path.join(dir, 'home') }).cluster.server).toBe('https://home.example');
  });
});

describe('connectCluster failures', () => {
  it('unreachable server: one sentence with context, server and what to try', async () => {
    const file = write('down.yaml', kubeconfig({ clusters: [['c', 'https://127.0.0.1:1']], contexts: [['kind-down', 'c']], current: 'kind-down' }));
    const err = await connectError({ kubeconfig: file });
    expect(err.reason).toBe('unreachable');
    expect(err.message).toBe(
      'Cannot reach the Kubernetes API of context "kind-down" at https://127.0.0.1:1 (connection refused): start the cluster or pick another with --context, or try the practice cluster with --practice.',
    );
    expect(err.message).not.toContain('secret-token');
    expect(err.stack ?? '').not.toContain('secret-token');
  });

  it('plain http:// without insecure-skip-tls-verify is refused with the reason', async () => {
    const file = write('http.yaml', kubeconfig({ clusters: [['c', 'http://127.0.0.1:1']], contexts: [['plain', 'c']], current: 'plain' }));
    const err = await connectError({ kubeconfig: file });
    expect(err.reason).toBe('config');
    expect(err.message).toMatch(/plain http:\/\/.*insecure-skip-tls-verify: true/);
  });

  it('a failing exec credential plugin is named', async () => {
    const exec = ['- name: plugin-user', '  user:', '    exec:', '      apiVersion: client.authentication.k8s.io/v1beta1', '      command: egress-tutorial-no-such-plugin'].join('\n');
    const text = kubeconfig({ clusters: [['c', 'https://127.0.0.1:1']], contexts: [], extraUser: exec }).replace(
      'contexts:\n',
      'contexts:\n- name: cloud\n  context:\n    cluster: c\n    user: plugin-user\ncurrent-context: cloud\n',
    );
    const err = await connectError({ kubeconfigYaml: text });
    expect(err.reason).toBe('unauthorized');
    expect(err.message).toBe(
      'The credential plugin "egress-tutorial-no-such-plugin" of context "cloud" at https://127.0.0.1:1 failed (not found on PATH): install it or log in again with your cluster provider\'s tool.',
    );
  });

  it('rejects an invalid namespace before touching the network', async () => {
    const file = write('ns.yaml', kubeconfig({ clusters: [['c', 'https://127.0.0.1:1']], contexts: [['x', 'c']], current: 'x' }));
    const err = await connectError({ kubeconfig: file, namespace: 'Bad_NS' });
    expect(err.reason).toBe('config');
    expect(err.message).toMatch(/"Bad_NS" is not a valid namespace name/);
  });
});
