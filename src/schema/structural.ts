// Validates a value against a structural OpenAPI v3 schema, phrasing errors as kube-apiserver does
// for custom resources (field path, then "Required value", "Unsupported value: ...",
// "Invalid value: X: <path> in body ...").
//
// CEL rules (x-kubernetes-validations) are not interpreted: the ones the shipped Istio CRDs use are
// re-implemented in cel.ts by their exact text, and any other rule is skipped.
import type { OpenApiSchema } from './crds.js';
import { celPredicate } from './cel.js';

export interface SchemaError {
  path: string; // e.g. spec.servers[0].port.number
  message: string;
}

type JsonType = 'null' | 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';

export function jsonType(value: unknown): JsonType {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'number';
    default:
      return 'object';
  }
}

/** How kube-apiserver prints a value after "Invalid value:" (Go %q for strings; type names for collections). */
export function showValue(value: unknown): string {
  const t = jsonType(value);
  if (t === 'string') return JSON.stringify(value);
  if (t === 'array' || t === 'object' || t === 'null') return JSON.stringify(t);
  return String(value);
}

export function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Map entries print as path[key], like field.Path.Key in apimachinery. */
function keyPath(path: string, key: string): string {
  return `${path}[${key}]`;
}

function bodyPath(path: string): string {
  return path === '' ? '<root>' : path;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const patternCache = new Map<string, RegExp | null>();

function compiledPattern(pattern: string): RegExp | null {
  if (!patternCache.has(pattern)) {
    try {
      patternCache.set(pattern, new RegExp(pattern, 'u'));
    } catch {
      patternCache.set(pattern, null); // a Go (RE2) construct JavaScript lacks: skip rather than misjudge
    }
  }
  return patternCache.get(pattern) ?? null;
}

/** The format checks that are cheap; unknown formats pass. Returns false when the value breaks it. */
function formatHolds(format: string, value: unknown): boolean {
  switch (format) {
    case 'int32':
      return typeof value !== 'number' || (value >= -2147483648 && value <= 2147483647);
    case 'int64':
      return typeof value !== 'number' || Number.isSafeInteger(value) || Math.abs(value) <= 2 ** 63;
    case 'date-time':
      return typeof value !== 'string' || DATE_TIME.test(value);
    case 'byte':
      return typeof value !== 'string' || BASE64.test(value);
    default:
      return true;
  }
}

interface Mode {
  /** Report fields the schema does not declare (fieldValidation=Strict). Off inside oneOf/anyOf/not branches. */
  strict: boolean;
}

/** Validates `value` at `path` against `schema`; appends kube-apiserver style errors to `out`. */
export function validateValue(schema: OpenApiSchema, value: unknown, path: string, out: SchemaError[], mode: Mode = { strict: true }): void {
  const actual = jsonType(value);
  const at = bodyPath(path);

  if (actual === 'null') {
    if (schema.nullable || schema['x-kubernetes-preserve-unknown-fields'] || !schema.type) return;
    out.push({ path, message: `Invalid value: "null": ${at} in body must be of type ${schema.type}: "null"` });
    return;
  }

  if (schema['x-kubernetes-int-or-string']) {
    if (actual !== 'integer' && actual !== 'string') {
      out.push({ path, message: `Invalid value: ${showValue(value)}: ${at} in body must be of type integer-or-string: ${JSON.stringify(actual)}` });
      return;
    }
  } else if (schema.type && schema.type !== actual && !(schema.type === 'number' && actual === 'integer')) {
    out.push({ path, message: `Invalid value: ${JSON.stringify(actual)}: ${at} in body must be of type ${schema.type}: ${JSON.stringify(actual)}` });
    return;
  }

  if (schema.enum && !schema.enum.some((allowed) => allowed === value)) {
    const supported = schema.enum.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(', ');
    out.push({ path, message: `Unsupported value: ${showValue(value)}: supported values: ${supported}` });
  }

  if (schema.format && !formatHolds(schema.format, value)) {
    out.push({ path, message: `Invalid value: ${showValue(value)}: ${at} in body must be of type ${schema.format}: ${showValue(value)}` });
  }

  if (typeof value === 'string') checkString(schema, value, path, out);
  else if (typeof value === 'number') checkNumber(schema, value, path, out);
  else if (Array.isArray(value)) checkArray(schema, value, path, out, mode);
  else if (actual === 'object') checkObject(schema, value as Record<string, unknown>, path, out, mode);

  checkCombinators(schema, value, path, out);
  checkRules(schema, value, path, out);
}

/** Known CEL rules; a failed rule reads like kube-apiserver's: Invalid value: "<type>": <rule message>. */
function checkRules(schema: OpenApiSchema, value: unknown, path: string, out: SchemaError[]): void {
  for (const rule of schema['x-kubernetes-validations'] ?? []) {
    const holds = celPredicate(rule.rule);
    if (!holds) continue;
    let ok = true;
    try {
      ok = holds(value);
    } catch {
      ok = true; // a shape the rule does not expect: the structural checks above already said so
    }
    if (!ok) {
      out.push({ path, message: `Invalid value: ${JSON.stringify(schema.type ?? jsonType(value))}: ${rule.message ?? `failed rule: ${rule.rule}`}` });
    }
  }
}

function checkString(schema: OpenApiSchema, value: string, path: string, out: SchemaError[]): void {
  const at = bodyPath(path);
  const length = [...value].length; // characters (runes), as kube-openapi counts
  if (schema.maxLength !== undefined && length > schema.maxLength) {
    out.push({ path, message: `Too long: may not be more than ${schema.maxLength} bytes` });
  }
  if (schema.minLength !== undefined && length < schema.minLength) {
    out.push({ path, message: `Invalid value: ${showValue(value)}: ${at} in body should be at least ${schema.minLength} chars long` });
  }
  if (schema.pattern !== undefined) {
    const re = compiledPattern(schema.pattern);
    if (re && !re.test(value)) {
      out.push({ path, message: `Invalid value: ${showValue(value)}: ${at} in body should match '${schema.pattern}'` });
    }
  }
}

function checkNumber(schema: OpenApiSchema, value: number, path: string, out: SchemaError[]): void {
  const at = bodyPath(path);
  if (schema.minimum !== undefined) {
    if (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum) {
      const rel = schema.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
      out.push({ path, message: `Invalid value: ${value}: ${at} in body should be ${rel} ${schema.minimum}` });
    }
  }
  if (schema.maximum !== undefined) {
    if (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum) {
      const rel = schema.exclusiveMaximum ? 'less than' : 'less than or equal to';
      out.push({ path, message: `Invalid value: ${value}: ${at} in body should be ${rel} ${schema.maximum}` });
    }
  }
}

function checkArray(schema: OpenApiSchema, value: unknown[], path: string, out: SchemaError[], mode: Mode): void {
  const at = bodyPath(path);
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    out.push({ path, message: `Too many: ${value.length}: must have at most ${schema.maxItems} items` });
  }
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    out.push({ path, message: `Invalid value: ${value.length}: ${at} in body should have at least ${schema.minItems} items` });
  }
  if (schema.items) {
    value.forEach((item, i) => validateValue(schema.items as OpenApiSchema, item, `${path}[${i}]`, out, mode));
  }
}

function checkObject(schema: OpenApiSchema, value: Record<string, unknown>, path: string, out: SchemaError[], mode: Mode): void {
  const at = bodyPath(path);
  const keys = Object.keys(value);
  for (const name of schema.required ?? []) {
    if (!(name in value) || value[name] === undefined) out.push({ path: childPath(path, name), message: 'Required value' });
  }
  if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
    out.push({ path, message: `Too many: ${keys.length}: must have at most ${schema.maxProperties} items` });
  }
  if (schema.minProperties !== undefined && keys.length < schema.minProperties) {
    out.push({ path, message: `Invalid value: ${keys.length}: ${at} in body should have at least ${schema.minProperties} properties` });
  }
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const extra = schema.additionalProperties;
  for (const key of keys) {
    const declared = schema.properties?.[key];
    if (declared) {
      validateValue(declared, value[key], childPath(path, key), out, mode);
    } else if (extra && typeof extra === 'object') {
      validateValue(extra, value[key], keyPath(path, key), out, mode);
    } else if (extra === true || preserve) {
      continue;
    } else if (mode.strict) {
      const full = childPath(path, key);
      out.push({ path: full, message: `unknown field ${JSON.stringify(full)}` });
    }
  }
}

/** oneOf/anyOf/allOf/not: Istio uses them to say "at most one of these fields". */
function checkCombinators(schema: OpenApiSchema, value: unknown, path: string, out: SchemaError[]): void {
  const at = bodyPath(path);
  const passes = (branch: OpenApiSchema): boolean => {
    const errs: SchemaError[] = [];
    validateValue(branch, value, path, errs, { strict: false });
    return errs.length === 0;
  };
  for (const branch of schema.allOf ?? []) validateValue(branch, value, path, out, { strict: false });
  if (schema.oneOf && schema.oneOf.filter(passes).length !== 1) {
    out.push({ path, message: `Invalid value: ${showValue(value)}: ${at} in body must validate one and only one schema (oneOf)` });
  }
  if (schema.anyOf && !schema.anyOf.some(passes)) {
    out.push({ path, message: `Invalid value: ${showValue(value)}: ${at} in body must validate at least one schema (anyOf)` });
  }
  if (schema.not && passes(schema.not)) {
    out.push({ path, message: `Invalid value: ${showValue(value)}: ${at} in body must not validate the schema (not)` });
  }
}
