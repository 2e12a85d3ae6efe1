import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createZip } from '../../simulator';
import { Invoker } from '../../simulator/invoke/invoker';
import { eventually } from '../harness/eventually';

/**
 * Waits until the file named by `event.until` exists (never, for a path nobody writes), then answers
 * `event.label`; exits the runner process meanwhile once the file named by `event.exitOn` exists.
 * Writes the file named by `event.started` first, so a test knows the call reached the handler.
 */
const CODE = createZip({
  'index.js': `const fs = require('node:fs');
exports.main_handler = async (event) => {
  if (event.started) fs.writeFileSync(event.started, '');
  while (event.until && !fs.existsSync(event.until)) {
    if (event.exitOn && fs.existsSync(event.exitOn)) process.exit(3);
    await new Promise((r) => setTimeout(r, 10));
  }
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

  const invoke = (event: { label: string; until?: string; exitOn?: string; started?: string }, on: Invoker = invoker, timeout = 30) =>
    on.invoke({
      code: CODE, codeSha256: createHash('sha256').update(CODE).digest('hex'), handler: 'index.main_handler', runtime: 'Nodejs18.15',
      memorySize: 128, timeout, environment: {}, functionName: 'queue', namespace: 'default', version: '$LATEST',
      region: 'ap-guangzhou', appId: '1250000000', uin: '100000000000', event, logType: 'None',
    });


  test('when a dead worker frees the one slot of a full pool, then the queued calls get it one at a time in arrival order', async () => {
    // The first of the pool's 4 workers dies on cue; the other 3 stay busy until `release` exists.
    const release = path.join(dir, 'release');
    const die = path.join(dir, 'die');
    const doomed = invoke({ label: 'doomed', until: path.join(dir, 'never'), exitOn: die });
    const busy = [1, 2, 3].map((i) => invoke({ label: `busy${i}`, until: release }));
    let busyDone = 0;
    for (const b of busy) void b.then(() => busyDone++);
    const order: string[] = [];
    const queued = ['A', 'B', 'C', 'D'].map((label) => invoke({ label }).then((r) => (order.push(label), r)));
    expect(await eventually(() => invoker.runnerProcesses(), (runners) => runners.length === 4)).toHaveLength(4);
    writeFileSync(die, '');

    const dead = await doomed;
    expect(dead.InvokeResult).toBe(-1);
    expect(JSON.parse(dead.ErrMsg).statusCode).toBe(430);
    const answers = await Promise.all(queued);
    expect(busyDone).toBe(0); // the busy workers held their slots throughout: the queue had exactly one
    expect(order).toEqual(['A', 'B', 'C', 'D']);
    expect(answers.map((r) => [r.InvokeResult, r.RetMsg])).toEqual(['A', 'B', 'C', 'D'].map((l) => [0, JSON.stringify(l)]));

    writeFileSync(release, '');
    expect((await Promise.all(busy)).map((r) => r.RetMsg)).toEqual(['"busy1"', '"busy2"', '"busy3"']);
  });

  test('when an invocation times out, then its runner is killed and the next call gets a fresh one', async () => {
    const timedOut = await invoke({ label: 'stuck', until: path.join(dir, 'never') }, invoker, 1);
    expect(timedOut.InvokeResult).toBe(-1);
    expect(JSON.parse(timedOut.ErrMsg).statusCode).toBe(433);
    expect((await invoke({ label: 'next' }, invoker, 1)).RetMsg).toBe('"next"');
  });

  test("when an idle runner's IPC channel is gone, then the next call runs on a fresh runner and nothing crashes", async () => {
    const first = await invoke({ label: 'one' });
    expect(first.InvokeResult).toBe(0);
    const [runner] = invoker.runnerProcesses();
    // Sending to this runner now fails (ERR_IPC_CHANNEL_CLOSED, as EPIPE does for a runner that died
    // unseen): the call is sent at once, before the channel's close is noticed.
    runner!.disconnect();
    const second = await invoke({ label: 'two' });
    expect([second.InvokeResult, second.RetMsg]).toEqual([0, '"two"']);
    expect(invoker.runnerProcesses()).not.toContain(runner);
  });

  test('when a runner or its pipes report an error mid-invoke, then that call fails like a crashed container and the invoker keeps serving', async () => {
    const release = path.join(dir, 'release');
    const started = path.join(dir, 'started');
    const pending = invoke({ label: 'cut', until: release, started });
    expect(await eventually(() => existsSync(started), Boolean)).toBe(true);
    const [runner] = invoker.runnerProcesses();
    runner!.stderr!.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    runner!.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    const cut = await pending;
    expect(cut.InvokeResult).toBe(-1);
    expect(JSON.parse(cut.ErrMsg)).toMatchObject({ statusCode: 430, errorMessage: expect.stringContaining('Process exited before completing request') });
    writeFileSync(release, '');
    expect((await invoke({ label: 'after' })).RetMsg).toBe('"after"');
  });

  test("when a runner is slow to start, then its start-up does not count against the function's timeout", async () => {
    const slow = new Invoker(pino({ level: 'silent' }), { runnerStartDelayMs: 2500 });
    try {
      const r = await invoke({ label: 'slow start' }, slow, 1);
      expect([r.InvokeResult, r.RetMsg, r.ErrMsg]).toEqual([0, '"slow start"', '']);
    } finally {
      await slow.stop();
    }
  });
});
