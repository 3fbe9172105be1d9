// Issue 16 item 5: a state directory that cannot hold progress (a file in its place, a file
// above it, not writable) gives one sentence naming the path and the fix, the store keeps
// progress in memory, the engine's snapshot says progress is not being saved and the UI's status
// line shows it; a relative XDG_STATE_HOME is ignored (XDG spec); `reset` says so instead of
// crashing. Through the real CLI against the practice cluster for reset.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { createEngine } from '../../src/engine/index.js';
import { openProgressStore, stateDir, stateDirProblem } from '../../src/progress/index.js';
import { statusText } from '../../src/ui/frame.js';
import { FakePort, lessonSet } from '../engine/fixtures.js';
import { memoryIO } from '../cli/io.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('an unusable state directory', () => {
  it('a file where the folder should be: one sentence with the path and the fix; progress kept in memory', () => {
    const state = join(dir, 'egress-tutorial');
    writeFileSync(state, 'not a folder');
    const store = openProgressStore({ clusterKey: 'practice', namespace: 'default', stateDir: state });
    expect(store.persistent).toBe(false);
    expect(store.warning).toBe(`Progress cannot be saved: ${state} (or a folder above it) is a file, not a folder; move it away or set XDG_STATE_HOME to a writable folder. Progress is kept in memory for this session only.`);
    store.save({ version: 1, clusterKey: 'practice', namespace: 'default', lessons: { a: { done: ['x'] } }, updatedAt: '2026-12-07T00:00:00Z' });
    expect(store.load()?.lessons).toEqual({ a: { done: ['x'] } });
    expect(() => store.clear()).not.toThrow();

    const engine = createEngine({ lessons: lessonSet(), port: new FakePort(), progress: store, lang: 'en', namespace: 'default', istioNamespace: 'istio-system' });
    expect(engine.snapshot().progressSaved).toBe(false);
    expect(engine.snapshot().warnings).toEqual([store.warning]);
    expect(statusText(engine.snapshot(), 'en')).toContain('progress NOT saved');
    expect(statusText(engine.snapshot(), 'zh')).toContain('进度未保存');
    engine.dispose();
  });

  it('a file above it (ENOTDIR) and a folder that cannot be created (EPERM), in Chinese too', () => {
    writeFileSync(join(dir, 'state'), '');
    expect(stateDirProblem(join(dir, 'state', 'egress-tutorial'), 'zh')).toMatch(/^进度无法保存：.*state\/egress-tutorial（或它的上级）是一个文件，不是文件夹；/);
    // sysfs refuses new folders even to root.
    expect(stateDirProblem('/sys/egress-tutorial-state-test/egress-tutorial')).toMatch(/^Progress cannot be saved: \/sys\/egress-tutorial-state-test\/egress-tutorial cannot be read or written \((EPERM|EACCES|EROFS|ENOENT)\); fix its permissions/);
    const usable = join(dir, 'fine', 'egress-tutorial');
    expect(stateDirProblem(usable)).toBeUndefined();
    expect(openProgressStore({ clusterKey: 'k', namespace: 'default', stateDir: usable }).persistent).toBe(true);
  });

  it('a relative XDG_STATE_HOME is ignored', () => {
    expect(stateDir({ XDG_STATE_HOME: 'relative/state' })).toBe(join(homedir(), '.local', 'state', 'egress-tutorial'));
    expect(stateDir({ XDG_STATE_HOME: '/abs/state' })).toBe('/abs/state/egress-tutorial');
  });

  it('reset --practice --yes with the state folder a file: the sentence, no "unexpected error", exit 0', async () => {
    mkdirSync(join(dir, 'xdg'));
    writeFileSync(join(dir, 'xdg', 'egress-tutorial'), 'oops');
    const io = memoryIO({ XDG_STATE_HOME: join(dir, 'xdg'), HOME: dir, KUBECONFIG: join(dir, 'none') });
    expect(await runCli(['reset', '--practice', '--yes'], io)).toBe(0);
    expect(io.stderr.join('\n')).not.toMatch(/unexpected error/);
    expect(io.stderr).toContain(`egress-tutorial: Progress cannot be saved: ${join(dir, 'xdg', 'egress-tutorial')} (or a folder above it) is a file, not a folder; move it away or set XDG_STATE_HOME to a writable folder. Progress is kept in memory for this session only.`);
    // It does not claim to have cleared progress it could not reach.
    expect(io.stdout.join('\n')).not.toContain('cleared the saved progress');
    expect(io.stdout.at(-1)).toBe('Done: removed what the tutorial created; the progress folder cannot be used (see above), so no saved progress was cleared.');
  }, 30_000);
});
