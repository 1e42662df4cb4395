// Notices store entries as they appear or become valid: fs.watch on the store directory (the
// removal of `<path>.lock` is the moment Nix has registered a built or substituted path), plus a
// periodic readdir in case an event was lost or the file system gives none.
import { watch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { isCandidateEntry } from '../nix/snapshot.ts';

export interface StoreEvents {
  /** Full readdir now; reports entries not seen before. */
  rescan(): Promise<void>;
  close(): void;
  /** False when fs.watch could not be set up (only the periodic rescan runs). */
  readonly watching: boolean;
}

/**
 * Calls `onNames` with entry names (`<hash>-<name>`) that may have become valid paths: new since
 * `known` or since the last call. The caller checks validity; it calls `forget` for names that
 * were not valid yet so that a later event or rescan reports them again.
 */
export function watchStoreEntries(options: {
  storeDir: string;
  known: Set<string>;
  rescanMs: number;
  onNames: (names: string[]) => void;
  onError: (error: unknown) => void;
}): StoreEvents {
  const { storeDir, known, onNames } = options;
  const report = (name: string): void => {
    if (isCandidateEntry(name) && !known.has(name)) onNames([name]);
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
    const fresh = (await readdir(storeDir)).filter((n) => isCandidateEntry(n) && !known.has(n));
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
