import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { caOf, call, CURL_DEPLOYMENT, readyPod, start, stream, waitFor } from './helpers.js';
import { startPracticeClusterWith } from '../../src/practice/cluster.js';
import { formatInvalid, istioKinds, validateIstioObject } from '../../src/schema/index.js';
import type { CommandContext, CommandResult } from '../../src/mesh/types.js';
import type { PracticeCluster } from '../../src/practice/types.js';

let cluster: PracticeCluster;
beforeAll(async () => {
  cluster = await start();
});
afterAll(async () => {
  await cluster.stop();
});

interface ExecOutcome {
  protocol: string;
  frames: { channel: number; text: string }[];
  closeCode: number;
}

function exec(c: PracticeCluster, pod: string, container: string, argv: string[], protocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'], namespace = 'default', tty = false): Promise<ExecOutcome> {
  const q = new URLSearchParams({ container, stdout: 'true', stderr: 'true', tty: String(tty) });
  for (const a of argv) q.append('command', a);
  const url = `${c.url.replace('https', 'wss')}/api/v1/namespaces/${namespace}/pods/${pod}/exec?${q}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { headers: { authorization: `Bearer ${c.token}` }, ca: caOf(c) });
    const frames: { channel: number; text: string }[] = [];
    ws.on('message', (data: Buffer) => frames.push({ channel: data[0], text: data.subarray(1).toString('utf8') }));
    ws.on('close', (code) => resolve({ protocol: ws.protocol, frames, closeCode: code }));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

describe('deployments and pods', () => {
  it('starts in the demo-profile state: istiod and both gateways Running, the istio mesh ConfigMap', async () => {
    const pods = (await call(cluster, '/api/v1/namespaces/istio-system/pods')).json.items;
    const apps = pods.map((p: { metadata: { labels: Record<string, string> } }) => p.metadata.labels.app).sort();
    expect(apps).toEqual(['istio-egressgateway', 'istio-ingressgateway', 'istiod']);
    const gw = pods.find((p: { metadata: { labels: Record<string, string> } }) => p.metadata.labels.istio === 'egressgateway');
    expect(gw.status.phase).toBe('Running');
    expect(gw.metadata.name).toMatch(/^istio-egressgateway-[a-z0-9]+-[a-z0-9]{5}$/);
    expect(gw.spec.containers.map((c: { name: string }) => c.name)).toEqual(['istio-proxy']);
    const svc = (await call(cluster, '/api/v1/namespaces/istio-system/services/istio-egressgateway')).json;
    expect(svc.spec.ports.map((p: { port: number; targetPort: number }) => [p.port, p.targetPort])).toEqual([[80, 8080], [443, 8443]]);
    const cm = (await call(cluster, '/api/v1/namespaces/istio-system/configmaps/istio')).json;
    expect(cm.data.mesh).toContain('accessLogFile: /dev/stdout');
    expect(cm.data.mesh).toContain('mode: ALLOW_ANY');
    expect((await call(cluster, '/api/v1/namespaces/default')).json.metadata.labels['istio-injection']).toBe('enabled');
  });

  it('turns a deployment into a replica set and an injected pod that becomes Ready; deleting it removes them', async () => {
    const d = await call(cluster, '/apis/apps/v1/namespaces/default/deployments', { method: 'POST', body: CURL_DEPLOYMENT });
    expect(d.status).toBe(201);
    const pod = await readyPod(cluster, 'default', 'app=curl');
    expect(pod.metadata.name).toMatch(/^curl-[a-z0-9]+-[a-z0-9]{5}$/);
    expect(pod.metadata.ownerReferences[0]).toMatchObject({ kind: 'ReplicaSet', controller: true });
    expect(pod.spec.containers.map((c: { name: string }) => c.name)).toEqual(['curl', 'istio-proxy']);
    expect(JSON.parse(pod.metadata.annotations['sidecar.istio.io/status']).containers).toEqual(['istio-proxy']);
    expect(pod.status.containerStatuses.every((c: { ready: boolean }) => c.ready)).toBe(true);
    expect(pod.status.podIP).toMatch(/^10\.244\./);
    const dep = await waitFor('deployment available', async () => {
      const x = (await call(cluster, '/apis/apps/v1/namespaces/default/deployments/curl')).json;
      return x.status?.readyReplicas === 1 ? x : undefined;
    });
    expect(dep.status.conditions.find((c: { type: string }) => c.type === 'Available').status).toBe('True');
    const slices = (await call(cluster, '/apis/discovery.k8s.io/v1/namespaces/istio-system/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Distio-egressgateway')).json.items;
    expect(slices).toHaveLength(1);
    expect(slices[0].endpoints[0]).toMatchObject({ conditions: { ready: true } });
    expect(slices[0].ports.map((p: { port: number }) => p.port)).toEqual([8080, 8443]);
    const eps = (await call(cluster, '/api/v1/namespaces/istio-system/endpoints/istio-egressgateway')).json;
    expect(eps.subsets[0].addresses[0].ip).toMatch(/^10\.244\./);
    const rs = (await call(cluster, '/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3Dcurl')).json.items;
    expect(rs).toHaveLength(1);
    await call(cluster, '/apis/apps/v1/namespaces/default/deployments/curl', { method: 'DELETE' });
    await waitFor('pods gone', async () => ((await call(cluster, '/api/v1/namespaces/default/pods?labelSelector=app%3Dcurl')).json.items.length === 0 ? true : undefined));
    expect((await call(cluster, '/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3Dcurl')).json.items).toEqual([]);
  });

  it('does not inject pods in namespaces without the injection label', async () => {
    await call(cluster, '/api/v1/namespaces', { method: 'POST', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'plain' } } });
    await call(cluster, '/apis/apps/v1/namespaces/plain/deployments', { method: 'POST', body: CURL_DEPLOYMENT });
    const pod = await readyPod(cluster, 'plain', 'app=curl');
    expect(pod.spec.containers.map((c: { name: string }) => c.name)).toEqual(['curl']);
    expect(pod.metadata.annotations?.['sidecar.istio.io/status']).toBeUndefined();
  });
});

describe('logs', () => {
  it('serves proxy logs with tailLines, timestamps and sinceTime, and asks for a container when there are several', async () => {
    const gw = (await call(cluster, '/api/v1/namespaces/istio-system/pods?labelSelector=istio%3Degressgateway')).json.items[0];
    const base = `/api/v1/namespaces/istio-system/pods/${gw.metadata.name}/log`;
    const all = await call(cluster, `${base}?container=istio-proxy`);
    expect(all.status).toBe(200);
    expect(all.headers['content-type']).toMatch(/^text\/plain/);
    expect(all.text).toContain('Envoy proxy is ready');
    const tail = await call(cluster, `${base}?container=istio-proxy&tailLines=1&timestamps=true`);
    expect(tail.text.trimEnd().split('\n')).toHaveLength(1);
    expect(tail.text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z .*Envoy proxy is ready\n$/);
    // Start-up lines span about a second, in order, as pilot-agent prints them (not one instant).
    const stamps = (await call(cluster, `${base}?container=istio-proxy&timestamps=true`)).text
      .trimEnd()
      .split('\n')
      .map((l) => Date.parse(l.slice(0, l.indexOf(' '))));
    expect(stamps.every((t, i) => i === 0 || t >= stamps[i - 1])).toBe(true);
    expect(stamps.at(-1)! - stamps[0]).toBeGreaterThan(500);
    const future = await call(cluster, `${base}?container=istio-proxy&sinceTime=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(future.text).toBe('');
    await call(cluster, '/apis/apps/v1/namespaces/default/deployments', { method: 'POST', body: CURL_DEPLOYMENT });
    const pod = await readyPod(cluster, 'default', 'app=curl');
    const noContainer = await call(cluster, `/api/v1/namespaces/default/pods/${pod.metadata.name}/log`);
    expect(noContainer.status).toBe(400);
    expect(noContainer.json.message).toBe(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [curl istio-proxy] or one of the init containers: [istio-init]`);
    const wrong = await call(cluster, `/api/v1/namespaces/default/pods/${pod.metadata.name}/log?container=nope`);
    expect(wrong.json.message).toBe(`container nope is not valid for pod ${pod.metadata.name}`);
  });
});

describe('exec and log follow through the mesh model', () => {
  it('runs curl in the client pod over v5 and v4, and the gateway log follower sees the access-log line', async () => {
    const pod = await readyPod(cluster, 'default', 'app=curl');
    const gw = (await call(cluster, '/api/v1/namespaces/istio-system/pods?labelSelector=istio%3Degressgateway')).json.items[0];
    const follower = stream(cluster, `/api/v1/namespaces/default/pods/${pod.metadata.name}/log?container=istio-proxy&follow=true&tailLines=0`);
    expect(await follower.status).toBe(200);
    const out = await exec(cluster, pod.metadata.name, 'curl', ['curl', '-sSL', '-o', '/dev/null', '-D', '-', 'http://httpbin.org/headers']);
    expect(out.protocol).toBe('v5.channel.k8s.io');
    const stdout = out.frames.filter((f) => f.channel === 1).map((f) => f.text).join('');
    expect(stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(stdout).toContain('server: envoy');
    const status = JSON.parse(out.frames.find((f) => f.channel === 3)?.text ?? '{}');
    expect(status).toMatchObject({ status: 'Success' });
    await waitFor('the sidecar access-log line', () => follower.lines.find((l) => l.includes('"GET /headers HTTP/1.1" 200')));
    follower.close();
    await follower.ended;

    const v4 = await exec(cluster, pod.metadata.name, 'curl', ['curl', '-sS', 'http://nonexistent.invalid/'], ['v4.channel.k8s.io']);
    expect(v4.protocol).toBe('v4.channel.k8s.io');
    expect(v4.frames.find((f) => f.channel === 2)?.text).toContain('curl: (6)');
    const failure = JSON.parse(v4.frames.find((f) => f.channel === 3)?.text ?? '{}');
    expect(failure).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '6' }] } });
    expect(gw.metadata.name).toMatch(/^istio-egressgateway-/);
  });

  it('refuses exec into a missing container or pod before upgrading', async () => {
    const pod = await readyPod(cluster, 'default', 'app=curl');
    await expect(exec(cluster, pod.metadata.name, 'nope', ['true'])).rejects.toThrow('upgrade refused: 400');
    await expect(exec(cluster, 'no-such-pod', 'curl', ['true'])).rejects.toThrow('upgrade refused: 404');
  });
});

describe('exec framing with a stand-in command runner', () => {
  it('sends text status on v2, merges stderr into stdout with a tty, and never completes when hangExec is on', async () => {
    const runCommand = (ctx: CommandContext): CommandResult => ({ stdout: `ran ${ctx.argv.join(' ')}\n`, stderr: 'warn\n', exitCode: ctx.argv[0] === 'false' ? 3 : 0, accessLog: [] });
    const c = await startPracticeClusterWith({ istioKinds, schema: { validate: validateIstioObject, formatInvalid }, runCommand }, { knobs: { podReadyDelayMs: 10 } });
    try {
      const gw = (await call(c, '/api/v1/namespaces/istio-system/pods?labelSelector=istio%3Degressgateway')).json.items[0];
      const v2 = await exec(c, gw.metadata.name, 'istio-proxy', ['false'], ['v2.channel.k8s.io'], 'istio-system');
      expect(v2.frames).toEqual([
        { channel: 1, text: 'ran false\n' },
        { channel: 2, text: 'warn\n' },
        { channel: 3, text: 'command terminated with non-zero exit code: error executing command, exit status 3' },
      ]);
      const tty = await exec(c, gw.metadata.name, 'istio-proxy', ['true'], ['v4.channel.k8s.io'], 'istio-system', true);
      expect(tty.frames).toEqual([
        { channel: 1, text: 'ran true\r\nwarn\r\n' },
        { channel: 3, text: '{"metadata":{},"status":"Success"}' },
      ]);
      c.setKnobs({ hangExec: true });
      const hung = exec(c, gw.metadata.name, 'istio-proxy', ['true'], undefined, 'istio-system');
      const outcome = await Promise.race([hung.then(() => 'finished'), new Promise((r) => setTimeout(() => r('still running'), 300))]);
      expect(outcome).toBe('still running');
    } finally {
      await c.stop();
    }
  });
});
