// src/cli/modules.ts as the bundled bin has it: each part comes from the payload, which is
// compiled the first time a verb asks for any part (src/cli/payload.ts).

import { fileURLToPath } from 'node:url';
import type { Modules } from './modules.js';
import { cacheDir, readDeflatedPayload, runPayload, type LoadedPayload } from './payload.js';

/** The payload's hash: scripts/build.mjs defines it when it builds the bin. */
declare const __EGRESS_PAYLOAD_KEY__: string;

let loading: Promise<LoadedPayload<{ modules: Modules }>> | undefined;
let loaded: LoadedPayload<{ modules: Modules }> | undefined;

async function payload(): Promise<LoadedPayload<{ modules: Modules }>> {
  const binFile = fileURLToPath(import.meta.url);
  loading ??= runPayload<{ modules: Modules }>({ binFile, key: __EGRESS_PAYLOAD_KEY__, readDeflated: () => readDeflatedPayload(binFile), cacheDir: cacheDir() });
  loaded = await loading;
  return loaded;
}

export const modules = new Proxy({} as Modules, {
  get: (_target, name: string) => async () => (await payload()).exports.modules[name as keyof Modules](),
});

export function startupDone(): void {
  loaded?.saveCompileCache();
}
