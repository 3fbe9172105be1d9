// Integration: the CLI in-process against the practice cluster, through the real kube backend.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { waitFor } from '../engine/fixtures.js';
import { memoryIO } from './io.js';

const state = mkdtempSync(join(tmpdir(), 'run-practice-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

describe('run --yes --practice', () => {
  it('walks every lesson to exit 0', async () => {
    const io = memoryIO({ XDG_STATE_HOME: join(state, 'walk') });
    const code = await runCli(['run', '--yes', '--practice'], io);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/All \d+ verifications passed\./);
    expect(text).toMatch(/▶ PROOF istio-egressgateway-/);
    expect(text).not.toMatch(/FAIL/);
  }, 90_000);

  it('names the failing step and exits 1 when the cluster is not ready', async () => {
    const io = memoryIO({ XDG_STATE_HOME: join(state, 'fail') });
    const code = await runCli(['run', '02-setup', '--yes', '--practice', '--istio-namespace', 'no-istio-here'], io);
    expect(code).toBe(1);
    expect(io.stderr.at(-1)).toMatch(/^egress-tutorial: FAILED at 02-setup\/\S+: /);
  }, 60_000);

  it('check --practice reports ready; reset --practice --yes clears', async () => {
    const env = { XDG_STATE_HOME: join(state, 'check') };
    const check = memoryIO(env);
    expect(await runCli(['check', '--practice'], check)).toBe(0);
    expect(check.stdout.join('\n')).toMatch(/^PASS  egress-gateway: /m);
    const reset = memoryIO(env);
    expect(await runCli(['reset', '--practice', '--yes'], reset)).toBe(0);
    expect(reset.stdout.at(-1)).toMatch(/^Done/);
    const noYes = memoryIO(env);
    expect(await runCli(['reset', '--practice'], noYes)).toBe(2);
    expect(noYes.stderr[0]).toMatch(/add --yes/);
  }, 60_000);

  it('practice prints export KUBECONFIG and runs until Ctrl+C', async () => {
    const env = { XDG_STATE_HOME: join(state, 'serve') };
    const io = memoryIO(env);
    const running = runCli(['practice'], io);
    await waitFor(() => io.stdout.some((l) => l.includes('export KUBECONFIG=')), 'the practice banner', 20_000);
    const path = /export KUBECONFIG=(\S+)/.exec(io.stdout.join('\n'))![1];
    expect(existsSync(path)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(path.startsWith(join(state, 'serve', 'egress-tutorial'))).toBe(true);
    io.signal('SIGINT');
    expect(await running).toBe(0);
    expect(readdirSync(join(state, 'serve', 'egress-tutorial'))).toContain('practice.kubeconfig');
  }, 30_000);
});
