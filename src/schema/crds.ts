// Loads a shipped CRD schema bundle once, on first use: assets/istio/crds.json (extracted by
// scripts/extract-crds.mjs) or assets/gateway-api/crds.json (scripts/extract-gateway-api-crds.mjs).
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
  /** Gateway API only: the release channel this CRD ships in (standard kinds appear in both). */
  channel?: 'standard' | 'experimental';
  /** Gateway API only: the CRD's annotations (bundle-version, channel), as kubectl get crd shows them. */
  annotations?: Record<string, string>;
  categories?: string[];
}

export interface CrdFile {
  source: string;
  license: string;
  copyright: string;
  crds: CrdEntry[];
  schemas: Record<string, OpenApiSchema>;
  /** Gateway API only: the upstream release (e.g. v1.3.0). */
  bundleVersion?: string;
}

export type CrdBundle = 'istio' | 'gateway-api';
const BUNDLE_NAMES: Record<CrdBundle, string> = { istio: 'Istio', 'gateway-api': 'Gateway API' };
const loadedBundles = new Map<CrdBundle, CrdFile>();

/** The path of a shipped schema file. */
export function crdsFile(bundle: CrdBundle = 'istio'): string {
  return join(packageRoot(), 'assets', bundle, 'crds.json');
}

export function loadCrdFile(bundle: CrdBundle = 'istio'): CrdFile {
  const cached = loadedBundles.get(bundle);
  if (cached) return cached;
  const file = crdsFile(bundle);
  let loaded: CrdFile;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`Cannot read the ${BUNDLE_NAMES[bundle]} schemas at ${file}; reinstall egress-tutorial.`);
  }
  try {
    loaded = JSON.parse(text) as CrdFile;
  } catch {
    throw new Error(`The ${BUNDLE_NAMES[bundle]} schemas at ${file} are not valid JSON; reinstall egress-tutorial.`);
  }
  loadedBundles.set(bundle, loaded);
  return loaded;
}
