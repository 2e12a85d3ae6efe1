export interface PythonScfSdk {
  /** Folder to put on PYTHONPATH. */
  dir: string;
  /** Python interpreter used (python3, or $PYTHON). */
  python: string;
  common: string;
  scf: string;
}
export function ensurePythonScfSdk(options?: { log?: (line: string) => void }): PythonScfSdk;
export function installDir(): string;
export const pinned: { common: string; scf: string };
