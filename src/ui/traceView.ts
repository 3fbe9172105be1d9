// The trace overlay's rows (pure): the trace room's layout, its tones as the theme's roles.

import type { Lang } from '../lesson/model.js';
import { layoutTrace, type Trace, type TraceTone } from '../trace/index.js';
import type { Messages } from './messages.js';
import type { Role } from './theme.js';
import { ruleRow, type Row } from './stepView.js';
import { truncate } from './text.js';

const ROLES: Record<TraceTone, Role | undefined> = { title: 'heading', lit: 'pass', dim: 'muted', fail: 'fail', detail: undefined, log: 'accent' };

export function traceRows(trace: Trace | undefined, lang: Lang, m: Messages, width: number): Row[] {
  if (!trace) return [ruleRow(m.traceTitle, width), { text: truncate(m.traceLoading, width), role: 'muted' }];
  return layoutTrace(trace, { lang, width }).map((r) => {
    const role = ROLES[r.tone];
    return role ? { text: r.text, role } : { text: r.text };
  });
}
