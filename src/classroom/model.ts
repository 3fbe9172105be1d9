// The classroom's names and data shapes (contracts C3–C5 of the classroom): one learner per
// namespace `<prefix>NN`, the objects `class setup` makes for each, the class and progress
// ConfigMaps. Pure.

import { CLASS_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE, PROGRESS_LABEL } from '../cluster/port.js';

export { CLASS_LABEL, PROGRESS_LABEL };

export type GatewayMode = 'own' | 'shared';

/** C3: in every learner namespace, written by `class setup`. */
export const CLASS_CONFIGMAP = 'egress-tutorial-class';
/** C4: in every learner namespace, written by the learner's tutorial. */
export const PROGRESS_CONFIGMAP = 'egress-tutorial-progress';
export const PROGRESS_KEY = 'progress.json';
/** C5: the learner's identity. */
export const LEARNER_SA = 'egress-tutorial-learner';
/** The Role and RoleBinding in the learner's namespace. */
export const LEARNER_ROLE = 'egress-tutorial-learner';
/** The shared gateway's access log in `shared` mode (selector istio: egressgateway). */
export const SHARED_TELEMETRY = 'egress-tutorial-gateway-access-log';
/** Marks a namespace the class did not create but was allowed to use: teardown leaves it. */
export const ADOPTED_LABEL = 'egress-tutorial.dev/adopted';

export const DEFAULT_PREFIX = 'learner-';
export const DEFAULT_TOKEN_HOURS = 12;
export const MAX_LEARNERS = 500;

/** C4's `progress.json`. */
export interface ProgressDoc {
  lesson: string | null;
  step: string | null;
  completedLessons: string[];
  lastResult: 'pass' | 'fail' | null;
  lastDiagnosis: string | null;
  updated: string | null; // ISO time
  gateway?: GatewayMode | null;
  /** The learner's scored predictions (src/predict): correct of answered. Additive; absent from older tutorials. */
  predictions?: { correct: number; answered: number } | null;
}

/** C3's data. */
export interface ClassSettings {
  gateway: GatewayMode;
  istioNamespace: string;
  class: string; // the prefix
}

/** The label value naming a class: the prefix without trailing '-' (label values end alphanumeric). */
export function classId(prefix: string): string {
  return prefix.replace(/[^a-z0-9]+$/, '') || 'class';
}

/** `<prefix>01..N`, zero-padded to at least two digits. */
export function learnerNamespaces(prefix: string, count: number): string[] {
  const width = Math.max(2, String(count).length);
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(width, '0')}`);
}

/** Labels of everything `class setup` creates. */
export function classLabels(prefix: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [CLASS_LABEL]: classId(prefix) };
}

/** Labels of the progress ConfigMap (C4). */
export function progressLabels(): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [PROGRESS_LABEL]: 'true' };
}

/** The ClusterRole (and its binding) that lets one learner read their namespace and the Istio namespace. */
export function clusterRoleName(namespace: string): string {
  return `egress-tutorial-learner-${namespace}`;
}

/** The Role in the Istio namespace the learners' pre-flight and log follow read with. */
export function istioRoleName(prefix: string): string {
  return `egress-tutorial-class-${classId(prefix)}`;
}

/** The RoleBinding in the Istio namespace for one learner. */
export function istioBindingName(namespace: string): string {
  return `egress-tutorial-learner-${namespace}`;
}

/** Parse C4's progress.json; undefined when it is not one. */
export function parseProgress(text: string | undefined): ProgressDoc | undefined {
  if (!text) return undefined;
  try {
    const doc = JSON.parse(text) as Partial<ProgressDoc>;
    if (!doc || typeof doc !== 'object') return undefined;
    const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
    return {
      lesson: str(doc.lesson),
      step: str(doc.step),
      completedLessons: Array.isArray(doc.completedLessons) ? doc.completedLessons.filter((x): x is string => typeof x === 'string') : [],
      lastResult: doc.lastResult === 'pass' || doc.lastResult === 'fail' ? doc.lastResult : null,
      lastDiagnosis: str(doc.lastDiagnosis),
      updated: str(doc.updated),
      gateway: doc.gateway === 'own' || doc.gateway === 'shared' ? doc.gateway : null,
      predictions: readScore(doc.predictions),
    };
  } catch {
    return undefined;
  }
}

/** `{correct, answered}` as published, or null when it is not one (an older tutorial publishes none). */
function readScore(v: unknown): { correct: number; answered: number } | null {
  if (!v || typeof v !== 'object') return null;
  const { correct, answered } = v as Record<string, unknown>;
  const count = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  return count(correct) && count(answered) && correct <= answered ? { correct, answered } : null;
}

/** A learner as typed on the command line ("7", "07", "learner-07") → their namespace among `all`. */
export function namespaceFromLearner(name: string, prefix: string, all: string[]): string | undefined {
  if (all.includes(name)) return name;
  if (/^\d+$/.test(name)) return all.find((ns) => ns.startsWith(prefix) && Number(ns.slice(prefix.length)) === Number(name));
  return undefined;
}
