// The `connect` the CLI hands to the UI, against the practice cluster (no terminal needed).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { interactiveSessions } from '../../src/cli/cli.js';
import { ClusterError } from '../../src/cluster/port.js';
import { progressFileName } from '../../src/progress/index.js';

const state = mkdtempSync(join(tmpdir(), 'connect-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

describe('interactive connect', () => {
  it('practice: an engine with progress saved under XDG_STATE_HOME; a corrupt file becomes a warning', async () => {
    const env = { XDG_STATE_HOME: state };
    const dir = join(state, 'egress-tutorial');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, progressFileName('practice', 'default')), 'not json');
    const sessions = interactiveSessions(parseCli(['--practice'], env).flags, env);
    try {
      const engine = await sessions.connect('practice');
      const snap = engine.snapshot();
      expect(snap.cluster.backend).toBe('practice');
      expect(snap.namespace).toBe('default');
      expect(snap.warnings?.[0]).toMatch(/set aside because it is not valid JSON/);
      engine.next();
      expect(readdirSync(dir)).toContain(progressFileName('practice', 'default'));
      expect(readdirSync(dir).some((f) => f.includes('.corrupt-'))).toBe(true);
      // Connecting again replaces the session (the old engine is disposed).
      const again = await sessions.connect('practice');
      expect(again).not.toBe(engine);
      expect(again.snapshot().canResume).toBe(true);
    } finally {
      await sessions.closeAll();
    }
  }, 60_000);

  it('kube: a bad kubeconfig rejects with a ClusterError sentence for the UI to show', async () => {
    const env = { XDG_STATE_HOME: state };
    const sessions = interactiveSessions(parseCli(['--kubeconfig', join(state, 'missing.yaml')], env).flags, env);
    await expect(sessions.connect('kube')).rejects.toBeInstanceOf(ClusterError);
    await sessions.closeAll();
  }, 30_000);
});
