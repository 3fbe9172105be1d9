// The configuration explainer: after a failed verification, name the object and field that made
// Envoy do what the learner just saw, the one change that fixes it, and the istioctl command that
// shows the same on a real cluster. Pure: explain() reads only its input.

import type { Lang } from '../lesson/model.js';
import { hostMatches } from '../mesh/istioHosts.js';
import { accessLogOff, destinationRule, gatewayMutualTls, gatewayPort, gatewayRouting, meshConflict, meshDestination, registryOnly, waypointNotUsed } from './checks.js';
import { labels } from './messages.js';
import { patchCommand } from './patch.js';
import type { ExplainInput, Finding } from './types.js';
import { worldOf } from './world.js';

export type * from './types.js';
export { mergePatch, patchCommand, patchRef, patchSummary, type FixPatch } from './patch.js';
export { inputFromFacts, requestOf, type FactsContext } from './from-facts.js';

/** The findings, in the order the request meets them; the first is the one that decided the result. */
export function explain(input: ExplainInput): Finding[] {
  const w = worldOf(input);
  // Ambient mode: no sidecar and no egress gateway on the path, only ztunnel and the waypoint.
  if (input.waypoint) {
    const unused = waypointNotUsed(w);
    return unused ? [unused] : [];
  }
  const out: Finding[] = [];
  const blocked = registryOnly(w);
  if (blocked) return [blocked];
  const conflict = meshConflict(w);
  if (conflict) out.push(conflict);
  const dest = meshDestination(w);
  const viaGateway = dest !== undefined && hostMatches(dest.host, input.gateway.host);
  if (dest && !conflict) {
    const dr = destinationRule(w, dest);
    if (dr) out.push(dr);
    else if (viaGateway) {
      const port = dest.port ?? input.request.port;
      const refused = gatewayPort(w, port);
      const mtls = refused ? undefined : gatewayMutualTls(w, dest);
      if (refused) out.push(refused);
      else if (mtls) out.push(mtls);
      else out.push(...gatewayRouting(w, port));
    }
  }
  out.push(...accessLogOff(w));
  return out;
}

/** The findings as plain text for the failure screen and headless output (one block each). */
export function renderFindings(findings: Finding[], lang: Lang): string {
  const t = labels[lang];
  const c = lang === 'zh' ? '：' : ': ';
  return findings
    .map((f) => {
      const head = `${t.finding}${f.code ? ` [${f.code}]` : ''}${c}${f.ref.kind} ${f.ref.name} (${f.ref.namespace}) ${t.field} ${f.field}`;
      const lines = [head, `  ${f.problem[lang]}`, `  ${t.envoy}${c}${f.effect[lang]}`, `  ${t.fix}${c}${f.fix[lang]}`];
      if (f.patch) lines.push(...patchCommand(f.patch).split('\n').map((l) => `    ${l}`));
      lines.push(`  ${t.realCluster}${c.trim()}`, ...f.istioctl.map((c) => `    $ ${c}`));
      return lines.join('\n');
    })
    .join('\n');
}
