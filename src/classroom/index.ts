// The classroom: the instructor's `class` verbs (setup, status, reset, teardown) and the learner's
// progress publisher. Talks to the cluster through the port only.

export * from './model.js';
export { classSetup, planLearners, gatewayObjectsFor, type SetupRequest, type ClassIO, type SetupResult } from './setup.js';
export { classReset, classTeardown, resetTargets, type ResetRequest, type TeardownRequest } from './teardown.js';
export { collectStatus, learnerRows, sortLearners, standing, statusCells, statusJson, statusTable, type LearnerStatus, type StatusCells } from './status.js';
export { classMessages } from './messages.js';
export { requireClassOps, type ClassPort } from './port.js';
export { learnerKubeconfigYaml, writePrivate, kubeconfigPath } from './kubeconfig.js';
export { classObjects, learnerObjects, learnerRules, istioRules } from './objects.js';
