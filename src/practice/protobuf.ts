// kubectl sends a few built-in kinds as Kubernetes protobuf ("k8s\0" + runtime.Unknown). We decode
// only what we must: the access reviews behind `kubectl auth can-i`. Answers are JSON (kubectl's
// Accept header allows it).

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';

type Fields = Map<number, (Buffer | number)[]>;

function readVarint(b: Buffer, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos >= b.length) throw new Error('truncated varint');
    const byte = b[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7;
  }
}

function fields(b: Buffer): Fields {
  const out: Fields = new Map();
  let pos = 0;
  while (pos < b.length) {
    const [tag, p1] = readVarint(b, pos);
    pos = p1;
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    let value: Buffer | number;
    if (wire === 0) [value, pos] = readVarint(b, pos);
    else if (wire === 2) {
      const [n, p2] = readVarint(b, pos);
      value = b.subarray(p2, p2 + n);
      pos = p2 + n;
    } else if (wire === 1) {
      value = b.subarray(pos, pos + 8);
      pos += 8;
    } else if (wire === 5) {
      value = b.subarray(pos, pos + 4);
      pos += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

const str = (f: Fields, n: number): string | undefined => {
  const v = f.get(n)?.[0];
  return Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
};
const msg = (f: Fields, n: number): Fields => {
  const v = f.get(n)?.[0];
  return Buffer.isBuffer(v) ? fields(v) : new Map();
};

export function isProtobuf(contentType: string): boolean {
  return contentType.split(';')[0].trim() === PROTOBUF;
}

/** Unwraps the runtime.Unknown envelope: apiVersion, kind and the raw message. */
export function decodeEnvelope(body: Buffer): { apiVersion: string; kind: string; raw: Buffer } {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw new Error('not a Kubernetes protobuf message');
  const unknown = fields(body.subarray(4));
  const typeMeta = msg(unknown, 1);
  const raw = unknown.get(2)?.[0];
  return { apiVersion: str(typeMeta, 1) ?? '', kind: str(typeMeta, 2) ?? '', raw: Buffer.isBuffer(raw) ? raw : Buffer.alloc(0) };
}

function compact(o: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;
}

/** SelfSubjectAccessReview / SelfSubjectRulesReview as the JSON object they stand for. */
export function decodeReview(body: Buffer): Record<string, unknown> {
  const env = decodeEnvelope(body);
  const top = fields(env.raw);
  const spec = msg(top, 2);
  if (env.kind === 'SelfSubjectRulesReview') return { apiVersion: env.apiVersion, kind: env.kind, spec: compact({ namespace: str(spec, 1) }) };
  const out: Record<string, unknown> = {};
  if (spec.has(1)) {
    const ra = msg(spec, 1);
    out.resourceAttributes = compact({ namespace: str(ra, 1), verb: str(ra, 2), group: str(ra, 3), version: str(ra, 4), resource: str(ra, 5), subresource: str(ra, 6), name: str(ra, 7) });
  }
  if (spec.has(2)) {
    const na = msg(spec, 2);
    out.nonResourceAttributes = compact({ path: str(na, 1), verb: str(na, 2) });
  }
  return { apiVersion: env.apiVersion, kind: env.kind, spec: out };
}

function stringMap(f: Fields, n: number): Record<string, string> | undefined {
  const entries = f.get(n);
  if (!entries?.length) return undefined;
  const out: Record<string, string> = {};
  for (const e of entries) {
    if (!Buffer.isBuffer(e)) continue;
    const kv = fields(e);
    out[str(kv, 1) ?? ''] = str(kv, 2) ?? '';
  }
  return out;
}

function objectMeta(f: Fields): Record<string, unknown> {
  const meta: Record<string, unknown> = compact({ name: str(f, 1), generateName: str(f, 2), namespace: str(f, 3) });
  const labels = stringMap(f, 11);
  const annotations = stringMap(f, 12);
  if (labels) meta.labels = labels;
  if (annotations) meta.annotations = annotations;
  return meta;
}

const strs = (f: Fields, n: number): string[] => (f.get(n) ?? []).filter(Buffer.isBuffer).map((b) => b.toString('utf8'));
const msgs = (f: Fields, n: number): Fields[] => (f.get(n) ?? []).filter(Buffer.isBuffer).map((b) => fields(b));

/** rbac/v1 PolicyRule: verbs 1, apiGroups 2, resources 3, resourceNames 4, nonResourceURLs 5. */
function policyRule(f: Fields): Record<string, unknown> {
  const out: Record<string, unknown> = { verbs: strs(f, 1) };
  const keys = [[2, 'apiGroups'], [3, 'resources'], [4, 'resourceNames'], [5, 'nonResourceURLs']] as const;
  for (const [n, k] of keys) if (f.has(n)) out[k] = strs(f, n);
  return out;
}

function rbacObject(kind: string, top: Fields): Record<string, unknown> | undefined {
  if (kind === 'Role' || kind === 'ClusterRole') return { rules: msgs(top, 2).map(policyRule) };
  if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
    const ref = msg(top, 3);
    return {
      subjects: msgs(top, 2).map((s) => compact({ kind: str(s, 1), apiGroup: str(s, 2), name: str(s, 3), namespace: str(s, 4) })),
      roleRef: { apiGroup: str(ref, 1) ?? '', kind: str(ref, 2) ?? '', name: str(ref, 3) ?? '' },
    };
  }
  return undefined;
}

/**
 * Namespace, ConfigMap, ServiceAccount and the RBAC kinds as kubectl's imperative `create`
 * commands send them; undefined for kinds we cannot decode (the caller answers 415).
 */
export function decodeSimpleObject(body: Buffer): Record<string, unknown> | undefined {
  const env = decodeEnvelope(body);
  const top = fields(env.raw);
  const metadata = objectMeta(msg(top, 1));
  if (env.kind === 'Namespace' || env.kind === 'ServiceAccount') return { apiVersion: env.apiVersion, kind: env.kind, metadata };
  const rbac = env.apiVersion.startsWith('rbac.authorization.k8s.io/') ? rbacObject(env.kind, top) : undefined;
  if (rbac) return { apiVersion: env.apiVersion, kind: env.kind, metadata, ...rbac };
  if (env.kind === 'ConfigMap') {
    const obj: Record<string, unknown> = { apiVersion: env.apiVersion, kind: env.kind, metadata };
    const data = stringMap(top, 2);
    if (data) obj.data = data;
    return obj;
  }
  return undefined;
}

/** authentication.k8s.io/v1 TokenRequest as `kubectl create token` sends it. */
export function decodeTokenRequest(body: Buffer): Record<string, unknown> {
  const env = decodeEnvelope(body);
  const top = fields(env.raw);
  const metadata = objectMeta(msg(top, 1));
  const specFields = msg(top, 2);
  const spec: Record<string, unknown> = {};
  const audiences = (specFields.get(1) ?? []).filter(Buffer.isBuffer).map((b) => b.toString('utf8'));
  if (audiences.length) spec.audiences = audiences;
  const exp = specFields.get(4)?.[0];
  if (typeof exp === 'number') spec.expirationSeconds = exp;
  if (specFields.has(3)) {
    const ref = msg(specFields, 3);
    spec.boundObjectRef = compact({ kind: str(ref, 1), apiVersion: str(ref, 2), name: str(ref, 3), uid: str(ref, 4) });
  }
  return { apiVersion: env.apiVersion, kind: env.kind, metadata, spec };
}
