// Peak RSS of a whole process tree (the step and every child it starts: nix, nix-store, …), by
// sampling /proc: GNU time and getrusage only see one process at a time.
import { readdirSync, readFileSync } from 'node:fs';

function stat(pid: string): { ppid: number; rssKiB: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // Fields after the name: state ppid … rss (24th field overall, in pages).
    return { ppid: Number(fields[1]), rssKiB: (Number(fields[21]) * 4096) / 1024 };
  } catch {
    return null;
  }
}

/** Sum of the RSS of `root`'s descendants, minus those in `exclude` (long-lived helpers like nginx). */
export function treeRssKiB(root: number, exclude: ReadonlySet<number>): number {
  const procs = new Map<number, { ppid: number; rssKiB: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(name);
    if (s) procs.set(Number(name), s);
  }
  let total = 0;
  for (const [pid, s] of procs) {
    if (exclude.has(pid)) continue;
    let p = s.ppid;
    // Walk up: counted when `root` is an ancestor and no excluded process is in between.
    while (p > 1 && p !== root && !exclude.has(p)) p = procs.get(p)?.ppid ?? 0;
    if (p === root) total += s.rssKiB;
  }
  return total;
}

export function descendants(root: number): Set<number> {
  const out = new Set<number>();
  const procs = new Map<number, number>();
  for (const name of readdirSync('/proc')) if (/^\d+$/.test(name)) procs.set(Number(name), stat(name)?.ppid ?? 0);
  for (const pid of procs.keys()) {
    let p = procs.get(pid) ?? 0;
    while (p > 1 && p !== root) p = procs.get(p) ?? 0;
    if (p === root) out.add(pid);
  }
  return out;
}

/**
 * CPU time (user + system, ms) of this process's waited-for children and their waited-for
 * descendants (the kernel's cutime + cstime): a step's whole tree once it has exited. Unlike wall
 * time it barely moves with the machine's load.
 */
export function childrenCpuMs(): number {
  const text = readFileSync('/proc/self/stat', 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // cutime and cstime are fields 16 and 17 overall, in clock ticks (100 per second on Linux).
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/**
 * Runs `body` while sampling the tree under this process every `everyMs`; returns its peak RSS and
 * the CPU time of the children that ended meanwhile (run nothing else beside it).
 */
export async function withPeakTreeRss<T>(body: () => Promise<T>, everyMs = 25): Promise<{ value: T; peakKiB: number; cpuMs: number }> {
  const before = descendants(process.pid);
  const cpuBefore = childrenCpuMs();
  let peakKiB = 0;
  const timer = setInterval(() => (peakKiB = Math.max(peakKiB, treeRssKiB(process.pid, before))), everyMs);
  try {
    const value = await body();
    return { value, peakKiB, cpuMs: childrenCpuMs() - cpuBefore };
  } finally {
    clearInterval(timer);
  }
}
