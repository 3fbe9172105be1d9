// `class status`: one list request (every tutorial ConfigMap across namespaces: the class
// ConfigMaps name the roster, the progress ConfigMaps say where each learner is), turned into rows,
// sorted stuck-first, as a table or as JSON. Pure except collectStatus.

import stringWidth from 'string-width';
import type { KubeObject } from '../lesson/model.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../cluster/port.js';
import { CLASS_CONFIGMAP, CLASS_LABEL, classId, parseProgress, PROGRESS_CONFIGMAP, PROGRESS_KEY, PROGRESS_LABEL, type ProgressDoc } from './model.js';
import type { ClassPort } from './port.js';
import { scoreText } from '../predict/model.js';

export interface LearnerStatus extends ProgressDoc {
  namespace: string;
}

/** How a learner is doing, in the order the instructor looks at them (stuck first). */
export type Standing = 'failing' | 'idle' | 'not-started' | 'working' | 'done';
const ORDER: Standing[] = ['failing', 'idle', 'not-started', 'working', 'done'];

/** No change for this long counts as idle (a learner reading a long lesson is not stuck yet). */
export const IDLE_MS = 10 * 60_000;

export function standing(s: LearnerStatus, lessonIds: string[], now: number): Standing {
  if (lessonIds.length > 0 && lessonIds.every((id) => s.completedLessons.includes(id))) return 'done';
  if (!s.updated) return 'not-started';
  if (s.lastResult === 'fail') return 'failing';
  return now - Date.parse(s.updated) >= IDLE_MS ? 'idle' : 'working';
}

export function idleMs(s: LearnerStatus, now: number): number | undefined {
  return s.updated ? Math.max(0, now - Date.parse(s.updated)) : undefined;
}

/** Stuck learners first: failing, idle, not started, working, done; longest idle first within each. */
export function sortLearners(rows: LearnerStatus[], lessonIds: string[], now: number): LearnerStatus[] {
  return [...rows].sort((a, b) => {
    const d = ORDER.indexOf(standing(a, lessonIds, now)) - ORDER.indexOf(standing(b, lessonIds, now));
    if (d) return d;
    const idle = (idleMs(b, now) ?? 0) - (idleMs(a, now) ?? 0);
    return idle || a.namespace.localeCompare(b.namespace);
  });
}

const EMPTY: ProgressDoc = { lesson: null, step: null, completedLessons: [], lastResult: null, lastDiagnosis: null, updated: null };

/** Rows from the listed ConfigMaps: every learner of the class (or, without a prefix, of any class) and anyone publishing progress in such a namespace. */
export function learnerRows(configMaps: KubeObject[], prefix?: string): LearnerStatus[] {
  const id = prefix === undefined ? undefined : classId(prefix);
  const roster = new Set(
    configMaps
      .filter((c) => c.metadata.name === CLASS_CONFIGMAP && c.metadata.labels?.[CLASS_LABEL] && (id === undefined || c.metadata.labels[CLASS_LABEL] === id))
      .map((c) => c.metadata.namespace ?? ''),
  );
  const progress = new Map<string, ProgressDoc>();
  for (const c of configMaps) {
    if (c.metadata.name !== PROGRESS_CONFIGMAP || c.metadata.labels?.[PROGRESS_LABEL] !== 'true') continue;
    const ns = c.metadata.namespace ?? '';
    if (!roster.has(ns) && !(prefix && ns.startsWith(prefix))) continue;
    const doc = parseProgress((c.data as Record<string, string> | undefined)?.[PROGRESS_KEY]);
    if (doc) progress.set(ns, doc);
  }
  return [...new Set([...roster, ...progress.keys()])].sort().map((namespace) => ({ namespace, ...(progress.get(namespace) ?? EMPTY) }));
}

/** One list call for the whole class. */
export async function collectStatus(port: ClassPort, prefix?: string, signal?: AbortSignal): Promise<LearnerStatus[]> {
  const configMaps = await port.listObjects({ apiVersion: 'v1', kind: 'ConfigMap', labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}` }, signal);
  return learnerRows(configMaps, prefix);
}

/** `--output json`: the shape, and the share of correct predictions (additive). */
export function statusJson(rows: LearnerStatus[]): string {
  return JSON.stringify(
    {
      learners: rows.map((r) => ({
        namespace: r.namespace,
        lesson: r.lesson,
        step: r.step,
        completedLessons: r.completedLessons,
        lastResult: r.lastResult,
        lastDiagnosis: r.lastDiagnosis,
        updated: r.updated,
        predictions: r.predictions ?? null,
      })),
    },
    null,
    2,
  );
}

/** "45s", "12m", "3h05m". */
export function formatIdle(ms: number | undefined): string {
  if (ms === undefined) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export interface StatusCells {
  namespace: string;
  where: string; // lesson/step
  passed: string; // completed lessons of all
  result: string;
  diagnosis: string;
  idle: string;
  /** Correct predictions of answered: "2/3 (67%)", or "-". */
  predictions: string;
  standing: Standing;
}

/** The table's cells for each row (shared by the plain table and the live screen). */
export function statusCells(rows: LearnerStatus[], lessonIds: string[], now: number, words: { notStarted: string; pass: string; fail: string }): StatusCells[] {
  return sortLearners(rows, lessonIds, now).map((r) => ({
    namespace: r.namespace,
    where: r.lesson ? `${r.lesson}/${r.step ?? '-'}` : words.notStarted,
    passed: `${r.completedLessons.filter((id) => lessonIds.length === 0 || lessonIds.includes(id)).length}/${lessonIds.length || '?'}`,
    result: r.lastResult === 'pass' ? words.pass : r.lastResult === 'fail' ? words.fail : '-',
    diagnosis: r.lastResult === 'fail' && r.lastDiagnosis ? oneLine(r.lastDiagnosis) : '-',
    idle: formatIdle(idleMs(r, now)),
    predictions: scoreText(r.predictions),
    standing: standing(r, lessonIds, now),
  }));
}

export function oneLine(text: string, max = 80): string {
  const line = text.split('\n')[0].replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Plain text table (no colours): for pipes and for `class status` without --watch. */
export function statusTable(cells: StatusCells[], headers: string[]): string {
  const table = [headers, ...cells.map((c) => [c.namespace, c.where, c.passed, c.result, c.idle, c.predictions, c.diagnosis])];
  // Chinese headers are two columns per character: pad by display width, not by length.
  const widths = headers.map((_, i) => Math.max(...table.map((row) => stringWidth(row[i]))));
  const pad = (cell: string, width: number) => cell + ' '.repeat(Math.max(0, width - stringWidth(cell)));
  return table.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : pad(cell, widths[i]))).join('  ').trimEnd()).join('\n');
}
