// A drill in the classroom's own-gateway mode (contract C1): the prerequisite sets up the
// learner's own gateway from lesson 2, the fault and the proof use the gateway variables.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanUpDrill, probe, setUpDrill, showsSymptom, verifyDrill } from '../../src/drill/index.js';
import { mergePatch, NET, startWorld, type DrillWorld } from './helpers.js';

let world: DrillWorld;

beforeAll(async () => {
  world = await startWorld('own');
}, 60_000);

afterAll(async () => {
  await world?.stop();
});

describe('own gateway mode', () => {
  it('gateway-host: 404 NR logged by the learner\'s own gateway; fixing the Gateway\'s host passes with its proof line', async () => {
    const drill = world.drills.find((d) => d.name === 'gateway-host')!;
    expect(drill.proof?.target).toEqual({ namespace: 'default', labels: { istio: 'egressgateway-default' }, container: 'istio-proxy' });
    const ctx = world.ctx('en', 15_000);
    await setUpDrill(ctx, drill);
    const broken = await probe(ctx, drill);
    expect(showsSymptom(drill, broken)).toBe(true);
    expect(broken.gatewayLines[0].line.pod).toMatch(/^egressgateway-/);
    await mergePatch(world.kubectl, { apiVersion: NET, kind: 'Gateway', name: 'istio-egressgateway' }, { spec: { servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['httpbin.org'] }] } });
    const fixed = await verifyDrill(ctx, drill);
    expect(fixed.ok, fixed.diagnosis).toBe(true);
    expect(fixed.proofLine?.pod).toMatch(/^egressgateway-/);
    await cleanUpDrill(ctx, drill);
  }, 90_000);
});
