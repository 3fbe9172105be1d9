// Loads and validates a lessons folder (format: lessons/README.md) into a LessonSet.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { GatewayMode, Lang, Lesson, LessonProblem, LessonSet, Localized, Step } from './model.js';
import { LANGS } from './model.js';
import { ProblemList } from './problems.js';
import { BUILTIN_VARIABLES, isObj, readCourse, readGlossary, resolveValues, type Course } from './course.js';
import { parseYaml, lineOf, quoteLoneDashes, type LineNode, type YamlDocument } from './yaml-lines.js';
import { parseProse, type Prose } from './prose.js';
import { checkPlaceholders, renderTemplate } from './template.js';
import { parseStep, stepApplies, type StepContext } from './steps.js';
import { packageRoot } from '../schema/paths.js';

export interface LoadOptions {
  /** `--set name=value` overrides (see parseSetFlags). */
  set?: Record<string, string>;
  /** The client namespace (`-n`); default "default". */
  namespace?: string;
  /** `--istio-namespace`; default "istio-system". */
  istioNamespace?: string;
  /** The gateway mode (`--gateway`, the class, the saved progress); default "shared". */
  gateway?: GatewayMode;
  /**
   * Where explain steps' diagrams live. Default: `assets/diagrams` beside the lessons folder when
   * that exists (a checkout or the package itself), else the package's own `assets/diagrams`.
   */
  diagramsDir?: string;
}

const LANG_NAMES: Record<Lang, string> = { en: 'English', zh: 'Chinese' };

/** The lessons shipped with the package. */
export function defaultLessonsDir(): string {
  return join(packageRoot(), 'lessons');
}

function defaultDiagramsDir(lessonsDir: string): string {
  const beside = join(lessonsDir, '..', 'assets', 'diagrams');
  try {
    if (statSync(beside).isDirectory()) return resolve(beside);
  } catch {
    // not there: use the package's
  }
  return join(packageRoot(), 'assets', 'diagrams');
}

type ReadResult = { ok: true; text: string } | { ok: false; code: string };

function readText(path: string): ReadResult {
  try {
    return { ok: true, text: readFileSync(path, 'utf8').replace(/^\uFEFF/, '') }; // an editor's byte-order mark is not content
  } catch (err) {
    return { ok: false, code: (err as NodeJS.ErrnoException).code ?? 'error' };
  }
}

/** Reads an optional single-document YAML file; undefined when absent or broken (broken is reported). */
function readYamlFile(dir: string, rel: string, problems: ProblemList, required: boolean): { doc?: YamlDocument; text?: string } {
  const r = readText(join(dir, rel));
  if (!r.ok) {
    if (r.code !== 'ENOENT' || required) problems.add(rel, 0, r.code === 'ENOENT' ? 'file is missing' : `cannot be read (${r.code})`);
    return {};
  }
  const parsed = parseYaml(r.text);
  if (!parsed.ok) {
    // A lone - in a flow list ([curl, -D, -, URL]) is a common slip: name the fix when it is the cause.
    const hint = parseYaml(quoteLoneDashes(r.text)).ok ? ' (quote a lone - in a [flow, list] as "-")' : '';
    problems.add(rel, parsed.line, `YAML does not parse: ${parsed.message}${hint}`);
    return { text: r.text };
  }
  const docs = parsed.documents.filter((d) => d.value !== null && d.value !== undefined);
  if (docs.length > 1) problems.add(rel, docs[1].line, 'only one YAML document is allowed here');
  return { doc: docs[0] ?? parsed.documents[0], text: r.text };
}

function listLessonFolders(dir: string, problems: ProblemList): string[] | undefined {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'ENOTDIR' ? 'it is not a folder' : `it cannot be read (${code})`;
    problems.add(dir, 0, `cannot read the lessons folder: ${why}; pass an existing folder with --lessons DIR`);
    return undefined;
  }
  return names
    // drills/ holds the break-fix drills (src/drill loads them), not a lesson.
    .filter((n) => !n.startsWith('.') && n !== 'drills')
    .filter((n) => {
      try {
        return statSync(join(dir, n)).isDirectory();
      } catch {
        return false;
      }
    })
    .sort();
}

/**
 * Loads the lessons folder `dir`: course.yaml, glossary.yaml and every lesson folder, in name
 * order. `set` is undefined when any problem was found; problems are `file:line` precise, with
 * files relative to `dir` (line 0: the whole file, or a command-line flag).
 */
export function loadLessonSet(dir: string, options: LoadOptions = {}): { set?: LessonSet; problems: LessonProblem[] } {
  const problems = new ProblemList();
  const root = resolve(dir);
  const folders = listLessonFolders(root, problems);
  if (!folders) return { problems: problems.items };
  // A folder with neither course.yaml nor any lesson.yaml is a wrong path, not a broken course:
  // one sentence instead of a "file is missing" per subfolder.
  if (!existsSync(join(root, 'course.yaml')) && !folders.some((f) => existsSync(join(root, f, 'lesson.yaml')))) {
    problems.add(dir, 0, 'this is not a lessons folder: it has no course.yaml and no lesson folder with a lesson.yaml (see lessons/README.md); pass the folder that holds them');
    return { problems: problems.items };
  }

  const courseFile = readYamlFile(root, 'course.yaml', problems, false);
  const course = readCourse(courseFile.doc, 'course.yaml', problems);
  const known = new Set<string>([...BUILTIN_VARIABLES, ...course.variables.map((v) => v.name)]);
  if (courseFile.text) checkPlaceholders(courseFile.text, 'course.yaml', known, problems, true);
  const glossaryFile = readYamlFile(root, 'glossary.yaml', problems, false);
  const glossary = readGlossary(glossaryFile.doc, 'glossary.yaml', problems);

  const values = resolveValues(
    course,
    { set: options.set ?? {}, namespace: options.namespace ?? 'default', istioNamespace: options.istioNamespace ?? 'istio-system', gateway: options.gateway ?? 'shared' },
    'course.yaml',
    problems,
  );

  if (folders.length === 0) problems.add(dir, 0, 'the lessons folder holds no lesson folders (like 01-setup/ with lesson.yaml, en.md and zh.md)');
  const diagramsDir = options.diagramsDir ?? defaultDiagramsDir(root);
  const lessons: Lesson[] = [];
  folders.forEach((id, index) => {
    const lesson = loadLesson(root, id, folders.slice(0, index), { course, values, known, diagramsDir, problems });
    if (lesson) lessons.push(lesson);
  });
  checkTrackOrder(lessons, problems);

  if (problems.count > 0) return { problems: problems.items };
  const set: LessonSet = { dir: root, variables: course.variables, values, gateway: options.gateway ?? 'shared', tracks: course.tracks, lessons };
  if (glossary) set.glossary = glossary;
  return { set, problems: [] };
}

interface LessonContext {
  course: Course;
  values: Record<string, string>;
  known: Set<string>;
  diagramsDir: string;
  problems: ProblemList;
}

function loadLesson(root: string, id: string, earlier: string[], ctx: LessonContext): Lesson | undefined {
  const { problems } = ctx;
  const lessonDir = join(root, id);
  const file = `${id}/lesson.yaml`;
  const before = problems.count;

  const { doc, text } = readYamlFile(root, file, problems, true);
  if (text !== undefined) checkPlaceholders(text, file, ctx.known, problems, true);

  // Prose in both languages.
  const prose = {} as Record<Lang, Prose | undefined>;
  for (const lang of LANGS) {
    const rel = `${id}/${lang}.md`;
    const r = readText(join(lessonDir, `${lang}.md`));
    if (!r.ok) {
      problems.add(rel, 0, r.code === 'ENOENT' ? `the ${LANG_NAMES[lang]} text is missing: every lesson needs en.md and zh.md` : `cannot be read (${r.code})`);
      continue;
    }
    checkPlaceholders(r.text, rel, ctx.known, problems, false);
    prose[lang] = parseProse(r.text, rel, problems);
  }

  if (!doc || doc.value === null || doc.value === undefined) {
    // Read but empty (a file that does not parse was reported already).
    if (text !== undefined && parseYaml(text).ok) problems.add(file, 1, 'lesson.yaml is empty: it needs steps: (a non-empty list)');
    return undefined;
  }
  if (!isObj(doc.value)) {
    problems.add(file, doc.line, 'lesson.yaml must be a mapping with steps: (and optionally requires:)');
    return undefined;
  }
  const y = doc.value;
  for (const key of Object.keys(y)) {
    if (!['steps', 'requires', 'learned', 'track'].includes(key)) problems.add(file, lineOf(doc.lines, [key]), `unknown field "${key}" (lesson.yaml has track, requires, learned and steps)`);
  }
  const learned = readLearned(y.learned, file, doc.lines, problems);
  let track: string | undefined;
  if (y.track !== undefined) {
    const names = ctx.course.tracks.map((t) => t.id);
    if (typeof y.track === 'string' && names.includes(y.track)) track = y.track;
    else problems.add(file, lineOf(doc.lines, ['track']), `track ${JSON.stringify(y.track)} is not declared in course.yaml (tracks: ${names.join(', ') || 'none'})`);
  }

  const requires: string[] = [];
  if (y.requires !== undefined) {
    if (!Array.isArray(y.requires)) {
      problems.add(file, lineOf(doc.lines, ['requires']), 'requires must be a list of lesson folder names, like [01-setup]');
    } else {
      y.requires.forEach((r, i) => {
        const line = lineOf(doc.lines, ['requires', i]);
        if (typeof r === 'string' && earlier.includes(r)) requires.push(r);
        else if (r === id) problems.add(file, line, `lesson "${id}" cannot require itself`);
        else problems.add(file, line, `requires ${JSON.stringify(r)}, which is not a lesson before this one (earlier lessons: ${earlier.join(', ') || 'none'})`);
      });
    }
  }

  // Steps from lesson.yaml.
  const rawSteps = y.steps;
  const stepIds: { id: string; line: number }[] = [];
  const steps: Step[] = [];
  if (!Array.isArray(rawSteps) || rawSteps.length === 0) {
    problems.add(file, y.steps === undefined ? doc.line : lineOf(doc.lines, ['steps']), 'lesson.yaml needs steps: a non-empty list');
  } else {
    const stepCtx: StepContext = {
      lessonId: id, lessonDir, file, lines: doc.lines, values: ctx.values, targets: ctx.course.targets,
      diagramsDir: ctx.diagramsDir, problems, execIds: new Set(), applyIds: new Set(), known: ctx.known,
      ...(typeof y.track === 'string' ? { track: y.track } : {}),
    };
    const seen = new Map<string, number>();
    rawSteps.forEach((raw, i) => {
      const sid = isObj(raw) && typeof raw.id === 'string' ? raw.id : undefined;
      const line = lineOf(doc.lines, ['steps', i, 'id']);
      if (sid !== undefined) {
        if (seen.has(sid)) problems.add(file, line, `step id "${sid}" appears twice (first on line ${seen.get(sid)})`);
        else {
          seen.set(sid, line);
          stepIds.push({ id: sid, line });
        }
      }
      const step = parseStep(raw, i, stepCtx);
      // A step of the other gateway mode is checked, then left out.
      if (step && stepApplies(step, ctx.values)) steps.push(step);
    });
  }

  // Both languages must name the steps of lesson.yaml, in its order.
  for (const lang of LANGS) {
    const p = prose[lang];
    if (!p) continue;
    const rel = `${id}/${lang}.md`;
    const proseIds = p.sections.map((s) => s.id);
    for (const s of stepIds) {
      if (!proseIds.includes(s.id)) problems.add(file, s.line, `step "${s.id}" has no "## Title {#${s.id}}" section in ${lang}.md`);
    }
    const yamlIds = stepIds.map((s) => s.id);
    for (const s of p.sections) {
      if (!yamlIds.includes(s.id)) problems.add(rel, s.line, `section {#${s.id}} names no step in lesson.yaml`);
    }
    // Order: compare the shared ids in sequence.
    const shared = p.sections.filter((s) => yamlIds.includes(s.id));
    const expected = yamlIds.filter((sid) => proseIds.includes(sid));
    for (let k = 0; k < shared.length; k++) {
      if (shared[k].id !== expected[k]) {
        problems.add(rel, shared[k].line, `section {#${shared[k].id}} is out of order: lesson.yaml has "${expected[k]}" here (sections must follow the order of lesson.yaml)`);
        break;
      }
    }
  }

  if (problems.count !== before) return undefined;
  const localized = (pick: (p: Prose) => string): Localized => ({ en: pick(prose.en!), zh: pick(prose.zh!) });
  for (const step of steps) {
    for (const lang of LANGS) {
      const section = prose[lang]!.sections.find((s) => s.id === step.id)!;
      step.title[lang] = renderTemplate(section.title, ctx.values);
      step.body[lang] = renderTemplate(section.body, ctx.values);
    }
  }
  return {
    id,
    ...(track ? { track } : {}),
    title: localized((p) => renderTemplate(p.title ?? '', ctx.values)),
    summary: localized((p) => renderTemplate(p.summary, ctx.values)),
    requires,
    steps,
    source: { file, line: 1 },
    ...(learned ? { learned: { en: renderTemplate(learned.en, ctx.values), zh: renderTemplate(learned.zh, ctx.values) } } : {}),
  };
}

/**
 * The course menu groups lessons: the core ones first, then each track's lessons together. A core
 * lesson may not build on a track's, nor a track's on another track's (each is walked on its own).
 */
function checkTrackOrder(lessons: Lesson[], problems: ProblemList): void {
  const seenTracks: string[] = [];
  const byId = new Map(lessons.map((l) => [l.id, l]));
  let previous: string | undefined;
  for (const lesson of lessons) {
    const track = lesson.track;
    if (track !== previous) {
      if (track === undefined) problems.add(lesson.source.file, 1, `a core lesson (no track:) must come before every track's lessons; rename the folder so it sorts before ${lessons.find((l) => l.track)!.id}`);
      else if (seenTracks.includes(track)) problems.add(lesson.source.file, 1, `the lessons of track "${track}" must be next to each other; rename the folder so it sorts with the others of that track`);
      else seenTracks.push(track);
      previous = track;
    }
    for (const req of lesson.requires) {
      const other = byId.get(req)?.track;
      if (other !== undefined && other !== track) {
        problems.add(lesson.source.file, 1, `requires ${req}, a lesson of track "${other}"; a lesson may require core lessons and lessons of its own track only`);
      }
    }
  }
}

/** `learned: { en: ..., zh: ... }`: one line per language, shown when the lesson is done. */
function readLearned(raw: unknown, file: string, lines: LineNode, problems: ProblemList): Localized | undefined {
  if (raw === undefined) return undefined;
  const line = lineOf(lines, ['learned']);
  if (!isObj(raw)) {
    problems.add(file, line, 'learned must be a mapping with en and zh: what the learner has learned, one line each');
    return undefined;
  }
  for (const key of Object.keys(raw)) if (!LANGS.includes(key as Lang)) problems.add(file, lineOf(lines, ['learned', key]), `unknown language "${key}" in learned (it takes en and zh)`);
  const out: Partial<Localized> = {};
  for (const lang of LANGS) {
    const text = raw[lang];
    if (typeof text !== 'string' || text.trim() === '') problems.add(file, line, `learned needs a non-empty ${lang} line`);
    else if (text.includes('\n')) problems.add(file, lineOf(lines, ['learned', lang]), `learned.${lang} must be one line`);
    else out[lang] = text.trim();
  }
  return out.en && out.zh ? (out as Localized) : undefined;
}
