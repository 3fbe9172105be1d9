// Integration (issue 11): the headless walk in both gateway modes, in-process against the practice
// cluster through the real kube backend (client-node over loopback).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { memoryIO } from './io.js';

const state = mkdtempSync(join(tmpdir(), 'run-modes-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

describe('run --yes --practice --gateway own', () => {
  it.each(['en', 'zh'] as const)('walks every lesson with the learner\'s own gateway (%s)', async (lang) => {
    const io = memoryIO({ XDG_STATE_HOME: join(state, `own-${lang}`) });
    const code = await runCli(['run', '--yes', '--practice', '--gateway', 'own', '--lang', lang], io);
    const text = io.stdout.join('\n');
    expect(io.stderr, text.slice(-3000)).toEqual([]);
    expect(code).toBe(0);
    expect(text).toMatch(lang === 'zh' ? /全部 \d+ 项验证通过/ : /All \d+ verifications passed\./);
    expect(text).toContain(lang === 'zh' ? '网关模式 own（--gateway）' : 'Gateway mode own (--gateway).');
    // Lesson 2 deployed the own gateway, and both proofs came from its pod in the learner's namespace.
    expect(text).toMatch(/own-gateway \(apply\)/);
    const proofs = text.split('\n').filter((l) => l.includes('▶ PROOF'));
    expect(proofs).toHaveLength(2);
    for (const p of proofs) expect(p).toMatch(/▶ PROOF egressgateway-/);
    expect(text).not.toMatch(/▶ PROOF istio-egressgateway-/);
    // The equivalent commands name the learner's own gateway.
    expect(text).toContain('kubectl logs -f -l istio=egressgateway-default -c istio-proxy -n default');
    expect(text).not.toMatch(/FAIL/);
  }, 120_000);

  it('the shared walk says its mode and proves through the Istio namespace\'s gateway', async () => {
    const io = memoryIO({ XDG_STATE_HOME: join(state, 'shared') });
    const code = await runCli(['run', '--yes', '--practice'], io);
    const text = io.stdout.join('\n');
    expect(code, text.slice(-3000)).toBe(0);
    expect(text).toContain('Gateway mode shared.');
    expect(text).not.toMatch(/own-gateway \(apply\)/);
    expect(text.split('\n').filter((l) => l.includes('▶ PROOF istio-egressgateway-'))).toHaveLength(2);
  }, 120_000);

  it('refuses a mode that does not exist, in one sentence (exit 2)', async () => {
    const io = memoryIO({ XDG_STATE_HOME: join(state, 'bad') });
    expect(await runCli(['run', '--yes', '--practice', '--gateway', 'mine'], io)).toBe(2);
    expect(io.stderr).toEqual(['egress-tutorial: --gateway must be shared (the Istio namespace\'s egress gateway) or own (your own, in your namespace), not "mine".']);
  });
});
