// Pre-flight `gateway-secrets` (lesson 21): the client certificate's Secret goes to the gateway's
// namespace, so the check asks whether the learner may write Secrets there — istio-system with the
// shared gateway, their own namespace with their own — and names the fix when they may not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCluster } from '../../src/cluster/index.js';
import { CLIENT, startPractice, type Practice } from './practice-helpers.js';

let p: Practice;
beforeAll(async () => {
  p = await startPractice({ podReadyDelayMs: 0 });
});
afterAll(async () => {
  await p.stop();
});

const OWN = { mode: 'own' as const, pods: { namespace: 'default', labels: { istio: 'egressgateway-default' }, container: 'istio-proxy' } };

describe('pre-flight gateway-secrets', () => {
  it('passes naming the gateway namespace (shared: istio-system, own: the learner’s)', async () => {
    const [shared] = await p.port.preflight({ clientNamespace: 'default', istioNamespace: 'istio-system', client: CLIENT, checks: ['gateway-secrets'] });
    expect(shared).toMatchObject({ name: 'gateway-secrets', level: 'pass', summary: "You may create the client certificate's Secret in istio-system, the gateway's namespace." });
    const [own] = await p.port.preflight({ clientNamespace: 'default', istioNamespace: 'istio-system', client: CLIENT, gateway: OWN, checks: ['gateway-secrets'] });
    expect(own.summary).toContain('in default, the gateway');
  });

  it('fails when Secrets may not be created there, with the fix (walk it with your own gateway)', async () => {
    p.cluster.setKnobs({ deny: [{ verb: 'create', group: '', resource: 'secrets' }] });
    // A new session: permission answers are kept per session.
    const { port: fresh } = await connectCluster({ kubeconfigYaml: p.cluster.kubeconfig(), backend: 'practice' });
    try {
      const [check] = await fresh.preflight({ clientNamespace: 'default', istioNamespace: 'istio-system', client: CLIENT, checks: ['gateway-secrets'] });
      expect(check.level).toBe('fail');
      expect(check.summary).toBe("Lesson 21 puts a Secret in istio-system, the gateway's namespace, but you lack: create secrets in istio-system.");
      expect(check.fix).toContain('--gateway own');
    } finally {
      fresh.close();
      p.cluster.setKnobs({ deny: [] });
    }
  });
});
