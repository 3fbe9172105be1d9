// Break-fix drills: the model, loading drill folders, the walk over the cluster port, one attempt.
export * from './model.js';
export { loadDrills, DRILLS_FOLDER, type DrillLoad } from './loader.js';
export { setUpDrill, cleanUpDrill, probe, probeSymptom, showsSymptom, verifyDrill, flagsOf, type DrillContext, type DrillCheck, type Probe, type ProbeLine } from './walk.js';
export { DrillSession, type DrillPhase, type DrillSnapshot, type DrillSessionOptions } from './session.js';
export { drillMessages, type DrillMessages } from './messages.js';
