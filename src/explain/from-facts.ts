// The explainer's input from what the engine already has: the port's mesh facts (read once the
// verification failed), the step's command, the session's gateway, and the lines it followed.

import type { MeshFacts } from '../cluster/port.js';
import type { AccessLogFields } from '../verify/access-log.js';
import type { CurlOutcome } from '../verify/curl.js';
import type { ExplainInput } from './types.js';

/** host, port and scheme of the first URL in a command line (curl's argument). */
export function requestOf(argv: string[]): ExplainInput['request'] | undefined {
  for (const arg of argv) {
    if (!/^https?:\/\//i.test(arg)) continue;
    try {
      const url = new URL(arg);
      const tls = url.protocol === 'https:';
      return { host: url.hostname.toLowerCase(), port: url.port ? Number(url.port) : tls ? 443 : 80, tls };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export interface FactsContext {
  facts: MeshFacts;
  argv: string[];
  clientNamespace: string;
  istioNamespace: string;
  gateway: { namespace: string; labels: Record<string, string>; host: string };
  lesson?: string;
  clientPod?: string;
  curl?: CurlOutcome;
  gatewayLines?: AccessLogFields[];
  clientLines?: AccessLogFields[];
  gatewayLogFollowed?: boolean;
  waypoint?: { namespace: string; name: string };
}

export function inputFromFacts(c: FactsContext): ExplainInput | undefined {
  const request = requestOf(c.argv);
  if (!request) return undefined;
  const gatewayPod = c.facts.gatewayPods?.[0];
  const clientPod = c.facts.clientPods?.find((p) => p.name === c.clientPod) ?? c.facts.clientPods?.[0];
  return {
    objects: [...c.facts.objects, ...(c.facts.others ?? [])],
    ...(c.facts.unreadable ? { unreadable: c.facts.unreadable } : {}),
    clientNamespace: c.clientNamespace,
    istioNamespace: c.istioNamespace,
    outboundPolicy: c.facts.outboundPolicy,
    meshAccessLog: c.facts.meshAccessLog ?? 'unknown',
    gateway: { namespace: c.gateway.namespace, labels: gatewayPod?.labels ?? c.gateway.labels, host: c.gateway.host, ...(gatewayPod ? { pod: gatewayPod.name } : {}) },
    client: { ...(c.clientPod ?? clientPod?.name ? { pod: c.clientPod ?? clientPod?.name } : {}), labels: clientPod?.labels ?? {} },
    ...(c.lesson ? { lesson: c.lesson } : {}),
    request,
    ...(c.curl ? { curl: c.curl } : {}),
    ...(c.gatewayLines ? { gatewayLines: c.gatewayLines } : {}),
    ...(c.clientLines ? { clientLines: c.clientLines } : {}),
    ...(c.gatewayLogFollowed ? { gatewayLogFollowed: true } : {}),
    ...(c.waypoint ? { waypoint: c.waypoint } : {}),
  };
}
