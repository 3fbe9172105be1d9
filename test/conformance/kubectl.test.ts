// Conformance with the real kubectl: the seed's commands, stage by stage, against the practice cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';
import { Kubectl } from './kubectl.js';
import { GATEWAY_HTTP_AND_DR, SE_HTTP, SE_TLS, TLS_GATEWAY_DR_VS, VS_HTTP } from './manifests.js';

const CURL_YAML = readFileSync(fileURLToPath(new URL('./fixtures/curl.yaml', import.meta.url)), 'utf8');
const HTTP_CURL = ['curl', '-sSL', '-o', '/dev/null', '-D', '-', 'http://httpbin.org/headers'];
const HTTPS_CURL = ['curl', '-sSL', '-o', '/dev/null', '-D', '-', 'https://www.baidu.com?q=1'];

let cluster: PracticeCluster;
let k: Kubectl;
let pod = '';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const curlIn = (argv: string[]) => k.run(['exec', pod, '-c', 'curl', '--', ...argv]);
const gatewayLog = async () => (await k.run(['logs', '-l', 'istio=egressgateway', '-c', 'istio-proxy', '-n', 'istio-system', '--tail=-1'])).stdout;

beforeAll(async () => {
  cluster = await startPracticeCluster({ knobs: { podReadyDelayMs: 200 } });
  k = await Kubectl.for(cluster);
});
afterAll(async () => {
  await cluster.stop();
  await k.dispose();
});

describe('kubectl against the practice cluster', () => {
  it('gets pods, services and the egress gateway like on a demo-profile cluster', async () => {
    const pods = await k.run(['get', 'po', '-n', 'istio-system']);
    expect(pods.code, pods.stderr).toBe(0);
    expect(pods.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    expect(pods.stdout).toMatch(/istio-egressgateway-\S+\s+1\/1\s+Running\s+0/);
    const gw = await k.run(['get', 'pod', '-l', 'istio=egressgateway', '-n', 'istio-system', '-o', 'jsonpath={.items[*].metadata.labels.app}']);
    expect(gw.stdout).toBe('istio-egressgateway');
    const svc = await k.run(['get', 'svc', 'istio-egressgateway', '-n', 'istio-system']);
    expect(svc.stdout).toMatch(/80\/TCP,443\/TCP/);
    const version = await k.run(['version', '-o', 'json']);
    expect(JSON.parse(version.stdout).serverVersion.gitVersion).toMatch(/^v1\.32\./);
    const crds = await k.run(['get', 'crd', '-o', 'name']);
    expect(crds.stdout).toContain('customresourcedefinition.apiextensions.k8s.io/serviceentries.networking.istio.io');
  });

  it('applies the upstream curl sample server-side and waits for it to be Ready', async () => {
    const r = await k.apply(CURL_YAML);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('serviceaccount/curl serverside-applied\nservice/curl serverside-applied\ndeployment.apps/curl serverside-applied\n');
    const w = await k.run(['wait', '--for=condition=Ready', 'pod', '-l', 'app=curl', '--timeout=20s']);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toMatch(/^pod\/curl-\S+ condition met\n$/);
    pod = (await k.run(['get', 'pod', '-l', 'app=curl', '-o', 'jsonpath={.items..metadata.name}'])).stdout;
    expect(pod).toMatch(/^curl-/);
    const again = await k.apply(CURL_YAML);
    expect(again.stdout).toContain('deployment.apps/curl serverside-applied');
    const ready = await k.run(['get', 'pod', pod]);
    expect(ready.stdout).toMatch(/2\/2\s+Running/);
  });

  it('rejects an invalid manifest with the CRD schema message', async () => {
    const r = await k.apply(SE_HTTP.replace('resolution: DNS', 'resolution: MAGIC'));
    expect(r.code).not.toBe(0);
    // kubectl words a 422 from its causes: `The <Kind> "<name>" is invalid: <field>: <message>`.
    expect(r.stderr).toContain('The ServiceEntry "cnn" is invalid: spec.resolution: Unsupported value: "MAGIC": supported values: "NONE", "STATIC", "DNS"');
    expect((await k.run(['get', 'serviceentry', 'cnn'])).code).not.toBe(0);
  });

  it('HTTP stage 1: ServiceEntry, then curl through the sidecar answers 200 from envoy', async () => {
    expect((await k.apply(SE_HTTP)).stdout).toBe('serviceentry.networking.istio.io/cnn serverside-applied\n');
    const se = await k.run(['get', 'se', 'cnn']);
    expect(se.stdout).toMatch(/cnn\s+\["httpbin.org"\]\s+DNS/);
    const r = await curlIn(HTTP_CURL);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 200 OK\r?\n/);
    expect(r.stdout).toContain('server: envoy');
  });

  it('HTTP stage 2: Gateway, DestinationRule and VirtualService send the request through the egress gateway, whose log shows it', async () => {
    const gw = await k.apply(GATEWAY_HTTP_AND_DR);
    expect(gw.stdout).toBe('gateway.networking.istio.io/istio-egressgateway serverside-applied\ndestinationrule.networking.istio.io/egressgateway-for-cnn serverside-applied\n');
    expect((await k.apply(VS_HTTP)).code).toBe(0);
    const before = (await gatewayLog()).split('\n').filter((l) => l.includes('httpbin.org')).length;
    const r = await curlIn(HTTP_CURL);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 200 OK/);
    const lines = (await gatewayLog()).split('\n').filter((l) => /"GET \/headers HTTP\/[\d.]+" 200 /.test(l));
    expect(lines.length).toBe(before + 1);
    expect(lines[lines.length - 1]).toContain('outbound|80||httpbin.org');
    const sidecar = (await k.run(['logs', pod, '-c', 'istio-proxy', '--tail=1'])).stdout;
    expect(sidecar).toContain('outbound|80|cnn|istio-egressgateway.istio-system.svc.cluster.local');
  });

  it('streams the gateway log with logs -f while requests happen', async () => {
    const follow = k.spawn(['logs', '-f', '-l', 'istio=egressgateway', '-c', 'istio-proxy', '-n', 'istio-system', '--tail=0']);
    try {
      // kubectl attaches asynchronously: keep requesting until a fresh line arrives on the stream.
      await waitFor('a streamed access-log line', async () => {
        await curlIn(['curl', '-sS', '-o', '/dev/null', 'http://httpbin.org/status/418']);
        return /"GET \/status\/418 HTTP\/[\d.]+" 418 /.test(follow.output()) ? true : undefined;
      });
      expect(follow.child.exitCode).toBeNull();
    } finally {
      await follow.stop();
    }
  });

  it('a missing DestinationRule subset fails with 503, as in Istio', async () => {
    const d = await k.run(['delete', 'destinationrule', 'egressgateway-for-cnn']);
    expect(d.stdout).toBe('destinationrule.networking.istio.io "egressgateway-for-cnn" deleted\n');
    const r = await curlIn(HTTP_CURL);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 503/);
  });

  it('cleans up the HTTP objects with kubectl delete, by the names the seed uses', async () => {
    for (const [kind, name] of [['gateway', 'istio-egressgateway'], ['serviceentry', 'cnn'], ['virtualservice', 'direct-cnn-through-egress-gateway']]) {
      const r = await k.run(['delete', kind, name]);
      expect(r.code, r.stderr).toBe(0);
    }
    const left = await k.run(['get', 'gw,se,vs,dr']);
    expect(left.stdout).toBe('');
    expect(left.stderr).toContain('No resources found in default namespace.');
    const missing = await k.run(['delete', 'gateway', 'istio-egressgateway']);
    expect(missing.stderr).toContain('Error from server (NotFound): gateways.networking.istio.io "istio-egressgateway" not found');
  });

  it('HTTPS with TLS passthrough: ServiceEntry, then the gateway carries the SNI', async () => {
    expect((await k.apply(SE_TLS)).code).toBe(0);
    const direct = await curlIn(HTTPS_CURL);
    expect(direct.stdout).toMatch(/^HTTP\/1\.1 200 OK/);
    expect((await k.apply(TLS_GATEWAY_DR_VS)).code).toBe(0);
    const via = await curlIn(HTTPS_CURL);
    expect(via.stdout).toMatch(/^HTTP\/1\.1 200 OK/);
    const last = (await gatewayLog()).trimEnd().split('\n').pop() ?? '';
    expect(last).toContain('"- - -" 0');
    expect(last).toContain('outbound|443||www.baidu.com');
    expect(last).toContain('www.baidu.com');
    const r = await k.run(['delete', 'se,gw,vs,dr', '--all']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('REGISTRY_ONLY without a ServiceEntry blocks HTTP with 502 and HTTPS with curl exit 35', async () => {
    cluster.setKnobs({ outboundPolicy: 'REGISTRY_ONLY' });
    const mesh = await k.run(['get', 'configmap', 'istio', '-n', 'istio-system', '-o', 'jsonpath={.data.mesh}']);
    expect(mesh.stdout).toContain('mode: REGISTRY_ONLY');
    const http = await curlIn(HTTP_CURL);
    expect(http.stdout).toMatch(/^HTTP\/1\.1 502/);
    const https = await curlIn(['curl', '-sS', 'https://www.baidu.com?q=1']);
    expect(https.code).toBe(35);
    expect(https.stderr).toContain('curl: (35)');
    expect(https.stderr).toContain('command terminated with exit code 35');
    cluster.setKnobs({ outboundPolicy: 'ALLOW_ANY' });
  });

  it('answers auth can-i from SelfSubjectAccessReview and the deny knob', async () => {
    const yes = await k.run(['auth', 'can-i', 'create', 'gateways.networking.istio.io']);
    expect(yes.stdout).toBe('yes\n');
    cluster.setKnobs({ deny: [{ verb: 'create', group: 'networking.istio.io', resource: 'gateways' }] });
    const no = await k.run(['auth', 'can-i', 'create', 'gateways.networking.istio.io']);
    expect(no.stdout).toBe('no\n');
    expect(no.code).toBe(1);
    const denied = await k.apply(SE_HTTP.replace('ServiceEntry', 'Gateway').replace(/spec:[\s\S]*$/, 'spec:\n  selector:\n    istio: egressgateway\n'));
    expect(denied.stderr).toContain('is forbidden: User "practice-learner" cannot');
    cluster.setKnobs({ deny: [] });
  });

  it('deletes the curl sample and its pods', async () => {
    const d = await k.run(['delete', '-f', '-', '--wait=true'], CURL_YAML);
    expect(d.code).toBe(0);
    expect(d.stdout).toContain('deployment.apps "curl" deleted');
    const pods = await k.run(['get', 'pods', '-l', 'app=curl', '-o', 'name']);
    expect(pods.stdout).toBe('');
  });
});

describe('kubectl imperative edits', () => {
  it('set image keeps the rest of the container (strategic merge), and label/annotate work', async () => {
    expect((await k.apply(CURL_YAML)).code).toBe(0);
    const set = await k.run(['set', 'image', 'deployment/curl', 'curl=docker.io/curlimages/curl:8.17.0']);
    expect(set.stdout).toBe('deployment.apps/curl image updated\n');
    const c = JSON.parse((await k.run(['get', 'deploy', 'curl', '-o', 'jsonpath={.spec.template.spec.containers[0]}'])).stdout);
    expect(c).toMatchObject({ name: 'curl', image: 'docker.io/curlimages/curl:8.17.0', command: ['/bin/sleep', 'infinity'], volumeMounts: [{ mountPath: '/etc/curl/tls', name: 'secret-volume' }] });
    const rollout = await k.run(['rollout', 'status', 'deployment/curl', '--timeout=20s']);
    expect(rollout.stdout).toContain('deployment "curl" successfully rolled out');
    expect((await k.run(['label', 'deployment', 'curl', 'tier=client'])).stdout).toBe('deployment.apps/curl labeled\n');
    expect((await k.run(['get', 'deploy', '-l', 'tier=client', '-o', 'name'])).stdout).toBe('deployment.apps/curl\n');
    expect((await k.run(['delete', '-f', '-'], CURL_YAML)).code).toBe(0);
  });
});
