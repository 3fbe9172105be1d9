// The gateway-api track in a class on one practice cluster, through real client-node: each
// learner's Gateway gets its own auto-deployed gateway, and istiod prefers a namespace's own
// routes (pilot's consumer override), so two learners on the track never cross. But an HTTPRoute
// has no exportTo: without meshConfig.defaultVirtualServiceExportTo ["."] a learner who has only
// the ServiceEntry is steered to another learner's gateway. Pre-flight route-visibility says so in
// a class, and `practice --private-routes` (the mesh config istioctl would set) ends it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/lesson/model.js';
import type { PodInfo } from '../../src/cluster/port.js';
import { CLASS_CONFIGMAP } from '../../src/cluster/port.js';
import { defaultLessonsDir, renderTemplate } from '../../src/lesson/index.js';
import { curlClient, startPractice, type Practice } from './practice-helpers.js';
import { learnerNamespace } from './classroom-helpers.js';

let p: Practice;
const ON_TRACK = ['learner-01', 'learner-02'];
const CORE = 'learner-03'; // only lesson 4's ServiceEntry so far
const clients = new Map<string, PodInfo>();

const manifest = (lesson: string, file: string, ns: string): KubeObject[] =>
  (load(`[${renderTemplate(readFileSync(join(defaultLessonsDir(), lesson, 'manifests', file), 'utf8'), { httpHost: 'httpbin.org', exportTo: '["."]', namespace: ns }).split(/^---$/m).map((d) => JSON.stringify(load(d))).join(',')}]`) as KubeObject[]).filter(Boolean);
const apply = (ns: string, objects: KubeObject[]) => p.port.apply(objects, { lesson: '10-gateway-api-http', step: 'apply', namespace: ns });
const curl = (ns: string, id: string) => p.port.exec(clients.get(ns)!, 'curl', ['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', '-H', `x-request-id: ${id}`, 'http://httpbin.org/headers'], { timeoutMs: 10_000 });
const gatewayLog = async (ns: string): Promise<string> => {
  const lines: string[] = [];
  const stop = new AbortController();
  setTimeout(() => stop.abort(), 300);
  const target = { namespace: ns, labels: { 'gateway.networking.k8s.io/gateway-name': 'cnn-egress-gateway' }, container: 'istio-proxy' };
  await p.port.followLogs(target, { signal: stop.signal, tailLines: 200, onLine: (l) => lines.push(l.text) }).catch(() => undefined);
  return lines.join('\n');
};
const routeVisibility = async (ns: string) =>
  (await p.port.preflight({ clientNamespace: ns, istioNamespace: 'istio-system', client: { namespace: ns, labels: { app: 'curl' }, container: 'curl' }, checks: ['route-visibility'] }))[0];

beforeAll(async () => {
  p = await startPractice({ podReadyDelayMs: 0 });
  for (const ns of [...ON_TRACK, CORE]) {
    await apply(ns, [learnerNamespace(ns)]);
    // The class settings `class setup` writes: what tells the pre-flight it runs in a class.
    await apply(ns, [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: CLASS_CONFIGMAP, namespace: ns }, data: { class: 'demo', gateway: 'own' } } as KubeObject, ...curlClient(), ...manifest('04-http-egress-gateway', 'serviceentry.yaml', ns)]);
    clients.set(ns, await p.port.waitForPod({ namespace: ns, labels: { app: 'curl' }, container: 'curl' }, { timeoutMs: 10_000 }));
  }
  for (const ns of ON_TRACK) {
    await apply(ns, [...manifest('10-gateway-api-http', 'gateway.yaml', ns), ...manifest('10-gateway-api-http', 'httproutes.yaml', ns)]);
    await p.port.waitForPod({ namespace: ns, labels: { 'gateway.networking.k8s.io/gateway-name': 'cnn-egress-gateway' }, container: 'istio-proxy' }, { timeoutMs: 10_000 });
  }
}, 30_000);
afterAll(async () => {
  await p?.stop();
});

describe('the gateway-api track with three learners on one cluster', () => {
  it('two learners on the track at once: each request in its own auto-deployed gateway only', async () => {
    const results = await Promise.all(ON_TRACK.flatMap((ns) => [1, 2].map((i) => curl(ns, `${ns}-gwapi-${i}`))));
    expect(results.map((r) => r.stdout)).toEqual(['200', '200', '200', '200']);
    for (const ns of ON_TRACK) {
      const log = await gatewayLog(ns);
      for (const other of ON_TRACK) for (const i of [1, 2]) expect(log.includes(`"${other}-gwapi-${i}"`), `${other} in ${ns}'s gateway`).toBe(other === ns);
    }
  });

  it("routes public by default: a learner with only the ServiceEntry is steered to another learner's gateway, and the class pre-flight fails", async () => {
    expect((await curl(CORE, 'core-public')).stdout).toBe('200');
    const seenBy = [];
    for (const ns of ON_TRACK) if ((await gatewayLog(ns)).includes('"core-public"')) seenBy.push(ns);
    expect(seenBy).toEqual(['learner-01']); // the oldest route wins for a namespace without its own
    const check = await routeVisibility('learner-01');
    expect(check.level).toBe('fail');
    expect(check.summary).toMatch(/^In class "demo" the routes istiod makes from HTTPRoutes are visible to every namespace/);
    expect(check.fix).toBe('Ask your instructor to keep routes in their namespace: istioctl install <your flags> --set meshConfig.defaultVirtualServiceExportTo[0]=. -y (on the practice cluster: egress-tutorial practice --private-routes).');
  });

  it('with defaultVirtualServiceExportTo ["."]: nobody else is steered, the track still works, the pre-flight passes', async () => {
    p.cluster.setKnobs({ privateRoutes: true });
    expect((await curl(CORE, 'core-private')).stdout).toBe('200');
    for (const ns of ON_TRACK) expect(await gatewayLog(ns)).not.toContain('"core-private"');
    for (const ns of ON_TRACK) {
      expect((await curl(ns, `${ns}-private`)).stdout).toBe('200');
      expect(await gatewayLog(ns)).toContain(`"${ns}-private"`);
    }
    expect(await routeVisibility('learner-02')).toMatchObject({ level: 'pass', summary: 'The routes istiod makes from your HTTPRoutes stay in "learner-02" (defaultVirtualServiceExportTo: ["."]).' });
  });
});
