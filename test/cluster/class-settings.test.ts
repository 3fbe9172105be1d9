// The class settings a learner session reads on connect (ConfigMap egress-tutorial-class, C3),
// through the port and real client-node against the practice cluster, and how they pick the mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClassSettings } from '../../src/cluster/kube/class-settings.js';
import { sessionGateway } from '../../src/cli/session.js';
import { parseCli } from '../../src/cli/args.js';
import { memoryProgressStore } from '../../src/progress/index.js';
import { startPractice, type Practice } from './practice-helpers.js';

let p: Practice;
beforeAll(async () => {
  p = await startPractice();
  await p.port.labelNamespace!('learner-07', { 'istio-injection': 'enabled' });
  await p.other.create({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'egress-tutorial-class', namespace: 'learner-07', labels: { 'app.kubernetes.io/managed-by': 'egress-tutorial', 'egress-tutorial.dev/class': 'learner-' } },
    data: { gateway: 'own', istioNamespace: 'istio-system', class: 'learner-' },
  } as never);
}, 30_000);
afterAll(async () => p?.stop());

describe('class settings', () => {
  it('are read from the learner namespace; a namespace without them has none', async () => {
    expect(await p.port.classSettings!('learner-07')).toEqual({ gateway: 'own', istioNamespace: 'istio-system', class: 'learner-' });
    expect(await p.port.classSettings!('default')).toBeUndefined();
    expect(await p.port.classSettings!('no-such-namespace')).toBeUndefined();
  });

  it('values that are not valid are left out', () => {
    expect(parseClassSettings({ gateway: 'mine', istioNamespace: 'Not Valid', class: ' c ' })).toEqual({ class: 'c' });
    expect(parseClassSettings(undefined)).toEqual({});
  });

  it('pick the mode after the flag and before the saved progress', async () => {
    const progress = memoryProgressStore();
    progress.save({ version: 1, clusterKey: 'practice', namespace: 'learner-07', lessons: {}, updatedAt: new Date().toISOString(), gateway: 'shared' });
    const flags = (argv: string[]) => parseCli(argv, {}).flags;
    expect((await sessionGateway(flags([]), p.port, 'learner-07', progress)).gateway).toEqual({ mode: 'own', source: 'class', class: 'learner-' });
    expect((await sessionGateway(flags(['--gateway', 'shared']), p.port, 'learner-07', progress)).gateway).toEqual({ mode: 'shared', source: 'flag' });
    const solo = memoryProgressStore();
    expect((await sessionGateway(flags([]), p.port, 'default', solo)).gateway).toEqual({ mode: 'shared', source: 'default' });
    solo.save({ version: 1, clusterKey: 'practice', namespace: 'default', lessons: {}, updatedAt: new Date().toISOString(), gateway: 'own' });
    expect(await sessionGateway(flags([]), p.port, 'default', solo)).toEqual({ gateway: { mode: 'own', source: 'progress' }, saved: 'own' });
  });
});
