// The interactive UI: the first part of src/cli/modules.ts, a part of the bundle's payload of its
// own so the first frame needs only it (src/cli/payload.ts).

export const modules = {
  ui: () => import('../ui/index.js'),
  classWatch: () => import('../classroom/ui/watch.js'),
};
