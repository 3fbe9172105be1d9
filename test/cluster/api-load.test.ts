// Issue 11's API load and issue 16 item 7 at the port: permission reviews answered once per
// session, a throttled review never a denial, deletes of objects the session applied without a
// read first (a uid precondition instead), counted by the practice cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCluster } from '../../src/cluster/index.js';
import { CLIENT, curlClient, serviceEntry, startPractice, type Practice } from './practice-helpers.js';

let p: Practice;
beforeAll(async () => {
  p = await startPractice();
});
afterAll(async () => {
  await p?.stop();
});

const reviews = (): number => Object.entries(p.cluster.requestCounts().byKind).filter(([k]) => /selfsubject/.test(k)).reduce((n, [, v]) => n + v, 0);

describe('API load', () => {
  it("the connection's /version answers the first pre-flight that checks reachability, even after one that does not", async () => {
    const { port } = await connectCluster({ kubeconfigYaml: p.cluster.kubeconfig(), backend: 'practice' });
    try {
      p.cluster.resetRequestCounts();
      await port.preflight({ clientNamespace: 'default', istioNamespace: 'istio-system', client: CLIENT, checks: ['istio-namespace'] });
      const [reach] = await port.preflight({ clientNamespace: 'default', istioNamespace: 'istio-system', client: CLIENT, checks: ['cluster-reachable'] });
      expect(reach.level).toBe('pass');
      expect(p.cluster.requestCounts().byKind['GET version']).toBeUndefined();
      // Later ones ask again: they also tell whether the server still answers.
      await port.preflight({ clientNamespace: 'default', istioNamespace: 'istio-system', client: CLIENT, checks: ['cluster-reachable'] });
      expect(p.cluster.requestCounts().byKind['GET version']).toBe(1);
    } finally {
      port.close();
    }
  });

  it('the permissions check asks once per session: one rules review per namespace, none the second time', async () => {
    const { port } = await connectCluster({ kubeconfigYaml: p.cluster.kubeconfig(), backend: 'practice' });
    try {
      p.cluster.resetRequestCounts();
      const first = await port.preflight({ clientNamespace: 'default', istioNamespace: 'istio-system', client: CLIENT, checks: ['permissions'] });
      expect(first[0].level).toBe('pass');
      expect(reviews()).toBe(2); // default and istio-system
      await port.preflight({ clientNamespace: 'default', istioNamespace: 'istio-system', client: CLIENT, checks: ['permissions'] });
      expect(reviews()).toBe(2);
    } finally {
      port.close();
    }
  });

  it('a review throttled until the budget runs out is "could not be checked", never "missing", and is asked again later', async () => {
    const { port } = await connectCluster({ kubeconfigYaml: p.cluster.kubeconfig(), backend: 'practice', retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
    try {
      // Incomplete rules (a denial the rules cannot list) leave the answers to access reviews.
      p.cluster.setKnobs({ deny: [{ verb: 'escalate', group: 'rbac.authorization.k8s.io', resource: 'roles' }] });
      p.cluster.setKnobs({ faultRate: 1, faultStatus: 429, faultRetryAfterSeconds: 0 });
      const [throttled] = await port.preflight({ clientNamespace: 'default', istioNamespace: 'istio-system', client: CLIENT, checks: ['permissions'] });
      expect(throttled.level).toBe('warn');
      expect(throttled.summary).toMatch(/^\d+ permissions could not be checked \(the API server kept throttling or failing the reviews\): /);
      expect(throttled.summary).not.toMatch(/Missing/);
      p.cluster.setKnobs({ faultRate: 0 });
      const [later] = await port.preflight({ clientNamespace: 'default', istioNamespace: 'istio-system', client: CLIENT, checks: ['permissions'] });
      expect(later.level).toBe('pass');
    } finally {
      p.cluster.setKnobs({ faultRate: 0, deny: [] });
      port.close();
    }
  });

  it("a 429's Retry-After is waited out before the next try (not the backoff's few milliseconds)", async () => {
    p.cluster.setKnobs({ faultRate: 1, faultStatus: 429, faultRetryAfterSeconds: 1 });
    const started = Date.now();
    const listing = p.port.listManaged({ namespaces: ['default'] });
    setTimeout(() => p.cluster.setKnobs({ faultRate: 0 }), 200);
    await listing;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(p.cluster.requestCounts().faulted).toBeGreaterThanOrEqual(1);
  });

  it('deleting what the session applied sends no read first; an object replaced by someone else meanwhile is left alone', async () => {
    const se = { ...serviceEntry(), metadata: { name: 'load-se' } };
    await p.port.apply([se], { lesson: 'load', step: 's', namespace: 'default' });
    p.cluster.resetRequestCounts();
    const [deleted] = await p.port.delete([{ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: 'load-se' }], { namespace: 'default' });
    expect(deleted.result).toBe('deleted');
    expect(p.cluster.requestCounts().byKind).toEqual({ 'DELETE serviceentries': 1 });

    // Applied by the tutorial, then deleted and re-created by someone else with the same name.
    await p.port.apply([se], { lesson: 'load', step: 's', namespace: 'default' });
    await p.other.delete({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'load-se', namespace: 'default' } });
    await p.other.create({ ...serviceEntry(), metadata: { name: 'load-se', namespace: 'default' } });
    const [left] = await p.port.delete([{ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: 'load-se' }], { namespace: 'default' });
    expect(left).toMatchObject({ result: 'not-ours', message: 'ServiceEntry "load-se" in namespace "default" was replaced by someone else since the tutorial created it, so it was left alone.' });
    await p.other.delete({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'load-se', namespace: 'default' } });
  });
});

describe('API load: reads the session can answer itself', () => {
  const ref = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: 'again-se', namespace: 'default' };
  const se = { ...serviceEntry(), metadata: { name: 'again-se' } };

  it('applying again what the session deleted sends no read first, and what it applied counts as present', async () => {
    await p.port.apply([se], { lesson: 'load', step: 's', namespace: 'default' });
    expect(p.port.heldBySession?.([ref])).toBe(true);
    await p.port.delete([ref], { namespace: 'default' });
    expect(p.port.heldBySession?.([ref])).toBe(false);
    p.cluster.resetRequestCounts();
    const [again] = await p.port.apply([se], { lesson: 'load', step: 's', namespace: 'default' });
    expect(again.result).toBe('created');
    expect(p.cluster.requestCounts().byKind).toEqual({ 'PATCH serviceentries': 1 });
    expect(p.port.heldBySession?.([ref])).toBe(true);
    await p.port.delete([ref], { namespace: 'default' });
  });

  it('an object someone made after the session deleted it is given back untouched and reported as not the tutorial\'s', async () => {
    await p.port.apply([se], { lesson: 'load', step: 's', namespace: 'default' });
    await p.port.delete([ref], { namespace: 'default' });
    // The learner runs the shown kubectl command before pressing Enter: same object, their manager.
    await p.other.create({ ...serviceEntry(), metadata: { name: 'again-se', namespace: 'default' } });
    const [outcome] = await p.port.apply([se], { lesson: 'load', step: 's', namespace: 'default' });
    expect(outcome.result).toBe('conflict');
    expect(outcome.message).toMatch(/^ServiceEntry "again-se" in namespace "default" already exists and was not created by the tutorial/);
    const stored = (await p.other.read({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'again-se', namespace: 'default' } })) as unknown as { metadata: { labels?: Record<string, string>; managedFields?: { manager: string }[] }; spec: { hosts: string[] } };
    expect(stored.metadata.labels?.['app.kubernetes.io/managed-by']).toBeUndefined();
    expect(stored.metadata.managedFields?.map((f) => f.manager)).not.toContain('egress-tutorial');
    expect(stored.spec.hosts).toEqual((serviceEntry() as unknown as { spec: { hosts: string[] } }).spec.hosts);
    expect(p.port.heldBySession?.([ref])).toBe(false);
    await p.other.delete({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'again-se', namespace: 'default' } });
  });
});

describe('API load: waiting for a pod', () => {
  it('is one list and one watch however long the pod takes, and the progress is still told', async () => {
    const slow = await startPractice({ podReadyDelayMs: 2500 });
    try {
      slow.cluster.resetRequestCounts();
      await slow.port.apply(curlClient(), { lesson: '02-setup', step: 'client', namespace: 'default' });
      const before = { ...slow.cluster.requestCounts().byKind };
      const progress: string[] = [];
      const pod = await slow.port.waitForPod(CLIENT, { timeoutMs: 20_000, onProgress: (m) => progress.push(m) });
      expect(pod.ready).toBe(true);
      const after = slow.cluster.requestCounts().byKind;
      const lists = (after['GET pods'] ?? 0) - (before['GET pods'] ?? 0);
      // A poll every ≤ 1 s would have listed at least three times in 2.5 s.
      expect(lists).toBeLessThanOrEqual(2);
      expect(progress[0]).toMatch(/^pod curl-[a-z0-9-]+ (Pending|Running)/);
      expect(progress.at(-1)).toMatch(/^pod curl-[a-z0-9-]+ is Running and Ready with its istio-proxy sidecar$/);
    } finally {
      await slow.stop();
    }
  });
});

describe('rulesAllow (RBAC rules as a SelfSubjectRulesReview lists them)', () => {
  it('verbs, groups, subresources and resourceNames', async () => {
    const { rulesAllow } = await import('../../src/cluster/kube/permissions.js');
    const rules = [
      { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', 'pods/log'] },
      { verbs: ['*'], apiGroups: ['networking.istio.io'], resources: ['*'] },
      { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['istio'] },
    ];
    expect(rulesAllow(rules, { verb: 'get', group: '', resource: 'pods', subresource: 'log' })).toBe(true);
    expect(rulesAllow(rules, { verb: 'create', group: '', resource: 'pods', subresource: 'exec' })).toBe(false);
    expect(rulesAllow(rules, { verb: 'patch', group: 'networking.istio.io', resource: 'gateways' })).toBe(true);
    expect(rulesAllow(rules, { verb: 'get', group: '', resource: 'configmaps' })).toBe(false);
    expect(rulesAllow(rules, { verb: 'get', group: '', resource: 'configmaps', name: 'istio' })).toBe(true);
    expect(rulesAllow(rules, { verb: 'delete', group: 'apps', resource: 'deployments' })).toBe(false);
  });
});
