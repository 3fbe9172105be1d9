// The parts of the program a verb loads only when it needs them. From source (tests, development)
// each is a plain dynamic import. In the published bundle these are the payload's exports, and
// the bin uses src/cli/modules-from-payload.ts in this file's place (scripts/build.mjs).

export const modules = {
  ui: () => import('../ui/index.js'),
  session: () => import('./session.js'),
  lesson: () => import('../lesson/index.js'),
  machine: () => import('../engine/machine.js'),
  runners: () => import('../engine/runners.js'),
  headless: () => import('./headless.js'),
  progress: () => import('../progress/index.js'),
  practice: () => import('../practice/index.js'),
  practiceInfo: () => import('./practice-info.js'),
};

export type Modules = typeof modules;

/**
 * Called once the interactive UI has drawn its first frame: the bundle then saves the compile
 * cache of what start-up compiled (src/cli/payload.ts). From source there is nothing to save.
 */
export function startupDone(): void {}
