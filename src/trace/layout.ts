// The trace as rows of text, cut or wrapped to a width (80 columns must work, CJK counted double).
// Each row has a tone the UI colours; the words alone carry every state (seen / no evidence and
// why), so NO_COLOR, a screen reader or a pipe lose nothing. `ascii` swaps the box glyphs.

import stringWidth from 'string-width';
import type { Lang } from '../lesson/model.js';
import { traceMessages, type TraceMessages } from './messages.js';
import type { Decider, Hop, Trace } from './model.js';

export type TraceTone = 'title' | 'lit' | 'dim' | 'fail' | 'detail' | 'log';

export interface TraceRow {
  text: string;
  tone: TraceTone;
}

export interface TraceLayoutOptions {
  lang: Lang;
  width: number;
  /** ASCII glyphs instead of ● ○ │ ┆ (screen readers, terminals without them). */
  ascii?: boolean;
  /** Wrap the access-log lines whole (text output) instead of cutting them to one row (the screen). */
  fullLines?: boolean;
}

const GLYPHS = { lit: '●', dim: '○', rail: '│', dimRail: '┆' };
const ASCII = { lit: '*', dim: 'o', rail: '|', dimRail: ':' };

/** Cut to `width` cells, ending in … when cut. */
export function cut(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = stringWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

/** Wrap to `width` cells, at spaces when a word fits, else anywhere (clusters, log lines). */
export function wrapCells(text: string, width: number): string[] {
  const room = Math.max(1, width);
  const rows: string[] = [];
  let row = '';
  let used = 0;
  for (const word of text.split(/(?<= )/)) {
    const w = stringWidth(word);
    if (used + stringWidth(word.trimEnd()) <= room) {
      row += word;
      used += w;
      continue;
    }
    if (row.trim() !== '' && w <= room) {
      rows.push(row.trimEnd());
      row = word;
      used = w;
      continue;
    }
    for (const ch of word) {
      const cw = stringWidth(ch);
      if (used + cw > room) {
        rows.push(row.trimEnd());
        row = '';
        used = 0;
      }
      row += ch;
      used += cw;
    }
  }
  if (row.trim() !== '' || rows.length === 0) rows.push(row.trimEnd());
  return rows;
}

/** `VirtualService direct-cnn-through-egress-gateway http[0]`; the namespace only when it is not the client's own. */
export function deciderText(d: Decider, clientNamespace?: string): string {
  const ns = d.namespace && d.kind !== 'MeshConfig' && d.namespace !== clientNamespace ? ` -n ${d.namespace}` : '';
  return `${d.kind}${d.name ? ` ${d.name}` : ''}${d.part ? ` ${d.part}` : ''}${ns}`;
}

function statusOf(hop: Hop, m: TraceMessages): string {
  const f = hop.fields;
  if (!f) return '';
  const parts: string[] = [];
  if (f.responseCode) parts.push(`${f.protocol?.startsWith('HTTP') ? 'HTTP ' : ''}${f.responseCode}${f.responseCodeDetails ? ` ${f.responseCodeDetails}` : ''}`);
  else if (f.protocol === undefined) parts.push(`TCP${f.sni ? ` SNI ${f.sni}` : ''}`);
  parts.push(`${m.flags} ${f.responseFlags ?? '-'}`);
  if (f.bytesReceived !== undefined && f.bytesSent !== undefined) parts.push(m.bytes(f.bytesReceived, f.bytesSent));
  if (f.durationMs !== undefined) parts.push(m.ms(f.durationMs));
  parts.push(`${m.route} ${f.routeName ?? '-'}`);
  return parts.join(' · ');
}

function hopTitle(hop: Hop, index: number, trace: Trace, m: TraceMessages): string {
  const n = `${index + 1}/${trace.hops.length}`;
  const by = hop.why === 'log-off' && hop.logOffBy ? (hop.logOffBy.kind === 'Telemetry' ? m.logOffBy.telemetry(`${hop.logOffBy.namespace}/${hop.logOffBy.name}`) : m.logOffBy.meshConfig) : '';
  const state = hop.lit ? m.seen : hop.why === 'planned' ? m.planned : `${m.notSeen}${m.colon}${m.why[hop.why ?? 'no-line']}${by}`;
  switch (hop.id) {
    case 'client':
      return `${n} ${m.hop.client} ${hop.name}${trace.clientIp ? ` (${trace.clientIp})` : ''}${trace.outcome ? ` · ${trace.outcome}` : hop.why === 'planned' ? ` · ${m.planned}` : ''}`;
    case 'external': {
      const f = hop.fields;
      const seen = hop.lit && f?.upstreamHost ? `${m.seen}${m.colon}${f.responseCode ? m.answered(f.upstreamHost, f.responseCode) : m.connectedTo(f.upstreamHost)}` : state;
      return `${n} ${hop.name} (${m.hop.external}) · ${seen}`;
    }
    default:
      return `${n} ${m.hop[hop.id]}${hop.name ? ` ${hop.name}` : ''} · ${state}`;
  }
}

/** The trace as rows, at most `width` cells each. */
export function layoutTrace(trace: Trace, options: TraceLayoutOptions): TraceRow[] {
  const m = traceMessages(options.lang);
  const g = options.ascii ? ASCII : GLYPHS;
  const width = Math.max(20, options.width);
  const rows: TraceRow[] = [];
  const push = (text: string, tone: TraceTone) => rows.push({ text: cut(text, width), tone });
  /** Rows under a hop: the rail, an indent, the text wrapped (or cut) to what is left. */
  const under = (rail: string, label: string, text: string, tone: TraceTone, wrapIt = true) => {
    const head = `${rail}   ${label ? `${label} ` : ''}`;
    const pad = `${rail}   ${' '.repeat(stringWidth(label ? `${label} ` : ''))}`;
    const room = width - stringWidth(head);
    const lines = wrapIt ? wrapCells(text, room) : [cut(text, room)];
    lines.forEach((line, i) => rows.push({ text: cut(`${i === 0 ? head : pad}${line}`, width), tone }));
  };

  const head = [trace.planned ? m.plannedTitle : m.title, m.protocol[trace.protocol], trace.host, trace.joinedBy ? m.joinedBy[trace.joinedBy] : undefined].filter(Boolean).join(' · ');
  for (const line of wrapCells(`${head}${trace.requestId ? ` ${trace.requestId}` : ''}`, width)) push(line, 'title');
  if (!trace.settled) push(m.following, 'detail');

  trace.hops.forEach((hop, index) => {
    const last = index === trace.hops.length - 1;
    const nextLit = !last && trace.hops[index + 1].lit;
    const rail = hop.lit && (last || nextLit) ? g.rail : g.dimRail;
    const failed = hop.lit && !!hop.fields?.responseFlags;
    const tone: TraceTone = !hop.lit ? 'dim' : failed ? 'fail' : 'lit';
    for (const [i, line] of wrapCells(hopTitle(hop, index, trace, m), width - 2).entries()) push(`${i === 0 ? (hop.lit ? g.lit : g.dim) : last ? ' ' : rail} ${line}`, tone);
    const railOrBlank = last ? ' ' : rail;
    if (hop.lit && hop.fields && (hop.id === 'sidecar' || hop.id === 'gateway')) {
      const f = hop.fields;
      under(railOrBlank, '', statusOf(hop, m), failed ? 'fail' : 'detail');
      under(railOrBlank, m.cluster, f.upstreamCluster ?? '-', 'detail');
      const indent = ' '.repeat(stringWidth(m.decidedBy));
      if (hop.decidedBy.length === 0) under(railOrBlank, m.decidedBy, trace.gatewayApi ? m.noneGatewayApi : m.none, 'detail');
      hop.decidedBy.forEach((d, i) => {
        under(railOrBlank, i === 0 ? m.decidedBy : indent, deciderText(d, trace.clientNamespace), 'detail');
        // A shared gateway: say which of several Gateways answered, or that another may have.
        if (d.also?.length) under(railOrBlank, indent, m.gatewayAlso(d.claim ?? trace.host ?? '', d.also), 'detail');
        if (d.mayBeOther) under(railOrBlank, indent, m.gatewayMayBeOther, 'detail');
      });
      if (hop.line) under(railOrBlank, m.log, hop.line.text, 'log', options.fullLines === true);
    } else if (hop.why === 'planned' && hop.decidedBy.length > 0) {
      // The objects that will decide this hop, in the words the lit trace uses.
      const indent = ' '.repeat(stringWidth(m.decidedBy));
      hop.decidedBy.forEach((d, i) => under(railOrBlank, i === 0 ? m.decidedBy : indent, deciderText(d, trace.clientNamespace), 'dim'));
    }
  });
  return rows;
}

/** The trace as plain text (headless `run --trace`, a screen reader): full log lines, wrapped. */
export function traceText(trace: Trace, lang: Lang, width = 80, ascii = false): string {
  return layoutTrace(trace, { lang, width, ascii, fullLines: true })
    .map((r) => r.text.trimEnd())
    .join('\n');
}

export function noTraceText(lang: Lang): string {
  return traceMessages(lang).noTrace;
}
