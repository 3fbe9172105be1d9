// A small POSIX-sh subset for `sh -c '...'`: quoting, $VAR expansion, `;` `&&` `||` lists,
// `|` pipelines, and redirections to /dev/null or between stdout and stderr.

export type Token =
  | { kind: 'word'; value: string }
  | { kind: 'op'; value: ';' | '&&' | '||' | '|' }
  | { kind: 'redirect'; fd: 1 | 2; target: string | { fd: 1 | 2 }; append: boolean };

export interface SimpleCommand {
  argv: string[];
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

/**
 * Split a command line into tokens, expanding variables with `lookup` as the shell would
 * (`$?` included). Single quotes are literal; double quotes expand `$`.
 */
export function tokenize(line: string, lookup: (name: string) => string): Token[] | { error: string } {
  const tokens: Token[] = [];
  let word = '';
  let inWord = false;
  const flush = (): void => {
    if (inWord) tokens.push({ kind: 'word', value: word });
    word = '';
    inWord = false;
  };
  const expand = (i: number): { text: string; next: number } => {
    // line[i] === '$'
    const rest = line.slice(i + 1);
    const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest);
    if (braced) return { text: lookup(braced[1]), next: i + 1 + braced[0].length };
    const special = /^[?$#0-9]/.exec(rest);
    if (special) return { text: lookup(special[0]), next: i + 2 };
    const plain = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (plain) return { text: lookup(plain[0]), next: i + 1 + plain[0].length };
    return { text: '$', next: i + 1 };
  };

  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) return { error: 'Unterminated quoted string' };
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      inWord = true;
      i++;
      for (;;) {
        if (i >= line.length) return { error: 'Unterminated quoted string' };
        const d = line[i];
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\' && i + 1 < line.length && '$`"\\\n'.includes(line[i + 1])) {
          word += line[i + 1];
          i += 2;
        } else if (d === '$') {
          const e = expand(i);
          word += e.text;
          i = e.next;
        } else {
          word += d;
          i++;
        }
      }
    } else if (c === '\\') {
      if (i + 1 < line.length) word += line[i + 1];
      inWord = true;
      i += 2;
    } else if (c === '$') {
      const e = expand(i);
      word += e.text;
      inWord = true;
      i = e.next;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      flush();
      if (c === '\n') tokens.push({ kind: 'op', value: ';' });
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
      word += c;
      inWord = true;
      i++;
    }
  }
  flush();
  return tokens;
}

export function parseCommandLine(line: string, lookup: (name: string) => string): ParseResult {
  const tokens = tokenize(line, lookup);
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
      } else if (t.value !== ';' || had) {
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
