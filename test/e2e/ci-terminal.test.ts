// A learner whose shell exports CI=true still gets a live screen in a real terminal: ink would
// otherwise draw only its last frame (is-in-ci). The built bin in tmux at 80×24 on the practice
// cluster: the lesson list appears and answers keys. Skipped, saying why, where tmux is missing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, ensureBundle, onPath, Tmux } from './tmux.js';

const why = onPath('tmux') ? '' : 'tmux not installed: the terminal test needs it';
if (why) console.warn(`test/e2e: skipped — ${why}`);

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe.skipIf(why !== '')('CI=true in a learner’s terminal', () => {
  it('the tutorial still draws every frame: the lesson list comes up and the cursor moves', async () => {
    ensureBundle();
    const dir = mkdtempSync(path.join(tmpdir(), 'ci-terminal-'));
    const tmux = new Tmux(`ci-terminal-${process.pid}`);
    cleanup = () => {
      tmux.kill();
      rmSync(dir, { recursive: true, force: true });
    };
    tmux.start([process.execPath, BIN, '--practice', '--lang', 'en'], { CI: 'true', CONTINUOUS_INTEGRATION: '1', XDG_STATE_HOME: path.join(dir, 'state'), NO_COLOR: '1' });
    let screen = await tmux.waitFor('── Lessons', 30_000);
    expect(screen).toMatch(/› · 1\. /);
    tmux.press('j');
    screen = await tmux.waitFor(/› · 2\. /);
    expect(screen).not.toMatch(/› · 1\. /);
    tmux.press('q');
  }, 60_000);
});
