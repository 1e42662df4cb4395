// The GitHub Actions cache service, through @actions/cache (it follows GitHub's protocol changes;
// v1 retired, v2 now). The library logs its own progress and failures through @actions/core and
// never throws for the service's failures: restore reports a miss, save returns -1.
//
// It archives paths relative to GITHUB_WORKSPACE (resolved from the current directory) and the
// service matches an entry by a hash of the path strings given, so both calls run with the cache
// root as working directory and workspace and the one relative path FOLDER: the entry then
// matches in every job and unpacks into the cache root, whatever the runner's layout.
import { isFeatureAvailable, restoreCache, saveCache } from '@actions/cache';
import { FOLDER } from './entry.ts';

/** Why the service cannot be used in this step, or null when it can. */
export function unavailableReason(env: NodeJS.ProcessEnv = process.env): string | null {
  if (isFeatureAvailable()) return null;
  return env.ACTIONS_CACHE_SERVICE_V2 ? 'ACTIONS_RESULTS_URL is not set' : 'the runner gave this step no cache service (ACTIONS_RESULTS_URL, ACTIONS_CACHE_URL)';
}

// Only one call at a time may move the working directory.
let queue: Promise<unknown> = Promise.resolve();

function inCacheRoot<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => {
    const cwd = process.cwd();
    const workspace = process.env.GITHUB_WORKSPACE;
    process.chdir(root);
    process.env.GITHUB_WORKSPACE = root;
    try {
      return await fn();
    } finally {
      process.chdir(cwd);
      if (workspace === undefined) delete process.env.GITHUB_WORKSPACE;
      else process.env.GITHUB_WORKSPACE = workspace;
    }
  };
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  return next;
}

/** Unpacks the newest entry whose key starts with `prefix` into root/FOLDER; its key, or null. */
export async function restoreEntry(root: string, exactKey: string, prefix: string): Promise<string | null> {
  return (await inCacheRoot(root, () => restoreCache([FOLDER], exactKey, [prefix]))) ?? null;
}

/** Saves root/FOLDER as entry `key`: true when the service took it. */
export async function saveEntry(root: string, key: string): Promise<boolean> {
  return (await inCacheRoot(root, () => saveCache([FOLDER], key))) > 0;
}
