/**
 * One-line human summaries for memos and the Temporal UI's summary field. They name what runs and
 * where, never anything secret (memos are stored unencrypted by default).
 */
import type { SyncFunctionSet, SyncInput, SyncSelector } from '../../workflows/definitions';

function describeSelector(what: SyncSelector): string {
  switch (what.kind) {
    case 'alias':
      return `the version alias ${what.alias} serves`;
    case 'latest-version':
      return 'the latest published version';
    case '$LATEST':
      return '$LATEST';
  }
}

function describeFunctionSet(functions: SyncFunctionSet): string {
  if ('names' in functions) {
    const shown = functions.names.slice(0, 3).join(', ');
    return functions.names.length > 3 ? `${shown} and ${functions.names.length - 3} more` : shown;
  }
  return `functions matching "${functions.match}"`;
}

export function describeSyncInput(input: Pick<SyncInput, 'sourceRegion' | 'namespace' | 'functions' | 'targetRegions' | 'what' | 'dryRun'>): string {
  return (
    `${input.dryRun ? 'Dry-run sync' : 'Sync'} of ${describeFunctionSet(input.functions)} ` +
    `(${input.namespace}): ${describeSelector(input.what)} from ${input.sourceRegion} to ${input.targetRegions.join(', ')}`
  );
}
