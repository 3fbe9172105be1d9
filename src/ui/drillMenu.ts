// The drill menu inside the tutorial: what the App needs to list the break-fix drills and start one
// (the CLI implements it over the current session's cluster port); and the menu's rows (pure).

import type { Lang, Localized } from '../lesson/model.js';
import type { DrillController } from './drill.js';
import type { Messages } from './messages.js';
import { ruleRow, type Row } from './stepView.js';
import type { Role } from './theme.js';
import { cellWidth, padTo, truncate, wrap } from './text.js';

export interface DrillEntry {
  name: string;
  /** The lesson it drills: its number in the course (3–5) and id. */
  lessonNumber: number;
  lesson: string;
  title: Localized;
  /** "503 NC", "200, no gateway line", in both languages. */
  symptom: Localized;
}

/** A drill ready for the drill screen (set up when the screen starts it). */
export interface OpenedDrill {
  session: DrillController;
  kubeconfig?: string;
  context: string;
  namespace: string;
}

export interface DrillMenu {
  /** The drills of this session's lesson folder; `problem` is one sentence when they cannot be used. */
  list(): Promise<{ drills: DrillEntry[]; problem?: string }>;
  /** A drill attempt in the learner's language; rejects with one sentence when it must not run here (another gateway mode, a class-wide fault). */
  open(name: string, lang: Lang): Promise<OpenedDrill>;
}

/** The menu: one row per drill (lesson number, name, title, symptom), the cursor's row selected, then what a drill is. */
export function drillMenuRows(drills: DrillEntry[] | undefined, problem: string | undefined, cursor: number, lang: Lang, m: Messages, width: number, height: number, refusal?: string): Row[] {
  const rows: Row[] = [ruleRow(m.drillsTitle, width)];
  if (!drills) return [...rows, { text: truncate(m.drillsLoading, width), role: 'muted' }];
  if (problem) return [...rows, ...wrap(problem, width).map((text) => ({ text, role: 'fail' as Role }))];
  if (drills.length === 0) return [...rows, { text: truncate(m.drillsNone, width), role: 'muted' }];
  // Why the chosen drill cannot start here takes the intro's place.
  const intro = wrap(refusal ?? m.drillsIntro, width);
  const listHeight = Math.min(drills.length, Math.max(1, height - intro.length - 2));
  const first = Math.max(0, Math.min(cursor - Math.floor(listHeight / 2), drills.length - listHeight));
  const nameWidth = Math.max(...drills.map((d) => cellWidth(d.name)));
  drills.slice(first, first + listHeight).forEach((d, i) => {
    const index = first + i;
    const left = `${index === cursor ? '›' : ' '} ${d.lessonNumber}  ${padTo(d.name, nameWidth)}  `;
    rows.push({ text: truncate(`${left}${d.title[lang]}${lang === 'zh' ? `（${d.symptom.zh}）` : ` (${d.symptom.en})`}`, width), role: index === cursor ? 'selected' : undefined });
  });
  rows.push({ text: '' }, ...intro.map((text) => ({ text, role: (refusal ? 'fail' : 'muted') as Role })));
  return rows;
}
