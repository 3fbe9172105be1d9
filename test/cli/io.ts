// An in-memory CliIO for running the CLI in-process.
import type { CliIO } from '../../src/cli/cli.js';

export interface MemoryIO extends CliIO {
  stdout: string[];
  stderr: string[];
  signal(sig: NodeJS.Signals): void;
  answers: boolean[];
}

export function memoryIO(env: NodeJS.ProcessEnv = {}, tty = false): MemoryIO {
  const handlers = new Set<(s: NodeJS.Signals) => void>();
  const io: MemoryIO = {
    stdout: [],
    stderr: [],
    answers: [],
    out: (t) => io.stdout.push(t),
    err: (t) => io.stderr.push(t),
    env,
    stdinIsTTY: tty,
    stdoutIsTTY: tty,
    confirm: async () => io.answers.shift() ?? false,
    onSignal: (h) => {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    signal: (s) => {
      for (const h of [...handlers]) h(s);
    },
  };
  return io;
}
