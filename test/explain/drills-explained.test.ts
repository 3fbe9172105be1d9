// Every shipped drill on the practice cluster through real client-node: set up, probed (the
// gateway's and the client sidecar's lines of the request), explained from the port's facts, and
// the explainer must name the fault; then its patch, made the way `f` makes it, fixes the drill.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanUpDrill, drillLabel, probe, setUpDrill, verifyDrill } from '../../src/drill/index.js';
import { gatewayTarget } from '../../src/engine/gateway.js';
import { makeFix } from '../../src/engine/explain.js';
import { engineMessages } from '../../src/engine/messages.js';
import type { RunContext } from '../../src/engine/runners.js';
import { explain, inputFromFacts, renderFindings, type FindingId } from '../../src/explain/index.js';
import { kubectlDelete, startWorld, type DrillWorld } from '../drill/helpers.js';
import { LEARNER_OBJECTS } from '../drill/fixes.js';

let world: DrillWorld;
beforeAll(async () => {
  world = await startWorld();
}, 60_000);
afterAll(async () => {
  await world?.stop();
});

const EXPECTED: Record<string, { id: FindingId; kind: string; field: RegExp }> = {
  'destinationrule-namespace': { id: 'destinationrule-hidden', kind: 'DestinationRule', field: /^spec\.exportTo$/ },
  'subset-missing': { id: 'subset-not-found', kind: 'DestinationRule', field: /^spec\.subsets$/ },
  'gateway-name': { id: 'gateway-not-found', kind: 'VirtualService', field: /^spec\.gateways\[0\]$/ },
  'gateway-host': { id: 'host-not-in-gateway', kind: 'Gateway', field: /^spec\.servers\[0\]\.hosts$/ },
  'export-to': { id: 'virtualservice-hidden-from-gateway', kind: 'VirtualService', field: /^spec\.exportTo$/ },
  'port-mismatch': { id: 'gateway-port-mismatch', kind: 'Gateway', field: /^spec\.servers\[0\]\.port\.number$/ },
  'no-service-entry': { id: 'registry-only-no-service-entry', kind: 'ServiceEntry', field: /^spec\.hosts$/ },
  'sni-mismatch': { id: 'sni-not-matched', kind: 'Gateway', field: /^spec\.servers\[0\]\.hosts$/ },
  'access-log-off': { id: 'access-log-off', kind: 'Telemetry', field: /accessLogging/ },
};

describe('the explainer names each drill\'s fault', () => {
  it('covers every shipped drill', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(world.drills.map((d) => d.name).sort());
  });

  it.each(Object.keys(EXPECTED))('%s', async (name) => {
    const drill = world.drills.find((d) => d.name === name)!;
    const ctx = world.ctx('en', 15_000);
    await setUpDrill(ctx, drill);
    const seen = await probe(ctx, drill);
    const gw = gatewayTarget(world.lessons);
    const facts = await world.port.meshFacts({ clientNamespace: 'default', istioNamespace: 'istio-system', client: drill.request.target, gateway: gw, wide: true });
    const input = inputFromFacts({
      facts,
      argv: drill.request.command,
      clientNamespace: 'default',
      istioNamespace: 'istio-system',
      gateway: { namespace: gw.pods.namespace, labels: gw.pods.labels, host: world.lessons.values.gatewayHost },
      lesson: drillLabel(name),
      clientPod: seen.pod,
      curl: seen.curl,
      gatewayLines: seen.gatewayLines.map((l) => l.fields),
      clientLines: seen.sidecarLines.map((l) => l.fields),
      gatewayLogFollowed: drill.proof !== undefined,
    })!;
    const findings = explain(input);
    const want = EXPECTED[name];
    const text = renderFindings(findings, 'en');
    expect(findings[0], text).toMatchObject({ id: want.id, ref: { kind: want.kind } });
    expect(findings[0].field).toMatch(want.field);
    // In the terms of the traffic seen: a logged flag or curl's result, and a real-cluster command.
    expect(findings[0].effect.en).toMatch(/logged|curl saw/);
    expect(findings[0].istioctl.some((c) => c.startsWith('istioctl ') || c.startsWith('kubectl get telemetry'))).toBe(true);
    expect(renderFindings(findings, 'zh')).toMatch(/发现/);

    // The one change, made as `f` makes it, fixes the drill (verified by traffic and the gateway log).
    const run = { port: world.port, lesson: { id: drillLabel(name) }, namespace: 'default', signal: new AbortController().signal, m: engineMessages('en') } as unknown as RunContext;
    expect(findings[0].patch).toBeDefined();
    expect(await makeFix(run, findings[0].patch!, 'fault')).toBeUndefined();
    const fixed = await verifyDrill(ctx, drill);
    expect(fixed.ok, `${fixed.summary} ${fixed.diagnosis ?? ''}\n${text}`).toBe(true);

    await cleanUpDrill(ctx, drill);
    for (const ref of LEARNER_OBJECTS[name] ?? []) await kubectlDelete(world.kubectl, ref).catch(() => undefined);
  }, 90_000);
});
