// The drill screen as rows (pure): the story, the symptom (the request, its output, the log lines),
// how to point kubectl at the cluster, the hints shown so far, the verification, the result.

import type { DrillSnapshot } from '../drill/session.js';
import { drillMessages } from '../drill/messages.js';
import type { Probe } from '../drill/walk.js';
import { shellQuote } from '../engine/kubectl.js';
import type { Lang } from '../lesson/model.js';
import type { Row } from './stepView.js';
import { ruleRow } from './stepView.js';
import type { Role } from './theme.js';
import { cellWidth, stripAnsi, truncate, wrap } from './text.js';

export interface DrillViewInput {
  snapshot: DrillSnapshot;
  lang: Lang;
  width: number;
  /** The practice cluster's kubeconfig (export KUBECONFIG=...), or undefined on a real cluster. */
  kubeconfig?: string;
  context: string;
  namespace: string;
}

function wrapped(text: string, width: number, role?: Role, indent = ''): Row[] {
  return wrap(stripAnsi(text), Math.max(1, width - cellWidth(indent))).map((line) => ({ text: indent + line, role }));
}

function probeRows(p: Probe, input: DrillViewInput, target: { namespace: string; container: string }): Row[] {
  const m = drillMessages(input.lang);
  const { width } = input;
  const rows: Row[] = [...wrapped(m.theRequest, width, 'muted')];
  rows.push(...wrapped(`$ kubectl exec ${p.pod} -c ${target.container} -n ${target.namespace} -- ${p.command.map(shellQuote).join(' ')}`, width, 'accent'));
  const output = `${p.stdout}${p.stderr}`.replace(/\r/g, '').replace(/\n+$/, '');
  for (const line of output.split('\n')) if (line !== '') rows.push(...wrapped(`│ ${line}`, width));
  rows.push({ text: '' }, ...wrapped(m.gatewayLog(p.gatewayLines.length), width, 'muted'));
  // Log lines are long and carry no spaces worth wrapping at: cut them to the width.
  for (const g of p.gatewayLines) rows.push({ text: truncate(`  ${g.line.text}`, width), role: 'proof' });
  if (p.sidecarLines.length > 0) {
    rows.push(...wrapped(m.sidecarLog, width, 'muted'));
    for (const s of p.sidecarLines) rows.push({ text: truncate(`  ${s.line.text}`, width) });
  }
  return rows;
}

export function buildDrillRows(input: DrillViewInput): Row[] {
  const { snapshot: s, lang, width } = input;
  const m = drillMessages(lang);
  const drill = s.drill;
  const target = drill.request.target;
  const rows: Row[] = [...wrapped(drill.title[lang], width, 'title'), { text: '' }, ...wrapped(drill.summary[lang], width)];
  if (s.phase === 'setting-up') return [...rows, { text: '' }, ...wrapped(s.activity ?? m.settingUp, width, 'muted')];
  if (s.phase === 'error' && !s.symptom) return [...rows, { text: '' }, ...wrapped(m.failedToStart, width, 'fail'), ...wrapped(s.error ?? '', width, undefined, '  ')];

  if (s.symptom) rows.push({ text: '' }, ruleRow(m.symptom, width), ...probeRows(s.symptom, input, target));
  rows.push({ text: '' });
  if (input.kubeconfig) rows.push(...wrapped(m.pointKubectl, width, 'muted'), ...wrapped(`export KUBECONFIG=${input.kubeconfig}`, width, 'accent'));
  else rows.push(...wrapped(m.realCluster(input.context, input.namespace), width, 'muted'));

  for (let level = 1; level <= s.hints; level++) rows.push({ text: '' }, ruleRow(m.hintTitle(level), width), ...wrapped(drill.hints[level - 1][lang], width));

  if (s.check && s.phase !== 'verifying') {
    const c = s.check;
    rows.push({ text: '' }, ruleRow(m.verification, width));
    rows.push(...wrapped(`${c.ok ? '✓' : '✗'} ${c.summary}`, width, c.ok ? 'pass' : 'fail'));
    if (c.proofLine) rows.push({ text: truncate(`★ ${c.proofLine.pod}│ ${c.proofLine.text}`, width), role: 'proof' });
    if (!c.ok && c.diagnosis) rows.push(...wrapped(c.diagnosis, width, undefined, '  '));
  }
  if (s.phase === 'passed' || (s.phase === 'cleaning' && s.check?.ok)) {
    rows.push({ text: '' }, ruleRow(m.why, width), ...wrapped(drill.why[lang], width));
    if (s.seconds !== undefined) rows.push({ text: '' }, ...wrapped(m.took(s.seconds, s.hints), width, 'pass'));
    if (s.cleaned !== undefined) rows.push(...wrapped(m.cleanedUp(s.cleaned), width, 'muted'));
  }
  if (s.phase === 'error' && s.error) rows.push({ text: '' }, ...wrapped(s.error, width, 'fail'));
  if (s.warning) rows.push({ text: '' }, ...wrapped(`! ${s.warning}`, width, 'warn'));
  if (s.activity && (s.phase === 'verifying' || s.phase === 'cleaning')) rows.push({ text: '' }, ...wrapped(s.activity, width, 'muted'));
  return rows;
}

/** The key line for the phase. */
export function drillKeys(s: DrillSnapshot, lang: Lang): string {
  const m = drillMessages(lang);
  if (s.phase === 'broken' || s.phase === 'failed') return m.keys;
  if (s.phase === 'passed' || s.phase === 'error' || s.phase === 'finished') return m.keysDone;
  return m.keysBusy;
}
