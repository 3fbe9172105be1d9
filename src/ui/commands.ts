// The "Equivalent kubectl" box as rows that never break a command: a long shell line continues
// with ` \` at a word boundary outside quotes, a `#` comment wraps as comments, and a heredoc body
// (a manifest) is left as written. Also the OSC 52 sequence that puts the commands on the clipboard.

import { cellWidth, wrap } from './text.js';

/** Words of a shell line, split at spaces outside quotes (a break inside quotes would change the string). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      word += c;
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      word += c;
    } else if (c === '\\' && i + 1 < line.length) {
      word += c + line[++i];
    } else if (c === ' ') {
      if (word) words.push(word);
      word = '';
    } else word += c;
  }
  if (word) words.push(word);
  return words;
}

const CONTINUE = ' \\';
const INDENT = '  ';

/** One shell line in rows of at most `width` cells: ` \` ends every row but the last. */
export function continueLine(line: string, width: number): string[] {
  if (cellWidth(line) <= width) return [line];
  const lead = /^\s*/.exec(line)?.[0] ?? '';
  const words = shellWords(line.slice(lead.length));
  const rows: string[] = [];
  let current = lead;
  for (const word of words) {
    const prefix = rows.length === 0 ? lead : lead + INDENT;
    const candidate = current.trim() === '' ? prefix + word : `${current} ${word}`;
    // Leave room for the continuation mark on every row but the last.
    if (current.trim() !== '' && cellWidth(candidate) + CONTINUE.length > width) {
      rows.push(current + CONTINUE);
      current = lead + INDENT + word;
    } else current = candidate;
  }
  rows.push(current);
  return rows;
}

/** A `#` comment in rows, each one a comment. */
export function commentLines(line: string, width: number): string[] {
  const lead = /^\s*#+\s?/.exec(line)?.[0] ?? '# ';
  const body = line.slice(lead.length);
  const room = Math.max(10, width - cellWidth(lead));
  return wrap(body, room).map((part) => lead + part.trimEnd());
}

/** Every command of a step as rows for the box. */
export function commandRows(commands: string[], width: number): string[] {
  const rows: string[] = [];
  for (const command of commands) {
    let heredoc: string | undefined;
    for (const line of command.split('\n')) {
      if (heredoc !== undefined) {
        // A manifest is data: never add a shell continuation inside it.
        rows.push(...(cellWidth(line) <= width ? [line] : wrap(line, width)));
        if (line.trim() === heredoc) heredoc = undefined;
        continue;
      }
      if (/^\s*#/.test(line)) rows.push(...commentLines(line, width));
      else rows.push(...continueLine(line, width));
      const marker = /<<-?\s*['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?/.exec(line);
      if (marker) heredoc = marker[1];
    }
  }
  return rows;
}

/** The OSC 52 escape that sets the system clipboard (tmux passes it on with `set-clipboard on`). */
export function osc52(text: string): string {
  return `\x1b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\x07`;
}

/** Whether a terminal is likely to take OSC 52: a real terminal that is not `dumb`. */
export function clipboardLikely(stdout: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stdout.isTTY === true && env.TERM !== 'dumb' && env.TERM !== 'linux';
}
