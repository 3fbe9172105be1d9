// Every shipped drill on the practice cluster through real client-node: set up, its documented
// symptom, fixed the learner's way (kubectl-equivalent calls with another field manager),
// verified by traffic and the gateway log, cleaned up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanUpDrill, flagsOf, probe, setUpDrill, showsSymptom, verifyDrill, drillLabel } from '../../src/drill/index.js';
import { expectedExitCodes } from '../../src/lesson/model.js';
import { FIXES, LEARNER_OBJECTS } from './fixes.js';
import { kubectlDelete, startWorld, type DrillWorld } from './helpers.js';

let world: DrillWorld;

beforeAll(async () => {
  world = await startWorld();
}, 60_000);

afterAll(async () => {
  await world?.stop();
});

describe('shipped drills', () => {
  it('there are at least seven, each with a fix in this test, for lessons 3 to 5', () => {
    expect(world.drills.length).toBeGreaterThanOrEqual(7);
    expect(world.drills.map((d) => d.name).sort()).toEqual(Object.keys(FIXES).sort());
    expect(new Set(world.drills.map((d) => d.lesson))).toEqual(new Set(['03-outbound-policy-experiment', '04-http-egress-gateway', '05-https-passthrough']));
  });
});


describe('each drill from broken to fixed', () => {
  const names = ['destinationrule-namespace', 'subset-missing', 'gateway-name', 'gateway-host', 'export-to', 'port-mismatch', 'no-service-entry', 'sni-mismatch', 'access-log-off'];
  it.each(names)('%s', async (name) => {
    const drill = world.drills.find((d) => d.name === name)!;
    expect(drill).toBeDefined();
    const ctx = world.ctx('en', 15_000);
    await setUpDrill(ctx, drill);

    // The symptom, as documented in drill.yaml.
    const broken = await probe(ctx, drill);
    const s = drill.symptom;
    if (s.httpStatus !== undefined) expect(broken.curl.httpStatus, broken.stdout + broken.stderr).toBe(s.httpStatus);
    expect(expectedExitCodes({ exitCode: s.exitCode })).toContain(broken.curl.exitCode);
    expect(broken.gatewayLines.length > 0, broken.gatewayLines.map((l) => l.line.text).join('\n')).toBe(s.gatewayLine);
    if (s.responseFlags) expect(flagsOf(broken)?.split(',').sort()).toEqual(s.responseFlags.split(',').sort());
    expect(showsSymptom(drill, broken)).toBe(true);

    // The learner's fix, then the tutorial's verification by traffic.
    await FIXES[name](world.kubectl);
    const fixed = await verifyDrill(ctx, drill);
    expect(showsSymptom(drill, fixed.probe)).toBe(false);
    expect(fixed.diagnosis).toBeUndefined();
    expect(fixed.ok, fixed.summary).toBe(true);
    if (drill.proof) expect(fixed.proofLine?.pod).toMatch(/^istio-egressgateway-/);
    else expect(fixed.probe.curl.httpStatus).toBe(200);

    // Cleanup removes the drill's objects (the learner's own are theirs).
    const removed = await cleanUpDrill(ctx, drill);
    expect(removed.every((r) => r.result === 'deleted' || r.result === 'absent')).toBe(true);
    expect(await world.port.listManaged({ lesson: drillLabel(name), namespaces: ['default', 'istio-system'] })).toEqual([]);
    for (const ref of LEARNER_OBJECTS[name] ?? []) await kubectlDelete(world.kubectl, ref);
  }, 90_000);
});
