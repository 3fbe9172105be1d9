// Reads a lesson's prose file (en.md / zh.md): `# Title`, a summary, then one `## Title {#step-id}`
// section per step. Headings inside fenced code blocks are text, not structure.
import type { ProblemList } from './problems.js';

export const STEP_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface ProseSection {
  id: string;
  title: string;
  body: string;
  line: number;
}

export interface Prose {
  title?: string;
  summary: string;
  sections: ProseSection[];
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const TITLE = /^#\s+(.*?)\s*#*\s*$/;
const SECTION = /^##\s+(.*?)\s*\{#([^}]*)\}\s*$/;
const SECTION_START = /^##(\s|$)/;

function trimBlankLines(lines: string[]): string {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start].trim() === '') start++;
  while (end > start && lines[end - 1].trim() === '') end--;
  return lines.slice(start, end).join('\n');
}

export function parseProse(text: string, file: string, problems: ProblemList): Prose {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let fence: string | undefined;
  let title: string | undefined;
  const summary: string[] = [];
  const sections: ProseSection[] = [];
  let current: { id: string; title: string; line: number; body: string[] } | undefined;
  const seen = new Map<string, number>();

  const finish = () => {
    if (current) sections.push({ id: current.id, title: current.title, body: trimBlankLines(current.body), line: current.line });
  };

  lines.forEach((lineText, i) => {
    const line = i + 1;
    const fenceMatch = FENCE.exec(lineText);
    if (fenceMatch) {
      const marker = fenceMatch[1];
      if (!fence) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
    } else if (!fence) {
      if (title === undefined && !current && TITLE.test(lineText)) {
        title = TITLE.exec(lineText)![1];
        if (title === '') problems.add(file, line, 'the lesson title is empty: write it after "# "');
        return;
      }
      if (SECTION_START.test(lineText)) {
        const m = SECTION.exec(lineText);
        if (!m) {
          problems.add(file, line, `heading "${lineText.trim()}" has no step id: write it as "## Title {#step-id}" (use ### for a subheading)`);
          current?.body.push(lineText);
          return;
        }
        finish();
        const [, stepTitle, id] = m;
        if (!STEP_ID.test(id)) problems.add(file, line, `step id "${id}" is not kebab-case (lower-case letters, digits and single hyphens, like "curl-direct")`);
        if (stepTitle === '') problems.add(file, line, `step "${id}" has an empty title`);
        if (seen.has(id)) problems.add(file, line, `step id "${id}" appears twice (first on line ${seen.get(id)})`);
        else seen.set(id, line);
        current = { id, title: stepTitle, line, body: [] };
        return;
      }
    }
    if (current) current.body.push(lineText);
    else if (title !== undefined) summary.push(lineText);
    else if (lineText.trim() !== '') summary.push(lineText); // text before the title still belongs to the summary
  });
  if (fence) problems.add(file, lines.length, `a code block opened with ${fence} is never closed`);
  finish();
  if (title === undefined) problems.add(file, 1, 'missing title: the file must start with "# Lesson title"');
  return { title, summary: trimBlankLines(summary), sections };
}
