// Apply, dry-run, conflicts with foreign objects, take-over, delete, reset — through real
// client-node against the practice cluster on loopback.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCluster } from '../../src/cluster/index.js';
import { ClusterError } from '../../src/cluster/port.js';
import { CLIENT, curlClient, egressObjects, serviceEntry, startPractice, type Practice } from './practice-helpers.js';

let p: Practice;
beforeAll(async () => {
  p = await startPractice();
});
afterAll(async () => {
  await p?.stop();
});

const opts = (step: string, extra: object = {}) => ({ lesson: '04-http-egress-gateway', step, namespace: 'default', ...extra });

describe('apply', () => {
  it('creates, then reports unchanged and configured on later applies', async () => {
    const first = await p.port.apply([serviceEntry()], opts('serviceentry'));
    expect(first).toEqual([{ ref: { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: 'cnn', namespace: 'default' }, result: 'created' }]);
    expect((await p.port.apply([serviceEntry()], opts('serviceentry')))[0].result).toBe('unchanged');
    const changed = serviceEntry();
    (changed.spec as { ports: unknown[] }).ports.pop();
    expect((await p.port.apply([changed], opts('serviceentry')))[0].result).toBe('configured');
    const stored = (await p.other.read({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'cnn', namespace: 'default' } })) as unknown as {
      metadata: { labels: Record<string, string>; managedFields?: { manager: string }[] };
      spec: { ports: unknown[] };
    };
    expect(stored.spec.ports).toHaveLength(1);
    expect(stored.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'egress-tutorial', 'egress-tutorial.dev/lesson': '04-http-egress-gateway' });
    expect(stored.metadata.managedFields?.map((f) => f.manager)).toContain('egress-tutorial');
  });

  it('applies a manifest authored for v1alpha3 with the version the cluster serves', async () => {
    const [outcome] = await p.port.apply([{ ...serviceEntry('networking.istio.io/v1alpha3'), metadata: { name: 'old-style' } }], opts('old'));
    expect(outcome).toMatchObject({ result: 'created', ref: { apiVersion: 'networking.istio.io/v1', name: 'old-style' } });
    expect(await p.port.servedVersion('networking.istio.io')).toBe('v1');
    expect(await p.port.servedVersion('no.such.group')).toBeUndefined();
  });

  it('dry-run returns the server\'s object as YAML and creates nothing', async () => {
    const [outcome] = await p.port.apply(egressObjects().slice(0, 1), opts('gateway', { dryRun: true }));
    expect(outcome.result).toBe('created');
    expect(outcome.serverYaml).toMatch(/kind: Gateway/);
    expect(outcome.serverYaml).toMatch(/egress-tutorial\.dev\/step: gateway/);
    expect(outcome.serverYaml).not.toMatch(/managedFields/);
    const refs = await p.port.listManaged({ namespaces: ['default'] });
    expect(refs.find((r) => r.kind === 'Gateway')).toBeUndefined();
  });

  it('an invalid Istio object is an error outcome with the server\'s reason, the others still apply', async () => {
    const bad = { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'broken' }, spec: { servers: [{ port: { number: 'eighty', protocol: 'HTTP' }, hosts: ['x'] }] } };
    const outcomes = await p.port.apply([bad, { ...serviceEntry(), metadata: { name: 'fine' } }], opts('bad'));
    expect(outcomes[0].result).toBe('error');
    expect(outcomes[0].message).toMatch(/^Could not apply Gateway "broken" in namespace "default": the API server rejected it as invalid \(.*\); fix the manifest\.$/);
    expect(outcomes[1].result).toBe('created');
  });

  it('a kind the cluster does not serve is named with what to install', async () => {
    const bare = await startPractice({ gatewayApi: 'none' });
    try {
      const [outcome] = await bare.port.apply([{ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' } }], opts('route'));
      expect(outcome.result).toBe('error');
      expect(outcome.message).toMatch(/does not serve HTTPRoute \(gateway\.networking\.k8s\.io\): install the Gateway API CRDs \(kubectl apply --server-side -f https:\/\/github\.com\/kubernetes-sigs\/gateway-api\/releases\/download\/v1\.3\.0\/experimental-install\.yaml; on the practice cluster: egress-tutorial practice --gateway-api experimental\)\.$/);
    } finally {
      await bare.stop();
    }
  });
});

describe('objects the tutorial did not create', () => {
  it('stops with a diff, applies nothing of the step, and takes over only when asked', async () => {
    const foreign = serviceEntry();
    foreign.metadata = { name: 'foreign', namespace: 'default' };
    (foreign.spec as { hosts: string[] }).hosts = ['example.com'];
    await p.other.create(foreign, undefined, undefined, 'kubectl-client-side-apply');

    const mine = { ...serviceEntry(), metadata: { name: 'foreign' } };
    const outcomes = await p.port.apply([egressObjects()[1], mine], opts('takeover'));
    expect(outcomes[0]).toMatchObject({ result: 'unchanged', message: 'Not applied: decide about the conflicting objects first.' });
    expect(outcomes[1].result).toBe('conflict');
    expect(outcomes[1].message).toMatch(/^ServiceEntry "foreign" in namespace "default" already exists and was not created by the tutorial \(changed by kubectl-client-side-apply\)/);
    expect(outcomes[1].diff).toContain('~ spec.hosts: ["example.com"] → ["httpbin.org"]');
    const dr = await p.other.list('networking.istio.io/v1', 'DestinationRule', 'default');
    expect(dr.items.map((i) => i.metadata?.name)).not.toContain('egressgateway-for-cnn');

    const taken = await p.port.apply([egressObjects()[1], mine], opts('takeover', { takeOver: true }));
    expect(taken.map((o) => o.result)).toEqual(['created', 'configured']);
    const stored = (await p.other.read({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'foreign', namespace: 'default' } })) as unknown as {
      metadata: { labels: Record<string, string> };
      spec: { hosts: string[] };
    };
    expect(stored.spec.hosts).toEqual(['httpbin.org']);
    expect(stored.metadata.labels['app.kubernetes.io/managed-by']).toBe('egress-tutorial');
  });
});

describe('delete and reset', () => {
  it('deletes only the tutorial\'s objects and waits until they are gone', async () => {
    await p.port.apply([{ ...serviceEntry(), metadata: { name: 'to-delete' } }], opts('del'));
    await p.other.create({ ...serviceEntry(), metadata: { name: 'not-mine', namespace: 'default' } }, undefined, undefined, 'someone');
    const refs = ['to-delete', 'not-mine', 'never-existed'].map((name) => ({ apiVersion: 'networking.istio.io/v1alpha3', kind: 'ServiceEntry', name }));
    const outcomes = await p.port.delete(refs, { namespace: 'default', waitMs: 5000 });
    expect(outcomes.map((o) => o.result)).toEqual(['deleted', 'not-ours', 'absent']);
    expect(outcomes[1].message).toMatch(/was not created by the tutorial, so it was left alone/);
    expect(outcomes[0].ref).toMatchObject({ apiVersion: 'networking.istio.io/v1', namespace: 'default' });
    const left = await p.other.list('networking.istio.io/v1', 'ServiceEntry', 'default');
    const names = left.items.map((i) => i.metadata?.name);
    expect(names).not.toContain('to-delete');
    expect(names).toContain('not-mine');
  });

  it('resets one lesson, then everything, leaving foreign objects untouched', async () => {
    await p.port.apply(curlClient(), { lesson: '02-setup', step: 'client', namespace: 'default' });
    const pod = await p.port.waitForPod(CLIENT, { timeoutMs: 10_000 });
    expect(pod.hasSidecar).toBe(true);
    await p.port.apply(egressObjects(), opts('routing'));

    const lessonRefs = await p.port.listManaged({ lesson: '02-setup', namespaces: ['default', 'istio-system'] });
    expect(lessonRefs.map((r) => `${r.kind}/${r.name}`).sort()).toEqual(['Deployment/curl', 'Service/curl', 'ServiceAccount/curl']);

    const removed = await p.port.deleteManaged({ lesson: '04-http-egress-gateway', namespaces: ['default', 'istio-system'] }, { waitMs: 5000 });
    expect(removed.every((o) => o.result === 'deleted')).toBe(true);
    expect(removed.map((o) => o.ref.name)).toEqual(expect.arrayContaining(['direct-cnn-through-egress-gateway', 'egressgateway-for-cnn', 'istio-egressgateway', 'cnn', 'foreign']));
    expect((await p.port.listManaged({ namespaces: ['default'] })).map((r) => r.kind).sort()).toEqual(['Deployment', 'Service', 'ServiceAccount']);

    const all = await p.port.deleteManaged({ namespaces: ['default', 'istio-system'] }, { waitMs: 5000 });
    expect(all.map((o) => `${o.ref.kind}/${o.ref.name}:${o.result}`).sort()).toEqual(['Deployment/curl:deleted', 'Service/curl:deleted', 'ServiceAccount/curl:deleted']);
    expect(await p.port.listManaged({ namespaces: ['default', 'istio-system'] })).toEqual([]);

    // Foreign objects and Istio's own installation are untouched.
    const entries = await p.other.list('networking.istio.io/v1', 'ServiceEntry', 'default');
    expect(entries.items.map((i) => i.metadata?.name)).toContain('not-mine');
    const gateways = await p.other.list('apps/v1', 'Deployment', 'istio-system');
    expect(gateways.items.map((i) => i.metadata?.name)).toContain('istio-egressgateway');
  });

  it('a cancelled wait throws a cancelled ClusterError', async () => {
    const controller = new AbortController();
    const waiting = p.port.waitForPod({ ...CLIENT, labels: { app: 'nothing-here' } }, { timeoutMs: 10_000, signal: controller.signal });
    controller.abort();
    const err = await waiting.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).reason).toBe('cancelled');
  });
});

describe('connecting and waiting', () => {
  it('finds the practice context among several KUBECONFIG files, by --context', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-practice-'));
    try {
      const other = path.join(dir, 'other.yaml');
      fs.writeFileSync(
        other,
        'apiVersion: v1\nkind: Config\nclusters:\n- name: far\n  cluster:\n    server: https://127.0.0.1:1\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: far\n  context: {cluster: far, user: u, namespace: team}\ncurrent-context: far\n',
      );
      const practice = await p.cluster.writeKubeconfig(path.join(dir, 'practice.yaml'));
      const env = { KUBECONFIG: [other, practice].join(path.delimiter) };
      await expect(connectCluster({ env })).rejects.toMatchObject({ reason: 'unreachable' });
      const { port, namespace } = await connectCluster({ env, context: p.cluster.contextName, namespace: 'default' });
      expect(namespace).toBe('default');
      // Recognised by its name and loopback server: labelled practice, progress keyed "practice".
      expect(port.identity()).toMatchObject({ backend: 'practice', key: 'practice', context: 'egress-tutorial-practice', server: p.cluster.url });
      expect(port.identity().key).not.toContain(p.cluster.token);
      port.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('waits for a pod that becomes Ready after a delay, telling what it waits for', async () => {
    p.cluster.setKnobs({ podReadyDelayMs: 600 });
    try {
      const client = curlClient().map((o) => ({ ...o, metadata: { ...o.metadata, name: 'slow' } }));
      const deployment = client[2] as unknown as { spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: { serviceAccountName: string } } } };
      deployment.spec.selector.matchLabels = { app: 'slow' };
      deployment.spec.template.metadata.labels = { app: 'slow' };
      deployment.spec.template.spec.serviceAccountName = 'slow';
      await p.port.apply(client, { lesson: 'slow', step: 'client', namespace: 'default' });
      const target = { namespace: 'default', labels: { app: 'slow' }, container: 'curl' };
      const tooShort = await p.port.waitForPod(target, { timeoutMs: 100 }).catch((e: unknown) => e);
      expect(tooShort).toMatchObject({ name: 'ClusterError', reason: 'timeout' });
      expect((tooShort as Error).message).toMatch(/^Gave up after 100 ms waiting for a pod with app=slow in namespace "default": (pod slow-\S+ Pending|no pod with app=slow)/);
      const progress: string[] = [];
      const pod = await p.port.waitForPod(target, { timeoutMs: 10_000, onProgress: (m) => progress.push(m) });
      expect(pod).toMatchObject({ phase: 'Running', ready: true, hasSidecar: true });
      expect(progress.some((m) => /^pod slow-\S+ Pending/.test(m))).toBe(true);
      expect(progress.at(-1)).toBe(`pod ${pod.name} is Running and Ready with its istio-proxy sidecar`);
      await p.port.deleteManaged({ lesson: 'slow', namespaces: ['default'] }, { waitMs: 5000 });
    } finally {
      p.cluster.setKnobs({ podReadyDelayMs: 150 });
    }
  });
});
