import { describe, expect, it } from 'vitest';
import yaml from 'js-yaml';
import { celPredicate, parseDuration } from '../../src/schema/cel.js';
import { loadCrdFile } from '../../src/schema/crds.js';
import { validateIstioObject } from '../../src/schema/index.js';
import { SEED_YAML } from './seed-manifests.js';

type Obj = Record<string, any>;
const seed = (yaml.loadAll(SEED_YAML) as Obj[]).filter(Boolean);
const byKind = (kind: string): Obj => structuredClone(seed.find((o) => o.kind === kind)!);

function rulesIn(schema: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(schema)) schema.forEach((s) => rulesIn(s, out));
  else if (schema && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'x-kubernetes-validations') (value as { rule: string }[]).forEach((r) => out.add(r.rule));
      else rulesIn(value, out);
    }
  }
  return out;
}

describe('CEL rules of the shipped schemas', () => {
  it('every rule is implemented (a refresh that adds one must add it to cel.ts)', () => {
    const rules = new Set<string>();
    for (const schema of Object.values(loadCrdFile().schemas)) rulesIn(schema, rules);
    expect(rules.size).toBeGreaterThan(10);
    expect([...rules].filter((r) => !celPredicate(r))).toEqual([]);
  });

  it('parses Go durations', () => {
    expect(parseDuration('1ms')).toBe(1e6);
    expect(parseDuration('1h30m')).toBe(5400e9);
    expect(parseDuration('0.5s')).toBe(5e8);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('5')).toBeUndefined();
    expect(parseDuration('abc')).toBeUndefined();
  });
});

describe('CEL failures read like kube-apiserver', () => {
  it('a ServiceEntry port out of 1-65535, and a duplicated port number', () => {
    const se = byKind('ServiceEntry');
    se.spec.ports[0].number = 70000;
    expect(validateIstioObject(se)).toEqual([{ path: 'spec.ports[0].number', message: 'Invalid value: "integer": port must be between 1-65535' }]);
    se.spec.ports[0].number = 443;
    expect(validateIstioObject(se)).toEqual([{ path: 'spec.ports', message: 'Invalid value: "array": port number cannot be duplicated' }]);
  });

  it('a wildcard host and a duration that is too short or not a duration', () => {
    const se = byKind('ServiceEntry');
    se.spec.hosts = ['*'];
    expect(validateIstioObject(se)).toEqual([{ path: 'spec.hosts[0]', message: 'Invalid value: "string": hostname cannot be wildcard' }]);
    const vs = byKind('VirtualService');
    vs.spec.http[0].timeout = '5';
    expect(validateIstioObject(vs)).toEqual([{ path: 'spec.http[0].timeout', message: 'Invalid value: "string": must be a valid duration greater than 1ms' }]);
    vs.spec.http[0].timeout = '5s';
    expect(validateIstioObject(vs)).toEqual([]);
  });

  it('at most one of several fields', () => {
    const se = byKind('ServiceEntry');
    se.spec.workloadSelector = { labels: { app: 'x' } };
    se.spec.endpoints = [{ address: '1.2.3.4' }];
    expect(validateIstioObject(se)).toEqual([{ path: 'spec', message: 'Invalid value: "object": only one of WorkloadSelector or Endpoints can be set' }]);
  });
});
