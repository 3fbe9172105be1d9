// The trace overlay's rows (pure): the trace room's layout, its tones as the theme's roles.

import type { Lang } from '../lesson/model.js';
import { layoutTrace, type Trace, type TraceTone } from '../trace/index.js';
import type { Messages } from './messages.js';
import type { Role } from './theme.js';
import { ruleRow, type Row } from './stepView.js';
import { wrap } from './text.js';

const ROLES: Record<TraceTone, Role | undefined> = { title: 'heading', lit: 'pass', dim: 'muted', fail: 'fail', detail: undefined, log: 'accent' };

/** `none`: the engine found no request of this step to trace (none sent this session). */
export function traceRows(trace: Trace | undefined, lang: Lang, m: Messages, width: number, none = false): Row[] {
  if (!trace) return [ruleRow(m.traceTitle, width), ...wrap(none ? m.traceNone : m.traceLoading, width).map((text) => ({ text, role: 'muted' as Role }))];
  return layoutTrace(trace, { lang, width }).map((r) => {
    const role = ROLES[r.tone];
    return role ? { text: r.text, role } : { text: r.text };
  });
}
