// Conformance with the real kubectl: a learner confined to a namespace by a ServiceAccount, a Role
// and a RoleBinding, with a token from `kubectl create token`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPracticeCluster } from '../../src/practice/index.js';
import { kubeconfigYaml } from '../../src/practice/kubeconfig.js';
import type { PracticeCluster } from '../../src/practice/types.js';
import { caOf } from '../practice/helpers.js';
import { Kubectl } from './kubectl.js';

const LEARNER = 'system:serviceaccount:own:egress-tutorial-learner';
const SETUP = `apiVersion: v1
kind: Namespace
metadata:
  name: own
---
apiVersion: v1
kind: Namespace
metadata:
  name: other
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: egress-tutorial-learner
  namespace: own
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: egress-tutorial-learner
  namespace: own
rules:
- apiGroups: [""]
  resources: [pods, services, serviceaccounts, configmaps]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [""]
  resources: [pods/log]
  verbs: [get]
- apiGroups: [""]
  resources: [pods/exec]
  verbs: [get, create]
- apiGroups: [networking.istio.io]
  resources: ["*"]
  verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: egress-tutorial-learner
  namespace: own
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: egress-tutorial-learner
subjects:
- kind: ServiceAccount
  name: egress-tutorial-learner
`;

let cluster: PracticeCluster;
let admin: Kubectl;
let learner: Kubectl;
let token = '';

beforeAll(async () => {
  cluster = await startPracticeCluster({ knobs: { podReadyDelayMs: 100 } });
  admin = await Kubectl.for(cluster);
});
afterAll(async () => {
  await cluster.stop();
  await admin.dispose();
  await learner?.dispose();
});

describe('kubectl with a ServiceAccount token', () => {
  it('applies a ServiceAccount, Role and RoleBinding and lists them in kubectl get tables', async () => {
    const r = await admin.apply(SETUP);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('role.rbac.authorization.k8s.io/egress-tutorial-learner serverside-applied');
    expect(r.stdout).toContain('rolebinding.rbac.authorization.k8s.io/egress-tutorial-learner serverside-applied');
    const rb = await admin.run(['get', 'rolebindings', '-n', 'own', '-o', 'wide']);
    expect(rb.stdout).toMatch(/^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS\n/);
    expect(rb.stdout).toMatch(/egress-tutorial-learner\s+Role\/egress-tutorial-learner\s+\S+\s+\/egress-tutorial-learner\n/);
    const roles = await admin.run(['get', 'roles', '-n', 'own']);
    expect(roles.stdout).toMatch(/^NAME\s+CREATED AT\negress-tutorial-learner\s+\d{4}-\d\d-\d\dT/);
    const crs = await admin.run(['get', 'clusterroles', '-o', 'name']);
    expect(crs.stdout).toContain('clusterrole.rbac.authorization.k8s.io/cluster-admin\n');
    expect(crs.stdout).toContain('clusterrole.rbac.authorization.k8s.io/system:discovery\n');
  });

  it('creates a token with kubectl create token, and refuses one for a ServiceAccount that does not exist', async () => {
    const r = await admin.run(['create', 'token', 'egress-tutorial-learner', '-n', 'own', '--duration', '2h']);
    expect(r.code, r.stderr).toBe(0);
    token = r.stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
    expect(claims.sub).toBe(LEARNER);
    expect(claims.exp - claims.iat).toBe(7200);
    const missing = await admin.run(['create', 'token', 'nobody', '-n', 'own']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('serviceaccounts "nobody" not found');
    const short = await admin.run(['create', 'token', 'egress-tutorial-learner', '-n', 'own', '--duration', '5m']);
    expect(short.stderr).toContain('may not specify a duration less than 10 minutes');
    learner = await Kubectl.withKubeconfig(kubeconfigYaml(cluster.url, token, caOf(cluster), 'own'));
  });

  it('answers auth can-i yes in the own namespace and no in another, and whoami names the ServiceAccount', async () => {
    expect((await learner.run(['auth', 'can-i', 'get', 'pods', '-n', 'own'])).stdout).toBe('yes\n');
    const no = await learner.run(['auth', 'can-i', 'get', 'pods', '-n', 'other']);
    expect(no.stdout).toBe('no\n');
    expect(no.code).toBe(1);
    expect((await learner.run(['auth', 'can-i', 'get', 'pods', '--subresource', 'log', '-n', 'own'])).stdout).toBe('yes\n');
    expect((await learner.run(['auth', 'can-i', 'create', 'pods', '--subresource', 'exec', '-n', 'own'])).stdout).toBe('yes\n');
    expect((await learner.run(['auth', 'can-i', 'delete', 'pods', '--subresource', 'log', '-n', 'own'])).stdout).toBe('no\n');
    expect((await learner.run(['auth', 'can-i', 'create', 'gateways.networking.istio.io'])).stdout).toBe('yes\n');
    expect((await learner.run(['auth', 'can-i', 'list', 'namespaces'])).stdout).toBe('no\n');
    const who = await learner.run(['auth', 'whoami', '-o', 'json']);
    expect(JSON.parse(who.stdout).status.userInfo).toMatchObject({ username: LEARNER, groups: ['system:serviceaccounts', 'system:serviceaccounts:own', 'system:authenticated'] });
  });

  it('gets pods in the own namespace and fails with the Forbidden message in another', async () => {
    const own = await learner.run(['get', 'pods']);
    expect(own.code, own.stderr).toBe(0);
    expect(own.stderr).toContain('No resources found in own namespace.');
    const other = await learner.run(['get', 'pods', '-n', 'other']);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`Error from server (Forbidden): pods is forbidden: User "${LEARNER}" cannot list resource "pods" in API group "" in the namespace "other"`);
    const all = await learner.run(['get', 'pods', '-A']);
    expect(all.stderr).toContain(`pods is forbidden: User "${LEARNER}" cannot list resource "pods" in API group "" at the cluster scope`);
    const write = await learner.run(['apply', '--server-side', '-f', '-', '-n', 'other'], 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
    expect(write.stderr).toContain(`configmaps "x" is forbidden: User "${LEARNER}" cannot patch resource "configmaps" in API group "" in the namespace "other"`);
  });

  it('execs and reads logs in the own namespace; exec elsewhere is forbidden', async () => {
    const deploy = (ns: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: curl
  namespace: ${ns}
spec:
  selector:
    matchLabels: {app: curl}
  template:
    metadata:
      labels: {app: curl}
    spec:
      containers:
      - name: curl
        image: curlimages/curl
        command: [sleep, infinity]
`;
    for (const ns of ['own', 'other']) {
      expect((await admin.apply(deploy(ns))).code).toBe(0);
      expect((await admin.run(['wait', '--for=condition=Ready', 'pod', '-l', 'app=curl', '-n', ns, '--timeout=20s'])).code).toBe(0);
    }
    const exec = await learner.run(['exec', 'deploy/curl', '--', 'curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', 'http://httpbin.org/get']);
    expect(exec.stderr).toContain('deployments.apps "curl" is forbidden');
    const pod = (await learner.run(['get', 'pods', '-l', 'app=curl', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
    const ok = await learner.run(['exec', pod, '--', 'curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', 'http://httpbin.org/get']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('200');
    expect((await learner.run(['logs', pod])).code).toBe(0);
    const otherPod = (await admin.run(['get', 'pods', '-l', 'app=curl', '-n', 'other', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
    const refused = await learner.run(['exec', otherPod, '-n', 'other', '--', 'ls']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`pods "${otherPod}" is forbidden: User "${LEARNER}" cannot get resource "pods" in API group "" in the namespace "other"`);
  });

  it('lists its rules with auth can-i --list', async () => {
    const r = await learner.run(['auth', 'can-i', '--list', '-n', 'own']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs\n/);
    expect(r.stdout).toMatch(/\*\.networking\.istio\.io\s+\[\]\s+\[\]\s+\[\*\]/);
    expect(r.stdout).toMatch(/pods\/log\s+\[\]\s+\[\]\s+\[get\]/);
    expect(r.stdout).toMatch(/selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]/);
    expect(r.stdout).toMatch(/\s+\[\/api\/\*\]\s+\[\]\s+\[get\]/);
    const other = await learner.run(['auth', 'can-i', '--list', '-n', 'other']);
    expect(other.stdout).not.toContain('pods/log');
  });

  it('creates ServiceAccounts, Roles and bindings imperatively, and checks them with --as', async () => {
    const steps = [
      ['create', 'namespace', 'imperative'],
      ['create', 'serviceaccount', 'reader', '-n', 'imperative'],
      ['create', 'role', 'pod-reader', '--verb=get,list', '--resource=pods,pods/log', '-n', 'imperative'],
      ['create', 'rolebinding', 'reader', '--role=pod-reader', '--serviceaccount=imperative:reader', '-n', 'imperative'],
      ['create', 'clusterrole', 'metrics-reader', '--verb=get', '--non-resource-url=/metrics'],
      ['create', 'clusterrolebinding', 'bob-metrics', '--clusterrole=metrics-reader', '--user=bob'],
    ];
    for (const args of steps) {
      const r = await admin.run(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    const rb = JSON.parse((await admin.run(['get', 'rolebinding', 'reader', '-n', 'imperative', '-o', 'json'])).stdout);
    expect(rb).toMatchObject({ roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: 'imperative' }] });
    const as = ['--as', 'system:serviceaccount:imperative:reader'];
    expect((await admin.run(['auth', 'can-i', 'list', 'pods', '-n', 'imperative', ...as])).stdout).toBe('yes\n');
    expect((await admin.run(['auth', 'can-i', 'delete', 'pods', '-n', 'imperative', ...as])).stdout).toBe('no\n');
    expect((await admin.run(['auth', 'can-i', 'list', 'pods', '-n', 'own', ...as])).stdout).toBe('no\n');
    expect((await admin.run(['auth', 'can-i', 'get', '/metrics', '--as', 'bob'])).stdout).toBe('yes\n');
    const bob = await admin.run(['get', 'pods', '--as', 'bob', '--as-group', 'developers']);
    expect(bob.stderr).toContain('pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"');
    // A learner may not impersonate anyone.
    const sneaky = await learner.run(['get', 'pods', '--as', 'system:serviceaccount:imperative:reader', '-n', 'imperative']);
    expect(sneaky.stderr).toContain(`serviceaccounts "reader" is forbidden: User "${LEARNER}" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "imperative"`);
    const change = await admin.run(['create', 'rolebinding', 'reader', '--clusterrole=view', '--serviceaccount=imperative:reader', '-n', 'imperative', '--dry-run=server', '-o', 'yaml']);
    expect(change.stderr).toContain('rolebindings.rbac.authorization.k8s.io "reader" already exists');
  });

  it('refuses the token once its ServiceAccount is deleted, even after recreating it', async () => {
    expect((await admin.run(['delete', 'serviceaccount', 'egress-tutorial-learner', '-n', 'own'])).code).toBe(0);
    expect((await admin.apply(SETUP)).code).toBe(0);
    const r = await learner.run(['get', 'pods']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('You must be logged in to the server');
  });
});
