import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createZip } from '../../simulator';
import { Invoker } from '../../simulator/invoke/invoker';

/** Waits until the file named by `event.until` exists (never, for a path nobody writes), then answers `event.label`. */
const CODE = createZip({
  'index.js': `const fs = require('node:fs');
exports.main_handler = async (event) => {
  while (event.until && !fs.existsSync(event.until)) await new Promise((r) => setTimeout(r, 10));
  return event.label;
};
`,
});

describe('SCF simulator invoker', () => {
  let invoker: Invoker;
  let dir: string;
  beforeEach(() => {
    invoker = new Invoker(pino({ level: 'silent' }));
    dir = mkdtempSync(path.join(tmpdir(), 'scf-invoker-test-'));
  });
  afterEach(async () => {
    await invoker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const invoke = (event: { label: string; until?: string }) =>
    invoker.invoke({
      code: CODE, codeSha256: createHash('sha256').update(CODE).digest('hex'), handler: 'index.main_handler', runtime: 'Nodejs18.15',
      memorySize: 128, timeout: 2, environment: {}, functionName: 'queue', namespace: 'default', version: '$LATEST',
      region: 'ap-guangzhou', appId: '1250000000', uin: '100000000000', event, logType: 'None',
    });

  test('when a timed-out worker frees the one slot of a full pool, then the queued calls get it one at a time in arrival order', async () => {
    // The first of the pool's 4 workers never finishes and times out; the other 3 stay busy until `release` exists.
    const release = path.join(dir, 'release');
    const stuck = invoke({ label: 'stuck', until: path.join(dir, 'never') });
    await new Promise((r) => setTimeout(r, 1000));
    const busy = [1, 2, 3].map((i) => invoke({ label: `busy${i}`, until: release }));
    let busyDone = 0;
    for (const b of busy) void b.then(() => busyDone++);
    const order: string[] = [];
    const queued = ['A', 'B', 'C', 'D'].map((label) => invoke({ label }).then((r) => (order.push(label), r)));

    const timedOut = await stuck;
    expect(timedOut.InvokeResult).toBe(-1);
    expect(JSON.parse(timedOut.ErrMsg).statusCode).toBe(433);
    const answers = await Promise.all(queued);
    expect(busyDone).toBe(0); // the busy workers held their slots throughout: the queue had exactly one
    expect(order).toEqual(['A', 'B', 'C', 'D']);
    expect(answers.map((r) => [r.InvokeResult, r.RetMsg])).toEqual(['A', 'B', 'C', 'D'].map((l) => [0, JSON.stringify(l)]));

    writeFileSync(release, '');
    expect((await Promise.all(busy)).map((r) => r.RetMsg)).toEqual(['"busy1"', '"busy2"', '"busy3"']);
  });
});
