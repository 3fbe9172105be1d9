// C6 in the engine: before a failing verification burns its whole retry budget, ask the port
// whether an object this lesson applied was changed by someone else (kubectl patch/edit, a
// controller); then the result cannot get better by waiting, so the step stops with one sentence
// naming the object, the fields and the manager, and engine.reapply() can take them back.

import type { Drift } from '../cluster/port.js';
import type { ApplyStep, KubeObject, Lang, Lesson, Step } from '../lesson/model.js';
import { inBoth, type EngineMessages } from './messages.js';
import type { RunContext } from './runners.js';
import type { LocalVerdict } from './state.js';
import type { Verdict } from './types.js';
import { isCancelled } from './util.js';

/** The apply steps of the lesson before `step` (the objects its verification relies on). */
export function appliedBefore(lesson: Lesson, step: Step): ApplyStep[] {
  const out: ApplyStep[] = [];
  for (const s of lesson.steps) {
    if (s === step || s.id === step.id) break;
    if (s.kind === 'apply') out.push(s);
  }
  return out;
}

const sameObject = (o: KubeObject, ref: { kind: string; name: string }): boolean => o.kind === ref.kind && o.metadata.name === ref.name;

/** For each drifted object, the manifest object and the apply step that applies it. */
export function manifestsFor(lesson: Lesson, step: Step, drift: Drift[]): { step: ApplyStep; objects: KubeObject[] }[] {
  const out: { step: ApplyStep; objects: KubeObject[] }[] = [];
  for (const apply of appliedBefore(lesson, step).reverse()) {
    const objects = apply.manifests.flatMap((m) => m.objects).filter((o) => drift.some((d) => sameObject(o, d.ref)) && !out.some((g) => g.objects.some((x) => sameObject(x, { kind: o.kind, name: o.metadata.name }))));
    if (objects.length) out.push({ step: apply, objects: objects.map((o) => structuredClone(o)) });
  }
  return out;
}

/** Ask the port (when it can tell) which applied objects drifted; a failing read means "unknown", i.e. none. */
export async function detectDrift(ctx: RunContext, step: Step): Promise<Drift[]> {
  if (!ctx.port.drift) return [];
  const found: Drift[] = [];
  for (const apply of appliedBefore(ctx.lesson, step)) {
    const objects = apply.manifests.flatMap((m) => m.objects).map((o) => structuredClone(o));
    if (objects.length === 0) continue;
    try {
      found.push(...(await ctx.port.drift(objects, { namespace: ctx.namespace, lesson: ctx.lesson.id, step: apply.id, signal: ctx.signal })));
    } catch (error) {
      if (isCancelled(error, ctx.signal)) throw error;
    }
  }
  return found;
}

export const driftRef = (d: Drift): string => `${d.ref.kind}/${d.ref.name}${d.ref.namespace ? ` (${d.ref.namespace})` : ''}`;

/** The verdict of a verification stopped by drift: the mismatch, then who changed what (in both languages). */
export function driftVerdict(
  ctx: RunContext,
  drift: Drift[],
  mismatch: (lang: Lang) => string | undefined,
  extra: Partial<Verdict>,
  fallback: (m: EngineMessages) => string = (m) => m.unexpectedResult,
): LocalVerdict {
  const first = drift[0];
  ctx.state.drift = drift;
  return {
    ...extra,
    ok: false,
    summary: inBoth((m, lang) => m.driftSummary(mismatch(lang) ?? fallback(m), driftRef(first), first.managers)),
    diagnosis: inBoth((m) => m.driftDiagnosis(driftRef(first), first.fields, first.managers, drift.length - 1)),
  };
}
