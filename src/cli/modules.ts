// The parts of the program a verb loads only when it needs them. From source (tests, development)
// each is a plain dynamic import. In the published bundle they are the payload, in two parts: the
// interactive UI (src/cli/modules-ui.ts) and the rest (src/cli/modules-rest.ts); the bin uses
// src/cli/modules-from-payload.ts in this file's place (scripts/build.mjs).

import { modules as rest } from './modules-rest.js';
import { modules as ui } from './modules-ui.js';

export const modules = { ...ui, ...rest };

export type Modules = typeof modules;
export type UiModules = typeof ui;

/**
 * Called when the interactive start-up is done: once the UI has drawn its first frame, and again
 * once it is connected. The bundle then saves the compile cache of what start-up compiled
 * (src/cli/payload.ts). From source there is nothing to save.
 */
export function startupDone(): void {}
