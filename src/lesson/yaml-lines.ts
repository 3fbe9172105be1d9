// Parses YAML (one or more documents) and remembers which line each value sits on, so a problem
// deep in a manifest or lesson.yaml can be reported as `file:line`. js-yaml exposes node
// boundaries only through its `listener` hook; this rebuilds a line tree from those events.
import yaml from 'js-yaml';

/** Lines of a parsed value: mapping entries by key, sequence items by index. 1-based. */
export interface LineNode {
  line: number;
  keys?: Map<string, LineNode>;
  items?: LineNode[];
}

export interface YamlDocument {
  value: unknown;
  line: number; // first line of the document's content
  lines: LineNode;
}

export type YamlParse = { ok: true; documents: YamlDocument[] } | { ok: false; line: number; message: string };

interface Frame {
  openLine: number;
  closeLine: number;
  result: unknown;
  kind: string | null;
  children: Frame[];
}

interface ListenerState {
  line: number;
  result: unknown;
  kind: string | null;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** Turns one listener frame into a line tree, pairing children with the values they produced. */
function toLineNode(frame: Frame, line = frame.openLine): LineNode {
  const node: LineNode = { line };
  const { result, children } = frame;
  if (Array.isArray(result) && frame.kind === 'sequence') {
    node.items = [];
    let cursor = 0;
    for (const item of result) {
      const at = children.findIndex((c, i) => i >= cursor && sameValue(c.result, item));
      if (at < 0) break;
      node.items.push(toLineNode(children[at]));
      cursor = at + 1;
    }
  } else if (result !== null && typeof result === 'object' && frame.kind === 'mapping') {
    node.keys = new Map();
    let cursor = 0;
    for (const [key, value] of Object.entries(result as Record<string, unknown>)) {
      const k = children.findIndex((c, i) => i >= cursor && c.result !== null && c.result !== undefined && String(c.result) === key);
      if (k < 0) continue;
      const v = children.findIndex((c, i) => i > k && sameValue(c.result, value));
      if (v < 0) {
        node.keys.set(key, { line: children[k].closeLine });
        cursor = k + 1;
        continue;
      }
      node.keys.set(key, toLineNode(children[v], children[k].closeLine));
      cursor = v + 1;
    }
  }
  return node;
}

/** Parses every document of `text`; on a syntax error, returns the parser's line and reason. */
export function parseYaml(text: string): YamlParse {
  const roots: Frame[] = [];
  const stack: Frame[] = [];
  const listener = (type: 'open' | 'close', state: ListenerState) => {
    if (type === 'open') {
      stack.push({ openLine: state.line + 1, closeLine: state.line + 1, result: undefined, kind: null, children: [] });
      return;
    }
    const frame = stack.pop();
    if (!frame) return;
    frame.closeLine = state.line + 1;
    frame.result = state.result;
    frame.kind = state.kind;
    (stack.length ? stack[stack.length - 1].children : roots).push(frame);
  };
  let values: unknown[];
  try {
    // CORE_SCHEMA: plain YAML 1.2 scalars only, so a date-like value stays a string as kubectl sends it.
    values = yaml.loadAll(text, undefined, { listener, schema: yaml.CORE_SCHEMA } as yaml.LoadOptions);
  } catch (err) {
    if (err instanceof yaml.YAMLException) {
      return { ok: false, line: (err.mark?.line ?? 0) + 1, message: err.reason || err.message.split('\n')[0] };
    }
    throw err;
  }
  const documents: YamlDocument[] = [];
  let cursor = 0;
  for (const value of values) {
    const at = roots.findIndex((r, i) => i >= cursor && sameValue(r.result, value));
    const frame = at >= 0 ? roots[at] : undefined;
    if (at >= 0) cursor = at + 1;
    const lines = frame ? toLineNode(frame, firstContentLine(frame)) : { line: 1 };
    documents.push({ value, line: lines.line, lines });
  }
  return { ok: true, documents };
}

function firstContentLine(frame: Frame): number {
  return frame.children.length ? Math.min(frame.openLine, frame.children[0].openLine) : frame.openLine;
}

/** Splits a kube-style field path ("spec.servers[0].port", "spec.selector[istio]") into segments. */
export function splitFieldPath(path: string): string[] {
  const segments: string[] = [];
  const re = /([^.[\]]+)|\[([^\]]*)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path))) segments.push(m[1] ?? m[2]);
  return segments;
}

/** The line of the deepest node along `path` that exists (the document's first line at worst). */
export function lineOf(root: LineNode, path: (string | number)[]): number {
  let node = root;
  for (const segment of path) {
    const next = node.items && /^\d+$/.test(String(segment)) ? node.items[Number(segment)] : node.keys?.get(String(segment));
    if (!next) break;
    node = next;
  }
  return node.line;
}

/**
 * Quotes a lone `-` item inside a one-line flow sequence (`[curl, -D, -, URL]`), which YAML does
 * not allow unquoted; used to tell an author that this is why a file does not parse.
 */
export function quoteLoneDashes(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      let out = '';
      let quote: string | undefined;
      let depth = 0;
      let prev = ''; // last non-space character outside quotes
      for (let i = 0; i < line.length; i++) {
        const ch = line[i];
        if (quote) {
          out += ch;
          if (ch === quote) quote = undefined;
          continue;
        }
        if (ch === '#' && (i === 0 || line[i - 1] === ' ')) {
          out += line.slice(i);
          break;
        }
        if (ch === '"' || ch === "'") quote = ch;
        else if (ch === '[' || ch === '{') depth++;
        else if ((ch === ']' || ch === '}') && depth > 0) depth--;
        if (ch === '-' && depth > 0 && (prev === '[' || prev === ',')) {
          const next = line.slice(i + 1).trimStart()[0];
          if (next === ',' || next === ']') {
            out += '"-"';
            prev = '"';
            continue;
          }
        }
        out += ch;
        if (ch !== ' ' && ch !== '\t') prev = ch;
      }
      return out;
    })
    .join('\n');
}
