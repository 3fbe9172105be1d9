// The step screen as rows: pure, so the scroll math and the wording can be tested without ink.
// Every row is already wrapped or cut to the width; `role` styles the whole row.

import type { ApplyOutcome, CheckResult, DeleteOutcome } from '../cluster/port.js';
import type { EngineSnapshot, StepState } from '../engine/types.js';
import type { Lang, ObjectRef, Step } from '../lesson/model.js';
import { commandRows } from './commands.js';
import { outcomeText, predictionOf, predictMessages, readRecord } from '../predict/index.js';
import { inlineMarkdown } from './inline.js';
import type { Renderer } from './markdown.js';
import { messages, type Messages } from './messages.js';
import type { Role } from './theme.js';
import { cellWidth, stripAnsi, truncate, wrap } from './text.js';

export interface Row {
  text: string;
  role?: Role;
}

export interface StepViewInput {
  snapshot: EngineSnapshot;
  kubectl: string[];
  renderer?: Renderer;
  width: number;
  plain: boolean;
  /** How many log lines the log panel may show (the last ones). */
  logRows: number;
}

export interface StepView {
  rows: Row[];
  /** Index of the first result row, or -1 when there is no result yet. */
  resultStart: number;
}

const RULE = '─';

/** `── Title ────…` across the width. */
export function ruleRow(title: string, width: number, role: Role = 'heading'): Row {
  const head = truncate(`${RULE}${RULE} ${title} `, width);
  return { text: head + RULE.repeat(Math.max(0, width - cellWidth(head))), role };
}

function wrapped(text: string, width: number, plain: boolean, role?: Role, indent = ''): Row[] {
  const source = plain ? stripAnsi(text) : text;
  return wrap(source, width - cellWidth(indent)).map((line) => ({ text: indent + line, role }));
}

export function refName(ref: ObjectRef): string {
  return `${ref.kind}/${ref.name}${ref.namespace ? ` -n ${ref.namespace}` : ''}`;
}

function applyRows(outcomes: ApplyOutcome[], m: Messages, lang: Lang, width: number, plain: boolean): Row[] {
  const rows: Row[] = [];
  for (const o of outcomes) {
    const symbol = { created: '✓', configured: '✓', unchanged: '=', conflict: '!', error: '✗' }[o.result];
    const role: Role = o.result === 'error' ? 'fail' : o.result === 'conflict' ? 'warn' : 'pass';
    rows.push(...wrapped(`${symbol} ${m.applyResult[o.result]}  ${refName(o.ref)} (${o.ref.apiVersion})`, width, plain, role));
    if (o.message) rows.push(...wrapped(o.messages?.[lang] ?? o.message, width, plain, undefined, '    '));
    if (o.diff) rows.push(...wrapped(o.diff, width, plain, 'muted', '    '));
  }
  return rows;
}

function deleteRows(outcomes: DeleteOutcome[], m: Messages, lang: Lang, width: number, plain: boolean): Row[] {
  const rows: Row[] = [];
  for (const o of outcomes) {
    const symbol = { deleted: '✓', absent: '=', 'not-ours': '!', error: '✗' }[o.result];
    const role: Role = o.result === 'error' ? 'fail' : o.result === 'not-ours' ? 'warn' : 'pass';
    rows.push(...wrapped(`${symbol} ${m.deleteResult[o.result]}  ${refName(o.ref)}`, width, plain, role));
    if (o.message) rows.push(...wrapped(o.messages?.[lang] ?? o.message, width, plain, undefined, '    '));
  }
  return rows;
}

export function checkWord(level: CheckResult['level'], m: Messages): { word: string; symbol: string; role: Role } {
  if (level === 'pass') return { word: m.passWord, symbol: '✓', role: 'pass' };
  if (level === 'warn') return { word: m.warnWord, symbol: '!', role: 'warn' };
  return { word: m.failWord, symbol: '✗', role: 'fail' };
}

function checkRows(checks: CheckResult[], m: Messages, width: number, plain: boolean): Row[] {
  const rows: Row[] = [];
  for (const c of checks) {
    const { word, symbol, role } = checkWord(c.level, m);
    rows.push(...wrapped(`${symbol} ${word}  ${c.name}: ${c.summary}`, width, plain, role));
    for (const d of c.details ?? []) rows.push(...wrapped(d, width, plain, 'muted', '    '));
    if (c.level !== 'pass' && c.fix) rows.push(...wrapped(c.fix, width, plain, undefined, '    '));
    if (c.level !== 'pass' && c.autoFix) rows.push(...wrapped(`→ ${m.fixAvailable}: ${c.autoFix.description}`, width, plain, 'accent', '    '));
  }
  return rows;
}

function outputRows(state: StepState, width: number, plain: boolean): Row[] {
  const rows: Row[] = [];
  // The engine also writes each check result as an output line (for headless runs); the check
  // rows above already show them.
  const checkLines = new Set((state.checks ?? []).map((c) => `${c.level.toUpperCase()} ${c.name}: ${c.summary}`));
  // Likewise one line per applied or deleted object, which the outcome rows show.
  const objectPrefixes = [...(state.applied ?? []), ...(state.deleted ?? [])].map((o) => `${o.ref.kind}/${o.ref.name}`);
  const aboutListedObject = (text: string) => objectPrefixes.some((p) => text.startsWith(`${p} (`) || text.startsWith(`${p}:`));
  for (const entry of state.output) {
    if (checkLines.has(entry.text.trim())) continue;
    if (entry.stream !== 'stdout' && entry.stream !== 'stderr' && aboutListedObject(entry.text)) continue;
    const text = entry.text.replace(/\n$/, '');
    const role: Role | undefined = entry.stream === 'error' ? 'fail' : entry.stream === 'info' ? 'muted' : undefined;
    const prefix = entry.stream === 'error' ? '✗ ' : entry.stream === 'stderr' ? '│ ' : '';
    for (const line of text.split('\n')) rows.push(...wrapped(prefix + line, width, plain, role));
  }
  return rows;
}

/** The last `limit` log lines, one row each; the proof line is marked in text, not only colour. */
export function logRows(state: StepState, m: Messages, width: number, limit: number): Row[] {
  const shown = limit > 0 ? state.logs.slice(-limit) : [];
  // Pod names are long; with several pods, tell them apart by their last segment (the hash).
  const several = new Set(state.logs.map((l) => l.line.pod)).size > 1;
  return shown.map((entry) => {
    const marker = entry.proof ? `${m.proofMarker} ` : '  ';
    const prefix = marker + (several ? `${entry.line.pod.split('-').pop()}│ ` : '');
    // Cut the (usually ASCII) line on its own: the fast path matters at thousands of lines a second.
    const room = width - cellWidth(prefix);
    return { text: room > 0 ? prefix + truncate(entry.line.text, room) : truncate(prefix, width), role: entry.proof ? 'proof' : undefined };
  });
}

function verdictRows(state: StepState, m: Messages, width: number, plain: boolean): Row[] {
  const v = state.verdict;
  if (state.phase === 'cancelled') {
    return wrapped(`⊘ ${m.cancelled}${v ? ` — ${v.summary}` : ''}`, width, plain, 'warn');
  }
  if (!v || state.phase === 'running') return [];
  const rows: Row[] = [];
  const attempts = v.attempts && v.attempts > 1 ? ` (${m.attempts(v.attempts)})` : '';
  rows.push(...wrapped(`${v.ok ? '✓' : '✗'} ${v.ok ? m.passed : m.failed} — ${inlineMarkdown(v.summary, true)}${attempts}`, width, plain, v.ok ? 'pass' : 'fail'));
  if (v.proofLine) {
    rows.push({ text: truncate(m.proofLine, width), role: 'heading' });
    rows.push(...wrapped(`${m.proofMarker} ${v.proofLine.pod}│ ${v.proofLine.text}`, width, plain, 'proof'));
  }
  if (!v.ok && v.diagnosis) {
    rows.push({ text: truncate(m.diagnosis, width), role: 'heading' });
    rows.push(...wrapped(inlineMarkdown(v.diagnosis, plain), width, plain, undefined, '  '));
  }
  // C6: what someone else changed, and the way back.
  if (!v.ok && state.drift?.length) {
    rows.push({ text: truncate(m.sectionDrift, width), role: 'heading' });
    for (const d of state.drift) rows.push(...wrapped(`! ${m.driftRow(`${d.ref.kind}/${d.ref.name}${d.ref.namespace ? ` -n ${d.ref.namespace}` : ''}`, d.fields, d.managers)}`, width, plain, 'warn', '  '));
    rows.push(...wrapped(`→ ${m.driftOffer}`, width, plain, 'accent', '  '));
  } else if (!v.ok && state.leftovers?.length) {
    // The diagnosis names them and the lesson that left them; here, the way out.
    rows.push(...wrapped(`→ ${m.leftoversOffer(state.leftovers.map((r) => `${r.kind}/${r.name}`))}`, width, plain, 'accent', '  '));
  } else if (!v.ok && state.explainFix) {
    // The diagnosis shows the findings and the patch; here, the way to make it.
    rows.push(...wrapped(`→ ${m.explainFixOffer}`, width, plain, 'accent', '  '));
  }
  return rows;
}

function stepDetails(step: Step, m: Messages, width: number, plain: boolean, renderer?: Renderer, diagram?: Row[]): Row[] {
  const rows: Row[] = [];
  switch (step.kind) {
    case 'explain':
      if (diagram?.length) rows.push({ text: '' }, ...diagram);
      else if (step.diagramText) {
        rows.push({ text: '' });
        // Text art must not wrap: cut lines that are too wide.
        for (const line of step.diagramText.replace(/\n+$/, '').split('\n')) rows.push({ text: truncate(line, width) });
      }
      break;
    case 'apply':
      for (const manifest of step.manifests) {
        rows.push({ text: '' }, ruleRow(m.sectionManifest(manifest.file), width));
        // The view starts at the first object; a leading comment block (a licence header) goes below it.
        const { header, rest } = splitHeader(manifest.yaml);
        const yaml = renderer ? renderer.yaml(rest) : rest.replace(/\n+$/, '');
        rows.push(...wrapped(yaml, width, plain));
        if (header.length > 0) {
          rows.push(ruleRow(m.manifestHeader(header.length), width, 'muted'));
          for (const line of header) rows.push(...wrapped(line, width, plain, 'muted'));
        }
      }
      break;
    case 'check':
      rows.push({ text: '' }, ...wrapped(`${m.sectionChecks}: ${step.checks.join(', ')}`, width, plain, 'muted'));
      break;
    default:
      break;
  }
  return rows;
}

/** A manifest's leading comment lines (and the blank lines after them), and the rest. */
export function splitHeader(yaml: string): { header: string[]; rest: string } {
  const lines = yaml.split('\n');
  let i = 0;
  while (i < lines.length && (/^\s*#/.test(lines[i]) || (i > 0 && lines[i].trim() === '' && /^\s*#/.test(lines[i - 1] ?? '')))) i++;
  // A header is a block of comments before the first object; a lone comment line stays where it is.
  const header = lines.slice(0, i).filter((l, k, all) => !(l.trim() === '' && k === all.length - 1));
  if (header.filter((l) => l.trim() !== '').length < 3) return { header: [], rest: yaml };
  let restLines = lines.slice(i);
  if (restLines[0]?.trim() === '---') restLines = restLines.slice(1);
  return { header: header.filter((l) => l.trim() !== ''), rest: restLines.join('\n') };
}

/** The step's title, one row, pinned above the scrolled body. */
export function titleRow(step: Step, lang: Lang, width: number, plain: boolean): Row {
  const text = inlineMarkdown(step.title[lang], plain, '36');
  const rows = wrap(plain ? stripAnsi(text) : text, width);
  return { text: rows.length > 1 ? truncate(step.title[lang].replace(/`/g, ''), width) : (rows[0] ?? ''), role: 'title' };
}

/** The practice cluster's kubeconfig file, for the learner's own kubectl; undefined on a real cluster (theirs already works). */
export function practiceKubeconfig(snapshot: EngineSnapshot | undefined): string | undefined {
  return snapshot?.cluster.backend === 'practice' ? snapshot.cluster.kubeconfig : undefined;
}

/** The step's own rows (title, text, details, kubectl): they change only with the step, language or width. */
export function buildStepText(input: {
  step: Step;
  lang: Lang;
  kubectl: string[];
  renderer?: Renderer;
  width: number;
  plain: boolean;
  practiceKubeconfig?: string;
  /** An explain step's request-path diagram drawn as the trace (traceView.diagramRows), instead of its text art. */
  diagram?: Row[];
}): Row[] {
  const { step, lang, renderer, width, plain } = input;
  const m = messages(lang);
  const rows: Row[] = [];
  // The title is pinned above the body (titleRow), so it never scrolls away.
  const body = step.body[lang].trim();
  if (body) rows.push(...wrapped(renderer ? renderer.markdown(body) : body, width, plain));
  rows.push(...stepDetails(step, m, width, plain, renderer, input.diagram));
  if (input.kubectl.length > 0 && step.kind !== 'explain') {
    rows.push({ text: '' }, ruleRow(m.sectionKubectl, width));
    if (input.practiceKubeconfig) rows.push(...wrapped(m.kubectlOnPractice, width, plain, 'muted'), ...wrapped(`export KUBECONFIG=${input.practiceKubeconfig}`, width, plain, 'accent'), { text: '' });
    for (const line of commandRows(input.kubectl, width)) rows.push({ text: line, role: 'accent' });
  }
  return rows;
}

/** The result rows (outcomes, checks, output, log panel, verdict); empty before the step ran. */
export function buildStepResult(input: Omit<StepViewInput, 'kubectl' | 'renderer'>): Row[] {
  const { snapshot, width, plain } = input;
  const { step, stepState: state, lang } = snapshot;
  const m = messages(lang);
  const result: Row[] = [
    ...applyRows(state.applied ?? [], m, lang, width, plain),
    ...deleteRows(state.deleted ?? [], m, lang, width, plain),
    ...checkRows(state.checks ?? [], m, width, plain),
    ...outputRows(state, width, plain),
  ];
  // A log panel only once the step runs: before that there is nothing to wait for.
  if ((step.kind === 'logs' && state.phase !== 'idle') || state.logs.length > 0) {
    const pods = [...new Set(state.logs.map((l) => l.line.pod))];
    result.push(ruleRow(m.sectionLogs(pods.length === 1 ? pods[0] : m.podCount(pods.length)), width, 'muted'));
    const lines = logRows(state, m, width, input.logRows);
    result.push(...(lines.length > 0 ? lines : [{ text: truncate(m.noLogsYet, width), role: 'muted' as Role }]));
  }
  if (state.phase === 'conflict') result.push(...wrapped(m.conflictHelp, width, plain, 'warn'));
  result.push(...verdictRows(state, m, width, plain));
  result.push(...predictionResultRows(snapshot, width, plain));
  if (result.length === 0) return [];
  return [{ text: '' }, ruleRow(m.sectionResult, width), ...result];
}

/** After the check: whether the learner's prediction held, and why (or that it was skipped). */
function predictionResultRows(snapshot: EngineSnapshot, width: number, plain: boolean): Row[] {
  const { step, stepState: state, lang, lesson } = snapshot;
  if (state.phase !== 'passed' && state.phase !== 'failed') return [];
  const record = readRecord(snapshot.progress[lesson.id]?.predictions?.[step.id]);
  if (!record || !predictionOf(step)) return [];
  if (record.choice === null) return wrapped(predictMessages(lang).skipped, width, plain, 'muted');
  const text = outcomeText(step, record, lang);
  if (!text) return [];
  return wrapped(text, width, plain, record.held === true ? 'pass' : record.held === false ? 'warn' : 'muted');
}

/** All rows of the step screen body: text, details, kubectl, then the result. */
export function combineStepView(text: Row[], result: Row[]): StepView {
  return { rows: [...text, ...result], resultStart: result.length > 0 ? text.length + 1 : -1 };
}

export function buildStepView(input: StepViewInput): StepView {
  const { step, lang } = input.snapshot;
  return combineStepView(buildStepText({ ...input, step, lang, practiceKubeconfig: practiceKubeconfig(input.snapshot) }), buildStepResult(input));
}

/** The first rows of a scrolled view: clamps the offset so the last page is full. */
export function clampOffset(offset: number, total: number, page: number): number {
  return Math.max(0, Math.min(offset, total - page));
}
