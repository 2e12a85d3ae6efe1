/**
 * Deterministic evolution: the recorded histories of a successful and a rolled-back release must
 * replay against today's workflow code without a nondeterminism error. A change that breaks this
 * needs `patched()` (or a new workflow type), not a re-recording. How to re-record: test/histories/README.md.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import { Worker } from '@temporalio/worker';
import { harnessInfo } from '../harness/temporal';

// The first two predate the patches `delete-created-alias` and `bake-judges-new-version` (they replay
// the old paths); `release-succeeded-split-bake` was recorded with them (the new bake path); the
// `-verify-in-activity` ones with `verify-in-activity` (verifyCase) and, rolled back, `skip-unchanged-restore`;
// `release-alias-created-*` create the alias after a rolled-back release, before (`-highest-version`, it
// then rolled back) and with (`-live-code`) the `alias-starts-at-live-code` patch. `fleet-aborted-rollback-all`
// is a fleet with rollbackAllOnFailure aborted mid-way, before (no rollback) and with `fleet-abort-rolls-back-all`.
const HISTORIES = [
  'release-succeeded',
  'release-rolled-back',
  'release-succeeded-split-bake',
  'release-succeeded-verify-in-activity',
  'release-rolled-back-verify-in-activity',
  'release-alias-created-highest-version',
  'release-alias-created-live-code',
  'fleet-aborted-rollback-all-before-patch',
  'fleet-aborted-rollback-all',
];

/**
 * The SDK's own `historyFromJSON` fails in this install ("type must be a Type"): @temporalio/common and
 * @temporalio/proto each carry their own protobufjs 8 copy, so the parser and the History type come
 * from different copies. Parsing with the protojson of the copy @temporalio/proto uses avoids that;
 * drop this for `historyFromJSON` once the copies are deduplicated.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { fromJson } = require('@temporalio/proto/node_modules/protobufjs/ext/protojson') as {
  fromJson: (type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }) => proto.temporal.api.history.v1.IHistory;
};
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');

function loadHistory(name: string): proto.temporal.api.history.v1.IHistory {
  const json: unknown = JSON.parse(readFileSync(path.resolve(__dirname, '../histories', `${name}.json`), 'utf8'));
  return fromJson(historyType, json, { ignoreUnknownFields: true });
}

describe('recorded release histories', () => {
  it('when they are replayed against the current workflow code, then none hits a nondeterminism error', async () => {
    const histories = HISTORIES.map((name) => ({
      workflowId: name,
      history: loadHistory(name),
    }));
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: harnessInfo().workflowBundlePath } }, histories)) {
      results.push(result);
    }
    expect(results.map((r) => ({ workflowId: r.workflowId, error: r.error?.message }))).toEqual(
      HISTORIES.map((workflowId) => ({ workflowId, error: undefined })),
    );
  });
});
