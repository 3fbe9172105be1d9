// The trace overlay's rows (pure): the trace room's layout, its tones as the theme's roles.

import type { Lang } from '../lesson/model.js';
import type { Lesson } from '../lesson/model.js';
import { courseObjects, layoutTrace, plannedPathOf, plannedTrace, type Trace, type TraceTone } from '../trace/index.js';
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

/**
 * An explain step's request-path diagram as the trace draws it: the lesson's path planned (every
 * hop dim, its objects named), or, once a request of this path was traced, that lit trace.
 * Undefined for a diagram that is not a request path (it stays text).
 */
export function diagramTrace(o: { diagram?: string; lessons: Lesson[]; lessonId: string; clientNamespace: string; gatewayNamespace: string; lit?: Trace }): Trace | undefined {
  const path = plannedPathOf(o.diagram);
  if (!path) return undefined;
  if (o.lit && o.lit.protocol === path.protocol && o.lit.host === path.host) return o.lit;
  return plannedTrace(path, courseObjects(o.lessons, o.lessonId, o.clientNamespace), { clientNamespace: o.clientNamespace, gatewayNamespace: o.gatewayNamespace });
}

/** The diagram's rows: the trace's layout in the theme's roles (words carry every state, for NO_COLOR and screen readers). */
export function diagramRows(trace: Trace, lang: Lang, width: number): Row[] {
  return layoutTrace(trace, { lang, width }).map((r) => {
    const role = ROLES[r.tone];
    return role ? { text: r.text, role } : { text: r.text };
  });
}
