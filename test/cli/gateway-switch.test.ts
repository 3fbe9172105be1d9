// Issue 11: the gateway mode is recorded with the progress, and a session that switches mode while
// the other mode's objects are still in the namespace says so and how to reset. A real session
// (openSession, kube backend, client-node) against a practice cluster reached by kubeconfig file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { openSession } from '../../src/cli/session.js';
import { runHeadless } from '../../src/cli/headless.js';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';

const dir = mkdtempSync(join(tmpdir(), 'gateway-switch-'));
const env = { XDG_STATE_HOME: join(dir, 'state') };
let practice: PracticeCluster;
let kubeconfig: string;

beforeAll(async () => {
  practice = await startPracticeCluster({ knobs: { podReadyDelayMs: 0 } });
  kubeconfig = await practice.writeKubeconfig(join(dir, 'practice.kubeconfig'));
}, 30_000);
afterAll(async () => {
  await practice?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const flags = (...extra: string[]) => parseCli(['--kubeconfig', kubeconfig, '-n', 'default', ...extra], {}).flags;

describe('switching gateway mode', () => {
  it('records the mode, keeps it on the next start, and warns on a switch with the own gateway still there', async () => {
    const first = await openSession(flags('--gateway', 'own'), 'kube', { persistProgress: true, persistPractice: false, env });
    try {
      expect(first.gateway).toEqual({ mode: 'own', source: 'flag' });
      const result = await runHeadless(first.engine, ['02-setup'], 'en', () => undefined);
      expect(result.ok, result.failed?.verdict.summary).toBe(true);
      expect(first.progress.load()?.gateway).toBe('own');
      expect(first.engine.snapshot().gateway).toBe('own');
    } finally {
      await first.close();
    }
    // No flag: the saved progress keeps the learner in own mode, without a warning.
    const again = await openSession(flags(), 'kube', { persistProgress: true, persistPractice: false, env });
    try {
      expect(again.gateway).toEqual({ mode: 'own', source: 'progress' });
      expect(again.warnings).toEqual([]);
      expect(again.lessons.lessons.find((l) => l.id === '02-setup')!.steps.map((s) => s.id)).toContain('own-gateway');
    } finally {
      await again.close();
    }
    // --gateway shared with lesson 2's own gateway still deployed: say so, and how to reset.
    const switched = await openSession(flags('--gateway', 'shared', '--lang', 'zh'), 'kube', { persistProgress: true, persistPractice: false, env });
    try {
      expect(switched.gateway.mode).toBe('shared');
      expect(switched.warnings).toHaveLength(1);
      expect(switched.warnings[0]).toMatch(/^现在的网关模式是 shared，但命名空间 "default" 里还有教程在 own 模式下创建的对象（[^）]*Deployment\/egressgateway[^）]*），它们指向另一个网关。先运行 `egress-tutorial reset`/);
      expect(switched.engine.snapshot().warnings).toEqual(switched.warnings);
      expect(switched.lessons.lessons.find((l) => l.id === '02-setup')!.steps.map((s) => s.id)).not.toContain('own-gateway');
    } finally {
      await switched.close();
    }
  }, 120_000);
});
