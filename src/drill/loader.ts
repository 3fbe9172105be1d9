// Loads and validates lessons/drills/<name>/ (drill.yaml, en.md, zh.md, manifests/) against a
// loaded lesson set. Problems are `file:line: problem`, files relative to the lessons folder, as
// `egress-tutorial validate` prints them for lessons.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_VARIABLES, isObj, readCourse } from '../lesson/course.js';
import type { ApplyStep, ExecStep, LessonProblem, LessonSet, LogsStep, Localized } from '../lesson/model.js';
import { LANGS } from '../lesson/model.js';
import { ProblemList } from '../lesson/problems.js';
import { parseProse, STEP_ID, type Prose } from '../lesson/prose.js';
import { parseStep, type StepContext } from '../lesson/steps.js';
import { checkPlaceholders, renderTemplate } from '../lesson/template.js';
import { lineOf, parseYaml, type LineNode } from '../lesson/yaml-lines.js';
import type { Drill, DrillSymptom } from './model.js';

export const DRILLS_FOLDER = 'drills';
/** The lessons a drill may belong to: the ones that build egress routing (issue 13). */
export const DRILL_LESSONS = /^0[3-5]-/;
const FIELDS = ['lesson', 'requires', 'gateway', 'symptom', 'steps'];
const SYMPTOM_FIELDS = ['httpStatus', 'exitCode', 'responseFlags', 'gatewayLine'];
/** Step ids and kinds, in this order; base and proof are optional. */
const STEPS: { id: string; kind: string; required: boolean }[] = [
  { id: 'base', kind: 'apply', required: false },
  { id: 'fault', kind: 'apply', required: false }, // a missing object is a fault too (no ServiceEntry)
  { id: 'request', kind: 'exec', required: true },
  { id: 'proof', kind: 'logs', required: false },
];
const SECTIONS = ['hint-where', 'hint-field', 'hint-fix', 'why'] as const;

export interface DrillLoad {
  drills: Drill[];
  problems: LessonProblem[];
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

/** The drills of a lessons folder (none when it has no drills/ folder). */
export function loadDrills(set: LessonSet): DrillLoad {
  const problems = new ProblemList();
  const root = join(set.dir, DRILLS_FOLDER);
  if (!existsSync(root)) return { drills: [], problems: [] };
  const courseText = readText(join(set.dir, 'course.yaml'));
  const courseDoc = courseText ? parseYaml(courseText) : undefined;
  const course = readCourse(courseDoc?.ok ? courseDoc.documents[0] : undefined, 'course.yaml', new ProblemList());
  const known = new Set<string>([...BUILTIN_VARIABLES, ...set.variables.map((v) => v.name)]);
  const names = readdirSync(root)
    .filter((n) => !n.startsWith('.') && statSync(join(root, n)).isDirectory())
    .sort();
  const drills: Drill[] = [];
  for (const name of names) {
    const drill = loadDrill(set, name, { targets: course.targets, known, problems });
    if (drill) drills.push(drill);
  }
  return problems.count > 0 ? { drills: [], problems: problems.items } : { drills, problems: [] };
}

interface Ctx {
  targets: StepContext['targets'];
  known: Set<string>;
  problems: ProblemList;
}

function loadDrill(set: LessonSet, name: string, ctx: Ctx): Drill | undefined {
  const { problems } = ctx;
  const before = problems.count;
  const folder = `${DRILLS_FOLDER}/${name}`;
  const file = `${folder}/drill.yaml`;
  const dir = join(set.dir, DRILLS_FOLDER, name);
  if (!STEP_ID.test(name)) problems.add(folder, 0, `the drill folder name "${name}" is not kebab-case (like "subset-missing")`);

  // Prose first, so missing sections are reported even when drill.yaml is broken.
  const prose = {} as Record<'en' | 'zh', Prose | undefined>;
  for (const lang of LANGS) {
    const rel = `${folder}/${lang}.md`;
    const text = readText(join(dir, `${lang}.md`));
    if (text === undefined) {
      problems.add(rel, 0, `the ${lang === 'en' ? 'English' : 'Chinese'} text is missing: every drill needs en.md and zh.md`);
      continue;
    }
    checkPlaceholders(text, rel, ctx.known, problems, false);
    const p = parseProse(text, rel, problems);
    prose[lang] = p;
    if (!p.title) problems.add(rel, 1, 'the drill needs a title: a first line "# Title"');
    if (!p.summary.trim()) problems.add(rel, 1, 'the drill needs its story after the title (what the learner is told before the symptom)');
    for (const id of SECTIONS) if (!p.sections.some((s) => s.id === id)) problems.add(rel, 0, `the drill needs a "## Title {#${id}}" section`);
    for (const s of p.sections) if (!(SECTIONS as readonly string[]).includes(s.id)) problems.add(rel, s.line, `section {#${s.id}} is not a drill section (they are ${SECTIONS.join(', ')})`);
  }

  const text = readText(join(dir, 'drill.yaml'));
  if (text === undefined) {
    problems.add(file, 0, 'file is missing');
    return undefined;
  }
  checkPlaceholders(text, file, ctx.known, problems, true);
  const parsed = parseYaml(text);
  if (!parsed.ok) {
    problems.add(file, parsed.line, `YAML does not parse: ${parsed.message}`);
    return undefined;
  }
  const doc = parsed.documents[0];
  if (!doc || !isObj(doc.value)) {
    problems.add(file, doc?.line ?? 1, 'drill.yaml must be a mapping with lesson, symptom and steps');
    return undefined;
  }
  const y = doc.value;
  const at = (...path: (string | number)[]) => lineOf(doc.lines, path);
  for (const key of Object.keys(y)) if (!FIELDS.includes(key)) problems.add(file, at(key), `unknown field "${key}" (drill.yaml has ${FIELDS.join(', ')})`);

  const lesson = set.lessons.find((l) => l.id === y.lesson);
  if (typeof y.lesson !== 'string' || !lesson) problems.add(file, y.lesson === undefined ? doc.line : at('lesson'), `lesson must name a lesson folder (one of ${set.lessons.map((l) => l.id).join(', ')})`);
  else if (!DRILL_LESSONS.test(lesson.id)) problems.add(file, at('lesson'), `drills belong to lessons 3 to 5 (where egress routing is built), not "${lesson.id}"`);

  let requires = lesson?.requires ?? [];
  if (y.requires !== undefined) {
    if (!Array.isArray(y.requires)) problems.add(file, at('requires'), 'requires must be a list of lesson folder names, like [02-setup]');
    else {
      requires = [];
      y.requires.forEach((r, i) => {
        if (typeof r === 'string' && set.lessons.some((l) => l.id === r)) requires.push(r);
        else problems.add(file, at('requires', i), `requires ${JSON.stringify(r)}, which is not a lesson folder`);
      });
    }
  }

  if (y.gateway !== undefined && y.gateway !== 'own' && y.gateway !== 'shared') problems.add(file, at('gateway'), 'gateway must be own or shared (the only gateway mode the drill works in), or left out');
  const symptom = readSymptom(y.symptom, file, doc.lines, problems);

  // Steps: parsed as lesson steps (same fields, same checks); base reads the lesson's manifests.
  const found: Record<string, ApplyStep | ExecStep | LogsStep> = {};
  const stepCtx = (lessonDir: string, lessonId: string): StepContext => ({
    lessonId, lessonDir, file, lines: doc.lines, values: set.values, targets: ctx.targets,
    diagramsDir: dir, problems, execIds: new Set(['request']), known: ctx.known,
  });
  if (!Array.isArray(y.steps)) problems.add(file, y.steps === undefined ? doc.line : at('steps'), `steps must be a list: ${STEPS.map((s) => s.id).join(', ')}`);
  else {
    y.steps.forEach((raw, i) => {
      const id = isObj(raw) ? raw.id : undefined;
      const spec = STEPS.find((s) => s.id === id);
      if (!spec) {
        problems.add(file, at('steps', i), `a drill step has id ${STEPS.map((s) => s.id).join(', ')}, not ${JSON.stringify(id)}`);
        return;
      }
      if (found[spec.id]) {
        problems.add(file, at('steps', i, 'id'), `step "${spec.id}" appears twice`);
        return;
      }
      if (isObj(raw) && raw.kind !== spec.kind) {
        problems.add(file, at('steps', i, 'kind'), `step "${spec.id}" must be of kind ${spec.kind}`);
        return;
      }
      const fromLesson = spec.id === 'base' && lesson;
      const step = parseStep(raw, i, fromLesson ? stepCtx(join(set.dir, lesson.id), lesson.id) : stepCtx(dir, folder));
      if (step) found[spec.id] = step as ApplyStep | ExecStep | LogsStep;
    });
    for (const spec of STEPS) if (spec.required && !found[spec.id] && !y.steps.some((r) => isObj(r) && r.id === spec.id)) problems.add(file, at('steps'), `the drill needs a "${spec.id}" step (kind ${spec.kind})`);
  }
  if (Array.isArray(y.steps) && !y.steps.some((r) => isObj(r) && (r.id === 'base' || r.id === 'fault'))) problems.add(file, at('steps'), 'the drill needs a "base" or a "fault" step: the objects it sets up');
  const proof = found.proof as LogsStep | undefined;
  if (proof && proof.expect.requestFrom !== undefined && proof.expect.requestFrom !== 'request') problems.add(file, at('steps'), 'the proof step\'s requestFrom must be "request" (or left out)');
  if (symptom && symptom.gatewayLine && !proof) problems.add(file, at('symptom', 'gatewayLine'), 'symptom.gatewayLine is true, but the drill has no proof step naming the gateway');

  if (problems.count !== before || !lesson || !symptom || !prose.en || !prose.zh) return undefined;
  const pick = (f: (p: Prose) => string): Localized => ({ en: renderTemplate(f(prose.en!), set.values), zh: renderTemplate(f(prose.zh!), set.values) });
  const section = (id: string) => pick((p) => p.sections.find((s) => s.id === id)!.body);
  return {
    name,
    lesson: lesson.id,
    requires,
    title: pick((p) => p.title ?? name),
    summary: pick((p) => p.summary),
    symptom,
    ...(y.gateway === 'own' || y.gateway === 'shared' ? { gateway: y.gateway } : {}),
    ...(found.base ? { base: found.base as ApplyStep } : {}),
    ...(found.fault ? { fault: found.fault as ApplyStep } : {}),
    request: found.request as ExecStep,
    ...(proof ? { proof } : {}),
    hints: [section('hint-where'), section('hint-field'), section('hint-fix')],
    why: section('why'),
    source: { file, line: 1 },
  };
}

function readSymptom(value: unknown, file: string, lines: LineNode, problems: ProblemList): DrillSymptom | undefined {
  const at = (...path: (string | number)[]) => lineOf(lines, ['symptom', ...path]);
  if (!isObj(value)) {
    problems.add(file, value === undefined ? lines.line : at(), 'symptom must be a mapping (httpStatus, exitCode, responseFlags, gatewayLine)');
    return undefined;
  }
  const before = problems.count;
  for (const key of Object.keys(value)) if (!SYMPTOM_FIELDS.includes(key)) problems.add(file, at(key), `unknown field "${key}" in symptom (it takes ${SYMPTOM_FIELDS.join(', ')})`);
  const s: DrillSymptom = { gatewayLine: false };
  if (typeof value.gatewayLine !== 'boolean') problems.add(file, value.gatewayLine === undefined ? at() : at('gatewayLine'), 'symptom.gatewayLine must be true or false (does the gateway log the failing request?)');
  else s.gatewayLine = value.gatewayLine;
  if (value.httpStatus !== undefined) {
    if (!Number.isInteger(value.httpStatus) || (value.httpStatus as number) < 100 || (value.httpStatus as number) > 599) problems.add(file, at('httpStatus'), 'symptom.httpStatus must be an HTTP status from 100 to 599');
    else s.httpStatus = value.httpStatus as number;
  }
  if (value.exitCode !== undefined) {
    const codes = Array.isArray(value.exitCode) ? value.exitCode : [value.exitCode];
    if (codes.length === 0 || codes.some((c) => !Number.isInteger(c) || c < 0 || c > 255)) problems.add(file, at('exitCode'), 'symptom.exitCode must be a whole number from 0 to 255, or a list of them');
    else s.exitCode = value.exitCode as number | number[];
  }
  if (value.responseFlags !== undefined) {
    if (typeof value.responseFlags !== 'string' || !/^[A-Z]{2,4}(,[A-Z]{2,4})*$/.test(value.responseFlags)) problems.add(file, at('responseFlags'), 'symptom.responseFlags must be Envoy response flags like NC or UF,URX');
    else s.responseFlags = value.responseFlags;
  }
  if (s.httpStatus === undefined && s.exitCode === undefined) problems.add(file, at(), 'symptom needs httpStatus or exitCode: what the learner\'s curl shows');
  return problems.count === before ? s : undefined;
}
