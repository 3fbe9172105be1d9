// The lesson model's public surface: load and validate a lessons folder, and the helpers the CLI uses.
export * from './model.js';
export { defaultLessonsDir, loadLessonSet, type LoadOptions } from './loader.js';
export { renderTemplate, parseSetFlags, findPlaceholders, SetFlagError } from './template.js';
export { formatProblems } from './problems.js';
export { STEP_KINDS, CHECK_NAMES } from './steps.js';
export { typeProblem, gatewayValues } from './course.js';
export { exportToProblems, EXPORT_TO_KINDS } from './export-to.js';
