// The classroom's pure parts: names, the plan of what exists, the status rows, their order and JSON,
// the learner kubeconfig, the class command line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { parseClassCommand } from '../../src/cli/class-verb.js';
import {
  classId,
  learnerNamespaces,
  learnerKubeconfigYaml,
  learnerObjects,
  learnerRows,
  planLearners,
  resetTargets,
  sortLearners,
  statusCells,
  statusJson,
  statusTable,
  classMessages,
  type LearnerStatus,
  gatewayObjectsFor,
  istioRules,
  classObjects,
} from '../../src/classroom/index.js';
import { defaultLessonsDir } from '../../src/lesson/index.js';
import type { KubeObject } from '../../src/lesson/model.js';

const LESSONS = ['a', 'b'];
const NOW = Date.parse('2026-12-07T10:00:00Z');
const ago = (min: number) => new Date(NOW - min * 60_000).toISOString();
const row = (namespace: string, p: Partial<LearnerStatus>): LearnerStatus => ({ namespace, lesson: 'a', step: 's1', completedLessons: [], lastResult: null, lastDiagnosis: null, updated: ago(1), ...p });

describe('names', () => {
  it('pads learner numbers to at least two digits, more for large classes', () => {
    expect(learnerNamespaces('learner-', 3)).toEqual(['learner-01', 'learner-02', 'learner-03']);
    expect(learnerNamespaces('t', 100)[0]).toBe('t001');
    expect(learnerNamespaces('t', 100)[99]).toBe('t100');
  });
  it('names the class by the prefix without its trailing dash (a label value must end alphanumeric)', () => {
    expect(classId('learner-')).toBe('learner');
    expect(classId('ws2')).toBe('ws2');
  });
});

describe('planLearners', () => {
  it('tells new, ours, adopted, foreign, other-class and terminating namespaces apart', () => {
    const ns = (name: string, labels?: Record<string, string>, deleting = false) => ({ metadata: { name, labels, ...(deleting ? { deletionTimestamp: 'x' } : {}) } });
    const plans = planLearners('learner-', 6, [
      ns('learner-02', { 'egress-tutorial.dev/class': 'learner' }),
      ns('learner-03', { 'egress-tutorial.dev/class': 'learner', 'egress-tutorial.dev/adopted': 'true' }),
      ns('learner-04'),
      ns('learner-05', { 'egress-tutorial.dev/class': 'other' }),
      ns('learner-06', { 'egress-tutorial.dev/class': 'learner' }, true),
    ]);
    expect(plans.map((p) => p.state)).toEqual(['new', 'ours', 'adopted', 'foreign', 'other-class', 'terminating']);
  });
});

describe('learner objects', () => {
  it('gives the learner write access in their namespace and only the progress ConfigMap to write', () => {
    const objects = learnerObjects('learner-01', { prefix: 'learner-', gateway: 'shared', istioNamespace: 'istio-system' });
    const role = objects.find((o) => o.kind === 'Role') as KubeObject & { rules: { resources: string[]; verbs: string[]; resourceNames?: string[] }[] };
    const cmWrites = role.rules.filter((r) => r.resources.includes('configmaps') && r.verbs.includes('patch'));
    expect(cmWrites).toEqual([expect.objectContaining({ resourceNames: ['egress-tutorial-progress'] })]);
    expect(role.rules.some((r) => r.resources.includes('pods/exec') && r.verbs.includes('create'))).toBe(true);
    const cr = objects.find((o) => o.kind === 'ClusterRole') as KubeObject & { rules: { resourceNames: string[] }[] };
    expect(cr.rules[0].resourceNames).toEqual(['learner-01', 'istio-system']);
    const cm = objects.find((o) => o.kind === 'ConfigMap')!;
    expect(cm.data).toEqual({ gateway: 'shared', istioNamespace: 'istio-system', class: 'learner-' });
    expect(cm.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'egress-tutorial', 'egress-tutorial.dev/class': 'learner' });
    // shared mode: no gateway of their own
    expect(objects.some((o) => o.kind === 'Deployment')).toBe(false);
  });
});

describe('own gateway mode', () => {
  it('renders the lesson\'s C1 manifest into each learner\'s namespace and keeps the Istio namespace\'s logs closed', () => {
    const manifest = readFileSync(join(defaultLessonsDir(), '02-setup', 'manifests', 'egress-gateway.yaml'), 'utf8');
    const objects = learnerObjects('learner-01', { prefix: 'learner-', gateway: 'own', istioNamespace: 'istio-system' }, gatewayObjectsFor(manifest, 'learner-01', 'istio-system'));
    const gateway = objects.filter((o) => o.metadata.name === 'egressgateway');
    expect(gateway.map((o) => o.kind).sort()).toEqual(['Deployment', 'Service', 'ServiceAccount']);
    expect(gateway.every((o) => o.metadata.namespace === 'learner-01' && o.metadata.labels?.['egress-tutorial.dev/class'] === 'learner')).toBe(true);
    const deployment = gateway.find((o) => o.kind === 'Deployment') as any;
    expect(deployment.spec.template.metadata.labels).toMatchObject({ app: 'egressgateway', istio: 'egressgateway-learner-01', 'sidecar.istio.io/inject': 'true' });
    expect(deployment.spec.template.metadata.annotations).toEqual({ 'inject.istio.io/templates': 'gateway' });
    expect(deployment.spec.template.spec.containers).toEqual([{ name: 'istio-proxy', image: 'auto' }]);
    const service = gateway.find((o) => o.kind === 'Service') as any;
    expect(service.spec.selector).toEqual({ istio: 'egressgateway-learner-01' });
    expect(istioRules('own').some((r) => r.resources.includes('pods/log'))).toBe(false);
    expect(istioRules('shared').some((r) => r.resources.includes('pods/log'))).toBe(true);
    expect(classObjects({ prefix: 'learner-', gateway: 'own', istioNamespace: 'istio-system' }).map((o) => o.kind)).toEqual(['Role']);
  });

  it('lets a learner write Secrets in their namespace (lesson 21 with their own gateway), never in the Istio namespace', () => {
    const role = learnerObjects('learner-01', { prefix: 'learner-', gateway: 'own', istioNamespace: 'istio-system' }, []).find((o) => o.kind === 'Role') as any;
    expect(role.rules.some((r: any) => r.apiGroups.includes('') && r.resources.includes('secrets') && r.verbs.includes('create'))).toBe(true);
    for (const mode of ['own', 'shared'] as const) expect(istioRules(mode).some((r) => r.resources.includes('secrets'))).toBe(false);
  });
});

describe('status rows', () => {
  it('lists every learner of the class, started or not, from the listed ConfigMaps', () => {
    const cm = (ns: string, name: string, labels: Record<string, string>, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, data }) as KubeObject;
    const classCm = (ns: string, id = 'learner') => cm(ns, 'egress-tutorial-class', { 'egress-tutorial.dev/class': id }, { gateway: 'own' });
    const progress = (ns: string, doc: object) => cm(ns, 'egress-tutorial-progress', { 'egress-tutorial.dev/progress': 'true' }, { 'progress.json': JSON.stringify(doc) });
    const rows = learnerRows(
      [classCm('learner-01'), classCm('learner-02'), classCm('other-01', 'other'), progress('learner-02', { lesson: 'b', step: 'x', completedLessons: ['a'], lastResult: 'fail', lastDiagnosis: 'No route', updated: ago(2) }), progress('other-01', { lesson: 'a' })],
      'learner-',
    );
    expect(rows.map((r) => r.namespace)).toEqual(['learner-01', 'learner-02']);
    expect(rows[0]).toMatchObject({ lesson: null, step: null, completedLessons: [], lastResult: null, updated: null });
    expect(rows[1]).toMatchObject({ lesson: 'b', lastResult: 'fail', lastDiagnosis: 'No route' });
  });

  it('puts stuck learners first: failing, idle, not started, working, done', () => {
    const rows = [
      row('done', { completedLessons: ['a', 'b'] }),
      row('working', { updated: ago(1) }),
      row('fresh', { lesson: null, step: null, updated: null }),
      row('idle', { updated: ago(30) }),
      row('failing-new', { lastResult: 'fail', updated: ago(1) }),
      row('failing-old', { lastResult: 'fail', updated: ago(5) }),
    ];
    expect(sortLearners(rows, LESSONS, NOW).map((r) => r.namespace)).toEqual(['failing-old', 'failing-new', 'idle', 'fresh', 'working', 'done']);
  });

  it('prints exactly the issue\'s JSON shape', () => {
    const parsed = JSON.parse(statusJson([row('learner-01', { lastResult: 'fail', lastDiagnosis: 'x', gateway: 'own' })]));
    expect(Object.keys(parsed)).toEqual(['learners']);
    expect(Object.keys(parsed.learners[0])).toEqual(['namespace', 'lesson', 'step', 'completedLessons', 'lastResult', 'lastDiagnosis', 'updated', 'predictions']);
  });

  it('shows the last failure in one line and the idle time in the table', () => {
    const m = classMessages('en');
    const cells = statusCells([row('learner-01', { lastResult: 'fail', lastDiagnosis: 'No route to httpbin.org\nSecond line', updated: ago(12) })], LESSONS, NOW, m);
    const table = statusTable(cells, m.headers);
    expect(table.split('\n')[1]).toMatch(/^learner-01\s+a\/s1\s+0\/2\s+FAIL\s+12m\s+-\s+No route to httpbin\.org$/);
  });

  it('aligns the Chinese table by display width', () => {
    const m = classMessages('zh');
    const lines = statusTable(statusCells([row('learner-01', {})], LESSONS, NOW, m), m.headers).split('\n');
    // "学员" is 2 characters but 4 columns wide: the second column starts at the same screen column.
    const column = (line: string, text: string) => stringWidth(line.slice(0, line.indexOf(text)));
    expect(column(lines[0], '课程')).toBe(12);
    expect(column(lines[1], 'a/s1')).toBe(12);
  });
});

describe('reset targets', () => {
  it('takes numbers, namespaces, or everyone; unknown names are named', () => {
    const all = ['learner-01', 'learner-02', 'learner-10'];
    expect(resetTargets(all, [], 'learner-').namespaces).toEqual(all);
    expect(resetTargets(all, ['2', 'learner-10'], 'learner-')).toEqual({ namespaces: ['learner-02', 'learner-10'], unknown: [] });
    expect(resetTargets(all, ['7', 'bob'], 'learner-').unknown).toEqual(['7', 'bob']);
  });
});

describe('learner kubeconfig', () => {
  it('has the instructor\'s server and CA, the token, and the learner\'s namespace as the context\'s', () => {
    const doc = yaml.load(
      learnerKubeconfigYaml({ access: { server: 'https://10.0.0.1:6443', clusterName: 'kind-istio', certificateAuthorityData: 'Q0E=' }, namespace: 'learner-07', token: 'tok' }),
    ) as Record<string, any>;
    expect(doc['current-context']).toBe('learner-07');
    expect(doc.contexts[0].context).toEqual({ cluster: 'kind-istio', user: 'learner-07', namespace: 'learner-07' });
    expect(doc.clusters[0].cluster).toEqual({ server: 'https://10.0.0.1:6443', 'certificate-authority-data': 'Q0E=' });
    expect(doc.users[0].user).toEqual({ token: 'tok' });
  });
});

describe('class command line', () => {
  const parse = (argv: string[]) => {
    const p = parseCli(argv, {});
    return parseClassCommand(p.args, p.flags);
  };
  it('checks the sub-command and its flags with one sentence each', () => {
    expect(() => parse(['class'])).toThrow(/sub-command: setup, status, reset or teardown/);
    expect(() => parse(['class', 'start'])).toThrow(/Unknown class sub-command "start"/);
    expect(() => parse(['class', 'setup'])).toThrow(/needs --learners N/);
    expect(() => parse(['class', 'setup', '--learners', '0'])).toThrow(/whole number from 1 to 500/);
    expect(() => parse(['class', 'setup', '--learners', '3', '--prefix', 'Learner'])).toThrow(/--prefix "Learner" cannot start a namespace name/);
    expect(() => parse(['class', 'status', '--learners', '3'])).toThrow(/--learners is not a flag of `class status`/);
    expect(() => parse(['class', 'status', '--output', 'yaml'])).toThrow(/--output must be json/);
    expect(() => parseCli(['class', 'setup', '--learners', '3', '--gateway', 'mine'], {})).toThrow(/--gateway must be shared .* or own .*, not "mine"/);
    expect(parse(['class', 'setup', '--learners', '30', '--token-hours', '8'])).toMatchObject({ sub: 'setup', learners: 30, prefix: 'learner-', tokenHours: 8 });
    expect(parse(['class', 'reset', '07', '12']).names).toEqual(['07', '12']);
  });
});
