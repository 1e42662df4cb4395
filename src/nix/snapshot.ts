// The store snapshot the post step diffs against: the names of /nix/store's entries, one readdir.
// Kept apart from store.ts (Nix queries, zod) so the main step can start reading the store before
// anything else has loaded: the thread pool lists the directory while the step's code compiles.
import { writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

export const STORE_DIR = '/nix/store';

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

export function listStore(storeDir = STORE_DIR): Promise<string[]> {
  return readdir(storeDir);
}

/** Writes a listing (from listStore, started early), one name per line, for the post step to diff against. */
export async function writeSnapshot(file: string, entries: Promise<string[]>): Promise<number> {
  const names = await entries;
  // One synchronous write: fs/promises cuts a large file into several thread-pool round trips.
  writeFileSync(file, names.join('\n'), { mode: 0o600 });
  return names.length;
}

/** Full paths of entries present now but not in the snapshot, minus non-path entries. */
export async function newEntries(snapshotFile: string, storeDir = STORE_DIR): Promise<string[]> {
  const [before, now] = await Promise.all([readFile(snapshotFile, 'utf8'), listStore(storeDir)]);
  const old = new Set(before.split('\n'));
  return now.filter((e) => !old.has(e) && isCandidateEntry(e)).map((e) => `${storeDir}/${e}`);
}
