// The store snapshot is a moment, not a listing. The main step records when it started; the post
// step takes the store entries whose inode changed at or after that moment (ctime).
//
// Why that finds every path the job added: Nix creates or moves a path to its final name and then
// canonicalises it (mode, owner, mtime set to 1) before registering it as valid; each of these
// sets the entry's ctime to the current time, which no program can set back. So a path that
// became valid after the main step started has a later ctime, whether it was built, substituted
// or imported, even if it was half-built when the step ran. Old paths keep theirs (store paths
// are read-only); one whose file a store optimisation hard-links later looks new and is offered
// to the caches again, which is harmless.
//
// Why not a listing: reading a 10,000-entry /nix/store takes 5–10 ms and a 100,000-entry one
// ~80 ms, on the path of every job before its build (bench/, "main step"); the post step reads
// the directory anyway, and checks the ctime of candidate entries only (.drv files and locks are
// never pushed).
import { lstatSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';

export const STORE_DIR = '/nix/store';

/**
 * Timestamps come from the kernel's coarse clock, up to one tick (≤ 10 ms) behind the time the step
 * read; an entry made within this margin before the step started counts as new (an extra push,
 * never a missed one).
 */
export const CLOCK_MARGIN_MS = 20;

/** Entries that are never store paths that could be pushed. */
export function isCandidateEntry(name: string): boolean {
  return !(
    name.startsWith('.') ||
    name.endsWith('.drv') ||
    name.endsWith('.lock') ||
    name.endsWith('.check') ||
    name.endsWith('.chroot')
  );
}

/**
 * How far before the snapshot a change still counts as new. File systems that keep whole seconds
 * (ext4 with small inodes, HFS+) round a later change down to the second; the store directory's own
 * times tell which kind this is.
 */
export function marginFor(storeDirTimes: { mtimeNs: bigint; ctimeNs: bigint }): number {
  const second = 1_000_000_000n;
  return storeDirTimes.mtimeNs % second === 0n && storeDirTimes.ctimeNs % second === 0n ? 1000 : CLOCK_MARGIN_MS;
}

/** The earliest ctime (ms) that counts as new for a snapshot taken at `since`. */
export function changeCutoff(since: number, storeDir = STORE_DIR): number {
  return since - marginFor(statSync(storeDir, { bigint: true }));
}

/** Whether the entry `name` changed at or after `cutoff` ('new'), did not ('old'), or is not there. */
export function entryState(storeDir: string, name: string, cutoff: number): 'new' | 'old' | 'absent' {
  const stat = lstatSync(`${storeDir}/${name}`, { throwIfNoEntry: false });
  if (stat === undefined) return 'absent';
  return stat.ctimeMs >= cutoff ? 'new' : 'old';
}

/** Full paths of candidate entries that changed after a snapshot taken at `since` (Date.now()). */
export async function newEntries(since: number, storeDir = STORE_DIR): Promise<string[]> {
  const cutoff = changeCutoff(since, storeDir);
  const names = (await readdir(storeDir)).filter(isCandidateEntry);
  return names.filter((name) => entryState(storeDir, name, cutoff) === 'new').map((n) => `${storeDir}/${n}`);
}
