// src/cli/modules.ts as the bundled bin has it: each module comes from its part of the payload
// (src/cli/payload.ts), compiled the first time a verb asks for a module of that part.

import { fileURLToPath } from 'node:url';
import type { Modules, UiModules } from './modules.js';
import { cacheDir, readDeflatedPayload, runPayload, type LoadedPayload } from './payload.js';

/** Each part's hash: scripts/build.mjs defines them when it builds the bin. */
declare const __EGRESS_PAYLOAD_KEYS__: Record<Part, string>;

type Part = 'ui' | 'rest';

// The modules of the UI part; every other one is in the rest. The type checks the list is whole.
const UI_NAMES = ['ui', 'classWatch'] as const satisfies readonly (keyof UiModules)[];
const uiListIsWhole: Exclude<keyof UiModules, (typeof UI_NAMES)[number]> extends never ? true : never = true;
void uiListIsWhole;

const loading = new Map<Part, Promise<LoadedPayload<{ modules: Partial<Modules> }>>>();
const loaded: LoadedPayload<unknown>[] = [];

function part(name: Part): Promise<LoadedPayload<{ modules: Partial<Modules> }>> {
  let pending = loading.get(name);
  if (!pending) {
    const binFile = fileURLToPath(import.meta.url);
    pending = runPayload<{ modules: Partial<Modules> }>({
      binFile,
      key: __EGRESS_PAYLOAD_KEYS__[name],
      keys: Object.values(__EGRESS_PAYLOAD_KEYS__),
      readDeflated: () => readDeflatedPayload(binFile, name),
      cacheDir: cacheDir(),
    });
    pending.then((payload) => loaded.push(payload), () => undefined);
    loading.set(name, pending);
  }
  return pending;
}

export const modules = new Proxy({} as Modules, {
  get: (_target, name: string) => async () => {
    const { exports } = await part((UI_NAMES as readonly string[]).includes(name) ? 'ui' : 'rest');
    const load = exports.modules[name as keyof Modules];
    if (!load) throw new Error(`the bundle's payload has no module '${name}'`);
    return load();
  },
});

export function startupDone(): void {
  for (const payload of loaded) payload.saveCompileCache();
}
