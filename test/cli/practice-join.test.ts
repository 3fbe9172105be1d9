// `egress-tutorial practice` keeps a cluster running; `--practice` elsewhere joins it instead of
// starting a second one on the same state file. In-process, loopback only.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { interactiveSessions } from '../../src/cli/cli.js';
import { parseCli } from '../../src/cli/args.js';
import { findRunningPractice, practiceInfoPath, readPracticeInfo, writePracticeInfo } from '../../src/cli/practice-info.js';
import { load } from 'js-yaml';
import { describeTarget } from '../../src/cli/target.js';
import { waitFor } from '../engine/fixtures.js';
import { memoryIO } from './io.js';

const state = mkdtempSync(join(tmpdir(), 'practice-join-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

describe('joining a running practice cluster', () => {
  it('practice writes a note; run/--practice and interactive join it; a second practice refuses; the note goes on exit', async () => {
    const env = { XDG_STATE_HOME: state };
    const dir = join(state, 'egress-tutorial');
    const serve = memoryIO(env);
    const serving = runCli(['practice'], serve);
    await waitFor(() => serve.stdout.some((l) => l.includes('export KUBECONFIG=')), 'the practice banner', 20_000);
    const banner = serve.stdout.join('\n');
    expect(banner).toMatch(/egress-tutorial --practice +# the tutorial joins this running practice cluster/);
    expect(banner).toMatch(/kubectl with this KUBECONFIG sees the same cluster/);
    const note = readPracticeInfo(dir);
    expect(note?.pid).toBe(process.pid);
    expect(banner).toContain(note!.url);
    try {
      const run = memoryIO(env);
      expect(await runCli(['run', '02-setup', '--yes', '--practice'], run)).toBe(0);
      expect(run.stdout[0]).toMatch(/^Running 1 lesson on the running practice cluster \(simulated, pid \d+\)/);

      const sessions = interactiveSessions(parseCli(['--practice'], env).flags, env);
      try {
        const engine = await sessions.connect('practice');
        expect(engine.snapshot().cluster.backend).toBe('practice');
        expect(engine.snapshot().cluster.server).toContain(new URL(note!.url).port);
        expect(engine.snapshot().cluster.kubeconfig).toBe(note!.kubeconfig);
      } finally {
        await sessions.closeAll();
      }

      expect(describeTarget(parseCli(['--practice'], env).flags, env, load)).toBe(`the running practice cluster (simulated, pid ${process.pid}, ${note!.url})`);

      // The learner exported the printed KUBECONFIG instead of passing --practice: still the practice cluster.
      const viaKubeconfig = memoryIO(env);
      expect(await runCli(['check', '--kubeconfig', note!.kubeconfig], viaKubeconfig)).toBe(0);
      expect(viaKubeconfig.stdout[0]).toMatch(/^Pre-flight for the practice cluster \(simulated\)/);

      const second = memoryIO(env);
      expect(await runCli(['practice'], second)).toBe(1);
      expect(second.stderr.join('\n')).toMatch(/^egress-tutorial: A practice cluster is already running \(pid \d+/);
    } finally {
      serve.signal('SIGINT');
      expect(await serving).toBe(0);
    }
    expect(existsSync(practiceInfoPath(dir))).toBe(false);
  }, 90_000);

  it('an interactive start that runs its own practice cluster leaves the same note: practice refuses, run joins, kubectl\'s kubeconfig works; the note goes on quit', async () => {
    const home = join(state, 'interactive');
    const env = { XDG_STATE_HOME: home };
    const dir = join(home, 'egress-tutorial');
    const sessions = interactiveSessions(parseCli(['--practice'], env).flags, env);
    try {
      const engine = await sessions.connect('practice');
      const note = readPracticeInfo(dir);
      expect(note?.pid).toBe(process.pid);
      expect(engine.snapshot().cluster.server).toContain(new URL(note!.url).port);
      expect(existsSync(note!.kubeconfig)).toBe(true);
      expect(engine.snapshot().cluster.kubeconfig).toBe(note!.kubeconfig); // the UI tells the learner of it

      const second = memoryIO(env);
      expect(await runCli(['practice'], second)).toBe(1);
      expect(second.stderr.join('\n')).toMatch(/^egress-tutorial: A practice cluster is already running \(pid \d+/);

      const run = memoryIO(env);
      expect(await runCli(['run', '02-setup', '--yes', '--practice'], run)).toBe(0);
      expect(run.stdout[0]).toMatch(/^Running 1 lesson on the running practice cluster \(simulated, pid \d+\)/);

      const viaKubeconfig = memoryIO(env);
      expect(await runCli(['check', '--kubeconfig', note!.kubeconfig], viaKubeconfig)).toBe(0);
      expect(viaKubeconfig.stdout[0]).toMatch(/^Pre-flight for the practice cluster \(simulated\)/);
    } finally {
      await sessions.closeAll();
    }
    expect(existsSync(practiceInfoPath(dir))).toBe(false);
  }, 90_000);

  it('a note whose pid is gone or whose server does not answer is stale and removed', async () => {
    const dir = join(state, 'stale');
    mkdirSync(dir, { recursive: true });
    const kubeconfig = join(dir, 'k.yaml');
    writeFileSync(kubeconfig, 'x');
    writePracticeInfo(dir, { pid: 2 ** 22 + 12345, url: 'https://127.0.0.1:1', kubeconfig });
    expect(await findRunningPractice(dir)).toBeUndefined();
    expect(existsSync(practiceInfoPath(dir))).toBe(false);
    // Alive pid (this one), but nothing listens on port 1.
    writePracticeInfo(dir, { pid: process.pid, url: 'https://127.0.0.1:1', kubeconfig });
    expect(await findRunningPractice(dir)).toBeUndefined();
    expect(existsSync(practiceInfoPath(dir))).toBe(false);
    writeFileSync(practiceInfoPath(dir), '{ not json');
    expect(await findRunningPractice(dir)).toBeUndefined();
  });
});
