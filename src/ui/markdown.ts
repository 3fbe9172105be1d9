// Markdown and YAML rendering for the step screen. Loaded lazily (after the first frame) because
// marked-terminal pulls in all of highlight.js; created once per process.

import { Marked } from 'marked';
import { markedTerminal } from 'marked-terminal';

export interface Renderer {
  /** Markdown → terminal text (ANSI styles, no reflow: ink's width-aware wrapping does that). */
  markdown(source: string): string;
  /** YAML with syntax highlighting. */
  yaml(source: string): string;
}

const CACHE_LIMIT = 200;

const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;

/** Join the lines of a paragraph: a space between words, nothing between CJK characters. */
export function joinSoftBreaks(text: string): string {
  return text.replace(/[ \t]*\n[ \t]*/g, (_match, offset: number, whole: string) => {
    const before = whole[offset - 1] ?? '';
    const after = whole[offset + _match.length] ?? '';
    return WIDE.test(before) && WIDE.test(after) ? '' : ' ';
  });
}

function createRenderer(): Renderer {
  // reflowText:false: marked-terminal measures with .length and would break CJK lines.
  const marked = new Marked(markedTerminal({ reflowText: false, width: 1000, tab: 2, showSectionPrefix: true, emoji: false }));
  // marked-terminal prints a tight list item's text token raw (`**bold**` stays literal): render
  // block-level text tokens that carry inline tokens through the inline parser instead.
  // Soft line breaks inside a paragraph join the lines (authors wrap prose at ~80 columns; ink
  // wraps it again at the real width): with a space, or with nothing between two CJK characters.
  marked.use({
    renderer: {
      text(token) {
        if ('tokens' in token && token.tokens) return this.parser.parseInline(token.tokens);
        token.text = joinSoftBreaks(token.text);
        return false; // marked-terminal renders the joined text
      },
    },
  });
  const cache = new Map<string, string>();
  const render = (source: string): string => {
    const hit = cache.get(source);
    if (hit !== undefined) return hit;
    let text: string;
    try {
      text = (marked.parse(source, { async: false }) as string).replace(/\n+$/, '');
    } catch {
      text = source; // a lesson's odd Markdown must not take the screen down: show it as written
    }
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(source, text);
    return text;
  };
  return {
    markdown: render,
    // A fenced block gets marked-terminal's highlighting; drop the indentation it adds.
    yaml: (source) =>
      render('```yaml\n' + source.replace(/\n+$/, '') + '\n```')
        .split('\n')
        .map((line) => line.replace(/^((?:\x1b\[[0-9;]*m)*) {2}/, '$1'))
        .join('\n'),
  };
}

let shared: Renderer | undefined;

export function getRenderer(): Renderer {
  shared ??= createRenderer();
  return shared;
}
