// The CEL rules (x-kubernetes-validations) of the extracted Istio CRDs, implemented in JavaScript.
// There is no CEL interpreter here: each rule is recognised by its exact text (or by one generic
// shape, "at most one of these fields"). A rule not listed is skipped, so refreshing the schemas
// can only make validation more lenient, never wrong; test/schema checks every shipped rule is known.

type Predicate = (self: unknown) => boolean;
type Obj = Record<string, unknown>;

const has = (o: unknown, key: string): boolean => o !== null && typeof o === 'object' && !Array.isArray(o) && (o as Obj)[key] !== undefined;
const field = (o: unknown, key: string): unknown => (has(o, key) ? (o as Obj)[key] : undefined);
const keysOf = (o: unknown): string[] => (o !== null && typeof o === 'object' && !Array.isArray(o) ? Object.keys(o) : []);

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const DURATION = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/;

/** Nanoseconds of a Go/CEL duration string ("1.5s", "1h30m"); undefined when it does not parse. */
export function parseDuration(text: unknown): number | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  let rest = text;
  let sign = 1;
  if (rest[0] === '-' || rest[0] === '+') {
    sign = rest[0] === '-' ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  let total = 0;
  while (rest !== '') {
    const m = DURATION.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * DURATION_UNITS[m[2]];
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

const size = (v: unknown): number => (typeof v === 'string' ? [...v].length : Array.isArray(v) ? v.length : keysOf(v).length);

const KNOWN: Record<string, Predicate> = {
  "duration(self) >= duration('1ms')": (self) => (parseDuration(self) ?? -1) >= 1e6,
  '0 < self && self <= 65535': (self) => typeof self === 'number' && self > 0 && self <= 65535,
  'self.all(key, !key.contains("*"))': (self) => keysOf(self).every((k) => !k.includes('*')),
  'self.all(key, key.size() != 0)': (self) => keysOf(self).every((k) => k.length !== 0),
  '!self.contains("*")': (self) => typeof self !== 'string' || !self.includes('*'),
  'self.size() == 0': (self) => size(self) === 0,
  'self != "*"': (self) => self !== '*',
  // AuthorizationPolicy source: serviceAccounts excludes principals and namespaces.
  '(has(self.serviceAccounts) || has(self.notServiceAccounts)) ? (!has(self.principals) &&\n!has(self.notPrincipals) && !has(self.namespaces) && !has(self.notNamespaces)) : true': (self) =>
    !(has(self, 'serviceAccounts') || has(self, 'notServiceAccounts')) || (!has(self, 'principals') && !has(self, 'notPrincipals') && !has(self, 'namespaces') && !has(self, 'notNamespaces')),
  'has(self.address) || has(self.network)': (self) => has(self, 'address') || has(self, 'network'),
  '(has(self.address) ? self.address : "").startsWith("unix://") ? !has(self.ports) : true': (self) =>
    !String(field(self, 'address') ?? '').startsWith('unix://') || !has(self, 'ports'),
  'self.startsWith("unix://") ? (self.substring(7, 8) == "/" || self.substring(7, 8) == "@") : true': (self) =>
    typeof self !== 'string' || !self.startsWith('unix://') || self[7] === '/' || self[7] === '@',
  'self.startsWith("unix://") ? !self.endsWith("/") : true': (self) => typeof self !== 'string' || !self.startsWith('unix://') || !self.endsWith('/'),
  'self.all(key, size(key) < 63 && key.matches("^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$"))': (self) =>
    keysOf(self).every((k) => k.length < 63 && /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/.test(k)),
  'self.all(l1, self.exists_one(l2, l1.number == l2.number))': (self) => {
    if (!Array.isArray(self)) return true;
    const numbers = self.map((p) => field(p, 'number'));
    return numbers.every((n) => numbers.filter((m) => m === n).length === 1);
  },
  '!((has(self.addresses) ? self.addresses : []).exists(k, k.contains("/")) && !((has(self.resolution) ? self.resolution : "NONE") in ["STATIC", "NONE"]))': (self) => {
    const addresses = field(self, 'addresses');
    const cidr = Array.isArray(addresses) && addresses.some((a) => typeof a === 'string' && a.includes('/'));
    const resolution = field(self, 'resolution') ?? 'NONE';
    return !(cidr && !['STATIC', 'NONE'].includes(String(resolution)));
  },
  '((has(self.resolution) ? self.resolution : "NONE") == "NONE") ? !has(self.endpoints) : true': (self) =>
    (field(self, 'resolution') ?? 'NONE') !== 'NONE' || !has(self, 'endpoints'),
  '((has(self.resolution) ? self.resolution : "") == "DNS_ROUND_ROBIN") ? ((has(self.endpoints) ? self.endpoints : []).size() <= 1) : true': (self) =>
    field(self, 'resolution') !== 'DNS_ROUND_ROBIN' || size(field(self, 'endpoints') ?? []) <= 1,
  '((has(self.operation) ? self.operation : "") == "UPSERT") ? (self.value != "") : true': (self) =>
    field(self, 'operation') !== 'UPSERT' || (field(self, 'value') ?? '') !== '',
  '((has(self.operation) ? self.operation : "") == "REMOVE") ? !has(self.value) : true': (self) =>
    field(self, 'operation') !== 'REMOVE' || !has(self, 'value'),
};

// "(has(self.a) ? 1 : 0) + (has(self.b) ? 1 : 0) <= 1": at most one of the fields is set.
const AT_MOST_ONE = /^\(has\(self\.\w+\) \? 1 : 0\)(?: \+ \(has\(self\.\w+\) \? 1 : 0\))+ <= 1$/;

/** The JavaScript form of a known rule, or undefined for a rule this module does not know. */
export function celPredicate(rule: string): Predicate | undefined {
  if (Object.hasOwn(KNOWN, rule)) return KNOWN[rule];
  if (AT_MOST_ONE.test(rule)) {
    const fields = [...rule.matchAll(/has\(self\.(\w+)\)/g)].map((m) => m[1]);
    return (self) => fields.filter((f) => has(self, f)).length <= 1;
  }
  return undefined;
}
