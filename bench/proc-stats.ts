/**
 * What the fleet bench reads of its processes in /proc (Linux): CPU-seconds (user + system, the
 * process's own plus its reaped children's: the simulator forks a runner per invoke) and resident
 * memory, sampled, for the peak of one run.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: /proc's clock ticks per second (100 on every Linux the bench runs on). */
const TICKS = 100;

export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command (which may hold spaces), from field 3 on.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [utime, stime, cutime, cstime] = [f[11], f[12], f[13], f[14]].map(Number);
  return (utime! + stime! + cutime! + cstime!) / TICKS;
}

export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/** The pid of the process whose command line holds every one of `parts` (e.g. the dev server). */
export function findPid(parts: string[]): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (parts.every((p) => cmd.includes(p))) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** Samples the RSS of `pids` every `everyMs` until stopped; returns each one's peak (MiB). */
export function sampleRss(pids: number[], everyMs = 250): () => number[] {
  const peaks = pids.map((pid) => rssMiB(pid));
  const timer = setInterval(() => {
    pids.forEach((pid, i) => {
      try {
        peaks[i] = Math.max(peaks[i]!, rssMiB(pid));
      } catch {
        // exited
      }
    });
  }, everyMs);
  return () => {
    clearInterval(timer);
    return peaks;
  };
}
