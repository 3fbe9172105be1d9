// The same intent in the other API (an apply step's `equivalent:`), as rows: what differs, then
// each manifest as the learner would write it. Shown beside the lesson's own manifests, never applied.
import type { Equivalent, Lang } from '../lesson/model.js';
import type { Messages } from './messages.js';
import type { Renderer } from './markdown.js';
import { ruleRow, type Row } from './stepView.js';
import { stripAnsi, wrap } from './text.js';
import { inlineMarkdown } from './inline.js';

export function equivalentRows(equivalent: Equivalent, lang: Lang, m: Messages, width: number, plain: boolean, renderer?: Renderer): Row[] {
  const rows: Row[] = [ruleRow(m.equivalentTitle(equivalent.api), width)];
  const note = equivalent.note?.[lang];
  if (note) {
    const text = inlineMarkdown(note, plain);
    rows.push(...wrap(plain ? stripAnsi(text) : text, width).map((t) => ({ text: t })));
  }
  rows.push(...wrap(m.equivalentShownOnly, width).map((text) => ({ text, role: 'muted' as const })));
  for (const manifest of equivalent.manifests) {
    rows.push({ text: '' }, ruleRow(m.sectionManifest(manifest.file), width));
    const yaml = renderer ? renderer.yaml(manifest.yaml) : manifest.yaml.replace(/\n+$/, '');
    rows.push(...wrap(plain ? stripAnsi(yaml) : yaml, width).map((t) => ({ text: t })));
  }
  return rows;
}
