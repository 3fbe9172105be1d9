// Turning a failed verification into one or two sentences: the likely cause and the fix.
// Pure: the engine gathers the facts (curl outcome, mesh facts, gateway log lines) and asks here.

import type { MeshFacts } from '../cluster/port.js';
import type { ExecExpect, LogExpect } from '../lesson/model.js';
import type { AccessLogFields } from './access-log.js';
import type { CurlOutcome } from './curl.js';

export interface DiagnoseInput {
  /** The verification curl's outcome (the exec step's, or the one a logs step asked about). */
  curl?: CurlOutcome;
  /** What the exec step expected; for logs steps, what the proof line must show. */
  expect?: ExecExpect;
  logExpect?: LogExpect;
  /** The step expects the request to fail (e.g. blocked by REGISTRY_ONLY). */
  expectFailure?: boolean;
  facts?: MeshFacts;
  /** Access-log lines parsed from the gateway while the step ran. */
  gatewayLines?: AccessLogFields[];
  /** The outcome changed between attempts (Istio still pushing) rather than staying the same. */
  changing?: boolean;
  /** A logs step that did not find its line. */
  missingLogLine?: boolean;
  istioNamespace?: string;
  clientNamespace?: string;
  /** The host the request went to, for sentences. */
  host?: string;
}

const EGRESS_INSTALL =
  'istioctl install --set "components.egressGateways[0].name=istio-egressgateway" --set "components.egressGateways[0].enabled=true"';

function hasFlag(lines: AccessLogFields[] | undefined, flag: string): boolean {
  return (lines ?? []).some((l) => l.responseFlags?.split(',').includes(flag));
}

function kindsPresent(facts: MeshFacts | undefined, kind: string): number {
  return facts ? facts.objects.filter((o) => o.kind === kind).length : -1;
}

function serviceEntryFor(facts: MeshFacts | undefined, host: string | undefined): boolean | undefined {
  if (!facts || !host) return undefined;
  return facts.objects.some(
    (o) => o.kind === 'ServiceEntry' && Array.isArray(o.spec.hosts) && (o.spec.hosts as unknown[]).some((h) => h === host || (typeof h === 'string' && h.startsWith('*.') && host.endsWith(h.slice(1)))),
  );
}

/** The cause and fix of the failure, as the learner should read it. */
function cause(input: DiagnoseInput): string {
  const { curl, facts } = input;
  const istioNs = input.istioNamespace ?? 'istio-system';
  const clientNs = input.clientNamespace ?? 'default';
  const host = input.host ?? 'the external host';
  const status = curl?.httpStatus;
  const curlCode = curl?.curlError?.code;

  if (input.expectFailure && curl && (status === 200 || (curlCode === undefined && curl.exitCode === 0 && status !== undefined && status < 400))) {
    if (serviceEntryFor(facts, input.host)) return `The request to ${host} succeeded, but this step expects it to be blocked: a ServiceEntry for ${host} already exists (left from another lesson?); run \`egress-tutorial reset\` or delete it, then retry.`;
    return `The request to ${host} succeeded, but this step expects it to be blocked: the outbound policy is ${facts?.outboundPolicy ?? 'not'} REGISTRY_ONLY for this namespace — apply the previous step's Sidecar and retry.`;
  }

  if (curlCode === 6) return `curl could not resolve ${host}: check the host name (override it with --set) and that the cluster's nodes have DNS and internet access.`;
  if (curlCode === 35 || status === 502) {
    if (facts?.outboundPolicy === 'REGISTRY_ONLY' || serviceEntryFor(facts, input.host) === false)
      return `The sidecar refused the connection to ${host}: the outbound policy is REGISTRY_ONLY and no ServiceEntry registers ${host} — apply the ServiceEntry.`;
    return `The connection to ${host} was refused (${status === 502 ? 'HTTP 502' : 'curl exit 35'}): with REGISTRY_ONLY outbound traffic a host needs a ServiceEntry — apply the ServiceEntry, and check the host can be reached from the cluster.`;
  }
  if (curlCode === 7 || curlCode === 28 || curlCode === 56 || curlCode === 52)
    return `curl failed with exit ${curlCode} (${curl?.curlError?.message ?? 'connection problem'}): check that the cluster can reach ${host} and that the egress gateway pods in ${istioNs} are Ready.`;

  if (facts && facts.egressGatewayPods === 0 && (status === 503 || status === 404 || input.missingLogLine))
    return `No egress gateway pods run in ${istioNs}: install the gateway (\`${EGRESS_INSTALL}\`) or use Istio's demo profile.`;

  if (status === 503 || hasFlag(input.gatewayLines, 'NC')) {
    const drs = kindsPresent(facts, 'DestinationRule');
    if (drs === 0) return `HTTP 503 (cluster not found, NC): no DestinationRule with the subset for the egress gateway is visible from ${clientNs} — apply the Gateway and DestinationRule step.`;
    return `HTTP 503 (cluster not found, NC): the VirtualService routes to a DestinationRule subset that is missing or not visible from ${clientNs} — create the DestinationRule in ${clientNs} with the subset the VirtualService names.`;
  }
  if (status === 404 || hasFlag(input.gatewayLines, 'NR'))
    return `HTTP 404 (no route, NR): the Gateway and the VirtualService do not match — the VirtualService must list the Gateway's name in \`gateways\` and its hosts and port must match the Gateway's server.`;

  if (input.missingLogLine) {
    if (facts?.accessLogging === 'off') return `Access logging is off, so the gateway writes no lines: set meshConfig.accessLogFile=/dev/stdout (or apply a Telemetry resource) and retry.`;
    if (facts?.clientHasSidecar === false) return `The client pod has no istio-proxy sidecar, so its traffic bypasses the mesh: label the namespace ${clientNs} with istio-injection=enabled and restart the client.`;
    if (status === 200)
      return `The request succeeded but no gateway line appeared: it did not cross the gateway — check the VirtualService binds \`mesh\` and routes to the egress gateway, the client has a sidecar, and access logging is on.`;
    return `No matching line appeared in the gateway's log: make the request first (the previous step), and check the client has a sidecar and access logging is on.`;
  }

  if (status !== undefined && input.expect?.httpStatus !== undefined && status !== input.expect.httpStatus)
    return `Got HTTP ${status} instead of ${input.expect.httpStatus}: compare the applied objects with the lesson's manifests (\`egress-tutorial manifests\`).`;
  if (curl && curl.curlError) return `curl failed with exit ${curl.curlError.code} (${curl.curlError.message}).`;
  if (input.expect?.outputContains !== undefined) return `The output did not contain "${input.expect.outputContains}".`;
  return 'The result differs from what the lesson expects: compare the applied objects with the lesson\'s manifests (`egress-tutorial manifests`).';
}

/** One or two sentences: whether the result was still changing (not propagated yet) or stable (wrong), then cause and fix. */
export function diagnose(input: DiagnoseInput): string {
  const reason = cause(input);
  if (input.changing) return `The result was still changing when time ran out, so Istio may not have pushed the configuration yet: press Enter to retry. ${reason}`;
  return reason;
}
