// Opening a tutorial session: load the lessons, connect to the cluster (a real one, or the
// practice cluster started in-process), open the progress store, create the engine.
// Heavy modules (client-node, the practice cluster, the lesson loader) are imported lazily here.

import { installKnobs } from './practice-knobs.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend, ClusterPort } from '../cluster/port.js';
import { createEngine } from '../engine/index.js';
import type { Engine, ProgressStore } from '../engine/types.js';
import type { GatewayMode, LessonSet } from '../lesson/model.js';
import { modeSwitchWarning, otherModeObjects, resolveGatewayMode, type GatewayModeSource } from '../engine/gateway.js';
import type { PracticeCluster } from '../practice/types.js';
import { startPublisher, type Publisher } from '../classroom/publisher.js';
import { memoryProgressStore, openProgressStore, stateDir, stateDirProblem } from '../progress/index.js';
import type { CliFlags } from './args.js';
import { CliError } from './errors.js';
import { findRunningPractice, removePracticeInfo, writePracticeInfo, type PracticeInfo } from './practice-info.js';

export interface SessionOptions {
  /** Keep progress on disk (interactive, check, reset) or in memory (a headless walk of a throw-away practice cluster). */
  persistProgress: boolean;
  /** Keep the practice cluster's state between runs (interactive), or start it fresh (headless). */
  persistPractice: boolean;
  verifyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Lessons already loaded for the flags' namespace (saves loading them twice). */
  lessons?: LessonSet;
  /** Additive: a sentence for the learner that came up after the start (the class progress publisher's one warning). */
  onWarning?: (message: string) => void;
}

export interface Session {
  engine: Engine;
  port: ClusterPort;
  lessons: LessonSet;
  progress: ProgressStore;
  namespace: string;
  backend: Backend;
  warnings: string[];
  /** The gateway mode and where it came from (the flag, the class, the saved progress, the default). Additive. */
  gateway: { mode: GatewayMode; source: GatewayModeSource; class?: string };
  /** The running `egress-tutorial practice` this session joined, if it did. Additive. */
  joined?: PracticeInfo;
  /** Additive: publishes progress to the instructor when the namespace is a class's (src/classroom). */
  publisher?: Publisher;
  /** Stop streams synchronously (signal handlers). */
  disposeNow(): void;
  /** Stop everything: engine, port, practice cluster. */
  close(): Promise<void>;
}

/** Load and validate the lesson folder; problems become one CliError (exit 1). */
export async function loadLessons(flags: CliFlags, namespace?: string, gateway?: GatewayMode): Promise<LessonSet> {
  const { loadLessonSet, defaultLessonsDir, formatProblems, parseSetFlags, SetFlagError } = await import('../lesson/index.js');
  let set: Record<string, string>;
  try {
    set = parseSetFlags(flags.set);
  } catch (error) {
    if (error instanceof SetFlagError) throw new CliError(error.message, 2);
    throw error;
  }
  const dir = flags.lessons ?? defaultLessonsDir();
  const loaded = loadLessonSet(dir, { set, namespace: namespace ?? flags.namespace ?? 'default', istioNamespace: flags.istioNamespace, gateway: gateway ?? flags.gateway ?? 'shared' });
  if (!loaded.set || loaded.problems.length > 0) {
    // Only flag values (--set, -n, --istio-namespace) were refused: that is a usage error, not the folder's.
    if (loaded.problems.every((p) => p.file.startsWith('-'))) throw new CliError(formatProblems(loaded.problems), 2);
    const count = loaded.problems.length;
    throw new CliError(`The lesson folder ${dir} has ${count} problem${count === 1 ? '' : 's'} (listed above); fix them and check with \`egress-tutorial validate ${dir}\`.`, 1, formatProblems(loaded.problems));
  }
  if (!loaded.set.lessons.some((l) => l.steps.length > 0)) throw new CliError(`The lesson folder ${dir} has no lessons with steps.`, 1);
  return loaded.set;
}

export interface Connection {
  port: ClusterPort;
  namespace: string;
  backend: Backend;
  practice?: PracticeCluster;
  /** Set when --practice joined the cluster a running `egress-tutorial practice` serves. Additive. */
  joined?: PracticeInfo;
  /** Close the port and stop the practice cluster. */
  release(): Promise<void>;
}

/** Connect to the real cluster, or start the practice cluster and connect to it the same way. */
export async function connect(flags: CliFlags, backend: Backend, options: { persistPractice: boolean; env?: NodeJS.ProcessEnv }): Promise<Connection> {
  const { connectCluster } = await import('../cluster/index.js');
  if (backend === 'kube') {
    const { port, namespace } = await connectCluster({
      kubeconfig: flags.kubeconfig,
      context: flags.context,
      namespace: flags.namespace,
      istioNamespace: flags.istioNamespace,
      backend: 'kube',
      env: options.env,
      lang: flags.lang,
    });
    return { port, namespace, backend, release: async () => port.close() };
  }
  // `egress-tutorial practice` in another terminal: join its cluster rather than start a second
  // one on the same state file. Same kube backend; it recognises the practice context.
  const running = await findRunningPractice(stateDir(options.env));
  if (running) {
    const { port, namespace } = await connectCluster({
      kubeconfig: running.kubeconfig,
      kubectlKubeconfig: running.kubeconfig,
      namespace: flags.namespace ?? 'default',
      istioNamespace: flags.istioNamespace,
      backend: 'practice',
      env: options.env,
      lang: flags.lang,
    });
    return { port, namespace, backend, joined: running, release: async () => port.close() };
  }
  const { startPracticeCluster } = await import('../practice/index.js');
  // An unusable state directory: the practice cluster runs in memory (the progress store says why).
  const wanted = options.persistPractice ? stateDir(options.env) : undefined;
  const dir = wanted && !stateDirProblem(wanted, flags.lang) ? wanted : undefined;
  if (dir) mkdirSync(dir, { recursive: true, mode: 0o700 });
  // A throw-away practice cluster (headless runs) need not pretend pods take time to start.
  const profileKnobs = installKnobs(flags);
  const practice = await startPracticeCluster(dir ? { stateFile: join(dir, 'practice-cluster.json'), knobs: profileKnobs } : { knobs: { podReadyDelayMs: 0, ...profileKnobs } });
  try {
    // Kept like `egress-tutorial practice` keeps its cluster: kubectl, `practice` and another
    // `--practice` in a second terminal find this one and join it instead of starting a second
    // server on the same state file.
    const kubeconfig = dir ? await practice.writeKubeconfig(join(dir, 'practice.kubeconfig')) : undefined;
    // The same client-node path as a real cluster, handed the kubeconfig without a file.
    const { port, namespace } = await connectCluster({
      kubeconfigYaml: practice.kubeconfig(),
      kubectlKubeconfig: kubeconfig,
      namespace: flags.namespace ?? 'default',
      istioNamespace: flags.istioNamespace,
      backend: 'practice',
      env: options.env,
      lang: flags.lang,
    });
    if (dir && kubeconfig) writePracticeInfo(dir, { pid: process.pid, url: practice.url, kubeconfig });
    return {
      port,
      namespace,
      backend,
      practice,
      release: async () => {
        if (dir) removePracticeInfo(dir);
        port.close();
        await practice.stop();
      },
    };
  } catch (error) {
    if (dir) removePracticeInfo(dir);
    await practice.stop();
    throw error;
  }
}

/**
 * The gateway mode: --gateway, else the class's ConfigMap in the learner's namespace (C3), else
 * the saved progress, else shared. `saved` is the mode the saved progress was made in.
 */
export async function sessionGateway(
  flags: CliFlags,
  port: ClusterPort,
  namespace: string,
  progress?: ProgressStore,
): Promise<{ gateway: { mode: GatewayMode; source: GatewayModeSource; class?: string }; saved?: GatewayMode }> {
  let saved: GatewayMode | undefined;
  try {
    saved = progress?.load()?.gateway;
  } catch {
    saved = undefined;
  }
  const klass = flags.gateway ? undefined : await port.classSettings?.(namespace).catch(() => undefined);
  return { gateway: { ...resolveGatewayMode({ flag: flags.gateway, klass: klass?.gateway, saved }), ...(klass?.class ? { class: klass.class } : {}) }, saved };
}

/** The key progress is saved under: the practice cluster is one place whatever port it listens on. */
export function progressKey(port: ClusterPort, backend: Backend): string {
  return backend === 'practice' ? 'practice' : port.identity().key;
}

export async function openSession(flags: CliFlags, backend: Backend, options: SessionOptions): Promise<Session> {
  let lessons = options.lessons ?? (await loadLessons(flags));
  const connection = await connect(flags, backend, { persistPractice: options.persistPractice, env: options.env });
  try {
    const progress = options.persistProgress
      ? openProgressStore({ clusterKey: progressKey(connection.port, backend), namespace: connection.namespace, stateDir: stateDir(options.env), lang: flags.lang })
      : memoryProgressStore();
    const { gateway, saved } = await sessionGateway(flags, connection.port, connection.namespace, progress);
    // The context's namespace or the mode may differ from what the lessons were first rendered with.
    if (connection.namespace !== (flags.namespace ?? 'default') || gateway.mode !== (lessons.gateway ?? 'shared')) lessons = await loadLessons(flags, connection.namespace, gateway.mode);
    const warnings = progress.warning ? [progress.warning] : [];
    // Switching mode with the other mode's objects still in place: say so (one list call, only on a switch).
    if (saved !== undefined && saved !== gateway.mode) {
      const managed = await connection.port.listManaged({ namespaces: [connection.namespace] }).catch(() => []);
      const other = otherModeObjects(gateway.mode, saved, managed);
      if (other.length) warnings.push(modeSwitchWarning(flags.lang, gateway.mode, other, connection.namespace));
    }
    const engine = createEngine({
      lessons,
      port: connection.port,
      progress,
      lang: flags.lang,
      namespace: connection.namespace,
      istioNamespace: flags.istioNamespace,
      verifyTimeoutMs: options.verifyTimeoutMs,
      warnings: warnings.filter((w) => w !== progress.warning),
    });
    // In a class (its ConfigMap, C3, in the learner's namespace), progress goes to the instructor.
    // sessionGateway read the ConfigMap unless --gateway was given; a practice cluster started just now has none.
    const klass = gateway.class !== undefined ? { class: gateway.class } : flags.gateway && !connection.practice ? await connection.port.classSettings?.(connection.namespace).catch(() => undefined) : undefined;
    const publisher = startPublisher(
      { engine, port: connection.port, namespace: connection.namespace, lang: flags.lang, warn: options.onWarning },
      klass ? { gateway: gateway.mode, istioNamespace: flags.istioNamespace, class: klass.class ?? '' } : undefined,
    );
    let closed = false;
    return {
      engine,
      port: connection.port,
      lessons,
      progress,
      namespace: connection.namespace,
      backend,
      warnings,
      gateway,
      ...(connection.joined ? { joined: connection.joined } : {}),
      publisher,
      disposeNow: () => engine.dispose(),
      close: async () => {
        if (closed) return;
        closed = true;
        // The last step's result is what the instructor waits for: publish it before the port closes.
        await publisher.close();
        engine.dispose();
        await connection.release();
      },
    };
  } catch (error) {
    await connection.release();
    throw error;
  }
}
