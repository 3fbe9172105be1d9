// The drill model: a break-fix exercise built on a lesson. The tutorial applies a working setup
// with one realistic fault; the learner sees only the symptom, fixes it with their own kubectl,
// and the tutorial verifies by traffic and the gateway's log (never by comparing YAML).

import type { DrillMessages } from './messages.js';
import type { ApplyStep, ExecStep, Localized, LogsStep, SourceRef } from '../lesson/model.js';

/** What the learner sees while the fault is in place (documented in drill.yaml, pinned by tests). */
export interface DrillSymptom {
  httpStatus?: number; // the client's HTTP status, when it gets a response
  exitCode?: number | number[]; // curl's exit code (default 0)
  /** Envoy response flags on the request's log line (the gateway's, else the sidecar's), e.g. "NC", "UF,URX". */
  responseFlags?: string;
  /** Whether the gateway writes a line for the request. */
  gatewayLine: boolean;
}

export interface Drill {
  name: string; // folder name under lessons/drills/
  lesson: string; // the lesson it drills (03-…, 04-…, 05-…)
  /** Lessons whose apply steps are set up first (the client of 02-setup): by default the lesson's requires. */
  requires: string[];
  title: Localized;
  /** The story the learner reads before the symptom (Markdown). */
  summary: Localized;
  symptom: DrillSymptom;
  /** Only in this gateway mode: the fault means nothing in the other (export-to hides from the shared gateway only). */
  gateway?: 'own' | 'shared';
  /** The working objects taken from the lesson's manifests, unchanged (optional). */
  base?: ApplyStep;
  /** The drill's own objects, one of which carries the fault (absent when the fault is a missing object). */
  fault?: ApplyStep;
  /** The request that shows the symptom and, once fixed, passes. */
  request: ExecStep;
  /** The gateway log line that proves the fix (absent for drills without a gateway, like lesson 3's). */
  proof?: LogsStep;
  /** Three levels: where to look, which field, the exact fix. */
  hints: [Localized, Localized, Localized];
  /** Why it failed, shown after the pass. */
  why: Localized;
  source: SourceRef;
}

/** The lesson label value the drill's objects carry (reset and the drill's cleanup find them by it). */
export const drillLabel = (name: string): string => `drill-${name}`;

/** "503 NC", "exit 35", "200, no gateway line": the symptom in a few characters, for lists. */
export function symptomText(s: DrillSymptom, lang: 'en' | 'zh'): string {
  const parts: string[] = [];
  if (s.httpStatus !== undefined) parts.push(String(s.httpStatus));
  const exits = s.exitCode === undefined ? [] : Array.isArray(s.exitCode) ? s.exitCode : [s.exitCode];
  if (exits.some((c) => c !== 0)) parts.push(`${lang === 'zh' ? '退出码' : 'exit'} ${exits.join('/')}`);
  if (s.responseFlags) parts.push(s.responseFlags);
  const head = parts.join(' ');
  if (!s.gatewayLine && s.httpStatus === 200) return `${head}${lang === 'zh' ? '，网关无日志行' : ', no gateway line'}`;
  return head;
}

/**
 * Why this drill must not run in this session, as a sentence, or undefined. A drill for one
 * gateway mode teaches nothing in the other; in a class, everything outside the learner's
 * namespace is shared, so a fault there would break the other learners' lessons.
 */
export function drillRefusal(drill: Drill, session: { mode: 'own' | 'shared'; inClass: boolean; namespace: string }, m: Pick<DrillMessages, 'wrongMode' | 'classWide'>): string | undefined {
  if (drill.gateway && drill.gateway !== session.mode) return m.wrongMode(drill.name, drill.gateway);
  const outside = (drill.fault?.manifests ?? []).flatMap((mf) => mf.objects).map((o) => o.metadata.namespace).find((ns) => ns && ns !== session.namespace);
  return outside && session.inClass ? m.classWide(drill.name, outside) : undefined;
}
