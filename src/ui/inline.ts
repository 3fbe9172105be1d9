// Inline Markdown in one-line texts (titles, verdicts, diagnoses): `code` and **bold** rendered
// the way the body shows them, never with their literal backticks and asterisks.

const CODE = /`([^`\n]+)`/g;
const BOLD = /\*\*([^*\n]+)\*\*/g;

/**
 * Plain: the delimiters go, the text stays. Colour: code spans in yellow (like the body's), bold in
 * bold; `restore` is the SGR colour the surrounding row uses (cyan 36 for titles, default 39).
 */
export function inlineMarkdown(text: string, plain: boolean, restore = '39'): string {
  if (!text.includes('`') && !text.includes('**')) return text;
  if (plain) return text.replace(CODE, '$1').replace(BOLD, '$1');
  return text.replace(CODE, `\x1b[33m$1\x1b[${restore}m`).replace(BOLD, '\x1b[1m$1\x1b[22m');
}
