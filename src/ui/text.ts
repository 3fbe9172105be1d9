// Width-aware text helpers. Terminal cells, not string length: CJK characters take two cells and
// ANSI escapes take none. The step screen pre-wraps everything to the terminal width so it knows
// how many rows a block takes (for scrolling) and ink never has to re-wrap or truncate.

import stringWidth from 'string-width';

// SGR (colours, bold...), other CSI sequences, and OSC sequences (hyperlinks).
const ANSI_PATTERN = /\x1b\[[0-9;:?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;
const SGR_PATTERN = /^\x1b\[[0-9;:]*m$/;
const SGR_RESET = '\x1b[0m';

// CJK line-breaking: no closing punctuation at the start of a row, no opening one at its end.
const NO_LINE_START = /^[，。、；：！？）」』》〉】〕”’…%,.;:!?)\]}]$/;
const NO_LINE_END = /^[（「『《〈【〔“‘]$/;

// Built on first use: the first segmenter of a process costs ~10 ms (ICU's rules), too much for the first frame.
let segmenter: Intl.Segmenter | undefined;
const graphemes = (): Intl.Segmenter => (segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' }));

export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}

// Printable ASCII is one cell per character: a fast path for log lines and YAML (string-width and
// grapheme segmentation dominate the render cost otherwise while logs stream).
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Cells a string takes on screen. */
export function cellWidth(text: string): number {
  return PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text);
}

/** Tabs to spaces, carriage returns and other control characters (except ESC) removed. */
export function sanitize(text: string): string {
  return text.replace(/\t/g, '  ').replace(/[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f]/g, '');
}

/** Cut plain text to at most `width` cells, ending with `…` when something was cut. */
export function truncate(text: string, width: number, ellipsis = '…'): string {
  const plain = sanitize(stripAnsi(text));
  if (width <= 0) return '';
  if (PRINTABLE_ASCII.test(plain)) {
    if (plain.length <= width) return plain;
    const mark = stringWidth(ellipsis);
    return width > mark ? plain.slice(0, width - mark) + ellipsis : plain.slice(0, width);
  }
  if (stringWidth(plain) <= width) return plain;
  const room = width - stringWidth(ellipsis);
  let out = '';
  let used = 0;
  for (const { segment } of graphemes().segment(plain)) {
    const w = stringWidth(segment);
    if (used + w > room) break;
    out += segment;
    used += w;
  }
  return room > 0 ? out + ellipsis : out;
}

/** Pad plain text with spaces to exactly `width` cells (truncating first if needed). */
export function padTo(text: string, width: number): string {
  const cut = truncate(text, width);
  return cut + ' '.repeat(Math.max(0, width - cellWidth(cut)));
}

interface Token {
  text: string;
  width: number; // 0 for escapes
  ansi: boolean;
  space: boolean;
  wide: boolean; // a line may break before or after a wide (CJK) character
  pad?: boolean; // the hanging indent of a continuation row
}

function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  const pushText = (chunk: string) => {
    if (PRINTABLE_ASCII.test(chunk)) {
      for (const ch of chunk) tokens.push({ text: ch, width: 1, ansi: false, space: ch === ' ', wide: false });
      return;
    }
    for (const { segment } of graphemes().segment(chunk)) {
      const width = stringWidth(segment);
      tokens.push({ text: segment, width, ansi: false, space: segment === ' ', wide: width > 1 });
    }
  };
  for (const match of line.matchAll(ANSI_PATTERN)) {
    if (match.index > last) pushText(line.slice(last, match.index));
    tokens.push({ text: match[0], width: 0, ansi: true, space: false, wide: false });
    last = match.index + match[0].length;
  }
  if (last < line.length) pushText(line.slice(last));
  return tokens;
}

/** The SGR state after applying `codes` to `state`: a reset clears it, other SGR codes add up. */
function applySgr(state: string[], codes: Token[]): string[] {
  let next = state;
  for (const token of codes) {
    if (!token.ansi || !SGR_PATTERN.test(token.text)) continue;
    if (token.text === SGR_RESET || token.text === '\x1b[m') next = [];
    else next = [...next, token.text];
  }
  return next;
}

function emit(state: string[], tokens: Token[]): string {
  const body = tokens.map((t) => t.text).join('');
  const end = applySgr(state, tokens);
  return state.join('') + body + (end.length > 0 ? SGR_RESET : '');
}

/**
 * Word-wrap text (ANSI allowed) to rows of at most `width` cells. Breaks at spaces, around wide
 * characters, and hard inside words longer than a row. Open styles are closed at the end of a row
 * and reopened on the next, so every row can be rendered on its own.
 */
export function wrap(text: string, width: number): string[] {
  const rows: string[] = [];
  const limit = Math.max(1, width);
  let state: string[] = [];
  for (const line of sanitize(text).split('\n')) {
    // Continuation rows hang under the text of an indented line or a list item ("  * ", "1. ").
    // Also a one- or two-character key followed by two spaces ("1  reset this lesson").
    const lead = /^(\s*(?:(?:[*+\-•│>]|\d+\.)\s+|\S{1,2} {2,})?)/.exec(stripAnsi(line))?.[1] ?? '';
    const hang = lead.length > 0 && lead.length <= limit / 2 ? ' '.repeat(lead.length) : '';
    let row: Token[] = [];
    let used = 0;
    let breaks: number[] = []; // row indexes where the row may be cut (tokens from there go down)
    let continuation = false;
    const flush = (tokens: Token[]) => {
      let end = tokens.length;
      while (end > 0 && tokens[end - 1].space) end--;
      const kept = tokens.slice(0, end);
      rows.push(emit(state, kept));
      state = applySgr(state, tokens);
    };
    const lastText = () => [...row].reverse().find((t) => !t.ansi && !t.pad);
    const isBlank = () => row.every((t) => t.ansi || t.pad);
    for (const token of tokenize(line)) {
      if (token.ansi) {
        row.push(token);
        continue;
      }
      if (continuation && isBlank() && token.space) continue; // no leading space on a wrapped row
      const prev = lastText();
      // Break before a wide character unless it is closing punctuation or follows an opening one.
      const breakBefore = token.wide && prev !== undefined && !NO_LINE_START.test(token.text) && !NO_LINE_END.test(prev.text);
      if (used + token.width > limit && !isBlank()) {
        let cut = row.length;
        if (!token.space && !breakBefore) {
          const earlier = breaks.filter((b) => b > 0 && (token.wide ? b < row.length : b <= row.length));
          cut = earlier.length > 0 ? earlier[earlier.length - 1] : row.length; // else a hard break
        }
        const carry = row.slice(cut);
        flush(row.slice(0, cut));
        continuation = true;
        row = hang ? [{ text: hang, width: hang.length, ansi: false, space: false, wide: false, pad: true }] : [];
        used = hang.length;
        breaks = [];
        for (const t of carry) {
          if (!t.ansi && t.space && isBlank()) continue;
          row.push(t);
          used += t.width;
        }
        if (token.space) continue;
      } else if (breakBefore) {
        breaks.push(row.length);
      }
      row.push(token);
      used += token.width;
      // May break after a space, or after a wide character that is not an opening bracket.
      if (token.space || (token.wide && !NO_LINE_END.test(token.text))) breaks.push(row.length);
    }
    flush(row);
  }
  return rows;
}
