// The instructor's `class` verbs and a learner's session on the practice cluster, in-process
// through the real CLI and client-node; the learner's kubeconfig also through the real kubectl.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { classVerb } from '../../src/cli/class-verb.js';
import { runCli } from '../../src/cli/cli.js';
import { modules } from '../../src/cli/modules.js';
import { connectCluster, ClusterError, type ClusterPort } from '../../src/cluster/index.js';
import { startPracticeCluster } from '../../src/practice/index.js';
import type { PracticeCluster } from '../../src/practice/types.js';
import { Kubectl } from '../conformance/kubectl.js';
import { memoryIO } from '../cli/io.js';

let cluster: PracticeCluster;
let dir: string;
let adminConfig: string;
let admin: Kubectl;
let kcDir: string;

const env = () => ({ XDG_STATE_HOME: join(dir, 'state'), XDG_CACHE_HOME: join(dir, 'cache'), HOME: dir, LANG: 'en_US.UTF-8' });

async function cli(args: string[], tty = false) {
  const io = memoryIO(env(), tty);
  const code = await runCli([...args, '--kubeconfig', adminConfig], io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

async function kubectlJson(args: string[]): Promise<any> {
  const r = await admin.run([...args, '-o', 'json']);
  return r.code === 0 ? JSON.parse(r.stdout) : undefined;
}

beforeAll(async () => {
  cluster = await startPracticeCluster({ knobs: { podReadyDelayMs: 0 } });
  dir = await mkdtemp(join(tmpdir(), 'class-cli-'));
  kcDir = join(dir, 'kubeconfigs');
  adminConfig = await cluster.writeKubeconfig(join(dir, 'admin.kubeconfig'));
  admin = await Kubectl.for(cluster);
  // Someone else's things the class must never touch.
  const foreign = `apiVersion: v1
kind: Namespace
metadata:
  name: learner-03
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: notes
  namespace: learner-03
data: {a: b}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: team-notes
  namespace: default
  labels:
    app.kubernetes.io/managed-by: egress-tutorial
data: {a: b}
`;
  expect((await admin.apply(foreign)).code).toBe(0);
});

afterAll(async () => {
  await cluster?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('class setup', () => {
  it('refuses to change the cluster without a terminal and without --yes (exit 2, naming --yes)', async () => {
    const r = await cli(['class', 'setup', '--learners', '3']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('egress-tutorial: `class setup` changes the cluster and there is no terminal to ask on: add --yes to confirm (or --dry-run to see what it would create).');
    expect((await cli(['class', 'teardown'])).code).toBe(2);
    const zh = await cli(['class', 'reset', '--lang', 'zh']);
    expect(zh.code).toBe(2);
    expect(zh.err).toBe('egress-tutorial: `class reset` 会改动集群，而这里没有可以询问的终端：加上 --yes 确认。');
  });

  it('--dry-run says what it would create and changes nothing', async () => {
    const r = await cli(['class', 'setup', '--learners', '3', '--gateway', 'shared', '--dry-run', '--kubeconfig-dir', kcDir]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Will create: learner-01, learner-02.');
    expect(r.out).toContain('Exist but were not created by this class: learner-03');
    expect(r.out).toContain('Dry run: nothing was changed.');
    expect(await kubectlJson(['get', 'namespace', 'learner-01'])).toBeUndefined();
  });

  it('sets up the learners, skips a namespace it did not create (saying how to fix it), and a re-run changes nothing', async () => {
    const first = await cli(['class', 'setup', '--learners', '3', '--gateway', 'shared', '--yes', '--kubeconfig-dir', kcDir]);
    expect(first.code).toBe(1);
    expect(first.out).toMatch(/learner-01: ready \(\d+ objects created\)/);
    expect(first.out).toContain('learner-03: namespace learner-03 exists and was not created by the class, so it was not used: delete it, choose another --prefix');
    const ns = await kubectlJson(['get', 'namespace', 'learner-02']);
    expect(ns.metadata.labels).toMatchObject({ 'istio-injection': 'enabled', 'egress-tutorial.dev/class': 'learner', 'app.kubernetes.io/managed-by': 'egress-tutorial' });
    const cm = await kubectlJson(['get', 'configmap', 'egress-tutorial-class', '-n', 'learner-01']);
    expect(cm.data).toEqual({ gateway: 'shared', istioNamespace: 'istio-system', class: 'learner-' });
    const telemetry = await kubectlJson(['get', 'telemetries.telemetry.istio.io', 'egress-tutorial-gateway-access-log', '-n', 'istio-system']);
    expect(telemetry.spec.selector.matchLabels).toEqual({ istio: 'egressgateway' });
    expect((await stat(join(kcDir, 'learner-01.kubeconfig'))).mode & 0o777).toBe(0o600);
    const kubeconfigBefore = await readFile(join(kcDir, 'learner-01.kubeconfig'), 'utf8');
    const before = await kubectlJson(['get', 'roles,rolebindings,serviceaccounts,configmaps', '-n', 'learner-01']);

    // Routes are public on this cluster: the instructor is told what the gateway-api track needs.
    expect(first.out).toContain("Before the class opens the gateway-api track: routes without exportTo are visible to every namespace here, and the Gateway API has no exportTo, so one learner's HTTPRoute would steer the others' requests. Keep them in their namespace: istioctl install <your flags> --set meshConfig.defaultVirtualServiceExportTo[0]=. -y (practice cluster: egress-tutorial practice --private-routes).");
    cluster.setKnobs({ privateRoutes: true });
    const again = await cli(['class', 'setup', '--learners', '3', '--gateway', 'shared', '--yes', '--kubeconfig-dir', kcDir]);
    cluster.setKnobs({ privateRoutes: false });
    expect(again.out).not.toContain('gateway-api track');
    expect(again.out).toContain('learner-01: ready (nothing was missing)');
    expect(again.out).toContain('learner-02: ready (nothing was missing)');
    const after = await kubectlJson(['get', 'roles,rolebindings,serviceaccounts,configmaps', '-n', 'learner-01']);
    const versions = (list: any) => list.items.map((i: any) => `${i.kind}/${i.metadata.name}@${i.metadata.resourceVersion}`).sort();
    expect(versions(after)).toEqual(versions(before));
    expect(await readFile(join(kcDir, 'learner-01.kubeconfig'), 'utf8')).toBe(kubeconfigBefore);
  });

  it('re-running completes what is missing', async () => {
    expect((await admin.run(['delete', 'rolebinding', 'egress-tutorial-learner', '-n', 'learner-02'])).code).toBe(0);
    await rm(join(kcDir, 'learner-02.kubeconfig'));
    const r = await cli(['class', 'setup', '--learners', '2', '--gateway', 'shared', '--yes', '--kubeconfig-dir', kcDir]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('learner-02: ready (1 object created)');
    expect((await stat(join(kcDir, 'learner-02.kubeconfig'))).isFile()).toBe(true);
  });
});

describe('a learner', () => {
  let learner: Kubectl;
  let port: ClusterPort;
  let namespace: string;
  beforeAll(async () => {
    learner = await Kubectl.withKubeconfig(await readFile(join(kcDir, 'learner-01.kubeconfig'), 'utf8'));
    ({ port, namespace } = await connectCluster({ kubeconfig: join(kcDir, 'learner-01.kubeconfig'), retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }));
  });
  afterAll(() => port?.close());

  it('lands in their own namespace (the context\'s)', () => {
    expect(namespace).toBe('learner-01');
  });

  it('may do the lessons\' work in their namespace and nothing in another learner\'s (kubectl auth can-i)', async () => {
    const can = async (...args: string[]) => (await learner.run(['auth', 'can-i', ...args])).stdout.trim();
    expect(await can('create', 'virtualservices.networking.istio.io', '-n', 'learner-01')).toBe('yes');
    expect(await can('create', 'pods', '--subresource=exec', '-n', 'learner-01')).toBe('yes');
    expect(await can('patch', 'configmaps/egress-tutorial-progress', '-n', 'learner-01')).toBe('yes');
    expect(await can('patch', 'configmaps/egress-tutorial-class', '-n', 'learner-01')).toBe('no');
    expect(await can('get', 'pods', '--subresource=log', '-n', 'istio-system')).toBe('yes'); // shared mode: the shared gateway's log
    for (const verb of ['get', 'list', 'create', 'delete']) expect(await can(verb, 'virtualservices.networking.istio.io', '-n', 'learner-02')).toBe('no');
    expect(await can('get', 'configmaps', '-n', 'learner-02')).toBe('no');
    expect(await can('get', 'namespaces/learner-02')).toBe('no');
    const read = await learner.run(['get', 'pods', '-n', 'learner-02']);
    expect(read.code).not.toBe(0);
    expect(read.stderr).toContain('Forbidden');
  });

  it('passes the pre-flight with exactly the permissions the class gave', async () => {
    const io = memoryIO(env());
    const code = await runCli(['check', '--kubeconfig', join(kcDir, 'learner-01.kubeconfig')], io);
    const out = io.stdout.join('\n');
    expect(out).toContain('namespace learner-01');
    expect(out).toMatch(/^PASS\s+permissions: You have every permission the lessons use\.$/m);
    expect(out).toMatch(/^PASS\s+egress-gateway:/m);
    expect(out).not.toMatch(/^FAIL/m);
    expect(code).toBe(0);
  });

  it('gets a one-sentence 403 from the tutorial when it touches another learner\'s namespace', async () => {
    const error = await port.listManaged({ namespaces: ['learner-02'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as ClusterError).reason).toBe('forbidden');
    expect((error as ClusterError).message).toMatch(/^Could not list the tutorial's \w+ objects in namespace "learner-02": forbidden .*cannot list .*; ask a cluster admin for this permission/);
    expect((error as ClusterError).message).not.toContain('\n');
  });

  it('publishes progress that `class status` reads, and `class reset` removes it but not the class\'s objects', async () => {
    const io = memoryIO(env());
    const code = await runCli(['run', '--yes', '01-reaching-external-services', '--kubeconfig', join(kcDir, 'learner-01.kubeconfig')], io);
    expect(io.stderr.join('\n')).toBe('');
    expect(code).toBe(0);
    const cm = await kubectlJson(['get', 'configmap', 'egress-tutorial-progress', '-n', 'learner-01', '--show-managed-fields']);
    expect(cm.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'egress-tutorial', 'egress-tutorial.dev/progress': 'true' });
    expect(cm.metadata.managedFields.map((f: any) => f.manager)).toEqual(['egress-tutorial']);
    const doc = JSON.parse(cm.data['progress.json']);
    expect(doc).toMatchObject({ lesson: '01-reaching-external-services', completedLessons: ['01-reaching-external-services'], lastResult: 'pass', lastDiagnosis: null, gateway: 'shared' });

    // The practice cluster counts each learner's requests for the classroom benchmark; only the admin reads them.
    const metrics = await admin.run(['get', '--raw', '/metrics']);
    const served = Number(/practice_requests_total\{user="system:serviceaccount:learner-01:egress-tutorial-learner"\} (\d+)/.exec(metrics.stdout)?.[1]);
    expect(served).toBeGreaterThan(5);
    expect((await learner.run(['get', '--raw', '/metrics'])).stderr).toContain('Forbidden');

    const status = await cli(['class', 'status', '--output', 'json']);
    expect(status.code).toBe(0);
    const learners = JSON.parse(status.out).learners;
    expect(learners.map((l: any) => l.namespace)).toEqual(['learner-01', 'learner-02']);
    expect(learners[0]).toEqual({ namespace: 'learner-01', lesson: '01-reaching-external-services', step: doc.step, completedLessons: ['01-reaching-external-services'], lastResult: 'pass', lastDiagnosis: null, updated: doc.updated, predictions: { correct: 0, answered: 0 } });
    expect(learners[1]).toEqual({ namespace: 'learner-02', lesson: null, step: null, completedLessons: [], lastResult: null, lastDiagnosis: null, updated: null, predictions: null });

    // Without a terminal, --watch prints the table once instead of a live screen.
    const table = await cli(['class', 'status', '--watch']);
    expect(table.out.split('\n')[0]).toMatch(/^LEARNER\s+LESSON\/STEP\s+DONE\s+LAST\s+IDLE\s+PREDICTED\s+LAST FAILURE$/);
    // Not started comes before working: the instructor looks at stuck learners first.
    expect(table.out.split('\n')[1]).toMatch(/^learner-02\s+\(not started\)/);

    // On a terminal the live screen keeps reading through the verb's connection until it quits
    // (a stand-in for the ink screen: it refreshes twice, as the real one does every few seconds).
    const reads: number[] = [];
    const screen = async (opts: { fetch: () => Promise<unknown[]> }) => {
      for (let i = 0; i < 2; i++) {
        await new Promise((r) => setTimeout(r, 50));
        reads.push((await opts.fetch()).length);
      }
      return 0;
    };
    const watchIO = memoryIO(env(), true);
    const { flags, args } = parseCli(['class', 'status', '--watch', '--kubeconfig', adminConfig], env());
    expect(await classVerb(args, flags, watchIO, { ...modules, classWatch: async () => ({ runClassWatch: screen }) } as never)).toBe(0);
    expect(reads).toEqual([2, 2]);

    const reset = await cli(['class', 'reset', '1', '--yes']);
    expect(reset.code).toBe(0);
    expect(await kubectlJson(['get', 'configmap', 'egress-tutorial-progress', '-n', 'learner-01'])).toBeUndefined();
    expect(await kubectlJson(['get', 'configmap', 'egress-tutorial-class', '-n', 'learner-01'])).toBeDefined();
    expect(await kubectlJson(['get', 'serviceaccount', 'egress-tutorial-learner', '-n', 'learner-01'])).toBeDefined();
  });
});

describe('class teardown', () => {
  it('removes everything setup made and leaves foreign namespaces and objects alone', async () => {
    const r = await cli(['class', 'teardown', '--yes', '--kubeconfig-dir', kcDir]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Done: 2 namespaces deleted');
    expect(await kubectlJson(['get', 'namespace', 'learner-01'])).toBeUndefined();
    expect(await kubectlJson(['get', 'namespace', 'learner-02'])).toBeUndefined();
    const left = await kubectlJson(['get', 'clusterroles,clusterrolebindings', '-l', 'egress-tutorial.dev/class']);
    expect(left.items).toEqual([]);
    const inIstio = await kubectlJson(['get', 'roles,rolebindings,telemetries.telemetry.istio.io', '-n', 'istio-system', '-l', 'egress-tutorial.dev/class']);
    expect(inIstio.items).toEqual([]);
    // The foreign namespace and objects, even one carrying the tutorial's label, are still there.
    expect(await kubectlJson(['get', 'configmap', 'notes', '-n', 'learner-03'])).toBeDefined();
    expect(await kubectlJson(['get', 'configmap', 'team-notes', '-n', 'default'])).toBeDefined();
    expect(await kubectlJson(['get', 'configmap', 'istio', '-n', 'istio-system'])).toBeDefined();
    await expect(stat(join(kcDir, 'learner-01.kubeconfig'))).rejects.toThrow();
  });
});

describe('a namespace the class did not create', () => {
  it('is used only when the instructor says yes on the terminal, and teardown gives it back without deleting it', async () => {
    const io = memoryIO(env(), true);
    io.answers.push(true, true); // set up? then: use learner-03 anyway?
    const code = await runCli(['class', 'setup', '--learners', '3', '--gateway', 'shared', '--kubeconfig-dir', kcDir, '--kubeconfig', adminConfig], io);
    expect(code).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/learner-03: ready/);
    const adopted = await kubectlJson(['get', 'namespace', 'learner-03']);
    expect(adopted.metadata.labels).toMatchObject({ 'egress-tutorial.dev/class': 'learner', 'egress-tutorial.dev/adopted': 'true' });

    const down = memoryIO(env(), true);
    down.answers.push(true);
    expect(await runCli(['class', 'teardown', '--kubeconfig-dir', kcDir, '--kubeconfig', adminConfig], down)).toBe(0);
    expect(down.stdout.join('\n')).toContain('only what it put there (the namespaces stay): learner-03');
    const after = await kubectlJson(['get', 'namespace', 'learner-03']);
    expect(after).toBeDefined();
    expect(after.metadata.labels?.['egress-tutorial.dev/class']).toBeUndefined();
    expect(await kubectlJson(['get', 'configmap', 'notes', '-n', 'learner-03'])).toBeDefined();
    expect(await kubectlJson(['get', 'configmap', 'egress-tutorial-class', '-n', 'learner-03'])).toBeUndefined();
    expect(await kubectlJson(['get', 'serviceaccount', 'egress-tutorial-learner', '-n', 'learner-03'])).toBeUndefined();
    expect(await kubectlJson(['get', 'namespace', 'learner-01'])).toBeUndefined();
  });
});
