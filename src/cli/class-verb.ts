// `egress-tutorial class setup|status|reset|teardown`: the instructor's verbs. Flags are checked
// here (one sentence, exit 2) before anything connects; the work is src/classroom's.

import { join, resolve } from 'node:path';
import type { CliIO } from './cli.js';
import { UsageError, type CliFlags } from './args.js';
import { cliMessages } from './messages.js';
import type { Modules } from './modules.js';

const SUBCOMMANDS = ['setup', 'status', 'reset', 'teardown'] as const;
type Sub = (typeof SUBCOMMANDS)[number];

/** Which class flags each sub-command takes (others are a usage error, not silently ignored). */
const FLAGS: Record<Sub, (keyof CliFlags)[]> = {
  setup: ['learners', 'prefix', 'gateway', 'kubeconfigDir', 'tokenHours', 'dryRun'],
  status: ['prefix', 'watch', 'output'],
  reset: ['prefix'],
  teardown: ['prefix', 'kubeconfigDir'],
};
const FLAG_NAMES: Partial<Record<keyof CliFlags, string>> = {
  learners: '--learners',
  prefix: '--prefix',
  gateway: '--gateway',
  kubeconfigDir: '--kubeconfig-dir',
  tokenHours: '--token-hours',
  dryRun: '--dry-run',
  watch: '--watch',
  output: '--output',
};

const PREFIX = /^[a-z0-9][-a-z0-9]*$/;
export const DEFAULT_KUBECONFIG_DIR = 'kubeconfigs';

export interface ClassCommand {
  sub: Sub;
  learners: number;
  prefix: string;
  prefixGiven: boolean;
  tokenHours: number;
  kubeconfigDir: string;
  names: string[];
}

/** Check the class command line. Pure apart from the path it resolves. */
export function parseClassCommand(args: string[], flags: CliFlags): ClassCommand {
  const m = cliMessages(flags.lang);
  const [subName, ...rest] = args;
  if (subName === undefined) throw new UsageError(m.classUsage);
  if (!(SUBCOMMANDS as readonly string[]).includes(subName)) throw new UsageError(m.unknownClassCommand(subName));
  const sub = subName as Sub;
  for (const [key, flag] of Object.entries(FLAG_NAMES) as [keyof CliFlags, string][]) {
    const value = flags[key];
    if (value !== undefined && value !== false && !FLAGS[sub].includes(key)) throw new UsageError(m.flagNotFor(flag, sub));
  }
  if (sub !== 'reset' && rest.length > 0) throw new UsageError(m.classExtraArgs(sub, rest.join(' ')));
  const prefix = flags.prefix ?? 'learner-';
  if (!PREFIX.test(prefix) || prefix.length > 58) throw new UsageError(m.badPrefix(prefix));
  let learners = 0;
  if (sub === 'setup') {
    if (flags.learners === undefined) throw new UsageError(m.learnersNeeded);
    learners = Number(flags.learners);
    if (!/^\d+$/.test(flags.learners) || learners < 1 || learners > 500) throw new UsageError(m.badLearners(flags.learners));
  }
  const tokenHours = flags.tokenHours === undefined ? 12 : Number(flags.tokenHours);
  if (!Number.isFinite(tokenHours) || tokenHours < 1 || tokenHours > 168) throw new UsageError(m.badTokenHours(flags.tokenHours ?? ''));
  if (flags.output !== undefined && flags.output !== 'json') throw new UsageError(m.badOutput(flags.output));
  return { sub, learners, prefix, prefixGiven: flags.prefix !== undefined, tokenHours, kubeconfigDir: resolve(flags.kubeconfigDir ?? DEFAULT_KUBECONFIG_DIR), names: rest };
}

const backendOf = (flags: CliFlags) => (flags.practice ? 'practice' : 'kube') as 'practice' | 'kube';

/** `modules` is cli.ts's: in the bundle it is the payload's (scripts/build.mjs swaps it for cli.ts only). */
export async function classVerb(args: string[], flags: CliFlags, io: CliIO, modules: Modules): Promise<number> {
  const command = parseClassCommand(args, flags);
  const m = cliMessages(flags.lang);
  const tty = io.stdinIsTTY && io.stdoutIsTTY;
  const changes = command.sub !== 'status' && !(command.sub === 'setup' && flags.dryRun);
  if (changes && !flags.yes && !tty) throw new UsageError(m.classNeedsYes(command.sub));

  const [{ connect, loadLessons }, classroom] = await Promise.all([modules.session(), modules.classroom()]);
  const connection = await connect(flags, backendOf(flags), { persistPractice: true, env: io.env });
  try {
    const port = classroom.requireClassOps(connection.port, flags.lang);
    const classIO = { out: io.out, lang: flags.lang, yes: flags.yes, confirm: tty ? io.confirm : undefined };
    switch (command.sub) {
      case 'setup': {
        const { defaultLessonsDir } = await modules.lesson();
        const { readFileSync, existsSync } = await import('node:fs');
        const manifestPath = join(flags.lessons ?? defaultLessonsDir(), '02-setup', 'manifests', 'egress-gateway.yaml');
        const gatewayManifest = existsSync(manifestPath) ? readFileSync(manifestPath, 'utf8') : undefined;
        const result = await classroom.classSetup(
          port,
          {
            learners: command.learners,
            prefix: command.prefix,
            gateway: flags.gateway ?? 'own',
            istioNamespace: flags.istioNamespace,
            kubeconfigDir: command.kubeconfigDir,
            tokenSeconds: Math.round(command.tokenHours * 3600),
            dryRun: flags.dryRun,
            gatewayManifest,
          },
          classIO,
        );
        return result.ok ? 0 : 1;
      }
      case 'status': {
        const lessons = await loadLessons(flags).catch(() => undefined);
        // Done is the core course done; a track's lessons are extra (completedLessons still lists them).
        const lessonIds = lessons?.lessons.filter((l) => l.steps.length > 0 && !l.track).map((l) => l.id) ?? [];
        const prefix = command.prefixGiven ? command.prefix : undefined;
        const fetch = (signal?: AbortSignal) => classroom.collectStatus(port, prefix, signal);
        if (flags.output === 'json') {
          io.out(classroom.statusJson(await fetch()));
          return 0;
        }
        if (flags.watch && tty) {
          const { runClassWatch } = await modules.classWatch();
          // Awaited here: the finally below closes the connection the screen reads through.
          return await runClassWatch({ fetch, lessonIds, lang: flags.lang, title: prefix ?? '*', onSignal: io.onSignal });
        }
        const rows = await fetch();
        const cm = classroom.classMessages(flags.lang);
        if (rows.length === 0) {
          io.out(cm.noLearners(command.prefix));
          return 0;
        }
        const cells = classroom.statusCells(rows, lessonIds, Date.now(), cm);
        io.out(classroom.statusTable(cells, cm.headers));
        io.out(cm.summary(cells.length, cells.filter((c) => c.standing === 'done').length, cells.filter((c) => c.standing === 'failing').length));
        return 0;
      }
      case 'reset':
        return (await classroom.classReset(port, { prefix: command.prefix, learners: command.names, istioNamespace: flags.istioNamespace }, classIO)) ? 0 : 1;
      case 'teardown':
        return (await classroom.classTeardown(port, { prefix: command.prefix, istioNamespace: flags.istioNamespace, kubeconfigDir: command.kubeconfigDir }, classIO)) ? 0 : 1;
    }
  } finally {
    await connection.release();
  }
}
