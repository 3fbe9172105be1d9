// Driving the built bin in a real terminal: a tmux server of its own (`-L`, so no other session is
// touched), an 80×24 window, keys sent one at a time, the screen read with capture-pane.

import { execFileSync, spawnSync } from 'node:child_process';

export { BIN, ROOT, ensureBundle } from '../fixtures/bundle.js';

export function onPath(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' }).status === 0;
}

export class Tmux {
  constructor(
    readonly socket: string,
    readonly session = 'walk',
  ) {}

  private run(args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  start(command: string[], env: Record<string, string>, columns = 80, rows = 24): void {
    const assignments = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    // A learner's terminal, not CI's: ink draws only its last frame when it sees CI variables (is-in-ci).
    const unset = Object.keys(process.env).filter((k) => k === 'CI' || k === 'CONTINUOUS_INTEGRATION' || k.startsWith('CI_')).flatMap((k) => ['-u', k]);
    this.run(['-f', '/dev/null', 'new-session', '-d', '-s', this.session, '-x', String(columns), '-y', String(rows), 'env', ...unset, ...assignments, ...command]);
    // OSC 52 from the program sets tmux's paste buffer (and the outer terminal's clipboard).
    this.run(['set-option', '-g', 'set-clipboard', 'on']);
  }

  screen(): string {
    return this.run(['capture-pane', '-p', '-t', this.session]);
  }

  /** One key (tmux key names: Enter, Escape, Left, or a character). */
  press(key: string): void {
    this.run(['send-keys', '-t', this.session, ...(key.length === 1 ? ['-l', key] : [key])]);
  }

  buffer(): string {
    const shown = spawnSync('tmux', ['-L', this.socket, 'show-buffer'], { encoding: 'utf8' });
    return shown.status === 0 ? shown.stdout : '';
  }

  async waitFor(what: string | RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    for (;;) {
      screen = this.screen();
      if (typeof what === 'string' ? screen.includes(what) : what.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(what)}; the screen:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { encoding: 'utf8' });
  }
}
