// The Gateway API objects' status as the diagnosis of a request that did not cross the gateway.
import { describe, expect, it } from 'vitest';
import { gatewayApiStatusProblem, type GatewayApiLive } from '../../src/verify/gateway-api-status.js';

const parent = (conditions: { type: string; status: string; reason: string; message: string }[]) => ({
  status: { parents: [{ controllerName: 'istio.io/gateway-controller', parentRef: { kind: 'ServiceEntry', name: 'cnn' }, conditions }] },
});
const ok = [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Route was valid' }, { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: 'All references resolved' }];

describe('gatewayApiStatusProblem', () => {
  it('all accepted and programmed: nothing to say', () => {
    const objects: GatewayApiLive[] = [
      { kind: 'HTTPRoute', name: 'r', ...parent(ok) },
      { kind: 'Gateway', name: 'g', status: { conditions: [{ type: 'Programmed', status: 'True' }] } },
    ];
    expect(gatewayApiStatusProblem(objects, 'en')).toBeUndefined();
  });

  it('a TLSRoute without status: istiod ignores alpha kinds, with the switch to turn on', () => {
    expect(gatewayApiStatusProblem([{ kind: 'TLSRoute', name: 't' }], 'en')).toMatch(/^TLSRoute t has no status: istiod never read it\. Without PILOT_ENABLE_ALPHA_GATEWAY_API istiod ignores TLSRoute.*--set values\.pilot\.env\.PILOT_ENABLE_ALPHA_GATEWAY_API=true/);
    expect(gatewayApiStatusProblem([{ kind: 'TLSRoute', name: 't' }], 'zh')).toMatch(/^TLSRoute t 没有状态：istiod 从未读取它。/);
    // A status written by another controller only is not istiod's.
    expect(gatewayApiStatusProblem([{ kind: 'HTTPRoute', name: 'h', status: { parents: [{ controllerName: 'example.net/gateway', conditions: ok }] } }], 'en')).toMatch(/^HTTPRoute h has no status: istiod has not handled it/);
  });

  it('a parent that does not accept the route, a backend that does not resolve, a Gateway not Programmed: named with the reason', () => {
    expect(gatewayApiStatusProblem([{ kind: 'HTTPRoute', name: 'r', ...parent([{ type: 'Accepted', status: 'False', reason: 'NoMatchingListenerHostname', message: 'no hostnames matched parent hostname' }, ok[1]]) }], 'en'))
      .toBe('HTTPRoute r is not accepted by its parent ServiceEntry cnn: NoMatchingListenerHostname, "no hostnames matched parent hostname". Fix its parentRefs, or the parent\'s listener (hostname, allowedRoutes, protocol).');
    expect(gatewayApiStatusProblem([{ kind: 'HTTPRoute', name: 'r', ...parent([ok[0], { type: 'ResolvedRefs', status: 'False', reason: 'BackendNotFound', message: 'backend(cnn-egress-gateway.default.svc.cluster.local) not found' }]) }], 'en'))
      .toMatch(/^HTTPRoute r has a backend that does not resolve: BackendNotFound, "backend\(cnn-egress-gateway\.default\.svc\.cluster\.local\) not found"\. Fix its backendRefs: the gateway's Service is named <Gateway>-istio\.$/);
    expect(gatewayApiStatusProblem([{ kind: 'Gateway', name: 'g', status: { conditions: [{ type: 'Programmed', status: 'False', reason: 'AddressNotAssigned', message: 'address pending' }] } }], 'zh'))
      .toMatch(/^Gateway g 没有进入 Programmed：AddressNotAssigned，"address pending"。.*networking\.istio\.io\/service-type: ClusterIP/);
  });
});
