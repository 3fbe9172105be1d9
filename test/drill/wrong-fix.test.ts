// Drills fixed the wrong way on the practice cluster: the verification by traffic still fails and
// says why (src/verify's diagnosis), in both languages; the right fix afterwards passes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanUpDrill, setUpDrill, verifyDrill, type Drill } from '../../src/drill/index.js';
import { FIXES } from './fixes.js';
import { mergePatch, NET, serverSideApply, startWorld, type DrillWorld } from './helpers.js';

let world: DrillWorld;
const drill = (name: string): Drill => world.drills.find((d) => d.name === name)!;

beforeAll(async () => {
  world = await startWorld();
}, 60_000);

afterAll(async () => {
  await world?.stop();
});

describe('fixed the wrong way', () => {
  it('subset-missing: renaming the subset to another wrong name still fails 503 NC, diagnosed as the subset; the right name passes', async () => {
    const ctx = world.ctx('en', 1500);
    const d = drill('subset-missing');
    await setUpDrill(ctx, d);
    await mergePatch(world.kubectl, { apiVersion: NET, kind: 'DestinationRule', name: 'egressgateway-for-cnn' }, { spec: { subsets: [{ name: 'egress' }] } });
    const wrong = await verifyDrill(ctx, d);
    expect(wrong.ok).toBe(false);
    expect(wrong.probe.curl.httpStatus).toBe(503);
    expect(wrong.summary).toMatch(/^Still failing: HTTP 503/);
    expect(wrong.diagnosis).toMatch(/DestinationRule subset that is missing/);
    expect(wrong.attempts).toBeGreaterThanOrEqual(1);
    await FIXES['subset-missing'](world.kubectl);
    expect((await verifyDrill(world.ctx('en', 15_000), d)).ok).toBe(true);
    await cleanUpDrill(ctx, d);
  }, 60_000);

  it('port-mismatch (zh): moving the VirtualService to port 443 instead of the Gateway to 80 still fails (404 NR at the gateway), diagnosed in Chinese as routes not matching the Gateway\'s server and port', async () => {
    const ctx = world.ctx('zh', 1500);
    const d = drill('port-mismatch');
    await setUpDrill(ctx, d);
    const vs = { apiVersion: NET, kind: 'VirtualService', name: 'direct-cnn-through-egress-gateway' };
    await mergePatch(world.kubectl, vs, {
      spec: {
        http: [
          { match: [{ gateways: ['mesh'], port: 80 }], route: [{ destination: { host: 'istio-egressgateway.istio-system.svc.cluster.local', subset: 'cnn', port: { number: 443 } }, weight: 100 }] },
          { match: [{ gateways: ['istio-egressgateway'], port: 80 }], route: [{ destination: { host: 'httpbin.org', port: { number: 80 } }, weight: 100 }] },
        ],
      },
    });
    const wrong = await verifyDrill(ctx, d);
    expect(wrong.ok).toBe(false);
    expect(wrong.summary).toMatch(/^仍然失败/);
    // The request now reaches the gateway's port 443 server, whose routes only match port 80.
    expect(wrong.probe.curl.httpStatus).toBe(404);
    expect(wrong.diagnosis).toMatch(/出口网关返回 HTTP 404（没有路由，NR）/);
    expect(wrong.diagnosis).toMatch(/hosts 和端口要与网关的 server 一致/);
    await cleanUpDrill(ctx, d);
  }, 60_000);

  it('access-log-off: a Telemetry turning logs on in the client namespace does not reach the gateway; still no gateway line, diagnosed as the gateway\'s log', async () => {
    const ctx = world.ctx('en', 1500);
    const d = drill('access-log-off');
    await setUpDrill(ctx, d);
    await serverSideApply(world.kubectl, {
      apiVersion: 'telemetry.istio.io/v1',
      kind: 'Telemetry',
      metadata: { name: 'logs-on', namespace: 'default' },
      spec: { accessLogging: [{ providers: [{ name: 'envoy' }] }] },
    });
    const wrong = await verifyDrill(ctx, d);
    expect(wrong.ok).toBe(false);
    expect(wrong.probe.curl.httpStatus).toBe(200);
    expect(wrong.probe.gatewayLines).toEqual([]);
    expect(wrong.diagnosis).toMatch(/the gateway wrote no line: its access log is off/);
    await world.kubectl.delete({ apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name: 'logs-on', namespace: 'default' } });
    await cleanUpDrill(ctx, d);
  }, 60_000);
});
