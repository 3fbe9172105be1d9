// What Envoy did, as the learner saw it: the proxy that answered, its response code, flags and
// details, the route and upstream cluster of its access-log line; else curl's result alone.

import type { Localized } from '../lesson/model.js';
import type { AccessLogFields } from '../verify/access-log.js';
import type { ExplainInput } from './types.js';

const dash = (v: string | undefined): string => v ?? '-';

function lineText(l: AccessLogFields): string {
  const code = l.responseCode === 0 ? '0 (TCP)' : String(l.responseCode ?? '-');
  const details = l.responseCodeDetails ? ` ${l.responseCodeDetails}` : '';
  const sni = l.requestedServerName ? ` sni=${l.requestedServerName}` : '';
  return `${code} ${dash(l.responseFlags)}${details}, route=${dash(l.routeName)}, cluster=${dash(l.upstreamCluster)}${sni}`;
}

function curlText(input: ExplainInput, lang: 'en' | 'zh'): string | undefined {
  const c = input.curl;
  if (!c) return undefined;
  if (c.curlError) return lang === 'zh' ? `curl 退出码 ${c.curlError.code}（${c.curlError.message}）` : `curl exit ${c.curlError.code} (${c.curlError.message})`;
  if (c.httpStatus !== undefined) return `HTTP ${c.httpStatus}`;
  return lang === 'zh' ? `curl 退出码 ${c.exitCode}` : `curl exit ${c.exitCode}`;
}

export type Hop = 'client' | 'gateway';

/**
 * "The egress gateway logged 404 NR route_not_found, route=-, cluster=-" (the hop asked for, else
 * whichever hop logged, else curl's result), followed by `consequence`.
 */
export function observed(input: ExplainInput, prefer: Hop, consequence: Localized): Localized {
  const gw = input.gatewayLines?.[0];
  const cl = input.clientLines?.[0];
  const line = prefer === 'gateway' ? (gw ? { hop: 'gateway' as const, l: gw } : cl ? { hop: 'client' as const, l: cl } : undefined) : cl ? { hop: 'client' as const, l: cl } : gw ? { hop: 'gateway' as const, l: gw } : undefined;
  const make = (lang: 'en' | 'zh'): string => {
    const curl = curlText(input, lang);
    if (line) {
      const who = line.hop === 'gateway' ? (lang === 'zh' ? '出口网关' : 'The egress gateway') : lang === 'zh' ? '客户端的边车' : "The client's sidecar";
      const head = lang === 'zh' ? `${who}记录了 ${lineText(line.l)}${curl ? `（curl 看到 ${curl}）` : ''}` : `${who} logged ${lineText(line.l)}${curl ? ` (curl saw ${curl})` : ''}`;
      return lang === 'zh' ? `${head}：${consequence.zh}` : `${head}: ${consequence.en}`;
    }
    if (curl) return lang === 'zh' ? `curl 看到 ${curl}：${consequence.zh}` : `curl saw ${curl}: ${consequence.en}`;
    return lang === 'zh' ? consequence.zh : consequence.en.charAt(0).toUpperCase() + consequence.en.slice(1);
  };
  return { en: make('en'), zh: make('zh') };
}

/** The request failed the way a broken route does (not a pass, not a client-side error like DNS). */
export function failed(input: ExplainInput): boolean {
  const c = input.curl;
  if (!c) return (input.gatewayLines ?? []).concat(input.clientLines ?? []).some((l) => (l.responseCode ?? 0) >= 400 || l.responseFlags !== undefined);
  if (c.curlError?.code === 6) return false;
  return c.exitCode !== 0 || (c.httpStatus !== undefined && c.httpStatus >= 400);
}

/** The request succeeded end to end. */
export function succeeded(input: ExplainInput): boolean {
  const c = input.curl;
  return !!c && c.exitCode === 0 && c.httpStatus !== undefined && c.httpStatus < 400;
}
