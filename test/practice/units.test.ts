// Pure pieces of the practice cluster.
import { describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { generateServingCertificate } from '../../src/practice/certs.js';
import { fromFieldsV1, leafPaths, serverSideApply, toFieldsV1 } from '../../src/practice/managed-fields.js';
import { jsonPatch, mergePatch } from '../../src/practice/patch.js';
import { matchesLabels, parseLabelSelector } from '../../src/practice/selectors.js';
import { humanDuration } from '../../src/practice/tables.js';
import { compareVersions } from '../../src/practice/resources.js';
import { decodeReview } from '../../src/practice/protobuf.js';
import { parseMeshConfig } from '../../src/practice/mesh-state.js';
import { meshConfigYaml } from '../../src/practice/cluster-state.js';
import { DEFAULT_KNOBS } from '../../src/practice/knobs.js';

describe('serving certificate', () => {
  it('is a CA-signed P-256 certificate for localhost and 127.0.0.1', () => {
    const c = generateServingCertificate();
    const ca = new X509Certificate(c.caPem);
    const leaf = new X509Certificate(c.certPem);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(new Date(leaf.validTo).getTime()).toBeGreaterThan(Date.now() + 300 * 24 * 3600 * 1000);
  });
});

describe('label selectors', () => {
  it('parses =, ==, !=, in, notin, exists and !exists', () => {
    const reqs = parseLabelSelector('app=curl,tier==web,env!=dev,zone in (a, b),team notin (x),version,!legacy');
    expect(reqs).toHaveLength(7);
    expect(matchesLabels(reqs, { app: 'curl', tier: 'web', env: 'prod', zone: 'b', team: 'y', version: '1' })).toBe(true);
    expect(matchesLabels(reqs, { app: 'curl', tier: 'web', env: 'prod', zone: 'c', team: 'y', version: '1' })).toBe(false);
    expect(matchesLabels(reqs, { app: 'curl', tier: 'web', env: 'prod', zone: 'a', team: 'y', version: '1', legacy: 'true' })).toBe(false);
    expect(() => parseLabelSelector('a in b')).toThrow(/unable to parse requirement/);
  });
});

describe('patches', () => {
  it('merge patch removes nulls and replaces lists; json patch adds, replaces, removes and tests', () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: null, d: 3 }, l: [3] })).toEqual({ a: { b: 1, d: 3 }, l: [3] });
    const doc = { spec: { hosts: ['a'], n: 1 } };
    expect(jsonPatch(doc, [{ op: 'add', path: '/spec/hosts/0', value: 'z' }, { op: 'replace', path: '/spec/n', value: 2 }, { op: 'test', path: '/spec/n', value: 2 }, { op: 'remove', path: '/spec/hosts/1' }])).toEqual({ spec: { hosts: ['z'], n: 2 } });
    expect(doc.spec.hosts).toEqual(['a']);
    expect(() => jsonPatch(doc, [{ op: 'remove', path: '/spec/missing' }])).toThrow(/does not exist/);
  });
});

describe('field ownership', () => {
  it('tracks leaves (lists atomic), metadata labels but not name, and round-trips FieldsV1', () => {
    const paths = leafPaths({ apiVersion: 'v1', kind: 'X', metadata: { name: 'n', labels: { a: 'b' } }, spec: { hosts: ['h'], port: { number: 80 } }, status: { x: 1 } });
    expect(toFieldsV1(paths)).toEqual({ 'f:metadata': { 'f:labels': { 'f:a': {} } }, 'f:spec': { 'f:hosts': {}, 'f:port': { 'f:number': {} } } });
    expect(fromFieldsV1(toFieldsV1(paths))).toEqual(paths);
  });

  it('lists every conflicting field per manager when several conflict', () => {
    const first = serverSideApply({ applied: { metadata: { name: 'x' }, spec: { a: 1, b: 2 } }, manager: 'one', apiVersion: 'v1', force: false, now: 't' });
    if (!first.ok) throw new Error('first apply failed');
    const second = serverSideApply({ current: first.object, applied: { metadata: { name: 'x' }, spec: { a: 3, b: 4 } }, manager: 'two', apiVersion: 'v1', force: false, now: 't' });
    expect(second).toEqual({ ok: false, conflicts: [{ manager: '"one"', path: '.spec.a' }, { manager: '"one"', path: '.spec.b' }] });
  });
});

describe('small formats', () => {
  it('prints ages like kubectl', () => {
    expect(humanDuration(5_000)).toBe('5s');
    expect(humanDuration(150_000)).toBe('2m30s');
    expect(humanDuration(30 * 60_000)).toBe('30m');
    expect(humanDuration(5 * 3600_000 + 60_000)).toBe('5h1m');
    expect(humanDuration(3 * 24 * 3600_000)).toBe('3d');
  });

  it('orders versions like kube: GA, beta, alpha', () => {
    expect(['v1alpha3', 'v1', 'v1beta1', 'v2'].sort(compareVersions)).toEqual(['v2', 'v1', 'v1beta1', 'v1alpha3']);
  });

  it('decodes a protobuf SelfSubjectAccessReview as kubectl sends it', () => {
    const str = (field: number, s: string) => Buffer.concat([Buffer.from([(field << 3) | 2, Buffer.byteLength(s)]), Buffer.from(s)]);
    const msg = (field: number, ...parts: Buffer[]) => {
      const body = Buffer.concat(parts);
      return Buffer.concat([Buffer.from([(field << 3) | 2, body.length]), body]);
    };
    const review = Buffer.concat([msg(1), msg(2, msg(1, str(1, 'default'), str(2, 'create'), str(3, 'networking.istio.io'), str(5, 'gateways')))]);
    const envelope = Buffer.concat([Buffer.from('k8s\0', 'binary'), msg(1, str(1, 'authorization.k8s.io/v1'), str(2, 'SelfSubjectAccessReview')), msg(2, review)]);
    expect(decodeReview(envelope)).toEqual({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { namespace: 'default', verb: 'create', group: 'networking.istio.io', resource: 'gateways' } },
    });
  });

  it('writes and reads the mesh config the knobs describe, keeping other settings', () => {
    const yaml = meshConfigYaml({ ...DEFAULT_KNOBS, accessLog: false, outboundPolicy: 'REGISTRY_ONLY' }, 'accessLogFile: /dev/stdout\naccessLogEncoding: JSON\n');
    expect(parseMeshConfig(yaml)).toEqual({ outboundTrafficPolicy: 'REGISTRY_ONLY', accessLogEncoding: 'JSON' });
    expect(parseMeshConfig('not: [valid')).toEqual({ outboundTrafficPolicy: 'ALLOW_ANY' });
  });
});

describe('strategic merge patch', () => {
  it('merges containers by name and ports by their key, honours $patch directives', async () => {
    const { strategicMerge } = await import('../../src/practice/strategic-merge.js');
    const spec = { containers: [{ name: 'curl', image: 'a', command: ['sleep'], ports: [{ containerPort: 80, name: 'http' }] }, { name: 'side', image: 's' }], volumes: [{ name: 'v', emptyDir: {} }] };
    const out = strategicMerge(spec, {
      $setElementOrder: { containers: [{ name: 'curl' }] },
      containers: [{ name: 'curl', image: 'b', ports: [{ containerPort: 8080 }] }, { name: 'side', $patch: 'delete' }],
      volumes: [{ name: 'w', emptyDir: {} }],
    });
    expect(out).toEqual({
      containers: [{ name: 'curl', image: 'b', command: ['sleep'], ports: [{ containerPort: 80, name: 'http' }, { containerPort: 8080 }] }],
      volumes: [{ name: 'v', emptyDir: {} }, { name: 'w', emptyDir: {} }],
    });
    expect(strategicMerge({ args: ['a', 'b'], labels: { x: '1' } }, { args: ['c'], labels: { $patch: 'replace', y: '2' } })).toEqual({ args: ['c'], labels: { y: '2' } });
  });
});
