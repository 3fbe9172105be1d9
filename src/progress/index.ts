// Saved progress: one JSON file per (cluster key, namespace) under the XDG state directory,
// written atomically (temp file + rename). A corrupt or foreign file is set aside, never fatal.

import { createHash, randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { xdgState } from 'xdg-basedir';
import type { LessonProgress, ProgressStore, SavedProgress } from '../engine/types.js';

export interface ProgressStoreOptions {
  clusterKey: string;
  namespace: string;
  /** Default: stateDir(). */
  stateDir?: string;
  /** The language of the warning when the state directory is unusable (default en). */
  lang?: 'en' | 'zh';
}

/**
 * `$XDG_STATE_HOME/egress-tutorial`, else ~/.local/state/egress-tutorial. A relative
 * XDG_STATE_HOME is ignored, as the XDG Base Directory spec says ("paths must be absolute").
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.XDG_STATE_HOME;
  const fallback = xdgState && isAbsolute(xdgState) && xdgState !== process.env.XDG_STATE_HOME ? xdgState : join(homedir(), '.local', 'state');
  const base = given && isAbsolute(given) ? given : fallback;
  return join(base, 'egress-tutorial');
}

/**
 * Why the state directory cannot hold progress (it, or a parent, is a file; it is not readable
 * or writable), as one sentence naming the path and the fix; undefined when it is usable. Creates
 * it when missing, as saving would.
 */
export function stateDirProblem(dir: string, lang: 'en' | 'zh' = 'en', purpose: 'progress' | 'practice' = 'progress'): string | undefined {
  let code: string | undefined;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!statSync(dir).isDirectory()) code = 'ENOTDIR';
    else accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (error) {
    code = (error as NodeJS.ErrnoException).code ?? 'EIO';
  }
  if (!code) return undefined;
  const file = code === 'ENOTDIR' || code === 'EEXIST';
  if (lang === 'zh') {
    const what = purpose === 'progress' ? '进度无法保存' : '练习集群无法保存它的状态';
    const why = file ? `${dir}（或它的上级）是一个文件，不是文件夹；把它移走` : `无法读写 ${dir}（${code}）；修正它的权限（chmod u+rwx ${dir}）`;
    return `${what}：${why}，或把 XDG_STATE_HOME 设为一个可写的文件夹。${purpose === 'progress' ? '本次会话的进度只保存在内存中。' : ''}`;
  }
  const what = purpose === 'progress' ? 'Progress cannot be saved' : 'The practice cluster cannot keep its state';
  const why = file ? `${dir} (or a folder above it) is a file, not a folder; move it away` : `${dir} cannot be read or written (${code}); fix its permissions (chmod u+rwx ${dir})`;
  return `${what}: ${why} or set XDG_STATE_HOME to a writable folder.${purpose === 'progress' ? ' Progress is kept in memory for this session only.' : ''}`;
}

/** The file for one (cluster, namespace): readable prefix plus a hash so keys never collide. */
export function progressFileName(clusterKey: string, namespace: string): string {
  const slug = `${clusterKey}-${namespace}`.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);
  const hash = createHash('sha256').update(`${clusterKey}\0${namespace}`).digest('hex').slice(0, 12);
  return `progress-${slug}-${hash}.json`;
}

function isLessonProgress(v: unknown): v is LessonProgress {
  if (!v || typeof v !== 'object') return false;
  const p = v as Record<string, unknown>;
  return Array.isArray(p.done) && p.done.every((s) => typeof s === 'string') && (p.current === undefined || typeof p.current === 'string');
}

/** Why the parsed file is not ours for this (cluster, namespace), or undefined when it is. */
function foreignReason(data: unknown, options: ProgressStoreOptions): string | undefined {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return 'it is not a progress object';
  const d = data as Record<string, unknown>;
  if (d.version !== 1) return `its version is ${JSON.stringify(d.version)}, not 1`;
  if (d.clusterKey !== options.clusterKey || d.namespace !== options.namespace) return 'it belongs to another cluster or namespace';
  if (!d.lessons || typeof d.lessons !== 'object' || !Object.values(d.lessons).every(isLessonProgress)) return 'its lesson list is malformed';
  const pos = d.position as Record<string, unknown> | undefined;
  if (pos !== undefined && (typeof pos !== 'object' || typeof pos.lesson !== 'string' || typeof pos.step !== 'string')) return 'its position is malformed';
  return undefined;
}

/** `base`, or `base-2`, `base-3`, ... whichever does not exist yet: setting aside never overwrites. */
function freeName(base: string): string {
  if (!existsSync(base)) return base;
  for (let n = 2; ; n++) if (!existsSync(`${base}-${n}`)) return `${base}-${n}`;
}

function timestampForFile(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

export function openProgressStore(options: ProgressStoreOptions): ProgressStore & { readonly file: string } {
  const dir = options.stateDir ?? stateDir();
  const file = join(dir, progressFileName(options.clusterKey, options.namespace));
  // An unusable state directory: one sentence with the fix, and the tutorial goes on in memory.
  const problem = stateDirProblem(dir, options.lang);
  if (problem) return { ...memoryProgressStore(), file, warning: problem, persistent: false };

  const store: ProgressStore & { file: string } = {
    file,
    persistent: true,
    load(): SavedProgress | undefined {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        store.warning = `Could not read saved progress (${(error as NodeJS.ErrnoException).code ?? 'error'}); starting without it.`;
        return undefined;
      }
      let data: unknown;
      let problem: string | undefined;
      try {
        data = JSON.parse(text);
        problem = foreignReason(data, options);
      } catch {
        problem = 'it is not valid JSON';
      }
      if (problem === undefined) return data as SavedProgress;
      const aside = freeName(`${file}.corrupt-${timestampForFile(new Date())}`);
      try {
        renameSync(file, aside);
        store.warning = `The saved progress file was set aside because ${problem}: ${aside}. Starting fresh.`;
      } catch {
        store.warning = `The saved progress file ${file} is unusable because ${problem}; it was left in place and progress will not be saved over it.`;
        blocked = true;
      }
      return undefined;
    },
    save(progress: SavedProgress): void {
      if (blocked) return;
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
      try {
        // The store's identity wins: the engine may know the cluster by another key.
        const stamped: SavedProgress = { ...progress, clusterKey: options.clusterKey, namespace: options.namespace };
        writeFileSync(temp, `${JSON.stringify(stamped, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
        renameSync(temp, file);
      } catch (error) {
        rmSync(temp, { force: true });
        throw error;
      }
    },
    clear(): void {
      if (blocked) return;
      rmSync(file, { force: true });
      // The drills' results are part of the progress of this cluster and namespace.
      rmSync(drillFile(dir, options), { force: true });
    },
  };
  let blocked = false;
  return store;
}

/** A store that keeps progress in memory only (headless runs on a throw-away practice cluster). */
export function memoryProgressStore(): ProgressStore {
  let saved: SavedProgress | undefined;
  return {
    load: () => (saved ? structuredClone(saved) : undefined),
    save: (p) => {
      saved = structuredClone(p);
    },
    clear: () => {
      saved = undefined;
    },
  };
}

// ---- drills ------------------------------------------------------------------------------------

/** One drill's saved result (beside the lesson progress, same cluster and namespace). */
export interface DrillRecord {
  /** Set up and not yet finished or abandoned: when it started (ISO), for the time taken. */
  startedAt?: string;
  /** Hints shown in the current attempt (0–3). */
  hints?: number;
  /** The last finished attempt. */
  passed?: boolean;
  seconds?: number; // time taken, set up to pass
  hintsUsed?: number;
  finishedAt?: string;
  attempts?: number; // verifications until the pass
}

export interface DrillStore {
  readonly file: string;
  load(): Record<string, DrillRecord>;
  /** Merge `record` into the drill's entry and write the file atomically. */
  update(name: string, record: DrillRecord | undefined): void;
}

function drillFile(dir: string, options: ProgressStoreOptions): string {
  return join(dir, progressFileName(options.clusterKey, options.namespace).replace(/^progress-/, 'drills-'));
}

function isDrillRecords(v: unknown): v is Record<string, DrillRecord> {
  return !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((r) => !!r && typeof r === 'object' && !Array.isArray(r));
}

export function openDrillStore(options: ProgressStoreOptions): DrillStore {
  const dir = options.stateDir ?? stateDir();
  const file = drillFile(dir, options);
  const load = (): Record<string, DrillRecord> => {
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as { clusterKey?: string; namespace?: string; drills?: unknown };
      if (data.clusterKey !== options.clusterKey || data.namespace !== options.namespace || !isDrillRecords(data.drills)) return {};
      return data.drills;
    } catch {
      return {}; // absent or unreadable: no results yet
    }
  };
  return {
    file,
    load,
    update(name, record) {
      const drills = load();
      if (record === undefined) delete drills[name];
      else drills[name] = { ...drills[name], ...record };
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
      try {
        writeFileSync(temp, `${JSON.stringify({ version: 1, clusterKey: options.clusterKey, namespace: options.namespace, drills }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
        renameSync(temp, file);
      } catch (error) {
        rmSync(temp, { force: true });
        throw error;
      }
    },
  };
}

/** A drill store in memory (tests, throw-away practice clusters). */
export function memoryDrillStore(): DrillStore {
  let drills: Record<string, DrillRecord> = {};
  return {
    file: '',
    load: () => structuredClone(drills),
    update(name, record) {
      if (record === undefined) delete drills[name];
      else drills = { ...drills, [name]: { ...drills[name], ...record } };
    },
  };
}
