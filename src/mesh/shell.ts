// A small POSIX-sh subset for `sh -c '...'`: quoting, $VAR expansion, `;` `&&` `||` lists,
// `|` pipelines, and redirections to /dev/null or between stdout and stderr.

/** A word as written: literal text and variable references, expanded when the command runs (so `$?` is current). */
export type WordPart = { text: string } | { variable: string } | { command: string };
export type Word = WordPart[];

export type Token =
  | { kind: 'word'; value: Word }
  | { kind: 'op'; value: ';' | '&&' | '||' | '|' }
  | { kind: 'redirect'; fd: 1 | 2; target: string | { fd: 1 | 2 }; append: boolean };

export interface SimpleCommand {
  argv: Word[];
  redirects: { fd: 1 | 2; target: string | { fd: 1 | 2 } }[];
}

export interface Pipeline {
  commands: SimpleCommand[];
}

/** A list of pipelines joined by `;`, `&&` or `||` (the operator before each pipeline). */
export interface CommandList {
  items: { op: ';' | '&&' | '||'; pipeline: Pipeline }[];
}

export type ParseResult = { ok: true; list: CommandList } | { ok: false; message: string };

/** Expand a word: variables with `lookup`, `$(...)` with `substitute` (its output, trailing newlines cut). */
export function expandWord(word: Word, lookup: (name: string) => string, substitute: (command: string) => string = () => ''): string {
  return word
    .map((p) => ('text' in p ? p.text : 'variable' in p ? lookup(p.variable) : substitute(p.command).replace(/\n+$/, '')))
    .join('');
}

/** The index of the `)` closing a `$(` whose body starts at `from`, honouring quotes and nesting; -1 if none. */
function closingParen(line: string, from: number): number {
  let depth = 1;
  let quote: string | undefined;
  for (let i = from; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Split a command line into tokens. Single quotes are literal; double quotes allow `$` references. */
export function tokenize(line: string): Token[] | { error: string } {
  const tokens: Token[] = [];
  let parts: Word = [];
  let literal = '';
  let inWord = false;
  const endLiteral = (): void => {
    if (literal !== '') parts.push({ text: literal });
    literal = '';
  };
  const flush = (): void => {
    endLiteral();
    if (inWord) tokens.push({ kind: 'word', value: parts });
    parts = [];
    inWord = false;
  };
  const word = {
    add: (text: string): void => {
      literal += text;
    },
  };
  /** Read a `$` reference or `$(...)` at line[i]; returns the index after it, or -1 when `$(` is not closed. */
  const expand = (i: number): number => {
    if (line[i + 1] === '(') {
      const end = closingParen(line, i + 2);
      if (end === -1) return -1;
      endLiteral();
      parts.push({ command: line.slice(i + 2, end) });
      return end + 1;
    }
    const rest = line.slice(i + 1);
    const match = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest) ?? /^([?$#0-9])/.exec(rest) ?? /^([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    if (!match) {
      word.add('$');
      return i + 1;
    }
    endLiteral();
    parts.push({ variable: match[1] });
    return i + 1 + match[0].length;
  };

  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) return { error: 'syntax error: unterminated quoted string' };
      word.add(line.slice(i + 1, end));
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      inWord = true;
      i++;
      for (;;) {
        if (i >= line.length) return { error: 'syntax error: unterminated quoted string' };
        const d = line[i];
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\' && i + 1 < line.length && '$`"\\\n'.includes(line[i + 1])) {
          word.add(line[i + 1]);
          i += 2;
        } else if (d === '$') {
          i = expand(i);
          if (i === -1) return { error: 'syntax error: unterminated $(' };
        } else {
          word.add(d);
          i++;
        }
      }
    } else if (c === '\\') {
      if (i + 1 < line.length) word.add(line[i + 1]);
      inWord = true;
      i += 2;
    } else if (c === '$') {
      inWord = true;
      i = expand(i);
      if (i === -1) return { error: 'syntax error: unterminated $(' };
    } else if (c === ' ' || c === '\t' || c === '\n') {
      flush();
      // A newline ends a command like `;`, but empty lines are fine.
      const last = tokens[tokens.length - 1];
      if (c === '\n' && last !== undefined && last.kind !== 'op') tokens.push({ kind: 'op', value: ';' });
      i++;
    } else if (c === '#' && !inWord) {
      const end = line.indexOf('\n', i);
      i = end === -1 ? line.length : end;
    } else if (c === ';') {
      flush();
      tokens.push({ kind: 'op', value: ';' });
      i++;
    } else if (c === '&' && line[i + 1] === '&') {
      flush();
      tokens.push({ kind: 'op', value: '&&' });
      i += 2;
    } else if (c === '|') {
      flush();
      if (line[i + 1] === '|') {
        tokens.push({ kind: 'op', value: '||' });
        i += 2;
      } else {
        tokens.push({ kind: 'op', value: '|' });
        i++;
      }
    } else if (c === '>' || ((c === '1' || c === '2') && line[i + 1] === '>' && !inWord)) {
      const fd: 1 | 2 = c === '2' ? 2 : 1;
      flush();
      i += c === '>' ? 1 : 2;
      const append = line[i] === '>';
      if (append) i++;
      if (line[i] === '&' && (line[i + 1] === '1' || line[i + 1] === '2')) {
        tokens.push({ kind: 'redirect', fd, target: { fd: line[i + 1] === '2' ? 2 : 1 }, append });
        i += 2;
        continue;
      }
      while (line[i] === ' ') i++;
      let target = '';
      while (i < line.length && !' \t\n;&|<>'.includes(line[i])) target += line[i++];
      if (target === '') return { error: "syntax error: unexpected newline" };
      tokens.push({ kind: 'redirect', fd, target, append });
    } else if (c === '&') {
      return { error: 'background jobs (&) are not supported here' };
    } else {
      word.add(c);
      inWord = true;
      i++;
    }
  }
  flush();
  return tokens;
}

export function parseCommandLine(line: string): ParseResult {
  const tokens = tokenize(line);
  if (!Array.isArray(tokens)) return { ok: false, message: tokens.error };
  const list: CommandList = { items: [] };
  let op: ';' | '&&' | '||' = ';';
  let pipeline: Pipeline = { commands: [] };
  let command: SimpleCommand = { argv: [], redirects: [] };
  const endCommand = (): boolean => {
    if (command.argv.length === 0 && command.redirects.length === 0) return false;
    pipeline.commands.push(command);
    command = { argv: [], redirects: [] };
    return true;
  };
  for (const t of tokens) {
    if (t.kind === 'word') command.argv.push(t.value);
    else if (t.kind === 'redirect') command.redirects.push({ fd: t.fd, target: t.target });
    else if (t.value === '|') {
      if (!endCommand()) return { ok: false, message: 'syntax error: unexpected "|"' };
    } else {
      const had = endCommand();
      if (pipeline.commands.length > 0) {
        list.items.push({ op, pipeline });
        pipeline = { commands: [] };
      } else if (!had) {
        return { ok: false, message: `syntax error: unexpected "${t.value}"` };
      }
      op = t.value;
    }
  }
  endCommand();
  if (pipeline.commands.length > 0) list.items.push({ op, pipeline });
  else if (op !== ';') return { ok: false, message: 'syntax error: unexpected end of file' };
  return { ok: true, list };
}
