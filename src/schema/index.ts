// Istio CRD schemas (from assets/istio/crds.json), the Gateway API's (assets/gateway-api/crds.json,
// per release channel) and validation of objects of those kinds against them, reporting errors the
// way kube-apiserver does for a 422 Invalid response.
import { loadCrdFile, type CrdEntry, type CrdFile, type OpenApiSchema } from './crds.js';
import { childPath, jsonType, showValue, validateValue, type SchemaError } from './structural.js';
import { dns1123LabelProblems, dns1123SubdomainProblems } from './names.js';

export type { SchemaError } from './structural.js';
export type { OpenApiSchema } from './crds.js';
export { packageRoot } from './paths.js';
export { dns1123LabelProblems, dns1123SubdomainProblems } from './names.js';

export interface IstioKind {
  group: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  versions: string[]; // served versions, as listed in the CRD
  storageVersion: string;
}

let kinds: IstioKind[] | undefined;

/** The Gateway API's release channels: what `standard-install.yaml` / `experimental-install.yaml` install. */
export type GatewayApiChannel = 'standard' | 'experimental';
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

function toKind(crd: CrdEntry): IstioKind {
  return {
    group: crd.group,
    kind: crd.kind,
    plural: crd.plural,
    singular: crd.singular,
    shortNames: [...crd.shortNames],
    namespaced: crd.scope === 'Namespaced',
    versions: crd.versions.map((v) => v.name),
    storageVersion: crd.versions.find((v) => v.storage)?.name ?? crd.versions[0].name,
  };
}

/** The Istio kinds the tutorial knows (Gateway, VirtualService, DestinationRule, ServiceEntry, Sidecar, Telemetry). */
export function istioKinds(): IstioKind[] {
  kinds ??= loadCrdFile().crds.map(toKind);
  return kinds.map((k) => ({ ...k, shortNames: [...k.shortNames], versions: [...k.versions] }));
}

function gatewayApiEntries(channel: GatewayApiChannel): CrdEntry[] {
  return loadCrdFile('gateway-api').crds.filter((c) => c.channel === channel);
}

/** The Gateway API kinds a channel's CRDs serve (experimental adds TLSRoute, TCPRoute, ...). */
export function gatewayApiKinds(channel: GatewayApiChannel): IstioKind[] {
  return gatewayApiEntries(channel).map(toKind);
}

/** The Gateway API release the shipped CRDs come from (e.g. v1.3.0). */
export function gatewayApiBundleVersion(): string {
  return loadCrdFile('gateway-api').bundleVersion ?? 'unknown';
}

/** Splits "group/version"; core objects ("v1") have group "". */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** True when apiVersion names one of the Istio API groups in the schema file (any version). */
export function isIstioApiVersion(apiVersion: unknown): boolean {
  if (typeof apiVersion !== 'string') return false;
  const { group } = splitApiVersion(apiVersion);
  return loadCrdFile().crds.some((c) => c.group === group);
}

/** The Istio kind for a group and a kind, plural, singular or short name (case-insensitive), if known. */
export function findIstioKind(group: string, name: string): IstioKind | undefined {
  const n = name.toLowerCase();
  const crd = loadCrdFile().crds.find(
    (c) => c.group === group && (c.kind.toLowerCase() === n || c.plural === n || c.singular === n || c.shortNames.includes(n)),
  );
  return crd ? toKind(crd) : undefined;
}

/** The openAPIV3Schema of a served Istio apiVersion and kind, if any. */
export function istioSchema(apiVersion: string, kind: string): OpenApiSchema | undefined {
  const file = loadCrdFile();
  const { group, version } = splitApiVersion(apiVersion);
  const crd = file.crds.find((c) => c.group === group && c.kind === kind);
  const served = crd?.versions.find((v) => v.name === version);
  return served ? file.schemas[served.schema] : undefined;
}

function crdObjects(file: CrdFile, entries: CrdEntry[], labels: Record<string, string>): Record<string, unknown>[] {
  return entries.map((c) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${c.plural}.${c.group}`, ...(Object.keys(labels).length ? { labels } : {}), ...(c.annotations ? { annotations: { ...c.annotations } } : {}) },
    spec: {
      group: c.group,
      names: { kind: c.kind, listKind: `${c.kind}List`, plural: c.plural, singular: c.singular, shortNames: [...c.shortNames], categories: [...(c.categories ?? [])] },
      scope: c.scope,
      versions: c.versions.map((v) => ({
        name: v.name,
        served: true,
        storage: v.storage,
        schema: { openAPIV3Schema: structuredClone(file.schemas[v.schema]) },
        subresources: { status: {} },
      })),
    },
  }));
}

/** apiextensions.k8s.io/v1 CustomResourceDefinition objects for the known kinds (e.g. for an API server to serve). */
export function istioCustomResourceDefinitions(): Record<string, unknown>[] {
  const file = loadCrdFile();
  return crdObjects(file, file.crds, { app: 'istio-pilot' });
}

/** The CustomResourceDefinitions of one Gateway API channel, with upstream's bundle-version and channel annotations. */
export function gatewayApiCustomResourceDefinitions(channel: GatewayApiChannel): Record<string, unknown>[] {
  return crdObjects(loadCrdFile('gateway-api'), gatewayApiEntries(channel), {});
}

// metav1.ObjectMeta fields a client may send.
const OBJECT_META_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'labels', 'annotations', 'uid', 'resourceVersion', 'generation',
  'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'ownerReferences', 'finalizers',
  'managedFields', 'selfLink',
]);
const STRING_MAP_SCHEMA: OpenApiSchema = { type: 'object', additionalProperties: { type: 'string' } };

function validateMetadata(metadata: unknown, out: SchemaError[]): void {
  if (metadata === undefined) {
    out.push({ path: 'metadata.name', message: 'Required value: name or generateName is required' });
    return;
  }
  if (jsonType(metadata) !== 'object') {
    out.push({ path: 'metadata', message: `Invalid value: ${showValue(metadata)}: metadata in body must be of type object: ${JSON.stringify(jsonType(metadata))}` });
    return;
  }
  const meta = metadata as Record<string, unknown>;
  for (const key of Object.keys(meta)) {
    if (!OBJECT_META_FIELDS.has(key)) out.push({ path: `metadata.${key}`, message: `unknown field "metadata.${key}"` });
  }
  const { name, generateName, namespace } = meta;
  if (name === undefined || name === '') {
    if (generateName === undefined || generateName === '') out.push({ path: 'metadata.name', message: 'Required value: name or generateName is required' });
  } else if (typeof name !== 'string') {
    out.push({ path: 'metadata.name', message: `Invalid value: ${JSON.stringify(jsonType(name))}: metadata.name in body must be of type string: ${JSON.stringify(jsonType(name))}` });
  } else {
    for (const p of dns1123SubdomainProblems(name)) out.push({ path: 'metadata.name', message: `Invalid value: ${JSON.stringify(name)}: ${p}` });
  }
  if (namespace !== undefined) {
    if (typeof namespace !== 'string') {
      out.push({ path: 'metadata.namespace', message: `Invalid value: ${JSON.stringify(jsonType(namespace))}: metadata.namespace in body must be of type string: ${JSON.stringify(jsonType(namespace))}` });
    } else if (namespace !== '') {
      for (const p of dns1123LabelProblems(namespace)) out.push({ path: 'metadata.namespace', message: `Invalid value: ${JSON.stringify(namespace)}: ${p}` });
    }
  }
  for (const key of ['labels', 'annotations']) {
    if (meta[key] !== undefined) validateValue(STRING_MAP_SCHEMA, meta[key], `metadata.${key}`, out);
  }
}

function quotedList(values: string[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

/**
 * Validates an Istio object: apiVersion and kind must be a served Istio kind and version, metadata
 * must be sound, and the rest must match that version's openAPIV3Schema (unknown fields are errors,
 * like fieldValidation=Strict). Returns [] when valid.
 */
export function validateIstioObject(obj: unknown): SchemaError[] {
  const file = loadCrdFile();
  return validateAgainst(file, file.crds, obj);
}

/** True when apiVersion is in the Gateway API group (gateway.networking.k8s.io, any version). */
export function isGatewayApiVersion(apiVersion: unknown): boolean {
  return typeof apiVersion === 'string' && splitApiVersion(apiVersion).group === GATEWAY_API_GROUP;
}

/** Validates an Istio object, or a Gateway API object against one channel's schemas (default experimental, the wider one). */
export function validateCustomObject(obj: unknown, channel: GatewayApiChannel = 'experimental'): SchemaError[] {
  if (obj !== null && typeof obj === 'object' && isGatewayApiVersion((obj as Record<string, unknown>).apiVersion)) {
    return validateAgainst(loadCrdFile('gateway-api'), gatewayApiEntries(channel), obj);
  }
  return validateIstioObject(obj);
}

function validateAgainst(file: CrdFile, entries: CrdEntry[], obj: unknown): SchemaError[] {
  const out: SchemaError[] = [];
  if (jsonType(obj) !== 'object') {
    return [{ path: '', message: `Invalid value: ${showValue(obj)}: the object must be a mapping with apiVersion, kind, metadata and spec` }];
  }
  const o = obj as Record<string, unknown>;
  const { apiVersion, kind } = o;
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    out.push({ path: 'apiVersion', message: 'Required value: must not be empty' });
  }
  if (typeof kind !== 'string' || kind === '') {
    out.push({ path: 'kind', message: 'Required value: must not be empty' });
  }
  if (out.length) return out;

  const { group, version } = splitApiVersion(apiVersion as string);
  const groups = [...new Set(entries.map((c) => c.group))];
  if (!groups.includes(group)) {
    return [{ path: 'apiVersion', message: `Unsupported value: ${JSON.stringify(apiVersion)}: supported groups: ${quotedList(groups)}` }];
  }
  const crd = entries.find((c) => c.group === group && c.kind === kind);
  if (!crd) {
    const known = entries.filter((c) => c.group === group).map((c) => c.kind);
    return [{ path: 'kind', message: `Unsupported value: ${JSON.stringify(kind)}: supported values: ${quotedList(known)}` }];
  }
  const served = crd.versions.find((v) => v.name === version);
  if (!served) {
    return [{ path: 'apiVersion', message: `Unsupported value: ${JSON.stringify(apiVersion)}: supported values: ${quotedList(crd.versions.map((v) => `${group}/${v.name}`))}` }];
  }

  validateMetadata(o.metadata, out);
  // apiVersion, kind and metadata are validated above; the CRD schema covers the rest (spec, status).
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(o)) {
    if (key !== 'apiVersion' && key !== 'kind' && key !== 'metadata') rest[key] = value;
  }
  validateValue(file.schemas[served.schema], rest, '', out);
  return out;
}

function formatError(e: SchemaError): string {
  // Unknown-field messages already name the field, as kube-apiserver's strict decoding errors do.
  if (e.path === '' || e.message.startsWith('unknown field ')) return e.message;
  return `${e.path}: ${e.message}`;
}

/** The kube-apiserver 422 message: `<Kind>.<group> "<name>" is invalid: [a, b]` (one error: no brackets). */
export function formatInvalid(kind: string, name: string, errors: SchemaError[], group?: string): string {
  const crd = group === undefined ? loadCrdFile().crds.find((c) => c.kind === kind) : undefined;
  const g = group ?? crd?.group;
  const qualified = g ? `${kind}.${g}` : kind;
  const parts = errors.map(formatError);
  const body = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return `${qualified} "${name}" is invalid: ${body}`;
}

export { childPath };
