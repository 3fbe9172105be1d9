// Conformance with the real kubectl (issue 15, the Gateway API track): the upstream CRDs per
// channel, the GatewayClasses istiod creates, a Gateway of class istio deployed by istiod as
// <name>-istio with Accepted/Programmed (so `kubectl wait --for=condition=Programmed` works), the
// routes' status per parent, and the request through the auto-deployed gateway, proved by its log.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLessonsDir, renderTemplate } from '../../src/lesson/index.js';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';
import { Kubectl } from './kubectl.js';

let cluster: PracticeCluster;
let k: Kubectl;
const NS = 'gwapi';
const VARS = { httpHost: 'httpbin.org', httpsHost: 'www.baidu.com', exportTo: '["."]', namespace: NS, istioNamespace: 'istio-system', gatewayLabel: 'egressgateway' };
const manifest = (lesson: string, name: string): string => renderTemplate(readFileSync(join(defaultLessonsDir(), lesson, 'manifests', name), 'utf8'), VARS);
const applyIn = (text: string) => k.run(['apply', '--server-side', '-n', NS, '-f', '-'], text);

beforeAll(async () => {
  cluster = await startPracticeCluster({ knobs: { podReadyDelayMs: 100 } });
  k = await Kubectl.for(cluster);
  await k.run(['create', 'namespace', NS]);
  await k.run(['label', 'namespace', NS, 'istio-injection=enabled']);
});
afterAll(async () => {
  await cluster?.stop();
  await k?.dispose();
});

describe('the Gateway API with kubectl', () => {
  it("serves upstream's CRDs of the installed channel, with their bundle-version and channel", async () => {
    const crds = await k.run(['get', 'crd', '-l', '!app', '-o', 'custom-columns=NAME:.metadata.name,CHANNEL:.metadata.annotations.gateway\\.networking\\.k8s\\.io/channel', '--no-headers']);
    expect(crds.code, crds.stderr).toBe(0);
    expect(crds.stdout).toMatch(/^tlsroutes\.gateway\.networking\.k8s\.io\s+experimental$/m);
    expect(crds.stdout).toMatch(/^gateways\.gateway\.networking\.k8s\.io\s+experimental$/m);
    const version = await k.run(['get', 'crd', 'gateways.gateway.networking.k8s.io', '-o', 'jsonpath={.metadata.annotations.gateway\\.networking\\.k8s\\.io/bundle-version}']);
    expect(version.stdout).toBe('v1.3.0');
    const classes = await k.run(['get', 'gatewayclass']);
    expect(classes.stdout).toMatch(/^NAME\s+CONTROLLER\s+ACCEPTED\s+AGE\nistio\s+istio\.io\/gateway-controller\s+True\s+\S+\nistio-remote\s+istio\.io\/unmanaged-gateway\s+True\s+\S+\nistio-waypoint\s+istio\.io\/mesh-controller\s+True\s+\S+\n$/);

    cluster.setKnobs({ gatewayApi: 'standard' });
    const std = await k.run(['get', 'crd', 'tlsroutes.gateway.networking.k8s.io']);
    expect(std.code).toBe(1);
    expect(std.stderr).toContain('customresourcedefinitions.apiextensions.k8s.io "tlsroutes.gateway.networking.k8s.io" not found');
    // kubectl's discovery cache may still name the kind: then the list itself is not found.
    const gone = /the server doesn't have a resource type|the server could not find the requested resource/;
    expect((await k.run(['get', 'tlsroutes'])).stderr).toMatch(gone);
    cluster.setKnobs({ gatewayApi: 'none' });
    expect((await k.run(['get', 'gateways.gateway.networking.k8s.io'])).stderr).toMatch(gone);
    cluster.setKnobs({ gatewayApi: 'experimental' });
    expect((await k.run(['get', 'tlsroutes', '-A'])).code).toBe(0);
  });

  it('rejects what the schema rejects, in kube-apiserver words', async () => {
    const bad = await applyIn('apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: bad}\nspec:\n  gatewayClassName: istio\n  listeners:\n  - {name: http, port: 80, protocol: HTTP, colour: red}\n');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('The Gateway "bad" is invalid: spec.listeners[0].colour: unknown field "spec.listeners[0].colour"');
  });

  it('a Gateway of class istio: istiod deploys <name>-istio, and the Gateway becomes Programmed', async () => {
    const gw = await applyIn(manifest('10-gateway-api-http', 'gateway.yaml'));
    expect(gw.stdout, gw.stderr).toBe('gateway.gateway.networking.k8s.io/cnn-egress-gateway serverside-applied\n');
    const wait = await k.run(['wait', '--for=condition=Programmed', 'gateways.gateway.networking.k8s.io/cnn-egress-gateway', '-n', NS, '--timeout=20s']);
    expect(wait.stdout, wait.stderr).toBe('gateway.gateway.networking.k8s.io/cnn-egress-gateway condition met\n');
    const get = await k.run(['get', 'gtw', '-n', NS]);
    expect(get.stdout).toMatch(/^NAME\s+CLASS\s+ADDRESS\s+PROGRAMMED\s+AGE\ncnn-egress-gateway\s+istio\s+10\.96\.\d+\.\d+\s+True\s+\S+\n$/);
    const deploy = await k.run(['get', 'deploy,svc,sa', '-n', NS, '-l', 'gateway.networking.k8s.io/gateway-name=cnn-egress-gateway', '-o', 'name']);
    expect(deploy.stdout).toBe('deployment.apps/cnn-egress-gateway-istio\nservice/cnn-egress-gateway-istio\nserviceaccount/cnn-egress-gateway-istio\n');
    const svc = await k.run(['get', 'svc', 'cnn-egress-gateway-istio', '-n', NS, '-o', 'jsonpath={.spec.type} {range .spec.ports[*]}{.name}:{.port}/{.appProtocol} {end}']);
    expect(svc.stdout).toBe('ClusterIP status-port:15021/tcp http:80/http ');
    const msg = await k.run(['get', 'gtw', 'cnn-egress-gateway', '-n', NS, '-o', 'jsonpath={.status.conditions[?(@.type=="Programmed")].message}']);
    expect(msg.stdout).toBe(`Resource programmed, assigned to service(s) cnn-egress-gateway-istio.${NS}.svc.cluster.local:80`);
  }, 40_000);

  it('the routes report Accepted and ResolvedRefs per parent, and the request crosses the auto-deployed gateway', async () => {
    const client = await applyIn(manifest('02-setup', 'curl.yaml'));
    expect(client.code, client.stderr).toBe(0);
    expect((await applyIn(manifest('04-http-egress-gateway', 'serviceentry.yaml'))).code).toBe(0);
    const routes = await applyIn(manifest('10-gateway-api-http', 'httproutes.yaml'));
    expect(routes.stdout, routes.stderr).toBe('httproute.gateway.networking.k8s.io/direct-cnn-to-egress-gateway serverside-applied\nhttproute.gateway.networking.k8s.io/forward-cnn-from-egress-gateway serverside-applied\n');
    const accepted = await k.run(['wait', '--for=jsonpath={.status.parents[0].conditions[0].status}=True', 'httproute/direct-cnn-to-egress-gateway', 'httproute/forward-cnn-from-egress-gateway', '-n', NS, '--timeout=10s']);
    expect(accepted.code, accepted.stderr).toBe(0);
    const parents = await k.run(['get', 'httproute', 'direct-cnn-to-egress-gateway', '-n', NS, '-o', 'jsonpath={.status.parents[0].controllerName} {.status.parents[0].parentRef.kind} {range .status.parents[0].conditions[*]}{.type}={.status} {end}']);
    expect(parents.stdout).toBe('istio.io/gateway-controller ServiceEntry Accepted=True ResolvedRefs=True ');
    const attached = await k.run(['get', 'gtw', 'cnn-egress-gateway', '-n', NS, '-o', 'jsonpath={.status.listeners[0].attachedRoutes}']);
    expect(attached.stdout).toBe('1');

    expect((await k.run(['wait', '--for=condition=Ready', 'pod', '-l', 'app=curl', '-n', NS, '--timeout=20s'])).code).toBe(0);
    const curl = await k.run(['exec', '-n', NS, 'deploy/curl', '-c', 'curl', '--', 'curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', '-H', 'x-request-id: gwapi-proof', 'http://httpbin.org/headers']);
    expect(curl.stdout, curl.stderr).toBe('200');
    const log = await k.run(['logs', '-n', NS, '-l', 'gateway.networking.k8s.io/gateway-name=cnn-egress-gateway', '-c', 'istio-proxy', '--tail=1']);
    // The sidecar speaks HTTP/1.1 to the gateway: its Service port says appProtocol http, not http2.
    expect(log.stdout).toMatch(/"GET \/headers HTTP\/1\.1" 200 - via_upstream .*"gwapi-proof" "httpbin\.org" .* outbound\|80\|\|httpbin\.org /);
    const istioSystem = await k.run(['logs', '-n', 'istio-system', '-l', 'istio=egressgateway', '-c', 'istio-proxy', '--tail=-1']);
    expect(istioSystem.stdout).not.toContain('gwapi-proof');
  }, 40_000);

  it('a backend that does not exist: ResolvedRefs False with BackendNotFound', async () => {
    const r = await applyIn('apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: typo}\nspec:\n  parentRefs: [{kind: ServiceEntry, group: networking.istio.io, name: cnn}]\n  rules:\n  - backendRefs: [{name: cnn-egress-gateway, port: 80}]\n');
    expect(r.code, r.stderr).toBe(0);
    const status = await k.run(['wait', '--for=jsonpath={.status.parents[0].conditions[1].reason}=BackendNotFound', 'httproute/typo', '-n', NS, '--timeout=10s']);
    expect(status.code, status.stderr).toBe(0);
    const msg = await k.run(['get', 'httproute', 'typo', '-n', NS, '-o', 'jsonpath={.status.parents[0].conditions[1].message}']);
    expect(msg.stdout).toBe(`backend(cnn-egress-gateway.${NS}.svc.cluster.local) not found`);
    expect((await k.run(['delete', 'httproute', 'typo', '-n', NS])).code).toBe(0);
  });

  it('deleting the Gateway removes what istiod deployed for it', async () => {
    expect((await k.run(['delete', 'gateways.gateway.networking.k8s.io', 'cnn-egress-gateway', '-n', NS])).code).toBe(0);
    const gone = await k.run(['wait', '--for=delete', 'deployment/cnn-egress-gateway-istio', 'service/cnn-egress-gateway-istio', '-n', NS, '--timeout=10s']);
    expect(gone.code, gone.stderr).toBe(0);
  });
});
