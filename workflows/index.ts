/** The workflows the worker registers. Each lives in its own module; this file only re-exports. */
export { releaseWorkflow } from './release';
export { planReleaseWorkflow } from './plan';
export { functionLockWorkflow } from './function-lock';
export { syncWorkflow, syncFunctionWorkflow } from './sync';
export { fleetWorkflow } from './fleet';
export { planFleetWorkflow } from './fleet-plan';
