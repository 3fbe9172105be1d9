// Whether an object in the cluster is the tutorial's: it carries the managed-by label and, where
// the server records field managers, the tutorial's field manager is among them. Pure.

import { FIELD_MANAGER, LESSON_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE, STEP_LABEL } from '../port.js';

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  managedFields?: { manager?: string; operation?: string }[];
  deletionTimestamp?: string;
  resourceVersion?: string;
  [k: string]: unknown;
}

export interface RawObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [k: string]: unknown;
}

export function hasManagedLabel(obj: RawObject): boolean {
  return obj.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}

export function hasFieldManager(obj: RawObject): boolean {
  return (obj.metadata?.managedFields ?? []).some((f) => f.manager === FIELD_MANAGER);
}

/** The tutorial created it (or was allowed to take it over). */
export function isTutorialObject(obj: RawObject): boolean {
  if (!hasManagedLabel(obj)) return false;
  const fields = obj.metadata?.managedFields;
  return !fields || fields.length === 0 || hasFieldManager(obj);
}

/** Label selector for the tutorial's objects, optionally of one lesson. */
export function managedSelector(lesson?: string): string {
  return lesson ? `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${LESSON_LABEL}=${lesson}` : `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
}

/** The labels every applied object gets. Label values must be ≤ 63 characters of [A-Za-z0-9._-]. */
export function tutorialLabels(lesson: string, step: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [LESSON_LABEL]: labelValue(lesson), [STEP_LABEL]: labelValue(step) };
}

export function labelValue(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 63);
  return cleaned.replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '');
}

/** Other field managers recorded on the object (who else changed it). */
export function otherManagers(obj: RawObject): string[] {
  return [...new Set((obj.metadata?.managedFields ?? []).map((f) => f.manager ?? '').filter((m) => m && m !== FIELD_MANAGER))];
}
