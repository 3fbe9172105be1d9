// course.yaml (variables and named pod targets), glossary.yaml, and the resolved variable values.
import type { GatewayMode, Localized, TrackDef, VariableDef, VariableType, VariableValues } from './model.js';
import { LANGS } from './model.js';
import type { ProblemList } from './problems.js';
import { lineOf, type YamlDocument } from './yaml-lines.js';
import { dns1123LabelProblems, dns1123SubdomainProblems } from '../schema/names.js';

/** Built-ins from flags (namespace, istioNamespace) and those derived from the gateway mode. */
export const BUILTIN_VARIABLES = [
  'namespace', 'istioNamespace',
  'gatewayMode', 'gatewayNamespace', 'gatewayService', 'gatewayHost', 'gatewayLabel', 'exportTo',
] as const;
const FLAG_VARIABLES: Record<string, string> = {
  namespace: 'the client namespace comes from -n/--namespace, not --set',
  istioNamespace: 'the Istio namespace comes from --istio-namespace, not --set',
};

/** Label values are at most 63 characters (the own gateway's label carries the namespace). */
const OWN_GATEWAY_LABEL_PREFIX = 'egressgateway-';

/**
 * The variables a gateway mode implies. `shared`: the Istio namespace's istio-egressgateway
 * (pods `istio=egressgateway`); `own`: the learner's `egressgateway` in their namespace (pods
 * `istio=egressgateway-<namespace>`, contract C1). `exportTo` is a YAML flow list for the
 * mesh-side objects: the gateway's namespace must see them, and Istio refuses "." next to the
 * object's own namespace name, so own mode (and a client in the Istio namespace) is just ["."].
 */
export function gatewayValues(mode: GatewayMode, namespace: string, istioNamespace: string): VariableValues {
  const own = mode === 'own';
  const gatewayNamespace = own ? namespace : istioNamespace;
  const gatewayService = own ? 'egressgateway' : 'istio-egressgateway';
  return {
    gatewayMode: mode,
    gatewayNamespace,
    gatewayService,
    gatewayHost: `${gatewayService}.${gatewayNamespace}.svc.cluster.local`,
    gatewayLabel: own ? `${OWN_GATEWAY_LABEL_PREFIX}${namespace}` : 'egressgateway',
    exportTo: gatewayNamespace === namespace ? '["."]' : `[".", "${gatewayNamespace}"]`,
  };
}
const VARIABLE_TYPES: VariableType[] = ['dns-name', 'port', 'namespace', 'string'];
const VARIABLE_NAME = /^[a-z][A-Za-z0-9]*$/;

/** A target as written in course.yaml or inline in a step, before variable substitution. */
export interface RawTarget {
  namespace: string;
  labels: Record<string, string>;
  container: string;
}

export interface Course {
  variables: VariableDef[];
  /** Where each variable's default is written (for problems about the default). */
  defaultLines: Record<string, number>;
  targets: Record<string, RawTarget>;
  tracks: TrackDef[];
  /** Where each track is declared, for problems about it. */
  trackLines: Record<string, number>;
}

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Reads a `{en, zh}` text; reports what is missing. */
export function readLocalized(value: unknown, what: string, file: string, line: number, problems: ProblemList): Localized {
  const out = { en: '', zh: '' } as Localized;
  if (!isObj(value)) {
    problems.add(file, line, `${what} must have an English and a Chinese text (en: and zh:)`);
    return out;
  }
  for (const lang of LANGS) {
    if (typeof value[lang] === 'string' && value[lang] !== '') out[lang] = value[lang] as string;
    else problems.add(file, line, `${what} has no ${lang === 'en' ? 'English' : 'Chinese'} text (${lang}:)`);
  }
  return out;
}

/** Checks a target's shape; returns it when sound. */
export function readTarget(value: unknown, what: string, file: string, line: number, problems: ProblemList): RawTarget | undefined {
  if (!isObj(value)) {
    problems.add(file, line, `${what} must be a target name or a mapping with namespace, labels and container`);
    return undefined;
  }
  let ok = true;
  for (const key of Object.keys(value)) {
    if (!['namespace', 'labels', 'container'].includes(key)) {
      problems.add(file, line, `${what} has an unknown field "${key}" (a target has namespace, labels and container)`);
      ok = false;
    }
  }
  for (const key of ['namespace', 'container'] as const) {
    if (typeof value[key] !== 'string' || value[key] === '') {
      problems.add(file, line, `${what} needs ${key}: a non-empty string`);
      ok = false;
    }
  }
  const labels = value.labels;
  if (!isObj(labels) || Object.keys(labels).length === 0 || Object.values(labels).some((v) => typeof v !== 'string')) {
    problems.add(file, line, `${what} needs labels: a mapping of label names to string values, like { app: curl }`);
    ok = false;
  }
  return ok ? { namespace: value.namespace as string, labels: labels as Record<string, string>, container: value.container as string } : undefined;
}

export function readCourse(doc: YamlDocument | undefined, file: string, problems: ProblemList): Course {
  const course: Course = { variables: [], defaultLines: {}, targets: {}, tracks: [], trackLines: {} };
  if (!doc || doc.value === null || doc.value === undefined) return course;
  if (!isObj(doc.value)) {
    problems.add(file, doc.line, 'course.yaml must be a mapping with variables: and targets:');
    return course;
  }
  const root = doc.value;
  for (const key of Object.keys(root)) {
    if (key !== 'variables' && key !== 'targets' && key !== 'tracks') problems.add(file, lineOf(doc.lines, [key]), `unknown field "${key}" (course.yaml has variables, targets and tracks)`);
  }
  const vars = root.variables ?? [];
  if (!Array.isArray(vars)) {
    problems.add(file, lineOf(doc.lines, ['variables']), 'variables must be a list');
  } else {
    vars.forEach((v, i) => {
      const at = (...path: string[]) => lineOf(doc.lines, ['variables', i, ...path]);
      if (!isObj(v)) {
        problems.add(file, at(), 'a variable must be a mapping with name, type, default and description');
        return;
      }
      for (const key of Object.keys(v)) {
        if (!['name', 'type', 'default', 'description'].includes(key)) problems.add(file, at(key), `unknown field "${key}" in a variable (name, type, default, description)`);
      }
      const name = v.name;
      if (typeof name !== 'string' || !VARIABLE_NAME.test(name)) {
        problems.add(file, at('name'), `variable name ${JSON.stringify(name ?? '')} must be camelCase letters and digits, like httpHost`);
        return;
      }
      if ((BUILTIN_VARIABLES as readonly string[]).includes(name)) {
        problems.add(file, at('name'), `variable "${name}" is built in (it comes from a flag); remove it from course.yaml`);
        return;
      }
      if (course.variables.some((d) => d.name === name)) {
        problems.add(file, at('name'), `variable "${name}" is declared twice`);
        return;
      }
      const type = v.type as VariableType;
      if (!VARIABLE_TYPES.includes(type)) {
        problems.add(file, at('type'), `variable "${name}" has type ${JSON.stringify(v.type ?? '')}; use one of ${VARIABLE_TYPES.join(', ')}`);
      }
      const def = typeof v.default === 'number' ? String(v.default) : v.default;
      if (typeof def !== 'string') problems.add(file, at('default'), `variable "${name}" needs a default value`);
      const description = readLocalized(v.description, `variable "${name}" description`, file, at('description'), problems);
      course.variables.push({ name, type: VARIABLE_TYPES.includes(type) ? type : 'string', default: typeof def === 'string' ? def : '', description });
      course.defaultLines[name] = at('default');
    });
  }
  const targets = root.targets ?? {};
  if (!isObj(targets)) {
    problems.add(file, lineOf(doc.lines, ['targets']), 'targets must be a mapping of target names to { namespace, labels, container }');
  } else {
    for (const [name, t] of Object.entries(targets)) {
      const target = readTarget(t, `target "${name}"`, file, lineOf(doc.lines, ['targets', name]), problems);
      if (target) course.targets[name] = target;
    }
  }
  readTracks(root.tracks, doc, file, problems, course);
  return course;
}

const TRACK_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** `tracks: [{ id, title: {en, zh}, requires: {en, zh} }]`. */
function readTracks(raw: unknown, doc: YamlDocument, file: string, problems: ProblemList, course: Course): void {
  if (raw === undefined) return;
  if (!Array.isArray(raw)) {
    problems.add(file, lineOf(doc.lines, ['tracks']), 'tracks must be a list of { id, title, requires }');
    return;
  }
  raw.forEach((t, i) => {
    const at = (...path: string[]) => lineOf(doc.lines, ['tracks', i, ...path]);
    if (!isObj(t)) {
      problems.add(file, at(), 'a track must be a mapping with id, title and requires');
      return;
    }
    for (const key of Object.keys(t)) {
      if (!['id', 'title', 'requires'].includes(key)) problems.add(file, at(key), `unknown field "${key}" in a track (id, title, requires)`);
    }
    const id = t.id;
    if (typeof id !== 'string' || !TRACK_ID.test(id)) {
      problems.add(file, at('id'), `track id ${JSON.stringify(id ?? '')} must be kebab-case, like gateway-api`);
      return;
    }
    if (course.tracks.some((d) => d.id === id)) {
      problems.add(file, at('id'), `track "${id}" is declared twice`);
      return;
    }
    const title = readLocalized(t.title, `track "${id}" title`, file, at('title'), problems);
    const requires = readLocalized(t.requires, `track "${id}" requires`, file, at('requires'), problems);
    course.tracks.push({ id, title, requires });
    course.trackLines[id] = at('id');
  });
}

/** Why `value` does not fit `type`, in one clause; undefined when it fits. */
export function typeProblem(type: VariableType, value: string): string | undefined {
  switch (type) {
    case 'dns-name': {
      const p = dns1123SubdomainProblems(value);
      return p.length ? `not a DNS name: ${p.join('; ')}` : undefined;
    }
    case 'namespace': {
      const p = dns1123LabelProblems(value);
      return p.length ? `not a namespace name: ${p.join('; ')}` : undefined;
    }
    case 'port': {
      const n = /^\d+$/.test(value) ? Number(value) : NaN;
      return n >= 1 && n <= 65535 ? undefined : 'not a port: it must be a whole number from 1 to 65535';
    }
    case 'string':
      return /[\n\r]/.test(value) ? 'a value must be one line (it is substituted into YAML)' : undefined;
  }
}

export interface ValueSources {
  set: Record<string, string>;
  namespace: string;
  istioNamespace: string;
  gateway: GatewayMode;
}

/** Defaults, then flags; every value checked against its type. */
export function resolveValues(course: Course, sources: ValueSources, courseFile: string, problems: ProblemList): VariableValues {
  const values: VariableValues = { namespace: 'default', istioNamespace: 'istio-system' };
  const nsProblem = typeProblem('namespace', sources.namespace);
  if (nsProblem) problems.add(`--namespace ${sources.namespace}`, 0, `the client namespace ${JSON.stringify(sources.namespace)} is ${nsProblem}`);
  else values.namespace = sources.namespace;
  const istioProblem = typeProblem('namespace', sources.istioNamespace);
  if (istioProblem) problems.add(`--istio-namespace ${sources.istioNamespace}`, 0, `the Istio namespace ${JSON.stringify(sources.istioNamespace)} is ${istioProblem}`);
  else values.istioNamespace = sources.istioNamespace;
  Object.assign(values, gatewayValues(sources.gateway, values.namespace, values.istioNamespace));
  if (sources.gateway === 'own' && values.gatewayLabel.length > 63) {
    problems.add(
      `--namespace ${values.namespace}`,
      0,
      `the client namespace is too long for an own gateway: its pods are labelled istio=${OWN_GATEWAY_LABEL_PREFIX}<namespace>, at most 63 characters, so use a namespace of at most ${63 - OWN_GATEWAY_LABEL_PREFIX.length} characters or --gateway shared`,
    );
  }

  for (const v of course.variables) {
    values[v.name] = v.default;
    const problem = typeProblem(v.type, v.default);
    if (problem && !Object.hasOwn(sources.set, v.name)) {
      problems.add(courseFile, course.defaultLines[v.name] ?? 0, `the default of ${v.name}, ${JSON.stringify(v.default)}, is ${problem}`);
    }
  }
  for (const [name, value] of Object.entries(sources.set)) {
    const def = course.variables.find((v) => v.name === name);
    const flag = `--set ${name}=${value}`;
    if (Object.hasOwn(FLAG_VARIABLES, name)) {
      problems.add(flag, 0, FLAG_VARIABLES[name]);
    } else if ((BUILTIN_VARIABLES as readonly string[]).includes(name)) {
      problems.add(flag, 0, `${name} follows from the gateway mode (--gateway shared|own), not --set`);
    } else if (!def) {
      const known = course.variables.map((v) => v.name).join(', ') || 'none';
      problems.add(flag, 0, `there is no variable "${name}" (variables: ${known})`);
    } else {
      const problem = typeProblem(def.type, value);
      // A refused value is not substituted, so it cannot cause a second round of problems downstream.
      if (problem) problems.add(flag, 0, `${JSON.stringify(value)} is ${problem}`);
      else values[name] = value;
    }
  }
  return values;
}

export interface GlossaryEntry {
  en: string;
  zh: string;
  note?: Localized;
}

export function readGlossary(doc: YamlDocument | undefined, file: string, problems: ProblemList): GlossaryEntry[] | undefined {
  if (!doc || doc.value === null || doc.value === undefined) return undefined;
  if (!Array.isArray(doc.value)) {
    problems.add(file, doc.line, 'glossary.yaml must be a list of { en, zh, note } entries');
    return undefined;
  }
  const entries: GlossaryEntry[] = [];
  doc.value.forEach((e, i) => {
    const line = lineOf(doc.lines, [i]);
    if (!isObj(e) || typeof e.en !== 'string' || typeof e.zh !== 'string' || e.en === '' || e.zh === '') {
      problems.add(file, line, 'a glossary entry needs en: and zh: terms');
      return;
    }
    const entry: GlossaryEntry = { en: e.en, zh: e.zh };
    if (e.note !== undefined) entry.note = readLocalized(e.note, `the note on "${e.en}"`, file, lineOf(doc.lines, [i, 'note']), problems);
    for (const key of Object.keys(e)) {
      if (!['en', 'zh', 'note'].includes(key)) problems.add(file, lineOf(doc.lines, [i, key]), `unknown field "${key}" in a glossary entry (en, zh, note)`);
    }
    entries.push(entry);
  });
  return entries;
}
