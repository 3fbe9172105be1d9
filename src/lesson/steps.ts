// Turns lesson.yaml step entries into typed steps; every problem carries its lesson.yaml line.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, isAbsolute } from 'node:path';
import type {
  CheckName, Equivalent, ExecExpect, GatewayMode, KubeObject, LogExpect, Manifest, ObjectRef, PodTarget, Step, StepCondition, StepKind, VariableValues,
} from './model.js';
import { GATEWAY_MODES } from './model.js';
import type { ProblemList } from './problems.js';
import { isObj, readLocalized, readTarget, type Obj, type RawTarget } from './course.js';
import { checkPlaceholders, renderDeep, renderTemplate } from './template.js';
import { lineOf, parseYaml, splitFieldPath, type LineNode } from './yaml-lines.js';
import { STEP_ID } from './prose.js';
import { isGatewayApiVersion, isIstioApiVersion, validateCustomObject, validateIstioObject } from '../schema/index.js';
import { EXPORT_TO_KINDS, exportToProblems } from './export-to.js';
import { readPrediction } from './predict.js';

export const STEP_KINDS: StepKind[] = ['explain', 'apply', 'delete', 'exec', 'logs', 'check'];
export const CHECK_NAMES: CheckName[] = [
  'cluster-reachable', 'istio-crds', 'istio-namespace', 'egress-gateway', 'access-logging',
  'sidecar-injection', 'outbound-policy', 'permissions', 'client-ready', 'shared-gateway', 'dataplane-mode',
  'network-policy-enforced', 'gateway-secrets', 'ambient-mode', 'gateway-api-crds', 'gateway-api-tls', 'route-visibility',
];

const FIELDS: Record<StepKind, string[]> = {
  explain: ['diagram'],
  apply: ['manifests', 'from', 'waitFor', 'equivalent'],
  delete: ['objects'],
  exec: ['target', 'command', 'tagRequest', 'expect', 'expectFailure', 'dependsOn', 'predict'],
  logs: ['target', 'expect', 'predict'],
  check: ['checks'],
};

export interface StepContext {
  lessonId: string;
  lessonDir: string; // absolute
  file: string; // lesson.yaml, relative to the lessons folder
  lines: LineNode; // lesson.yaml's line tree
  values: VariableValues;
  targets: Record<string, RawTarget>;
  diagramsDir: string;
  problems: ProblemList;
  /** Exec steps seen so far in this lesson (logs steps may name one in requestFrom). */
  execIds: Set<string>;
  /** The lesson's track, when it has one (the gateway-api track's side-by-side view is Istio's API). */
  track?: string;
  /** Apply steps seen so far in this lesson (exec steps may name them in dependsOn). */
  applyIds?: Set<string>;
  /** Every variable name, for reporting unknown {{placeholders}}. */
  known: Set<string>;
}

/** A step without its prose; the loader adds title and body from en.md and zh.md. */
export type ParsedStep = Step;

export function parseStep(raw: unknown, index: number, ctx: StepContext): ParsedStep | undefined {
  const { file, problems } = ctx;
  const at = (...path: (string | number)[]) => lineOf(ctx.lines, ['steps', index, ...path]);
  if (!isObj(raw)) {
    problems.add(file, at(), 'a step must be a mapping with id and kind');
    return undefined;
  }
  const id = raw.id;
  if (typeof id !== 'string' || !STEP_ID.test(id)) {
    problems.add(file, at('id'), id === undefined ? 'a step needs an id' : `step id ${JSON.stringify(id)} is not kebab-case (lower-case letters, digits and single hyphens, like "curl-direct")`);
    return undefined;
  }
  const kind = raw.kind as StepKind;
  if (!STEP_KINDS.includes(kind)) {
    problems.add(file, at('kind'), `step "${id}" has unknown kind ${JSON.stringify(raw.kind ?? '')}; use one of ${STEP_KINDS.join(', ')}`);
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (key === 'predict' && !FIELDS[kind].includes(key)) {
      problems.add(file, at(key), `predict is only for verification steps (exec, logs); step "${id}" is ${kind === 'explain' || kind === 'apply' ? 'an' : 'a'} ${kind} step`);
    } else if (key !== 'id' && key !== 'kind' && key !== 'when' && !FIELDS[kind].includes(key)) {
      problems.add(file, at(key), `unknown field "${key}" in ${kind} step "${id}" (it takes ${[...FIELDS[kind], 'when'].join(', ')})`);
    }
  }
  const when = readWhen(raw, id, at, ctx);
  const base = { id, title: { en: '', zh: '' }, body: { en: '', zh: '' }, source: { file, line: at() }, ...(when ? { when } : {}) };
  const before = problems.count;
  let step: ParsedStep | undefined;
  switch (kind) {
    case 'explain':
      step = { ...base, kind, ...readDiagram(raw, id, at, ctx) };
      break;
    case 'apply': {
      const source = manifestSource(raw.from, id, (...path) => at(...path), ctx, 'from');
      const manifests = source ? readManifests(raw, id, at, source) : [];
      const waitFor = raw.waitFor === undefined ? undefined : resolveTarget(raw.waitFor, `waitFor of step "${id}"`, at('waitFor'), ctx);
      const equivalent = raw.equivalent === undefined ? undefined : readEquivalent(raw.equivalent, manifests, id, at, ctx);
      step = { ...base, kind, manifests, ...(waitFor ? { waitFor } : {}), ...(equivalent ? { equivalent } : {}) };
      ctx.applyIds?.add(id);
      break;
    }
    case 'delete':
      step = { ...base, kind, objects: readObjectRefs(raw, id, at, ctx) };
      break;
    case 'exec': {
      const target = requireTarget(raw, id, at, ctx);
      const command = readCommand(raw, id, at, ctx);
      const tagRequest = readBool(raw, 'tagRequest', id, at, ctx) ?? false;
      const expectFailure = readBool(raw, 'expectFailure', id, at, ctx);
      const expect = readExecExpect(raw.expect, id, at, ctx);
      const dependsOn = readDependsOn(raw, id, at, ctx);
      const predict = readPrediction(raw, id, at, ctx);
      ctx.execIds.add(id);
      if (target) step = { ...base, kind, target, command, tagRequest, expect, ...(expectFailure !== undefined ? { expectFailure } : {}), ...(dependsOn ? { dependsOn } : {}), ...(predict ? { predict } : {}) };
      break;
    }
    case 'logs': {
      const target = requireTarget(raw, id, at, ctx);
      const expect = readLogExpect(raw.expect, id, at, ctx);
      const predict = readPrediction(raw, id, at, ctx);
      if (target) step = { ...base, kind, target, expect, ...(predict ? { predict } : {}) };
      break;
    }
    case 'check':
      step = { ...base, kind, checks: readChecks(raw, id, at, ctx) };
      break;
  }
  return problems.count === before ? step : undefined;
}

type At = (...path: (string | number)[]) => number;

/** dependsOn: apply steps earlier in the lesson whose objects the command needs to mean anything. */
function readDependsOn(raw: Obj, id: string, at: At, ctx: StepContext): string[] | undefined {
  if (raw.dependsOn === undefined) return undefined;
  const earlier = [...(ctx.applyIds ?? [])];
  if (!Array.isArray(raw.dependsOn) || raw.dependsOn.length === 0) {
    ctx.problems.add(ctx.file, at('dependsOn'), `dependsOn of step "${id}" must be a non-empty list of apply step ids before it, like [service-entry]`);
    return undefined;
  }
  const ids: string[] = [];
  raw.dependsOn.forEach((d, i) => {
    if (typeof d === 'string' && earlier.includes(d)) ids.push(d);
    else ctx.problems.add(ctx.file, at('dependsOn', i), `dependsOn of step "${id}" names ${JSON.stringify(d)}, which is not an apply step before it (earlier apply steps: ${earlier.join(', ') || 'none'})`);
  });
  return ids;
}

/** `when: { gateway: own }`: the step belongs to one gateway mode only. */
function readWhen(raw: Obj, id: string, at: At, ctx: StepContext): StepCondition | undefined {
  const v = raw.when;
  if (v === undefined) return undefined;
  if (!isObj(v) || Object.keys(v).length === 0) {
    ctx.problems.add(ctx.file, at('when'), `when of step "${id}" must be a mapping like { gateway: own }`);
    return undefined;
  }
  checkKeys(v, ['gateway'], `the when of step "${id}"`, at, 'when', ctx);
  if (v.gateway === undefined) return undefined;
  if (!GATEWAY_MODES.includes(v.gateway as GatewayMode)) {
    ctx.problems.add(ctx.file, at('when', 'gateway'), `when.gateway of step "${id}" must be ${GATEWAY_MODES.join(' or ')}, not ${JSON.stringify(v.gateway)}`);
    return undefined;
  }
  return { gateway: v.gateway as GatewayMode };
}

/** Does the step belong to the lessons rendered with these values? */
export function stepApplies(step: { when?: StepCondition }, values: VariableValues): boolean {
  return step.when?.gateway === undefined || step.when.gateway === values.gatewayMode;
}

function readDiagram(raw: Obj, id: string, at: At, ctx: StepContext): { diagram?: string; diagramText?: string } {
  if (raw.diagram === undefined) return {};
  const name = raw.diagram;
  if (typeof name !== 'string' || name === '' || !isPlainRelative(name)) {
    ctx.problems.add(ctx.file, at('diagram'), `diagram of step "${id}" must be a file name under assets/diagrams/`);
    return {};
  }
  const path = join(ctx.diagramsDir, name);
  if (!existsSync(path)) {
    ctx.problems.add(ctx.file, at('diagram'), `diagram "${name}" of step "${id}" does not exist in ${ctx.diagramsDir}`);
    return { diagram: name };
  }
  try {
    const text = readFileSync(path, 'utf8');
    checkPlaceholders(text, path, ctx.known, ctx.problems, false);
    return { diagram: name, diagramText: renderTemplate(text, ctx.values) };
  } catch (err) {
    ctx.problems.add(ctx.file, at('diagram'), `diagram "${name}" of step "${id}" cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return { diagram: name };
  }
}

/** A path that stays inside its folder (no absolute paths, no ..). */
function isPlainRelative(name: string): boolean {
  return !isAbsolute(name) && !normalize(name).split(/[\\/]/).includes('..');
}

export function resolveTarget(value: unknown, what: string, line: number, ctx: StepContext): PodTarget | undefined {
  let raw: RawTarget | undefined;
  if (typeof value === 'string') {
    raw = ctx.targets[value];
    if (!raw) {
      const known = Object.keys(ctx.targets).join(', ') || 'none in course.yaml';
      ctx.problems.add(ctx.file, line, `${what} names unknown target "${value}" (targets: ${known})`);
      return undefined;
    }
  } else {
    raw = readTarget(value, what, ctx.file, line, ctx.problems);
    if (!raw) return undefined;
  }
  return renderDeep({ namespace: raw.namespace, labels: { ...raw.labels }, container: raw.container }, ctx.values);
}

function requireTarget(raw: Obj, id: string, at: At, ctx: StepContext): PodTarget | undefined {
  if (raw.target === undefined) {
    ctx.problems.add(ctx.file, at(), `${raw.kind} step "${id}" needs a target (a name from course.yaml or { namespace, labels, container })`);
    return undefined;
  }
  return resolveTarget(raw.target, `target of step "${id}"`, at('target'), ctx);
}

function readBool(raw: Obj, key: string, id: string, at: At, ctx: StepContext): boolean | undefined {
  const v = raw[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') {
    ctx.problems.add(ctx.file, at(key), `${key} of step "${id}" must be true or false`);
    return undefined;
  }
  return v;
}

function readCommand(raw: Obj, id: string, at: At, ctx: StepContext): string[] {
  const c = raw.command;
  if (!Array.isArray(c) || c.length === 0 || c.some((a) => typeof a !== 'string' && typeof a !== 'number')) {
    ctx.problems.add(ctx.file, raw.command === undefined ? at() : at('command'), `command of step "${id}" must be a non-empty list of arguments, like [curl, -sS, "http://{{httpHost}}/headers"]`);
    return [];
  }
  return c.map((a) => renderTemplate(String(a), ctx.values));
}

function readInteger(v: unknown, what: string, line: number, ctx: StepContext, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    ctx.problems.add(ctx.file, line, `${what} must be a whole number from ${min} to ${max}`);
    return undefined;
  }
  return v;
}

/** One exit code, or a non-empty list of them (any of which passes). */
function readExitCodes(v: unknown, what: string, line: number, ctx: StepContext): number | number[] | undefined {
  if (!Array.isArray(v)) return readInteger(v, what, line, ctx, 0, 255);
  const valid = (c: unknown): c is number => typeof c === 'number' && Number.isInteger(c) && c >= 0 && c <= 255;
  if (v.length === 0 || !v.every(valid)) {
    ctx.problems.add(ctx.file, line, `${what} must be a whole number from 0 to 255, or a non-empty list of them like [35, 56]`);
    return undefined;
  }
  return [...new Set(v)];
}

function readString(v: unknown, what: string, line: number, ctx: StepContext): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') {
    ctx.problems.add(ctx.file, line, `${what} must be a non-empty string`);
    return undefined;
  }
  return renderTemplate(v, ctx.values);
}

function checkKeys(v: Obj, known: string[], what: string, at: At, path: string, ctx: StepContext): void {
  for (const key of Object.keys(v)) {
    if (!known.includes(key)) ctx.problems.add(ctx.file, at(path, key), `unknown field "${key}" in ${what} (it takes ${known.join(', ')})`);
  }
}

function readExecExpect(v: unknown, id: string, at: At, ctx: StepContext): ExecExpect {
  if (v === undefined) return {};
  if (!isObj(v)) {
    ctx.problems.add(ctx.file, at('expect'), `expect of step "${id}" must be a mapping, like { httpStatus: 200 }`);
    return {};
  }
  checkKeys(v, ['httpStatus', 'exitCode', 'outputContains'], `the expect of step "${id}"`, at, 'expect', ctx);
  const out: ExecExpect = {};
  const httpStatus = readInteger(v.httpStatus, `expect.httpStatus of step "${id}"`, at('expect', 'httpStatus'), ctx, 100, 599);
  const exitCode = readExitCodes(v.exitCode, `expect.exitCode of step "${id}"`, at('expect', 'exitCode'), ctx);
  const outputContains = readString(v.outputContains, `expect.outputContains of step "${id}"`, at('expect', 'outputContains'), ctx);
  if (httpStatus !== undefined) out.httpStatus = httpStatus;
  if (exitCode !== undefined) out.exitCode = exitCode;
  if (outputContains !== undefined) out.outputContains = outputContains;
  return out;
}

function readLogExpect(v: unknown, id: string, at: At, ctx: StepContext): LogExpect {
  if (!isObj(v) || Object.keys(v).length === 0) {
    ctx.problems.add(ctx.file, v === undefined ? at() : at('expect'), `logs step "${id}" needs expect: with requestFrom, authority, sni, upstreamClusterContains or responseCode`);
    return {};
  }
  checkKeys(v, ['requestFrom', 'authority', 'sni', 'upstreamClusterContains', 'responseCode'], `the expect of step "${id}"`, at, 'expect', ctx);
  const out: LogExpect = {};
  if (v.requestFrom !== undefined) {
    if (typeof v.requestFrom !== 'string' || !ctx.execIds.has(v.requestFrom)) {
      ctx.problems.add(ctx.file, at('expect', 'requestFrom'), `expect.requestFrom of step "${id}" must name an exec step earlier in this lesson, not ${JSON.stringify(v.requestFrom)}`);
    } else {
      out.requestFrom = v.requestFrom;
    }
  }
  for (const key of ['authority', 'sni', 'upstreamClusterContains'] as const) {
    const s = readString(v[key], `expect.${key} of step "${id}"`, at('expect', key), ctx);
    if (s !== undefined) out[key] = s;
  }
  const code = readInteger(v.responseCode, `expect.responseCode of step "${id}"`, at('expect', 'responseCode'), ctx, 0, 599);
  if (code !== undefined) out.responseCode = code;
  return out;
}

function readChecks(raw: Obj, id: string, at: At, ctx: StepContext): CheckName[] {
  const c = raw.checks;
  if (!Array.isArray(c) || c.length === 0) {
    ctx.problems.add(ctx.file, c === undefined ? at() : at('checks'), `check step "${id}" needs checks: a list from ${CHECK_NAMES.join(', ')}`);
    return [];
  }
  const out: CheckName[] = [];
  c.forEach((name, i) => {
    if (CHECK_NAMES.includes(name as CheckName)) out.push(name as CheckName);
    else ctx.problems.add(ctx.file, at('checks', i), `unknown check ${JSON.stringify(name)} in step "${id}"; use one of ${CHECK_NAMES.join(', ')}`);
  });
  return out;
}

function readObjectRefs(raw: Obj, id: string, at: At, ctx: StepContext): ObjectRef[] {
  const list = raw.objects;
  if (!Array.isArray(list) || list.length === 0) {
    ctx.problems.add(ctx.file, list === undefined ? at() : at('objects'), `delete step "${id}" needs objects: a list of { apiVersion, kind, name }`);
    return [];
  }
  const out: ObjectRef[] = [];
  list.forEach((o, i) => {
    const line = at('objects', i);
    if (!isObj(o) || ['apiVersion', 'kind', 'name'].some((k) => typeof o[k] !== 'string' || o[k] === '') || (o.namespace !== undefined && typeof o.namespace !== 'string')) {
      ctx.problems.add(ctx.file, line, `each object of delete step "${id}" needs apiVersion, kind and name (and optionally namespace), all strings`);
      return;
    }
    checkKeys(o, ['apiVersion', 'kind', 'name', 'namespace'], `an object of delete step "${id}"`, at, 'objects', ctx);
    const ref: ObjectRef = { apiVersion: o.apiVersion as string, kind: o.kind as string, name: o.name as string };
    if (o.namespace !== undefined) ref.namespace = o.namespace as string;
    out.push(renderDeep(ref, ctx.values));
  });
  return out;
}

function readManifests(raw: Obj, id: string, at: At, ctx: StepContext): Manifest[] {
  const list = raw.manifests;
  if (!Array.isArray(list) || list.length === 0) {
    ctx.problems.add(ctx.file, list === undefined ? at() : at('manifests'), `apply step "${id}" needs manifests: a list of files in ${ctx.lessonId}/manifests/`);
    return [];
  }
  const out: Manifest[] = [];
  list.forEach((name, i) => {
    const line = at('manifests', i);
    if (typeof name !== 'string' || name === '' || !isPlainRelative(name)) {
      ctx.problems.add(ctx.file, line, `manifest ${JSON.stringify(name)} of step "${id}" must be a file name in ${ctx.lessonId}/manifests/`);
      return;
    }
    const manifest = loadManifest(name, line, ctx);
    if (manifest) out.push(manifest);
  });
  return out;
}

const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/**
 * Where a step's manifests are read: this lesson's manifests/, or (`from: LESSON`) another
 * lesson's, so a track can apply a core lesson's objects without a second copy of them.
 */
function manifestSource(from: unknown, id: string, at: At, ctx: StepContext, field: string): StepContext | undefined {
  if (from === undefined) return ctx;
  const dir = typeof from === 'string' && from !== '' && isPlainRelative(from) ? join(dirname(ctx.lessonDir), from) : undefined;
  if (!dir || !existsSync(join(dir, 'manifests'))) {
    ctx.problems.add(ctx.file, at('from'), `${field} ${JSON.stringify(from)} of step "${id}" must name a lesson folder with a manifests/ folder`);
    return undefined;
  }
  return { ...ctx, lessonId: from as string, lessonDir: dir };
}

/**
 * `equivalent: { manifests: [..], from: LESSON, note: { en, zh } }`: the same intent in the other
 * API (the Gateway API beside Istio's, or the reverse, told by the step's own manifests), from this
 * lesson's manifests/ or (`from`) another lesson's, so each manifest has one source.
 */
function readEquivalent(raw: unknown, own: Manifest[], id: string, at: At, ctx: StepContext): Equivalent | undefined {
  const line = at('equivalent');
  if (!isObj(raw)) {
    ctx.problems.add(ctx.file, line, `equivalent of step "${id}" must be a mapping with manifests (and optionally from and note)`);
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (!['manifests', 'from', 'note'].includes(key)) ctx.problems.add(ctx.file, at('equivalent', key), `unknown field "${key}" in equivalent of step "${id}" (manifests, from, note)`);
  }
  const source = manifestSource(raw.from, id, (...path) => at('equivalent', ...path), ctx, 'equivalent.from');
  if (!source) return undefined;
  const manifests = readManifests(raw, id, (...path) => at('equivalent', ...path), source);
  const note = raw.note === undefined ? undefined : readLocalized(raw.note, `equivalent.note of step "${id}"`, ctx.file, at('equivalent', 'note'), ctx.problems);
  // The other API than the step's own; a ServiceEntry is the same object in both, so then the
  // lesson tells: the gateway-api track shows Istio's API, the core lessons the Gateway API.
  const groups = (list: Manifest[]) => list.flatMap((m) => m.objects).map((o) => o.apiVersion.split('/')[0]);
  const api = groups(own).includes(GATEWAY_API_GROUP) ? 'istio' : groups(manifests).includes(GATEWAY_API_GROUP) ? 'gateway-api' : ctx.track === 'gateway-api' ? 'istio' : 'gateway-api';
  return manifests.length ? { api, manifests, ...(note ? { note } : {}) } : undefined;
}

/** Reads, renders, parses and validates one manifest file. */
function loadManifest(name: string, refLine: number, ctx: StepContext): Manifest | undefined {
  const rel = `${ctx.lessonId}/manifests/${name}`;
  let text: string;
  try {
    text = readFileSync(join(ctx.lessonDir, 'manifests', name), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    ctx.problems.add(ctx.file, refLine, code === 'ENOENT' ? `manifest file ${rel} does not exist` : `manifest file ${rel} cannot be read (${code ?? 'error'})`);
    return undefined;
  }
  // Unknown placeholders are reported once, here; schema errors they cause would only repeat them.
  const unknownVariables = checkPlaceholders(text, rel, ctx.known, ctx.problems, true);
  // Values are single-line, so the rendered text keeps the source's line numbers.
  const yamlText = renderTemplate(text, ctx.values);
  const parsed = parseYaml(yamlText);
  if (!parsed.ok) {
    ctx.problems.add(rel, parsed.line, `YAML does not parse: ${parsed.message}`);
    return undefined;
  }
  const objects: KubeObject[] = [];
  const before = ctx.problems.count;
  for (const doc of parsed.documents) {
    if (doc.value === null || doc.value === undefined) continue; // an empty document (a trailing ---)
    const o = doc.value;
    if (!isObj(o)) {
      ctx.problems.add(rel, doc.line, 'a manifest document must be a Kubernetes object (a mapping with apiVersion, kind and metadata)');
      continue;
    }
    const missing = ['apiVersion', 'kind'].filter((k) => typeof o[k] !== 'string' || o[k] === '');
    if (!isObj(o.metadata) || typeof o.metadata.name !== 'string' || o.metadata.name === '') missing.push('metadata.name');
    if (missing.length) {
      ctx.problems.add(rel, doc.line, `the object has no ${missing.join(', ')}`);
      continue;
    }
    if (isGatewayApiVersion(o.apiVersion) && unknownVariables === 0) {
      // Against the experimental channel's schemas: the widest (TLSRoute is only there).
      const label = `${o.kind} "${(o.metadata as Obj).name}"`;
      for (const e of validateCustomObject(o, 'experimental')) {
        const text = e.message.startsWith('unknown field ') || e.path === '' ? e.message : `${e.path}: ${e.message}`;
        ctx.problems.add(rel, lineOf(doc.lines, splitFieldPath(e.path)), `${label} fails the Gateway API schema: ${text}`);
      }
    }
    if (isIstioApiVersion(o.apiVersion) && unknownVariables === 0) {
      const label = `${o.kind} "${(o.metadata as Obj).name}"`;
      for (const e of validateIstioObject(o)) {
        const text = e.message.startsWith('unknown field ') || e.path === '' ? e.message : `${e.path}: ${e.message}`;
        ctx.problems.add(rel, lineOf(doc.lines, splitFieldPath(e.path)), `${label} fails the Istio schema: ${text}`);
      }
      if (EXPORT_TO_KINDS.includes(o.kind as string) && isObj(o.spec)) {
        const namespace = typeof (o.metadata as Obj).namespace === 'string' ? ((o.metadata as Obj).namespace as string) : ctx.values.namespace;
        for (const message of exportToProblems(o.kind as string, namespace, o.spec.exportTo)) {
          ctx.problems.add(rel, lineOf(doc.lines, ['spec', 'exportTo']), `${label} would be refused by Istio: ${message}`);
        }
      }
    }
    objects.push(o as KubeObject);
  }
  if (ctx.problems.count !== before) return undefined;
  if (objects.length === 0) {
    ctx.problems.add(rel, 1, 'the manifest holds no objects');
    return undefined;
  }
  return { file: rel, yaml: yamlText, objects };
}
