// Reads the shipped lesson folder straight from disk, independent of the loader, so the content
// tests say exactly which file is wrong even when the loader is being changed.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { renderTemplate } from '../../src/lesson/template.js';
import { gatewayValues } from '../../src/lesson/course.js';
import type { GatewayMode, KubeObject, Lang, VariableValues } from '../../src/lesson/model.js';

export const LESSONS_DIR = fileURLToPath(new URL('../../lessons/', import.meta.url));
export const DIAGRAMS_DIR = fileURLToPath(new URL('../../assets/diagrams/', import.meta.url));

export interface RawStep {
  id: string;
  kind: string;
  diagram?: string;
  /** Another lesson whose manifests/ the step applies. */
  from?: string;
  manifests?: string[];
  waitFor?: string;
  target?: string;
  command?: string[];
  tagRequest?: boolean;
  expect?: Record<string, unknown>;
  expectFailure?: boolean;
  objects?: { apiVersion: string; kind: string; name: string; namespace?: string }[];
  checks?: string[];
  when?: { gateway?: GatewayMode };
}

export interface RawLesson {
  track?: string;
  requires?: string[];
  steps: RawStep[];
}

export interface CourseFile {
  variables: { name: string; type: string; default: string; description: Record<Lang, string> }[];
  targets: Record<string, { namespace: string; labels: Record<string, string>; container: string }>;
}

export function readText(...parts: string[]): string {
  return readFileSync(join(LESSONS_DIR, ...parts), 'utf8');
}

export function lessonIds(): string[] {
  return readdirSync(LESSONS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'drills') // drills/ holds break-fix drills, not a lesson
    .map((e) => e.name)
    .sort();
}

export function readLesson(id: string): RawLesson {
  return yaml.load(readText(id, 'lesson.yaml')) as RawLesson;
}

export function readCourse(): CourseFile {
  return yaml.load(readText('course.yaml')) as CourseFile;
}

export function readGlossary(): { en: string; zh: string; note?: Record<Lang, string> }[] {
  return yaml.load(readText('glossary.yaml')) as { en: string; zh: string; note?: Record<Lang, string> }[];
}

export interface Section {
  id: string;
  title: string;
  body: string;
}

/** The `## Title {#id}` sections of a prose file, ignoring headings inside fenced code. */
export function proseSections(id: string, lang: Lang): { title: string; sections: Section[] } {
  const lines = readText(id, `${lang}.md`).split('\n');
  let inFence = false;
  let title = '';
  const sections: Section[] = [];
  for (const line of lines) {
    if (/^ {0,3}(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^##\s+(.*?)\s*\{#([^}]*)\}\s*$/.exec(line);
    if (heading) {
      sections.push({ id: heading[2], title: heading[1], body: '' });
    } else if (!inFence && !title && /^#\s/.test(line)) {
      title = line.replace(/^#\s+/, '').trim();
    } else if (sections.length > 0) {
      sections[sections.length - 1].body += `${line}\n`;
    }
  }
  return { title, sections };
}

/** Default values: course.yaml defaults plus the built-ins' defaults (gateway mode shared unless told). */
export function defaultValues(gateway: GatewayMode = 'shared', namespace = 'default', istioNamespace = 'istio-system'): VariableValues {
  const values: VariableValues = { namespace, istioNamespace, ...gatewayValues(gateway, namespace, istioNamespace) };
  for (const v of readCourse().variables) values[v.name] = v.default;
  return values;
}

/** The objects one apply step creates, rendered with `values`. */
export function stepObjects(lesson: string, step: RawStep, values: VariableValues): KubeObject[] {
  return (step.manifests ?? []).flatMap((file) =>
    (yaml.loadAll(renderTemplate(readText(step.from ?? lesson, 'manifests', file), values)) as KubeObject[]).filter((o) => o != null),
  );
}

export function manifestFiles(lesson: string): string[] {
  const dir = join(LESSONS_DIR, lesson, 'manifests');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort() : [];
}
