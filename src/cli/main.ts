// Entry point of the `egress-tutorial` bin. Everything heavy is imported lazily by the verbs.

import { argvLang } from './args.js';
import { runCli, type CliIO } from './cli.js';
import { describeFailure } from './errors.js';

const io: CliIO = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  stdinIsTTY: process.stdin.isTTY === true,
  stdoutIsTTY: process.stdout.isTTY === true,
  confirm: async (question) => {
    // Loaded here: only `reset` without --yes asks, and every start would pay for it otherwise.
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return /^y(es)?$/i.test((await rl.question(question)).trim());
    } finally {
      rl.close();
    }
  },
  paint: (raw) => process.stdout.write(raw),
  onSignal: (handler) => {
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
    for (const s of signals) process.on(s, handler);
    return () => {
      for (const s of signals) process.off(s, handler);
    };
  },
};

// Last line of defence: whatever escapes becomes one sentence, never a stack trace.
const fail = (error: unknown): void => {
  const { text, exitCode } = describeFailure(error, argvLang(process.argv.slice(2), process.env));
  process.stderr.write(`${text}\n`);
  process.exit(exitCode);
};
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
// Output piped into `head` and closed early is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});

runCli(process.argv.slice(2), io).then((code) => {
  process.exitCode = code;
}, fail);
