import { describe, expect, it } from 'vitest';
import yaml from 'js-yaml';
import { formatInvalid, istioKinds, validateIstioObject, findIstioKind, istioCustomResourceDefinitions, isIstioApiVersion, istioSchema, type SchemaError } from '../../src/schema/index.js';
import { SEED_YAML } from './seed-manifests.js';

type Obj = Record<string, any>;
const seed = (yaml.loadAll(SEED_YAML) as Obj[]).filter(Boolean);
const clone = <T>(o: T): T => structuredClone(o);
const byKind = (kind: string): Obj => clone(seed.find((o) => o.kind === kind)!);
const asV1 = (o: Obj): Obj => ({ ...clone(o), apiVersion: o.apiVersion.replace(/\/v1alpha\d+$/, '/v1') });

describe('istioKinds', () => {
  it('lists the seven kinds the tutorial needs, with served and storage versions', () => {
    const kinds = istioKinds();
    expect(kinds.map((k) => `${k.kind}.${k.group}`).sort()).toEqual(
      [
        'AuthorizationPolicy.security.istio.io',
        'DestinationRule.networking.istio.io',
        'Gateway.networking.istio.io',
        'ServiceEntry.networking.istio.io',
        'Sidecar.networking.istio.io',
        'Telemetry.telemetry.istio.io',
        'VirtualService.networking.istio.io',
      ].sort(),
    );
    const gw = kinds.find((k) => k.kind === 'Gateway')!;
    expect(gw).toMatchObject({ plural: 'gateways', singular: 'gateway', namespaced: true, storageVersion: 'v1' });
    expect(gw.shortNames).toContain('gw');
    expect([...gw.versions].sort()).toEqual(['v1', 'v1alpha3', 'v1beta1']);
    const tel = kinds.find((k) => k.kind === 'Telemetry')!;
    expect(tel.versions).toContain('v1');
  });

  it('finds kinds by short name and plural', () => {
    expect(findIstioKind('networking.istio.io', 'se')?.kind).toBe('ServiceEntry');
    expect(findIstioKind('networking.istio.io', 'virtualservices')?.kind).toBe('VirtualService');
    expect(findIstioKind('networking.istio.io', 'nope')).toBeUndefined();
  });

  it('answers which apiVersions are Istio and which schema a served version has', () => {
    expect(isIstioApiVersion('networking.istio.io/v1alpha3')).toBe(true);
    expect(isIstioApiVersion('telemetry.istio.io/v1')).toBe(true);
    expect(isIstioApiVersion('gateway.networking.k8s.io/v1')).toBe(false);
    expect(isIstioApiVersion(undefined)).toBe(false);
    expect(istioSchema('networking.istio.io/v1beta1', 'ServiceEntry')?.properties?.spec?.required).toEqual(['hosts']);
    expect(istioSchema('networking.istio.io/v2', 'ServiceEntry')).toBeUndefined();
  });

  it('builds CRD objects that carry every served version and its schema', () => {
    const crds = istioCustomResourceDefinitions();
    const se = crds.find((c: Obj) => c.metadata.name === 'serviceentries.networking.istio.io') as Obj;
    expect(se.spec.versions.map((v: Obj) => v.name).sort()).toEqual(['v1', 'v1alpha3', 'v1beta1']);
    expect(se.spec.versions[0].schema.openAPIV3Schema.properties.spec.required).toEqual(['hosts']);
  });
});

describe('validateIstioObject on the seed manifests', () => {
  it.each(seed.map((o) => [`${o.kind} ${o.metadata.name} ${o.apiVersion}`, o] as const))('%s is valid', (_, o) => {
    expect(validateIstioObject(o)).toEqual([]);
  });
  it.each(seed.map((o) => [`${o.kind} ${o.metadata.name} as v1`, asV1(o)] as const))('%s is valid', (_, o) => {
    expect(validateIstioObject(o)).toEqual([]);
  });
  it('accepts v1beta1 too', () => {
    expect(validateIstioObject({ ...byKind('Gateway'), apiVersion: 'networking.istio.io/v1beta1' })).toEqual([]);
  });
});

describe('validateIstioObject errors, in kube-apiserver words', () => {
  it('wrong enum value', () => {
    const se = byKind('ServiceEntry');
    se.spec.resolution = 'FOO';
    expect(validateIstioObject(se)).toEqual([
      { path: 'spec.resolution', message: 'Unsupported value: "FOO": supported values: "NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN", "DYNAMIC_DNS"' },
    ]);
  });

  it('wrong type', () => {
    const se = byKind('ServiceEntry');
    se.spec.ports[0].number = 'eighty';
    expect(validateIstioObject(se)).toEqual([
      { path: 'spec.ports[0].number', message: 'Invalid value: "string": spec.ports[0].number in body must be of type integer: "string"' },
    ]);
  });

  it('missing required field', () => {
    const se = byKind('ServiceEntry');
    delete se.spec.hosts;
    delete se.spec.ports[1].name;
    expect(validateIstioObject(se)).toEqual([
      { path: 'spec.hosts', message: 'Required value' },
      { path: 'spec.ports[1].name', message: 'Required value' },
    ]);
  });

  it('unknown field, at any depth', () => {
    const gw = byKind('Gateway');
    gw.spec.foo = 1;
    gw.spec.servers[0].port.nmber = 80;
    gw.extra = true;
    const errors = validateIstioObject(gw);
    expect(errors).toEqual([
      { path: 'spec.servers[0].port.nmber', message: 'unknown field "spec.servers[0].port.nmber"' },
      { path: 'spec.foo', message: 'unknown field "spec.foo"' },
      { path: 'extra', message: 'unknown field "extra"' },
    ]);
  });

  it('tls mode enum in the Gateway', () => {
    const gw = clone(seed.find((o) => o.kind === 'Gateway' && o.spec.servers[0].tls)!);
    gw.spec.servers[0].tls.mode = 'PASSTHRU';
    const [e] = validateIstioObject(gw);
    expect(e.path).toBe('spec.servers[0].tls.mode');
    expect(e.message).toMatch(/^Unsupported value: "PASSTHRU": supported values: .*"PASSTHROUGH"/);
  });

  it('minimum, maximum, minItems, maxItems and int32 format', () => {
    const gw = clone(seed.find((o) => o.kind === 'Gateway' && o.spec.servers[0].tls)!);
    gw.spec.servers[0].port.number = -1;
    gw.spec.servers[0].port.targetPort = 4294967296;
    gw.spec.servers[0].tls.credentialNames = [];
    const errors = validateIstioObject(gw);
    expect(errors).toEqual([
      { path: 'spec.servers[0].port.number', message: 'Invalid value: -1: spec.servers[0].port.number in body should be greater than or equal to 0' },
      { path: 'spec.servers[0].port.targetPort', message: 'Invalid value: 4294967296: spec.servers[0].port.targetPort in body should be less than or equal to 4294967295' },
      { path: 'spec.servers[0].tls.credentialNames', message: 'Invalid value: 0: spec.servers[0].tls.credentialNames in body should have at least 1 items' },
    ] satisfies SchemaError[]);
    gw.spec.servers[0].tls.credentialNames = ['a', 'b', 'c'];
    gw.spec.servers[0].port.number = 443;
    gw.spec.servers[0].port.targetPort = 8443;
    expect(validateIstioObject(gw)).toEqual([{ path: 'spec.servers[0].tls.credentialNames', message: 'Too many: 3: must have at most 2 items' }]);
    const vs = byKind('VirtualService');
    vs.spec.http[0].route[0].weight = 2 ** 31;
    expect(validateIstioObject(vs)).toEqual([
      { path: 'spec.http[0].route[0].weight', message: 'Invalid value: 2147483648: spec.http[0].route[0].weight in body must be of type int32: 2147483648' },
    ]);
  });

  it('oneOf: two of exact/prefix/regex in a string match', () => {
    const vs = byKind('VirtualService');
    vs.spec.http[0].match[0].uri = { exact: '/a', prefix: '/b' };
    expect(validateIstioObject(vs)).toEqual([
      { path: 'spec.http[0].match[0].uri', message: 'Invalid value: "object": spec.http[0].match[0].uri in body must validate one and only one schema (oneOf)' },
    ]);
    vs.spec.http[0].match[0].uri = { prefix: '/b' };
    expect(validateIstioObject(vs)).toEqual([]);
  });

  it('map values are typed and keyed as path[key]', () => {
    const gw = byKind('Gateway');
    gw.spec.selector.istio = 5;
    expect(validateIstioObject(gw)).toEqual([
      { path: 'spec.selector[istio]', message: 'Invalid value: "integer": spec.selector[istio] in body must be of type string: "integer"' },
    ]);
  });

  it('status is preserved as unknown fields', () => {
    const dr = byKind('DestinationRule');
    dr.status = { anything: { goes: 1 } };
    expect(validateIstioObject(dr)).toEqual([]);
  });

  it('unserved version and unknown kind', () => {
    expect(validateIstioObject({ ...byKind('Gateway'), apiVersion: 'networking.istio.io/v2' })).toEqual([
      { path: 'apiVersion', message: 'Unsupported value: "networking.istio.io/v2": supported values: "networking.istio.io/v1", "networking.istio.io/v1alpha3", "networking.istio.io/v1beta1"' },
    ]);
    const [e] = validateIstioObject({ ...byKind('Gateway'), kind: 'EgressGateway' });
    expect(e.path).toBe('kind');
    expect(e.message).toMatch(/^Unsupported value: "EgressGateway": supported values: "Gateway", /);
    expect(validateIstioObject({ ...byKind('Gateway'), apiVersion: 'apps/v1' })[0].path).toBe('apiVersion');
  });

  it('metadata: name required and RFC 1123, unknown metadata fields', () => {
    const gw = byKind('Gateway');
    gw.metadata = { labels: { a: 'b' } };
    expect(validateIstioObject(gw)).toEqual([{ path: 'metadata.name', message: 'Required value: name or generateName is required' }]);
    gw.metadata = { name: 'Bad_Name', nmespace: 'x' };
    const errors = validateIstioObject(gw);
    expect(errors[0]).toEqual({ path: 'metadata.nmespace', message: 'unknown field "metadata.nmespace"' });
    expect(errors[1].path).toBe('metadata.name');
    expect(errors[1].message).toMatch(/^Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/);
  });

  it('null where a value is needed', () => {
    const dr = byKind('DestinationRule');
    dr.spec.host = null;
    expect(validateIstioObject(dr)).toEqual([
      { path: 'spec.host', message: 'Invalid value: "null": spec.host in body must be of type string: "null"' },
    ]);
  });

  it('string length and pattern', () => {
    const tel = byKind('Telemetry');
    tel.spec.targetRef = { kind: '9bad', group: '', name: 'x' };
    const errors = validateIstioObject(tel);
    expect(errors).toContainEqual({
      path: 'spec.targetRef.kind',
      message: `Invalid value: "9bad": spec.targetRef.kind in body should match '^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$'`,
    });
  });
});

describe('formatInvalid', () => {
  it('a kind outside the Istio schemas keeps its bare name', () => {
    expect(formatInvalid('ConfigMap', 'x', [{ path: 'data', message: 'Required value' }])).toBe('ConfigMap "x" is invalid: data: Required value');
  });
  it('one error: no brackets', () => {
    expect(formatInvalid('ServiceEntry', 'cnn', [{ path: 'spec.hosts', message: 'Required value' }])).toBe(
      'ServiceEntry.networking.istio.io "cnn" is invalid: spec.hosts: Required value',
    );
  });
  it('several errors: bracketed, comma separated; unknown fields print as their own message', () => {
    expect(
      formatInvalid('Gateway', 'gw', [
        { path: 'spec.servers[0].port.number', message: 'Required value' },
        { path: 'spec.foo', message: 'unknown field "spec.foo"' },
      ]),
    ).toBe('Gateway.networking.istio.io "gw" is invalid: [spec.servers[0].port.number: Required value, unknown field "spec.foo"]');
  });
});
