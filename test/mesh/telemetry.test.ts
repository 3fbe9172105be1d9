// Access-log Telemetry scoping (contract C2) with several learners: a namespace's Telemetry
// reaches its sidecars and its own gateway, the root namespace's every proxy, a selector only the
// matching pods of its namespace; a learner's Telemetry never reaches istio-system's gateway.
import { describe, expect, it } from 'vitest';
import type { IstioObject, MeshState } from '../../src/mesh/types.js';
import { GATEWAY_POD, HTTP_CMD, logsOf, run } from './fixtures.js';
import { at, classroom, clientPod, learnerObjects, ownGatewayPod } from './classroom-fixtures.js';

const A = clientPod('learner-01', 1);
const B = clientPod('learner-02', 2);
const GW_A = ownGatewayPod('learner-01', 1);
const GW_B = ownGatewayPod('learner-02', 2);

const telemetry = (namespace: string, spec: Record<string, unknown>, name = 'access-log', created = at(1)): IstioObject => ({ kind: 'Telemetry', namespace, name, spec, created });
const envoyOn = { accessLogging: [{ providers: [{ name: 'envoy' }] }] };
const envoyOff = { accessLogging: [{ providers: [{ name: 'envoy' }], disabled: true }] };

/** Both learners with own gateways, plus learner-01 on the shared gateway too; mesh config logging off. */
function mesh(extra: IstioObject[], accessLogFile?: string): MeshState {
  const objects = [...learnerObjects('http', 'learner-01', { exportTo: ['.'] }), ...learnerObjects('http', 'learner-02', { exportTo: ['.'] }), ...extra];
  return classroom(objects, { meshConfig: { outboundTrafficPolicy: 'ALLOW_ANY', ...(accessLogFile ? { accessLogFile } : {}) } });
}
const proxiesThatLogged = (state: MeshState): string[] => {
  const a = run(state, HTTP_CMD, { pod: A });
  const b = run(state, HTTP_CMD, { pod: B });
  return [...new Set([...a.accessLog, ...b.accessLog].map((l) => l.pod))].sort();
};

describe('Telemetry scoping with several learners', () => {
  it('mesh config off and no Telemetry: no proxy logs', () => {
    expect(proxiesThatLogged(mesh([]))).toEqual([]);
  });

  it("a learner's namespace Telemetry without selector: that learner's sidecar and own gateway, nobody else", () => {
    expect(proxiesThatLogged(mesh([telemetry('learner-01', envoyOn)]))).toEqual([A.name, GW_A.name].sort());
  });

  it('the root namespace without selector: every proxy of the mesh', () => {
    expect(proxiesThatLogged(mesh([telemetry('istio-system', envoyOn)]))).toEqual([A.name, B.name, GW_A.name, GW_B.name].sort());
  });

  it('selector.matchLabels: only the matching pods of its namespace', () => {
    const gatewayOnly = telemetry('learner-01', { ...envoyOn, selector: { matchLabels: { istio: 'egressgateway-learner-01' } } });
    expect(proxiesThatLogged(mesh([gatewayOnly]))).toEqual([GW_A.name]);
    // The same labels in another namespace select nothing there.
    const elsewhere = telemetry('learner-02', { ...envoyOn, selector: { matchLabels: { istio: 'egressgateway-learner-01' } } });
    expect(proxiesThatLogged(mesh([elsewhere]))).toEqual([]);
  });

  it("a learner's Telemetry cannot turn on istio-system's gateway, even selecting its labels", () => {
    const shared = learnerObjects('http', 'learner-03', { gateway: 'shared', exportTo: ['.', 'istio-system'] });
    const client = clientPod('learner-03', 3);
    const attempts = [telemetry('learner-03', envoyOn), telemetry('learner-03', { ...envoyOn, selector: { matchLabels: { istio: 'egressgateway' } } }, 'gw')];
    const state = classroom([...shared, ...attempts], { meshConfig: { outboundTrafficPolicy: 'ALLOW_ANY' } });
    state.pods = [...state.pods, client];
    const r = run(state, HTTP_CMD, { pod: client });
    expect(r.stdout.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(logsOf(r, client.name)).toHaveLength(1);
    expect(logsOf(r, GATEWAY_POD.name)).toEqual([]);
    // Only a Telemetry in the root namespace selecting the gateway pods does.
    const rooted = { ...state, objects: [...state.objects, telemetry('istio-system', { ...envoyOn, selector: { matchLabels: { istio: 'egressgateway' } } }, 'gw')] };
    expect(logsOf(run(rooted, HTTP_CMD, { pod: client }), GATEWAY_POD.name)).toHaveLength(1);
  });

  it('layers: the namespace overrides the root, a selector overrides the namespace', () => {
    const layered = mesh([telemetry('istio-system', envoyOn), telemetry('learner-01', envoyOff), telemetry('learner-01', { ...envoyOn, selector: { matchLabels: { app: 'curl' } } }, 'curl')]);
    expect(proxiesThatLogged(layered)).toEqual([A.name, B.name, GW_B.name].sort());
  });

  it('mesh config accessLogFile: every proxy, until a Telemetry turns it off', () => {
    expect(proxiesThatLogged(mesh([], '/dev/stdout'))).toEqual([A.name, B.name, GW_A.name, GW_B.name].sort());
    const off = telemetry('learner-02', { accessLogging: [{ disabled: true }] });
    expect(proxiesThatLogged(mesh([off], '/dev/stdout'))).toEqual([A.name, GW_A.name].sort());
  });

  it("of two namespace-wide Telemetries, the oldest is the namespace's", () => {
    const two = [telemetry('learner-01', envoyOff, 'newer', at(5)), telemetry('learner-01', envoyOn, 'older', at(2))];
    expect(proxiesThatLogged(mesh(two))).toEqual([A.name, GW_A.name].sort());
  });
});
