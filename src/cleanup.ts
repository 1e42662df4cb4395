// Undoing what the main step changed outside RUNNER_TEMP's lifetime: this job's nix.conf block
// (then the daemon restarts and forgets it), the files holding tokens (netrc), the background
// uploader. Used by post on every way out (normal end, hard stop, SIGINT/SIGTERM, unreadable
// state or inputs) and by main when it fails after changing something.
import { rmSync } from 'node:fs';
import { blockId, restoreSystemConf } from './configure/system-conf.ts';
import type { MainState } from './state.ts';
import { running } from './watch/stop.ts';

/** The most cleanup may take: the runner kills a cancelled step ~7.5 s after SIGINT. */
export const CLEANUP_MAX_MS = 7_000;

export type Cleanup = Pick<MainState, 'systemConf' | 'files' | 'watcher'>;

/**
 * What to undo when main's record cannot be parsed: the files it names if any part of it reads,
 * and this job's nix.conf block whatever it says (removing a block that is not there changes nothing).
 */
export function salvage(raw: string): Cleanup {
  let doc: { files?: unknown; watcher?: unknown } = {};
  try {
    doc = JSON.parse(raw) as typeof doc;
  } catch {
    // nothing readable
  }
  const files = Array.isArray(doc?.files) ? doc.files.filter((f): f is string => typeof f === 'string') : [];
  const w = doc?.watcher as { pid?: unknown; dir?: unknown } | null | undefined;
  const watcher = w && typeof w.pid === 'number' && typeof w.dir === 'string' ? { pid: w.pid, dir: w.dir } : null;
  return { systemConf: true, files, watcher };
}

function killWatcher(watcher: Cleanup['watcher']): void {
  // Only a group still led by our uploader (pids are reused).
  if (!watcher || !running(watcher.pid, watcher.dir)) return;
  try {
    // Its own process group (detached): the uploader and the nix-store it runs.
    process.kill(-watcher.pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

/**
 * Undoes everything `c` records (the uploader only when asked: post stops it politely first); every part is tried even when another fails, and the first
 * error is thrown at the end. Bounded by CLEANUP_MAX_MS.
 */
export async function undo(c: Cleanup, options: { killWatcher: boolean }): Promise<void> {
  const errors: unknown[] = [];
  if (options.killWatcher) killWatcher(c.watcher);
  for (const f of c.files) {
    try {
      rmSync(f, { force: true });
    } catch (error) {
      errors.push(error);
    }
  }
  if (c.systemConf) {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`restoring the system nix.conf took over ${CLEANUP_MAX_MS} ms`)), CLEANUP_MAX_MS);
    });
    try {
      await Promise.race([restoreSystemConf(blockId()), limit]);
    } catch (error) {
      errors.push(error);
    } finally {
      clearTimeout(timer);
    }
  }
  if (errors.length > 0) throw errors[0];
}
