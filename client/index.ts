/** The client library: build a release from a manifest, connect to Temporal, start and follow releases. */
export * from './api';
export { connectTemporal, uiBaseUrl, type TemporalTarget } from './connection';
export { scheduleUiLink, workflowListUiLink, workflowUiLink } from './ui-links';
export { buildRelease, ManifestError, type BuildOptions, type BuiltRelease, type Manifest, type ManifestFlags } from './manifest';
export { EXIT, exitCodeForStatus } from './exit-codes';
export { newReleaseId } from './release-id';
export { stagePackage, packageStagingFromEnv, type PackageStaging, type StageResult } from './package/stage';
export { buildDirectoryZip, type DirectoryZip } from './package/directory-zip';
export { noWorkerWarning } from './worker-presence';
export { buildFleet, isFleetManifest, type BuiltFleet } from './manifest/fleet';
