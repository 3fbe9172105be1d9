// The `drill` verb: list the drills, run one interactively (the drill screen), or headless
// (--yes sets it up and prints the symptom; --check verifies the fix, exit 0 when fixed).

import type { Drill, DrillCheck, Probe } from '../drill/index.js';
import { cleanUpDrill, drillLabel, drillRefusal, drillMessages, DrillSession, loadDrills, probeSymptom, setUpDrill, symptomText, verifyDrill, type DrillContext } from '../drill/index.js';
import { shellQuote } from '../engine/kubectl.js';
import type { LessonSet } from '../lesson/model.js';
import { formatProblems } from '../lesson/problems.js';
import { openDrillStore, openProgressStore, stateDir } from '../progress/index.js';
import { UsageError, type CliFlags } from './args.js';
import type { CliIO } from './cli.js';
import { CliError } from './errors.js';
import { connect, loadLessons, progressKey, sessionGateway, type Session } from './session.js';
import type { DrillMenu } from '../ui/drillMenu.js';

export { loadDrills } from '../drill/index.js';

/**
 * The tutorial's drill menu (src/ui/drillMenu.ts) over the session the UI is connected to: the
 * drills of its lesson folder, and a drill attempt on its cluster port, in its namespace and mode.
 */
export function interactiveDrills(flags: CliFlags, env: NodeJS.ProcessEnv, current: () => Session | undefined): DrillMenu {
  const session = (lang: CliFlags['lang']): Session => {
    const s = current();
    if (!s) throw new CliError(lang === 'zh' ? '还没有连接到集群。' : 'The tutorial is not connected to a cluster yet.', 1);
    return s;
  };
  return {
    list: async () => {
      const s = session(flags.lang);
      const { drills, problems } = loadDrills(s.lessons);
      if (problems.length > 0) return { drills: [], problem: `${formatProblems(problems).split('\n')[0]} (egress-tutorial validate)` };
      return {
        drills: drills.map((d) => ({
          name: d.name,
          lesson: d.lesson,
          lessonNumber: s.lessons.lessons.findIndex((l) => l.id === d.lesson) + 1,
          title: d.title,
          symptom: { en: symptomText(d.symptom, 'en'), zh: symptomText(d.symptom, 'zh') },
        }))
        // By lesson, as `drill --list` shows them.
        .sort((a, b) => a.lessonNumber - b.lessonNumber || a.name.localeCompare(b.name)),
      };
    },
    open: async (name, lang) => {
      const s = session(lang);
      const { drills } = loadDrills(s.lessons);
      const drill = drills.find((d) => d.name === name);
      const m = drillMessages(lang);
      if (!drill) throw new CliError(m.unknownDrill(name, drills.map((d) => d.name)), 1);
      const refusal = drillRefusal(drill, { mode: s.gateway.mode, inClass: s.gateway.source === 'class', namespace: s.namespace }, m);
      if (refusal) throw new CliError(refusal, 1);
      const store = openDrillStore({ clusterKey: progressKey(s.port, s.backend), namespace: s.namespace, stateDir: stateDir(env) });
      const attempt = new DrillSession({ port: s.port, lessons: s.lessons, drills, namespace: s.namespace, istioNamespace: flags.istioNamespace, lang, drill, store });
      const identity = s.port.identity();
      return { session: attempt, kubeconfig: identity.backend === 'practice' ? identity.kubeconfig : undefined, context: identity.context, namespace: s.namespace };
    },
  };
}

export interface DrillVerbOptions {
  /** The drill screen, from the UI part of the payload (loaded only on the interactive path). */
  loadScreen: () => Promise<{ runDrillScreen: typeof import('../ui/drill.js').runDrillScreen }>;
}

/** Drills in the lesson folder; problems in drill folders are the folder's (exit 1). */
export function drillsOf(lessons: LessonSet): Drill[] {
  const { drills, problems } = loadDrills(lessons);
  if (problems.length > 0) {
    throw new CliError(`The lesson folder's drills have ${problems.length} problem${problems.length === 1 ? '' : 's'} (listed above); check them with \`egress-tutorial validate\`.`, 1, formatProblems(problems));
  }
  return drills;
}

function list(lessons: LessonSet, drills: Drill[], flags: CliFlags, io: CliIO): number {
  const m = drillMessages(flags.lang);
  if (drills.length === 0) {
    io.out(m.noDrills);
    return 0;
  }
  io.out(m.listHeader);
  const width = Math.max(...drills.map((d) => d.name.length));
  for (const lesson of lessons.lessons) {
    const mine = drills.filter((d) => d.lesson === lesson.id);
    if (mine.length === 0) continue;
    io.out(`\n${m.lessonHeading(lesson.id, lesson.title[flags.lang])}`);
    for (const d of mine) io.out(`  ${d.name.padEnd(width)}  ${d.title[flags.lang]}  (${symptomText(d.symptom, flags.lang)})`);
  }
  return 0;
}

const colon = (flags: CliFlags): string => (flags.lang === 'zh' ? '：' : ':');

const indent = (text: string, prefix: string): string =>
  text
    .replace(/\r/g, '')
    .replace(/\n+$/, '')
    .split('\n')
    .map((l) => `${prefix}${l}`)
    .join('\n');

function printProbe(p: Probe, drill: Drill, flags: CliFlags, io: CliIO): void {
  const m = drillMessages(flags.lang);
  const t = drill.request.target;
  io.out(m.theRequest);
  io.out(`  $ kubectl exec ${p.pod} -c ${t.container} -n ${t.namespace} -- ${p.command.map(shellQuote).join(' ')}`);
  const output = `${p.stdout}${p.stderr}`;
  if (output.trim()) io.out(indent(output, '  | '));
  io.out(m.gatewayLog(p.gatewayLines.length));
  for (const g of p.gatewayLines) io.out(`  ${g.line.pod}: ${g.line.text}`);
  if (p.sidecarLines.length > 0) {
    io.out(m.sidecarLog);
    for (const s of p.sidecarLines) io.out(`  ${s.line.pod}: ${s.line.text}`);
  }
}

function printCheck(c: DrillCheck, flags: CliFlags, io: CliIO): void {
  io.out(`${c.ok ? 'PASS' : 'FAIL'} ${c.summary}`);
  if (c.proofLine) io.out(`  ▶ PROOF ${c.proofLine.pod}: ${c.proofLine.text}`);
  if (!c.ok && c.diagnosis) io.out(indent(c.diagnosis, '    '));
}

export async function drillVerb(named: string[], flags: CliFlags & { list: boolean; check: boolean }, io: CliIO, options: DrillVerbOptions): Promise<number> {
  const m = drillMessages(flags.lang);
  let lessons = await loadLessons(flags);
  let drills = drillsOf(lessons);
  if (flags.list) return list(lessons, drills, flags, io);
  const name = named[0];
  if (!name) throw new UsageError(m.drillNeedsName);
  if (!drills.some((d) => d.name === name)) throw new UsageError(m.unknownDrill(name, drills.map((d) => d.name)));
  const interactive = !flags.yes && !flags.check;
  if (interactive && (!io.stdinIsTTY || !io.stdoutIsTTY)) throw new UsageError(m.drillNeedsTty(name));

  const backend = flags.practice ? 'practice' : 'kube';
  // Kept between runs (the practice cluster's state, the drill's start time): --yes, the
  // learner's kubectl, then --check may be three processes.
  const connection = await connect(flags, backend, { persistPractice: true, env: io.env });
  try {
    // The lessons as this learner's session renders them: namespace and gateway mode (flag, class, saved progress).
    const progress = openProgressStore({ clusterKey: progressKey(connection.port, backend), namespace: connection.namespace, stateDir: stateDir(io.env) });
    const { gateway } = await sessionGateway(flags, connection.port, connection.namespace, progress);
    if (connection.namespace !== (flags.namespace ?? 'default') || gateway.mode !== (lessons.gateway ?? 'shared')) {
      lessons = await loadLessons(flags, connection.namespace, gateway.mode);
      drills = drillsOf(lessons);
    }
    const drill = drills.find((d) => d.name === name)!;
    const refusal = drillRefusal(drill, { mode: gateway.mode, inClass: gateway.source === 'class', namespace: connection.namespace }, m);
    if (refusal) throw new UsageError(refusal);
    const identity = connection.port.identity();
    const store = openDrillStore({ clusterKey: progressKey(connection.port, backend), namespace: connection.namespace, stateDir: stateDir(io.env) });
    const ctx: DrillContext = { port: connection.port, lessons, drills, namespace: connection.namespace, istioNamespace: flags.istioNamespace, lang: flags.lang };
    const kubeconfig = identity.backend === 'practice' ? identity.kubeconfig : undefined;

    if (interactive) {
      const session = new DrillSession({ ...ctx, drill, store });
      const off = io.onSignal(() => void session.quit());
      try {
        const { runDrillScreen } = await options.loadScreen();
        return await runDrillScreen({ session, lang: flags.lang, kubeconfig, context: identity.context, namespace: connection.namespace });
      } finally {
        off();
      }
    }

    if (flags.check) {
      const managed = await connection.port.listManaged({ lesson: drillLabel(drill.name), namespaces: [...new Set([connection.namespace, flags.istioNamespace])] });
      const record = store.load()[drill.name];
      if (managed.length === 0 && !record?.startedAt) throw new CliError(m.notStarted(drill.name), 1);
      const check = await verifyDrill({ ...ctx, onProgress: (t) => io.err(t) }, drill);
      printProbe(check.probe, drill, flags, io);
      printCheck(check, flags, io);
      if (!check.ok) return 1;
      const started = record?.startedAt ? Date.parse(record.startedAt) : Date.now();
      const seconds = Math.max(0, Math.round((Date.now() - started) / 1000));
      const hints = record?.hints ?? 0;
      store.update(drill.name, { passed: true, seconds, hintsUsed: hints, attempts: check.attempts, finishedAt: new Date().toISOString(), startedAt: undefined, hints: undefined });
      io.out(`\n${m.why}${colon(flags)}\n${indent(drill.why[flags.lang], '  ')}`);
      io.out(m.took(seconds, hints));
      const removed = await cleanUpDrill(ctx, drill);
      io.out(m.cleanedUp(removed.filter((r) => r.result === 'deleted').length));
      return 0;
    }

    // --yes: set up, show the symptom, leave it broken for the learner.
    await setUpDrill({ ...ctx, onProgress: (t) => io.err(t) }, drill);
    const { probe: p, asDocumented } = await probeSymptom(ctx, drill);
    if (!asDocumented) io.err(`egress-tutorial: ${m.symptomDiffers(symptomText(drill.symptom, flags.lang), p.outcome)}`);
    store.update(drill.name, { startedAt: new Date().toISOString(), hints: 0 });
    io.out(`${drill.title[flags.lang]}\n\n${drill.summary[flags.lang]}\n`);
    io.out(`${m.symptom}${colon(flags)}`);
    printProbe(p, drill, flags, io);
    io.out('');
    if (backend === 'practice' && !connection.joined) io.out(m.practiceStops);
    else if (kubeconfig) io.out(`${m.pointKubectl}\n  export KUBECONFIG=${kubeconfig}`);
    else io.out(m.realCluster(identity.context, connection.namespace));
    io.out(m.setUpDone(drill.name));
    return 0;
  } finally {
    await connection.release();
  }
}
