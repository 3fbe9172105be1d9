// Reading loosely typed spec values (objects straight from the API server) without trusting their shape.

export type Spec = Record<string, unknown>;

export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const asStrings = (v: unknown): string[] => asArray(v).filter((x): x is string => typeof x === 'string');
export const asRecord = (v: unknown): Spec => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Spec) : {});
export const asNumber = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);
