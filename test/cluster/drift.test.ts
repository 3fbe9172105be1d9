// C6 drift detection from managedFields: the pure comparison (with managedFields shaped as
// kube-apiserver writes them) and the port over real client-node against the practice cluster,
// where the real kubectl changes a tutorial object.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldName, fieldsV1Paths, findDrift } from '../../src/cluster/kube/drift.js';
import { Kubectl } from '../conformance/kubectl.js';
import { egressObjects, serviceEntry, startPractice, type Practice } from './practice-helpers.js';

const applied = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'vs', namespace: 'default', labels: { 'app.kubernetes.io/managed-by': 'egress-tutorial' } },
  spec: { hosts: ['httpbin.org'], gateways: ['istio-egressgateway', 'mesh'], http: [{ match: [{ gateways: ['mesh'] }] }] },
};

const entry = (manager: string, operation: string, fieldsV1: Record<string, unknown>, time = '2026-12-07T01:00:00Z', subresource?: string) => ({
  manager,
  operation,
  apiVersion: 'networking.istio.io/v1',
  time,
  fieldsType: 'FieldsV1',
  fieldsV1,
  ...(subresource ? { subresource } : {}),
});

describe('findDrift (pure)', () => {
  it('names the field another manager took and the manager', () => {
    const live = structuredClone(applied) as Record<string, unknown> & { spec: Record<string, unknown>; metadata: Record<string, unknown> };
    live.spec.gateways = ['istio-egressgateway'];
    live.metadata.managedFields = [
      entry('egress-tutorial', 'Apply', { 'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/managed-by': {} } }, 'f:spec': { 'f:hosts': {}, 'f:http': {} } }),
      entry('kubectl-patch', 'Update', { 'f:spec': { 'f:gateways': {} } }, '2026-12-07T01:00:05Z'),
    ];
    expect(findDrift(applied, live)).toEqual({ fields: ['spec.gateways'], managers: ['kubectl-patch'] });
  });

  it('no drift when another manager shares a field with the same value, or owns only status', () => {
    const live = structuredClone(applied) as Record<string, unknown> & { metadata: Record<string, unknown> };
    live.metadata.managedFields = [
      entry('egress-tutorial', 'Apply', { 'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/managed-by': {} } }, 'f:spec': { 'f:hosts': {}, 'f:gateways': {}, 'f:http': {} } }),
      entry('kubectl', 'Apply', { 'f:spec': { 'f:hosts': {} } }),
      entry('pilot-discovery', 'Update', { 'f:status': { 'f:conditions': {} } }, undefined, 'status'),
    ];
    expect(findDrift(applied, live)).toEqual({ fields: [], managers: [] });
  });

  it('a removed field is blamed on the latest other writer; an added field counts too', () => {
    const live = structuredClone(applied) as Record<string, unknown> & { spec: Record<string, unknown>; metadata: Record<string, unknown> };
    delete live.spec.http;
    live.spec.exportTo = ['*'];
    live.metadata.managedFields = [
      entry('egress-tutorial', 'Apply', { 'f:spec': { 'f:hosts': {}, 'f:gateways': {} } }),
      entry('kubectl-edit', 'Update', { 'f:spec': { 'f:exportTo': {} } }, '2026-12-07T01:02:00Z'),
    ];
    expect(findDrift(applied, live)).toEqual({ fields: ['spec.exportTo', 'spec.http'], managers: ['kubectl-edit'] });
  });

  it('reads list entries (k:, v:) as owning their list; labels print with brackets', () => {
    expect(fieldsV1Paths({ 'f:spec': { 'f:ports': { 'k:{"port":80}': { '.': {}, 'f:name': {} } }, 'f:selector': {} } }).map(fieldName).sort()).toEqual(['spec.ports', 'spec.selector']);
    expect(fieldName(['metadata', 'labels', 'app.kubernetes.io/name'])).toBe('metadata.labels[app.kubernetes.io/name]');
  });
});

describe('ClusterPort.drift on the practice cluster', () => {
  let p: Practice;
  let kubectl: Kubectl;
  beforeAll(async () => {
    p = await startPractice();
    kubectl = await Kubectl.for(p.cluster);
  }, 30_000);
  afterAll(async () => {
    await p?.stop();
  });

  it('nothing after the tutorial applied; kubectl patch and kubectl label are named with their managers', async () => {
    const objects = [serviceEntry(), ...egressObjects()];
    const opts = { lesson: '04-http-egress-gateway', step: 'gateway', namespace: 'default' };
    const outcomes = await p.port.apply(objects, opts);
    expect(outcomes.map((o) => o.result)).toEqual(['created', 'created', 'created', 'created']);
    expect(await p.port.drift!(objects, opts)).toEqual([]);

    const vs = objects.find((o) => o.kind === 'VirtualService')!;
    const patched = await kubectl.run(['patch', 'virtualservice', vs.metadata.name, '-n', 'default', '--type=merge', '-p', '{"spec":{"gateways":["istio-egressgateway"]}}']);
    expect(patched.code, patched.stderr).toBe(0);
    const labelled = await kubectl.run(['label', 'serviceentry', objects[0].metadata.name, '-n', 'default', 'app.kubernetes.io/managed-by=someone', '--overwrite']);
    expect(labelled.code, labelled.stderr).toBe(0);

    const drift = await p.port.drift!(objects, opts);
    expect(drift).toEqual([
      { ref: { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', name: objects[0].metadata.name, namespace: 'default' }, fields: ['metadata.labels[app.kubernetes.io/managed-by]'], managers: ['kubectl-label'] },
      { ref: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', name: vs.metadata.name, namespace: 'default' }, fields: ['spec.gateways'], managers: ['kubectl-patch'] },
    ]);

    // Taking the fields back (a forced apply) ends the drift.
    await p.port.apply(objects, { ...opts, takeOver: true });
    expect(await p.port.drift!(objects, opts)).toEqual([]);
  }, 60_000);
});
