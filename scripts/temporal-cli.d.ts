export interface TemporalCli {
  path: string;
  version: string;
  source: 'TEMPORAL_CLI_PATH' | 'PATH' | 'project-local';
}
export function ensureTemporalCli(options?: { log?: (line: string) => void }): TemporalCli;
export function localInstallDir(): string;
export const pinnedVersion: string;
