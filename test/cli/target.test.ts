import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { describeTarget } from '../../src/cli/target.js';

const dir = mkdtempSync(join(tmpdir(), 'target-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const kubeconfig = join(dir, 'config');
writeFileSync(
  kubeconfig,
  `apiVersion: v1
kind: Config
current-context: kind-istio
contexts:
- name: kind-istio
  context: { cluster: kind-istio, user: u }
- name: other
  context: { cluster: other, user: u }
clusters:
- name: kind-istio
  cluster: { server: "https://127.0.0.1:6443" }
- name: other
  cluster: { server: "https://10.0.0.1" }
users:
- name: u
  user: { token: secret }
`,
);

describe('describeTarget', () => {
  it('names the current context and server, never the credentials', () => {
    const text = describeTarget(parseCli([], {}).flags, { KUBECONFIG: kubeconfig }, load, dir);
    expect(text).toBe('context kind-istio (https://127.0.0.1:6443)');
    expect(describeTarget(parseCli(['--context', 'other', '--kubeconfig', kubeconfig], {}).flags, {}, load, dir)).toBe('context other (https://10.0.0.1)');
  });

  it('says when there is no kubeconfig, and names the practice cluster', () => {
    expect(describeTarget(parseCli([], {}).flags, {}, load, join(dir, 'nohome'))).toBe('no kubeconfig found');
    expect(describeTarget(parseCli(['--practice'], {}).flags, {}, load, dir)).toMatch(/practice cluster \(simulated/);
  });
});
