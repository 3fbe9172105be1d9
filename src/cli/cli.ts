// The CLI: parse, dispatch to a verb, turn every failure into one sentence and an exit code.
// Verbs import what they need lazily so `--version` and `--help` load nothing heavy.

import { installKnobs } from './practice-knobs.js';
import pkg from '../../package.json' with { type: 'json' };
import type { Backend } from '../cluster/port.js';
import type { Engine } from '../engine/types.js';
import type { CheckName } from '../lesson/model.js';
import type { Session } from './session.js';
import { argvLang, parseCli, UsageError, type CliFlags, type ParsedCli } from './args.js';
import { cliMessages } from './messages.js';
import { CliError, describeFailure } from './errors.js';
import { HEADLESS_HINT, HEADLESS_HINT_ZH, helpText } from './usage.js';
import { modules, startupDone } from './modules.js';

export const VERSION: string = pkg.version;

/** What the CLI touches of the outside world (tests pass their own). */
export interface CliIO {
  out(text: string): void; // stdout, one or more lines (a newline is added)
  err(text: string): void; // stderr, likewise
  env: NodeJS.ProcessEnv;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  /** Ask y/n on the terminal (only called when both are TTYs). */
  confirm(question: string): Promise<boolean>;
  /** Register a handler for Ctrl+C / SIGTERM; returns the unregister function. */
  onSignal(handler: (signal: NodeJS.Signals) => void): () => void;
  /** Write raw terminal output (no newline added); only the real terminal has it. */
  paint?(raw: string): void;
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  try {
    const parsed = parseCli(argv, io.env);
    if (parsed.flags.version) {
      io.out(VERSION);
      return 0;
    }
    if (parsed.flags.help || parsed.verb === 'help') {
      io.out(helpText(VERSION, parsed.flags.lang).replace(/\n$/, ''));
      return 0;
    }
    return await dispatch(parsed, io);
  } catch (error) {
    const { text, exitCode } = describeFailure(error, argvLang(argv, io.env));
    io.err(text);
    return exitCode;
  }
}

const backendOf = (flags: CliFlags): Backend => (flags.practice ? 'practice' : 'kube');

async function dispatch({ verb, args, flags }: ParsedCli, io: CliIO): Promise<number> {
  switch (verb) {
    case 'interactive':
      return interactive(flags, io);
    case 'list':
      return list(flags, io);
    case 'manifests':
      return manifests(args, flags, io);
    case 'validate':
      return validate(args, flags, io);
    case 'run':
      return run(args, flags, io);
    case 'check':
      return check(flags, io);
    case 'reset':
      return reset(flags, io);
    case 'practice':
      return practice(flags, io);
    case 'class':
      return (await import('./class-verb.js')).classVerb(args, flags, io, modules);
    case 'drill': {
      const { drillVerb } = await modules.drill();
      return drillVerb(args, flags, io, { loadScreen: modules.ui });
    }
    case 'help':
      return 0;
  }
}

// ---- interactive -------------------------------------------------------------------------------

async function interactive(flags: CliFlags, io: CliIO): Promise<number> {
  if (!io.stdinIsTTY || !io.stdoutIsTTY) {
    io.err(flags.lang === 'zh' ? HEADLESS_HINT_ZH : HEADLESS_HINT);
    return 2;
  }
  // ink draws only its last frame when CI variables are set (is-in-ci, read when ink loads): a
  // learner's shell may export CI, but a terminal on both ends wants every frame.
  if (io.env === process.env) for (const key of ['CI', 'CONTINUOUS_INTEGRATION']) delete process.env[key];
  // Paint a plain first frame before ink and React load (the largest part of start-up); the
  // kubeconfig is read (js-yaml) only when there is one to describe.
  const [{ describeTarget }, { splashFrame }, yaml] = await Promise.all([import('./target.js'), import('../ui/splash.js'), flags.practice ? undefined : import('js-yaml')]);
  const target = describeTarget(flags, io.env, yaml ? yaml.load : () => undefined);
  io.paint?.(splashFrame(flags.lang, flags.practice, target));
  const { runInteractive } = await modules.ui();
  const sessions = interactiveSessions(flags, io.env);
  try {
    return await runInteractive({
      lang: flags.lang,
      preferPractice: flags.practice,
      warnings: [],
      describeTarget: target,
      connect: async (backend) => {
        const engine = await sessions.connect(backend);
        startupDone(); // the connection's code is compiled now: worth keeping
        return engine;
      },
      loadRenderer: async () => (await modules.markdown()).getRenderer(),
      onFirstFrame: startupDone,
      // The drill menu: the drill part loads only when the learner opens it.
      drills: {
        list: async () => (await modules.drill()).interactiveDrills(flags, io.env, sessions.current).list(),
        open: async (name, lang) => (await modules.drill()).interactiveDrills(flags, io.env, sessions.current).open(name, lang),
      },
    });
  } finally {
    await sessions.closeAll();
  }
}

/**
 * The UI's `connect`: load the lessons, connect (or start the practice cluster), open the
 * progress store, create the engine. A retry or a switch of backend replaces the earlier session.
 */
export function interactiveSessions(flags: CliFlags, env: NodeJS.ProcessEnv): { connect(backend: Backend): Promise<Engine>; closeAll(): Promise<void>; current(): Session | undefined } {
  const open: Session[] = [];
  // Connects still in flight (the practice cluster starting, a kube connect): closeAll waits for them.
  const pending = new Set<Promise<unknown>>();
  let generation = 0; // the newest connect; an older one that finishes late is closed at once
  let finished = false; // closeAll was called: the UI has quit
  const closeOpen = async (): Promise<void> => {
    for (const s of open.splice(0)) await s.close().catch(() => undefined);
  };
  return {
    current: () => open[open.length - 1],
    connect: async (backend) => {
      const mine = ++generation;
      await closeOpen();
      const { openSession } = await modules.session();
      const settle = async (): Promise<Session | undefined> => {
        const session = await openSession(flags, backend, { persistProgress: true, persistPractice: true, env });
        if (!finished && mine === generation) return session;
        // The learner quit (or connected again) while this one was starting: nobody will use it.
        await session.close().catch(() => undefined);
        return undefined;
      };
      const opening = settle();
      pending.add(opening);
      let session: Session | undefined;
      try {
        session = await opening;
      } finally {
        pending.delete(opening);
      }
      if (!session) throw new CliError(flags.lang === 'zh' ? '连接已被取代或教程已退出。' : 'This connection was replaced or the tutorial quit.', 1);
      open.push(session);
      return session.engine;
    },
    closeAll: async () => {
      finished = true;
      await closeOpen();
      // A session still opening closes itself when it arrives (see connect); wait for that.
      await Promise.allSettled([...pending]);
      await closeOpen();
    },
  };
}

// ---- lesson-only verbs ---------------------------------------------------------------------------

async function list(flags: CliFlags, io: CliIO): Promise<number> {
  const { loadLessons } = await modules.session();
  const set = await loadLessons(flags);
  const m = cliMessages(flags.lang);
  const shown = flags.track ? set.lessons.filter((l) => l.track === checkTrack(set, flags)) : set.lessons;
  const width = Math.max(...shown.map((l) => l.id.length));
  let track: string | undefined;
  for (const lesson of shown) {
    if (lesson.track !== track) {
      track = lesson.track;
      const def = set.tracks?.find((t) => t.id === track);
      if (def) io.out(`\n${m.trackHeading(def.title[flags.lang], def.requires[flags.lang], def.id)}`);
    }
    const steps = lesson.steps.length;
    const count = flags.lang === 'zh' ? `${steps} 步` : `${steps} step${steps === 1 ? '' : 's'}`;
    io.out(`${lesson.id.padEnd(width)}  ${lesson.title[flags.lang]}  (${count})`);
  }
  return 0;
}

/** `--track ID`, checked against the course's tracks (a UsageError names them). */
function checkTrack(set: { tracks?: { id: string }[]; lessons: { track?: string }[] }, flags: CliFlags): string | undefined {
  if (flags.track === undefined) return undefined;
  const ids = (set.tracks ?? []).map((t) => t.id);
  if (!ids.includes(flags.track)) throw new UsageError(cliMessages(flags.lang).unknownTrack(flags.track, ids));
  if (!set.lessons.some((l) => l.track === flags.track)) throw new UsageError(cliMessages(flags.lang).emptyTrack(flags.track));
  return flags.track;
}

function selectLessons<T extends { id: string; track?: string }>(lessons: T[], named: string[], flags: CliFlags, track?: string): T[] {
  const unknown = named.filter((id) => !lessons.some((l) => l.id === id));
  if (unknown.length > 0) throw new UsageError(cliMessages(flags.lang).unknownLesson(unknown, lessons.map((l) => l.id)));
  if (track) return lessons.filter((l) => l.track === track || named.includes(l.id));
  // As with run: no names, the core lessons.
  return named.length === 0 ? lessons.filter((l) => !l.track) : lessons.filter((l) => named.includes(l.id));
}

async function manifests(named: string[], flags: CliFlags, io: CliIO): Promise<number> {
  const { loadLessons } = await modules.session();
  const set = await loadLessons(flags);
  const docs: string[] = [];
  for (const lesson of selectLessons(set.lessons, named, flags, checkTrack(set, flags)))
    for (const step of lesson.steps)
      if (step.kind === 'apply')
        for (const manifest of step.manifests) docs.push(`# Source: ${manifest.file} (lesson ${lesson.id}, step ${step.id})\n${manifest.yaml.replace(/^---\n/, '').replace(/\n+$/, '')}`);
  if (docs.length === 0) {
    io.err('egress-tutorial: these lessons apply no manifests.');
    return 0;
  }
  io.out(docs.join('\n---\n'));
  return 0;
}

async function validate(args: string[], flags: CliFlags, io: CliIO): Promise<number> {
  const { loadLessonSet, defaultLessonsDir, formatProblems, parseSetFlags } = await modules.lesson();
  const dir = args[0] ?? flags.lessons ?? defaultLessonsDir();
  let set: Record<string, string>;
  try {
    set = parseSetFlags(flags.set);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  // Every gateway mode (or the one --gateway names): a step of one mode is rendered with its values.
  const modes = flags.gateway ? [flags.gateway] : (['shared', 'own'] as const);
  const loads = modes.map((gateway) => loadLessonSet(dir, { set, namespace: flags.namespace ?? 'default', istioNamespace: flags.istioNamespace, gateway }));
  const seen = new Set<string>();
  const problems = loads.flatMap((l) => l.problems).filter((p) => {
    const key = `${p.file}:${p.line}:${p.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  const lessons = loads[0].set;
  if (problems.length > 0 || !lessons) {
    io.out(formatProblems(problems).replace(/\n+$/, ''));
    io.err(`egress-tutorial: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${dir}.`);
    return 1;
  }
  // The drills (lessons/drills/) are checked against the lessons they build on, in every mode.
  const { loadDrills } = await modules.drill();
  const drillLoads = loads.map((l) => loadDrills(l.set!));
  const drills = drillLoads[0];
  const drillProblems = drillLoads.flatMap((d) => d.problems).filter((p) => {
    const key = `${p.file}:${p.line}:${p.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  if (drillProblems.length > 0) {
    io.out(formatProblems(drillProblems).replace(/\n+$/, ''));
    io.err(`egress-tutorial: ${drillProblems.length} problem${drillProblems.length === 1 ? '' : 's'} in ${dir}.`);
    return 1;
  }
  const steps = lessons.lessons.reduce((n, l) => n + l.steps.length, 0);
  const drillCount = drills.drills.length ? `, ${drills.drills.length} drill${drills.drills.length === 1 ? '' : 's'}` : '';
  io.out(`${dir}: ${lessons.lessons.length} lessons, ${steps} steps${drillCount}, no problems.`);
  return 0;
}

// ---- cluster verbs -------------------------------------------------------------------------------

/** Run `body` with the session closed on exit and on Ctrl+C / SIGTERM (streams stop at once). */
async function withSignals<T>(io: CliIO, dispose: () => void, body: (interrupted: () => NodeJS.Signals | undefined) => Promise<T>): Promise<T> {
  let received: NodeJS.Signals | undefined;
  const off = io.onSignal((signal) => {
    received = signal;
    dispose();
  });
  try {
    return await body(() => received);
  } finally {
    off();
  }
}

const signalExit = (signal: NodeJS.Signals): number => (signal === 'SIGINT' ? 130 : 143);

async function run(named: string[], flags: CliFlags, io: CliIO): Promise<number> {
  const m = cliMessages(flags.lang);
  if (!flags.yes) throw new UsageError(m.runNeedsYes);
  const [{ openSession, loadLessons }, { lessonsToRun }, { runHeadless }] = await Promise.all([modules.session(), modules.machine(), modules.headless()]);
  // Check the lesson names before connecting anywhere.
  const preview = await loadLessons(flags);
  const { ids, unknown } = lessonsToRun(preview.lessons, named, checkTrack(preview, flags));
  if (unknown.length > 0) throw new UsageError(m.unknownLesson(unknown, preview.lessons.map((l) => l.id)));

  const backend = backendOf(flags);
  const session = await openSession(flags, backend, {
    persistProgress: backend === 'kube',
    persistPractice: false,
    env: io.env,
    lessons: preview,
    onWarning: (w) => io.err(`egress-tutorial: ${w}`),
  });
  try {
    return await withSignals(io, () => session.disposeNow(), async (interrupted) => {
      const identity = session.port.identity();
      for (const w of session.warnings) io.err(`egress-tutorial: ${w}`);
      const zh = flags.lang === 'zh';
      const practiceWhere = session.joined
        ? zh
          ? `正在运行的练习集群（模拟，进程 ${session.joined.pid}）`
          : `the running practice cluster (simulated, pid ${session.joined.pid})`
        : zh
          ? '练习集群（模拟）'
          : 'the practice cluster (simulated)';
      const where = backend === 'practice' ? practiceWhere : zh ? `上下文 ${identity.context}（${identity.server}）` : `context ${identity.context} (${identity.server})`;
      io.out(zh ? `在${where}上运行 ${ids.length} 门课程，命名空间 ${session.namespace}。` : `Running ${ids.length} lesson${ids.length === 1 ? '' : 's'} on ${where}, namespace ${session.namespace}.`);
      io.out(m.gatewayFrom(session.gateway.mode, session.gateway.source, session.gateway.class));
      const asked = (id: string): boolean => named.includes(id) || (flags.track !== undefined && preview.lessons.some((l) => l.id === id && l.track === flags.track));
      const added = named.length > 0 || flags.track ? ids.filter((id) => !asked(id)) : [];
      if (added.length) io.out(zh ? `同时运行 ${added.join('、')}：所列课程依赖它们。` : `Including ${added.join(', ')}: required by the lessons named.`);
      const result = await runHeadless(session.engine, ids, flags.lang, (t) => io.out(t), { trace: flags.trace === true });
      const signal = interrupted();
      if (signal) {
        io.err(`egress-tutorial: ${m.interrupted(backend === 'kube')}`);
        return signalExit(signal);
      }
      if (!result.ok && result.failed) {
        io.err(`egress-tutorial: ${m.failedAt(`${result.failed.lesson}/${result.failed.step}`, result.failed.verdict.summary)}`);
        return 1;
      }
      io.out(zh ? `\n全部 ${result.passed} 项验证通过。` : `\nAll ${result.passed} verifications passed.`);
      return 0;
    });
  } finally {
    await session.close();
  }
}

async function check(flags: CliFlags, io: CliIO): Promise<number> {
  const [{ connect, loadLessons, sessionGateway, progressKey }, { clientTarget }, { gatewayTarget, gatewayClaims }, { openProgressStore, stateDir }] = await Promise.all([
    modules.session(),
    modules.runners(),
    modules.gateway(),
    modules.progress(),
  ]);
  // A track's pre-flight is what its lessons' check steps ask for; its name is checked before connecting.
  const track = flags.track ? checkTrack(await loadLessons(flags), flags) : undefined;
  const backend = backendOf(flags);
  const connection = await connect(flags, backend, { persistPractice: true, env: io.env });
  try {
    const progress = openProgressStore({ clusterKey: progressKey(connection.port, backend), namespace: connection.namespace, stateDir: stateDir(io.env) });
    const { gateway } = await sessionGateway(flags, connection.port, connection.namespace, progress);
    const lessons = await loadLessons(flags, connection.namespace, gateway.mode).catch(() => undefined);
    const checks = track && lessons ? trackChecks(lessons.lessons, track) : undefined;
    const client = lessons ? clientTarget(lessons, connection.namespace) : { namespace: connection.namespace, labels: { app: 'curl' }, container: 'curl' };
    const identity = connection.port.identity();
    const m = cliMessages(flags.lang);
    // The identity, not the flag: an exported practice KUBECONFIG is the practice cluster too.
    io.out(m.preflightFor(identity.backend === 'practice' ? m.practiceWhere : m.contextWhere(identity.context, identity.server), connection.namespace, flags.istioNamespace));
    io.out(m.gatewayFrom(gateway.mode, gateway.source, gateway.class));
    const results = await connection.port.preflight({
      clientNamespace: connection.namespace,
      istioNamespace: flags.istioNamespace,
      client,
      ...(lessons ? { gateway: gatewayTarget(lessons), gatewayClaims: gatewayClaims(lessons) } : {}),
      ...(checks ? { checks } : {}),
    });
    for (const r of results) {
      io.out(`${r.level.toUpperCase().padEnd(4)}  ${r.name}: ${r.summary}`);
      for (const d of r.details ?? []) io.out(`      ${d}`);
      if (r.fix && r.level !== 'pass') io.out(r.fix.split('\n').map((l) => `      → ${l}`).join('\n'));
    }
    const fails = results.filter((r) => r.level === 'fail').length;
    const warns = results.filter((r) => r.level === 'warn').length;
    io.out(fails ? m.notReady(fails) : m.ready(warns));
    return fails ? 1 : 0;
  } finally {
    await connection.release();
  }
}

/** The checks a track's lessons ask for (their check steps), with the connection's first. */
function trackChecks(lessons: { track?: string; steps: { kind: string; checks?: string[] }[] }[], track: string): CheckName[] {
  const names = new Set<string>(['cluster-reachable']);
  for (const lesson of lessons.filter((l) => l.track === track)) for (const step of lesson.steps) if (step.kind === 'check') for (const c of step.checks ?? []) names.add(c);
  return [...names] as CheckName[];
}

async function reset(flags: CliFlags, io: CliIO): Promise<number> {
  const m = cliMessages(flags.lang);
  if (!flags.yes && (!io.stdinIsTTY || !io.stdoutIsTTY)) throw new UsageError(m.resetNeedsYes);
  const [{ connect, progressKey }, { openProgressStore, stateDir }] = await Promise.all([modules.session(), modules.progress()]);
  const backend = backendOf(flags);
  const connection = await connect(flags, backend, { persistPractice: true, env: io.env });
  try {
    const namespaces = [...new Set([connection.namespace, flags.istioNamespace])];
    const managed = await connection.port.listManaged({ namespaces });
    // Objects outside the learner's namespace are shared: reset releases this namespace's claim and
    // deletes one only when nobody else relies on it, or with --include-shared.
    const shared = { namespaces: [flags.istioNamespace].filter((n) => n !== connection.namespace), learner: connection.namespace, include: flags.includeShared === true };
    if (managed.length === 0) io.out(m.nothingCreated);
    else {
      io.out(m.created(managed.length));
      for (const ref of managed) io.out(`  ${ref.kind}/${ref.name}${ref.namespace ? ` (${ref.namespace})` : ''}${ref.namespace && shared.namespaces.includes(ref.namespace) && !shared.include ? m.sharedNote : ''}`);
    }
    if (!flags.yes) {
      if (!(await io.confirm(m.confirmReset(managed.length > 0)))) {
        io.out(m.nothingChanged);
        return 1;
      }
    }
    const removed = managed.length ? await connection.port.deleteManaged({ namespaces: [connection.namespace], shared }, { waitMs: 60_000 }) : [];
    for (const r of removed) io.out(`  ${r.ref.kind}/${r.ref.name}: ${r.shared ?? r.result}${r.message ? ` — ${r.message}` : ''}`);
    const kept = removed.filter((r) => r.shared);
    if (kept.length) io.out(m.sharedKept(kept.length, kept.map((r) => `${r.ref.kind} ${r.ref.namespace}/${r.ref.name}`).join(', ')));
    const store = openProgressStore({ clusterKey: progressKey(connection.port, backend), namespace: connection.namespace, stateDir: stateDir(io.env), lang: flags.lang });
    if (store.persistent === false && store.warning) io.err(`egress-tutorial: ${store.warning}`);
    store.clear();
    const errors = removed.filter((r) => r.result === 'error');
    io.out(errors.length ? m.resetErrors(errors.length, errors.map((r) => `${r.ref.kind}/${r.ref.name}`)) : store.persistent === false ? m.resetDoneStateUnusable : m.resetDone);
    return errors.length ? 1 : 0;
  } finally {
    await connection.release();
  }
}

async function practice(flags: CliFlags, io: CliIO): Promise<number> {
  const [{ startPracticeCluster }, { stateDir }, { mkdirSync }, { join }, info] = await Promise.all([
    modules.practice(),
    modules.progress(),
    import('node:fs'),
    import('node:path'),
    modules.practiceInfo(),
  ]);
  const zh = flags.lang === 'zh';
  const dir = stateDir(io.env);
  const problem = (await modules.progress()).stateDirProblem(dir, flags.lang, 'practice');
  if (problem) throw new CliError(problem, 1);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Two servers on one state file would overwrite each other's state.
  const running = await info.findRunningPractice(dir);
  if (running) {
    throw new CliError(
      zh
        ? `练习集群已经在运行（进程 ${running.pid}，${running.url}）：在其他终端用 \`export KUBECONFIG=${running.kubeconfig}\` 或 \`egress-tutorial --practice\` 加入它。`
        : `A practice cluster is already running (pid ${running.pid}, ${running.url}): join it with \`export KUBECONFIG=${running.kubeconfig}\` or \`egress-tutorial --practice\` in another terminal.`,
      1,
    );
  }
  const stateFile = join(dir, 'practice-cluster.json');
  // --profile and --gateway-api reinstall that part on the saved cluster; without them, the cluster is as it was.
  const cluster = await startPracticeCluster({ stateFile, knobs: installKnobs(flags) });
  try {
    const path = await cluster.writeKubeconfig(join(dir, 'practice.kubeconfig'));
    let stop!: (signal: NodeJS.Signals) => void;
    const stopped = new Promise<NodeJS.Signals>((resolve) => (stop = resolve));
    const off = io.onSignal((signal) => stop(signal));
    info.writePracticeInfo(dir, { pid: process.pid, url: cluster.url, kubeconfig: path });
    try {
      io.out(practiceBanner(zh, cluster.url, path, stateFile));
      const signal = await stopped;
      io.out(zh ? '正在停止练习集群。' : 'Stopping the practice cluster.');
      return signal === 'SIGINT' ? 0 : signalExit(signal);
    } finally {
      off();
      info.removePracticeInfo(dir);
    }
  } finally {
    await cluster.stop();
  }
}

function practiceBanner(zh: boolean, url: string, kubeconfig: string, stateFile: string): string {
  if (zh)
    return [
      `练习集群（模拟的 Kubernetes API 加 Istio 网格模型，运行在本进程中）已在 ${url} 上运行。`,
      '',
      '在另一个终端中：',
      `  export KUBECONFIG=${kubeconfig}`,
      '  kubectl get pods -A              # kubectl 用这个 KUBECONFIG 看到的是同一个集群',
      '  egress-tutorial --practice       # 教程加入这个正在运行的练习集群',
      '',
      `它的状态保存在 ${stateFile}。按 Ctrl+C 停止。`,
    ].join('\n');
  return [
    `The practice cluster (simulated: a Kubernetes API with an Istio mesh model, in this process) is running at ${url}.`,
    '',
    'In another terminal:',
    `  export KUBECONFIG=${kubeconfig}`,
    '  kubectl get pods -A              # kubectl with this KUBECONFIG sees the same cluster',
    '  egress-tutorial --practice       # the tutorial joins this running practice cluster',
    '',
    `Its state is kept in ${stateFile}. Press Ctrl+C to stop it.`,
  ].join('\n');
}

export { CliError };
