// Loads assets/istio/crds.json (extracted by scripts/extract-crds.mjs) once, on first use.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './paths.js';

/** A structural OpenAPI v3 schema node, as Istio's CRDs use it. */
export interface OpenApiSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: boolean | OpenApiSchema;
  required?: string[];
  items?: OpenApiSchema;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  nullable?: boolean;
  oneOf?: OpenApiSchema[];
  anyOf?: OpenApiSchema[];
  allOf?: OpenApiSchema[];
  not?: OpenApiSchema;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-validations'?: { rule: string; message?: string }[];
  [extension: string]: unknown;
}

export interface CrdVersionEntry {
  name: string;
  storage: boolean;
  schema: string; // key into CrdFile.schemas
}

export interface CrdEntry {
  group: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  scope: 'Namespaced' | 'Cluster';
  versions: CrdVersionEntry[]; // served versions only
}

export interface CrdFile {
  source: string;
  license: string;
  copyright: string;
  crds: CrdEntry[];
  schemas: Record<string, OpenApiSchema>;
}

let loaded: CrdFile | undefined;

/** The path of the shipped schema file. */
export function crdsFile(): string {
  return join(packageRoot(), 'assets', 'istio', 'crds.json');
}

export function loadCrdFile(): CrdFile {
  if (loaded) return loaded;
  const file = crdsFile();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`Cannot read the Istio schemas at ${file}; reinstall egress-tutorial.`);
  }
  try {
    loaded = JSON.parse(text) as CrdFile;
  } catch {
    throw new Error(`The Istio schemas at ${file} are not valid JSON; reinstall egress-tutorial.`);
  }
  return loaded;
}
