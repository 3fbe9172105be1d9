// {{variable}} placeholders in prose, commands, manifests and targets.
// Only `{{name}}` with an identifier name is a placeholder; other double-brace text (a Go template
// in a kubectl command, say) is left alone.
import type { VariableValues } from './model.js';
import type { ProblemList } from './problems.js';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export interface Placeholder {
  name: string;
  line: number; // 1-based line within the text
}

/** Every placeholder in `text`, with its line. */
export function findPlaceholders(text: string): Placeholder[] {
  const found: Placeholder[] = [];
  text.split('\n').forEach((lineText, i) => {
    for (const m of lineText.matchAll(PLACEHOLDER)) found.push({ name: m[1], line: i + 1 });
  });
  return found;
}

/** Replaces each `{{name}}` whose value is known; unknown placeholders stay as written. */
export function renderTemplate(text: string, values: VariableValues): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(values, name) ? values[name] : whole));
}

/** Renders every string inside a parsed YAML value (lesson.yaml fields such as commands and targets). */
export function renderDeep<T>(value: T, values: VariableValues): T {
  if (typeof value === 'string') return renderTemplate(value, values) as T;
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, values)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, values)])) as T;
  }
  return value;
}

/** A `--set` flag that is not `name=value`. */
export class SetFlagError extends Error {
  override name = 'SetFlagError';
}

/**
 * Parses `--set name=value` flags (the value may contain '='; the last flag for a name wins).
 * Throws SetFlagError with one sentence naming the fix when a flag is malformed. Which names
 * exist and whether values fit their type is checked by loadLessonSet.
 */
export function parseSetFlags(list: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const flag of list) {
    const eq = flag.indexOf('=');
    const name = eq < 0 ? '' : flag.slice(0, eq).trim();
    if (eq < 0 || name === '') {
      throw new SetFlagError(`--set ${JSON.stringify(flag)} is not name=value; write it like --set httpHost=example.com.`);
    }
    values[name] = flag.slice(eq + 1);
  }
  return values;
}

/**
 * Reports `{{name}}` placeholders that name no variable, at their lines. With `yamlComments`,
 * placeholders on YAML comment lines are ignored. Returns how many were reported.
 */
export function checkPlaceholders(text: string, rel: string, known: Set<string>, problems: ProblemList, yamlComments: boolean): number {
  const lines = text.split('\n');
  let count = 0;
  for (const p of findPlaceholders(text)) {
    if (known.has(p.name)) continue;
    if (yamlComments && lines[p.line - 1].trimStart().startsWith('#')) continue;
    problems.add(rel, p.line, `unknown variable {{${p.name}}} (variables: ${[...known].join(', ')})`);
    count++;
  }
  return count;
}
