/**
 * The CLI in a real terminal (tmux) at 80 and 160 columns: a release that shifts an alias step by
 * step, one whose verification fails in a target region (a failure, rows that wrap), then `history`.
 * The screen must hold: no stale picture left above a redraw, no line wider than the terminal,
 * colour that shifts no column, and a history that fits.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { connectionEnv } from '../harness/run-cli';
import { TmuxSession } from '../harness/tmux';
import { useScfWorld } from '../harness/use-scf-world';

const ROOT = path.resolve(__dirname, '../..');
const V1 = { 'index.js': "exports.main_handler = async () => ({ ok: true, version: 'v1' });\n" };
const V2 = { 'index.js': "exports.main_handler = async () => ({ ok: true, version: 'v2' });\n" };
const BROKEN_OUTSIDE_PRIMARY = {
  'index.js':
    "exports.main_handler = async () => { if (process.env.TENCENTCLOUD_REGION !== 'ap-guangzhou') throw new Error('no greeting here: ' + 'the handler reads a configuration value that only the primary region has, '.repeat(3)); return { ok: true, version: 'v3' }; };\n",
};

describe('the CLI in a terminal', () => {
  const t = useScfWorld();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'terminal-test-'));

  /** A function of the test's own in three regions, and a manifest with a stepped alias. */
  function manifest(fn: string, files: Record<string, string>): string {
    const file = path.join(dir, `${fn}-${randomUUID().slice(0, 4)}.yaml`);
    writeFileSync(
      file,
      YAML.stringify({
        function: fn,
        region: 'ap-guangzhou',
        regions: ['ap-shanghai', 'ap-singapore'],
        package: { path: t.world.makePackage(files).location },
        verification: [{ name: 'answers', event: { hi: 1 }, expect: { retMsgJsonSubset: { ok: true } } }],
        alias: { name: 'live', steps: [{ percent: 20, bake: 1 }, { percent: 60, bake: 1 }, { percent: 100 }] },
      }),
    );
    return file;
  }

  it.each([80, 160])('when releases run in a %i-column terminal, then the screen holds', async (width) => {
    const fn = `tty-${width}-${randomUUID().slice(0, 6)}`;
    for (const region of ['ap-guangzhou', 'ap-shanghai', 'ap-singapore']) {
      t.world.sim.admin.seedFunction({ region, functionName: fn, files: V1, handler: 'index.main_handler', runtime: 'Nodejs18.15' });
    }
    const cli = `${path.join(ROOT, 'node_modules/.bin/tsx')} client/cli.ts`;
    const good = manifest(fn, V2);
    const broken = manifest(fn, BROKEN_OUTSIDE_PRIMARY);
    const q = t.world.taskQueue;
    const session = TmuxSession.start({
      width,
      height: 40,
      cwd: ROOT,
      env: { ...connectionEnv(), PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TERM: 'tmux-256color' },
      command:
        `${cli} release -f ${good} --task-queue ${q}; echo "[good $?]"; ` +
        `${cli} release -f ${broken} --task-queue ${q}; echo "[broken $?]"; ` +
        `${cli} history --function ${fn}`,
    });
    try {
      expect(await session.waitForExit(240_000)).toBe(0);
      const screen = session.capture();
      const lines = session.capture({ joined: true }).split('\n');
      expect(screen).toContain('[good 0]');
      expect(screen).toContain('[broken 2]');

      // Each release's live picture is on screen once: its redraws left no earlier picture behind.
      const headers = lines.filter((line) => new RegExp(`^release/default/${fn}/\\S+\\s+phase `).test(line));
      expect(headers).toHaveLength(2);
      expect(screen.match(/^\s+REGION\s+.*VERIFICATION$/gm)).toHaveLength(4); // two live pictures, two summaries
      expect(screen).toMatch(/live → v\d+ 100%/);
      // One case, its bake probes apart (the cell may wrap between words).
      expect(screen.replace(/\s+/g, ' ')).toMatch(/1\/1 case passed, bake probes \d+\/\d+ ok/);
      // Each failed region's error once, on one line, in the broken release's summary.
      const failures = lines.filter((line) => /^\s+VerificationFailed in ap-/.test(line)).map((line) => /in (ap-\S+):/.exec(line)![1]);
      expect(failures.length).toBeGreaterThan(0);
      expect(new Set(failures).size).toBe(failures.length);

      // No line is wider than the terminal (the joined capture shows wrapped lines whole), links aside:
      // a URL is printed whole so it stays clickable.
      const wide = lines.filter((line) => [...line].length > width && !/https?:\/\//.test(line));
      expect(wide).toEqual([]);

      // History fits: every row of its table within the terminal.
      const history = lines.slice(lines.indexOf(`Function default/${fn}`));
      expect(history.find((line) => /^\S.*\bSTATUS\b.*\bID$/.test(line))).toBeDefined();
      expect(history.filter((line) => /\b(Succeeded|RolledBack)\b.*\br-\d{8}-\d{6}-[0-9a-f]{4}$/.test(line))).toHaveLength(2);
      expect(history.filter((line) => [...line].length > width && !/https?:\/\//.test(line))).toEqual([]);

      // Colour shifts no column: in each region table on screen (the live picture colours STATE), the
      // STATE and VERSION cells start under their headers.
      let tables = 0;
      for (const [index, line] of lines.entries()) {
        if (!/^\s+REGION\s+/.test(line)) continue;
        tables++;
        for (const header of ['STATE', 'VERSION']) {
          const at = line.indexOf(header);
          for (const row of lines.slice(index + 2, index + 8).filter((r) => /^\s+ap-\S+\s/.test(r))) {
            if (header === 'STATE' || row[at] !== ' ') expect([row.slice(at - 2, at), row[at] !== ' ']).toEqual(['  ', true]);
          }
        }
      }
      expect(tables).toBe(4);
    } finally {
      session.kill();
    }
  }, 300_000);
});
