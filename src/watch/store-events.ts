// Notices store entries as they appear or become valid: fs.watch on the store directory (the
// removal of `<path>.lock` is the moment Nix has registered a built or substituted path), plus a
// periodic readdir in case an event was lost or the file system gives none. Entries that did not
// change since the snapshot (nix/snapshot.ts) are the store as it was: never reported.
import { watch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { entryState, isCandidateEntry } from '../nix/snapshot.ts';

export interface StoreEvents {
  /** Full readdir now; reports entries not seen before. */
  rescan(): Promise<void>;
  close(): void;
  /** False when fs.watch could not be set up (only the periodic rescan runs). */
  readonly watching: boolean;
}

/**
 * Calls `onNames` with entry names (`<hash>-<name>`) that may have become valid paths: changed at
 * or after `cutoff` (a ctime, changeCutoff) and not in `known`. The caller checks validity and adds
 * the valid ones to `known`; the others are reported again by a later event or rescan.
 */
export function watchStoreEntries(options: {
  storeDir: string;
  cutoff: number;
  known: Set<string>;
  rescanMs: number;
  onNames: (names: string[]) => void;
  onError: (error: unknown) => void;
}): StoreEvents {
  const { storeDir, cutoff, known, onNames } = options;
  /** Entries found unchanged since the snapshot: looked at once, then ignored. */
  const old = new Set<string>();
  const isNew = (name: string): boolean => {
    if (!isCandidateEntry(name) || known.has(name) || old.has(name)) return false;
    const state = entryState(storeDir, name, cutoff);
    // Not there yet (its lock appeared first): a later event or rescan looks again.
    if (state === 'old') old.add(name);
    return state === 'new';
  };
  const report = (name: string): void => {
    if (isNew(name)) onNames([name]);
  };
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(storeDir, { persistent: true }, (_event, filename) => {
      if (!filename) return;
      const name = filename.toString();
      // `x.lock` appears when Nix starts on x and disappears once x is registered; either event
      // makes x worth a (batched) validity check. Events for x itself catch lock-free writers.
      report(name.endsWith('.lock') ? name.slice(0, -'.lock'.length) : name);
    });
    watcher.on('error', (error) => {
      // Lost the watch (store dir replaced, inotify limits): keep going on rescans alone.
      watcher?.close();
      watcher = null;
      options.onError(error);
    });
  } catch (error) {
    watcher = null;
    options.onError(error);
  }
  const rescan = async (): Promise<void> => {
    const fresh = (await readdir(storeDir)).filter(isNew);
    if (fresh.length > 0) onNames(fresh);
  };
  const timer = setInterval(() => void rescan().catch(options.onError), options.rescanMs);
  return {
    rescan,
    close() {
      clearInterval(timer);
      watcher?.close();
    },
    get watching() {
      return watcher !== null;
    },
  };
}
