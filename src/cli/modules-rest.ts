// Everything else a verb loads: the second part of src/cli/modules.ts and of the bundle's payload
// (src/cli/payload.ts). The interactive UI loads it after its first frame.

export const modules = {
  session: () => import('./session.js'),
  lesson: () => import('../lesson/index.js'),
  machine: () => import('../engine/machine.js'),
  runners: () => import('../engine/runners.js'),
  gateway: () => import('../engine/gateway.js'),
  headless: () => import('./headless.js'),
  progress: () => import('../progress/index.js'),
  practice: () => import('../practice/index.js'),
  practiceInfo: () => import('./practice-info.js'),
  markdown: () => import('../ui/markdown.js'),
  classroom: () => import('../classroom/index.js'),
};
