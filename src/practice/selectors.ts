// Label selectors (=, ==, !=, in, notin, exists, !exists) and field selectors (=, ==, !=).

import { errors } from './status.js';

export type LabelRequirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;

export function parseLabelSelector(text: string | null | undefined): LabelRequirement[] {
  if (!text) return [];
  const out: LabelRequirement[] = [];
  for (const part of splitTopLevel(text)) {
    let m: RegExpExecArray | null;
    if ((m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part))) {
      out.push({ key: checkKey(m[1], text), op: m[2] as 'in' | 'notin', values: m[3].split(',').map((v) => v.trim()).filter((v) => v !== '') });
    } else if ((m = /^([^!=\s]+)\s*!=\s*(\S*)$/.exec(part))) {
      out.push({ key: checkKey(m[1], text), op: 'neq', value: m[2] });
    } else if ((m = /^([^!=\s]+)\s*==?\s*(\S*)$/.exec(part))) {
      out.push({ key: checkKey(m[1], text), op: 'eq', value: m[2] });
    } else if ((m = /^!\s*(\S+)$/.exec(part))) {
      out.push({ key: checkKey(m[1], text), op: 'notexists' });
    } else if (KEY.test(part)) {
      out.push({ key: part, op: 'exists' });
    } else {
      throw errors.badRequest(`unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }
  return out;
}

function checkKey(key: string, selector: string): string {
  if (!KEY.test(key)) throw errors.badRequest(`unable to parse requirement: <nil>: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.' (selector "${selector}")`);
  return key;
}

export function matchesLabels(reqs: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'eq':
        return has && l[r.key] === r.value;
      case 'neq':
        return !has || l[r.key] !== r.value;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      case 'exists':
        return has;
      case 'notexists':
        return !has;
    }
  });
}

/** matchLabels / matchExpressions (metav1.LabelSelector) as used by deployments and services. */
export function matchesLabelSelectorObject(
  selector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return false;
  const reqs: LabelRequirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({ key, op: 'eq' as const, value }));
  for (const e of selector.matchExpressions ?? []) {
    const op = e.operator.toLowerCase();
    if (op === 'in' || op === 'notin') reqs.push({ key: e.key, op, values: e.values ?? [] });
    else if (op === 'exists') reqs.push({ key: e.key, op: 'exists' });
    else if (op === 'doesnotexist') reqs.push({ key: e.key, op: 'notexists' });
  }
  return reqs.length > 0 && matchesLabels(reqs, labels);
}

export interface FieldRequirement {
  field: string;
  op: 'eq' | 'neq';
  value: string;
}

const COMMON_FIELDS = ['metadata.name', 'metadata.namespace'];
const FIELDS_BY_RESOURCE: Record<string, string[]> = {
  pods: ['status.phase', 'spec.nodeName', 'spec.serviceAccountName', 'spec.restartPolicy', 'spec.schedulerName', 'status.podIP', 'status.nominatedNodeName'],
  events: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  secrets: ['type'],
  namespaces: ['status.phase'],
  replicasets: ['status.replicas'],
};

export function parseFieldSelector(text: string | null | undefined, plural: string): FieldRequirement[] {
  if (!text) return [];
  const allowed = new Set([...COMMON_FIELDS, ...(FIELDS_BY_RESOURCE[plural] ?? [])]);
  return splitTopLevel(text).map((part) => {
    const m = /^([^!=]+?)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw errors.badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const field = m[1].trim();
    if (!allowed.has(field)) throw errors.badRequest(`field label not supported: ${field}`);
    return { field, op: m[2] === '!=' ? 'neq' : 'eq', value: m[3].trim() };
  });
}

export function matchesFields(reqs: FieldRequirement[], obj: Record<string, unknown>): boolean {
  return reqs.every((r) => {
    const value = fieldValue(obj, r.field);
    return r.op === 'eq' ? value === r.value : value !== r.value;
  });
}

function fieldValue(obj: Record<string, unknown>, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === undefined || cur === null ? '' : String(cur);
}
