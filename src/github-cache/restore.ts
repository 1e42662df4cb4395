// Main step: the newest entry of this system's binary cache folder, unpacked into RUNNER_TEMP and
// handed to configure as one more substituter (file://), through the same trust rules as any
// other. Never fails the step: a miss, a service failure or an entry nobody trusted only means
// the build substitutes from the other caches.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheSource } from '../types.ts';
import type { Logger } from '../log.ts';
import type { PublicKey } from '../nix/keys.ts';
import { entryKey, entryPrefix, FOLDER, nixSystem } from './entry.ts';
import { readFolder } from './folder.ts';
import { restoreEntry, unavailableReason } from './service.ts';

/** What main hands to post (state): where the folder is and what the restored entry held. */
export interface GitHubCacheState {
  root: string;
  restoredKey: string | null;
}

export interface RestoreReport {
  state: GitHubCacheState;
  /** The substituter to add, or null (no entry, or nothing in it the job trusts). */
  source: CacheSource | null;
  key: string | null;
  paths: number;
  bytes: number;
  /** Why nothing is used, when nothing is. */
  reason: string | null;
}

export async function restoreGitHubCache(workDir: string, trustedKeys: readonly PublicKey[], log: Logger): Promise<RestoreReport> {
  const root = join(workDir, 'github-cache');
  try {
    return await restore(root, trustedKeys, log);
  } catch (error) {
    const reason = `restore failed: ${error instanceof Error ? error.message : String(error)}`;
    log.warning(`github-cache: ${reason}`);
    return { state: { root, restoredKey: null }, source: null, key: null, paths: 0, bytes: 0, reason };
  }
}

async function restore(root: string, trustedKeys: readonly PublicKey[], log: Logger): Promise<RestoreReport> {
  await mkdir(root, { recursive: true });
  const empty = (reason: string, key: string | null = null): RestoreReport => ({ state: { root, restoredKey: null }, source: null, key, paths: 0, bytes: 0, reason });
  const unavailable = unavailableReason();
  if (unavailable) {
    log.warning(`github-cache: not restoring, ${unavailable}`);
    return empty(unavailable);
  }
  const system = nixSystem();
  // The exact key is this run's own (never there on a first attempt): the prefix finds the newest.
  const key = await restoreEntry(root, entryKey(system) ?? `${entryPrefix(system)}0-0`, entryPrefix(system));
  if (!key) return empty(`no entry ${entryPrefix(system)}* readable by this run (or the service failed: see above)`);
  const folder = join(root, FOLDER);
  const index = await readFolder(folder, trustedKeys);
  if (index.paths.size === 0) {
    const reason = index.rejected > 0
      ? `none of its ${index.rejected} path(s) is signed by a key in trusted-public-keys: add the public key of the signing-key that saves it`
      : 'it holds no store paths';
    log.warning(`github-cache: entry ${key} is not used: ${reason}`);
    return empty(reason, key);
  }
  if (index.rejected > 0) log.warning(`github-cache: entry ${key}: ${index.rejected} path(s) without a signature by a trusted key were removed`);
  const bytes = [...index.paths.values()].reduce((n, p) => n + p.bytes, 0);
  const url = `file://${folder}`;
  log.info(`github-cache: restored ${key}: ${index.paths.size} path(s) as substituter ${url}`);
  return {
    state: { root, restoredKey: key },
    source: { label: 'github-cache', urls: [url], keys: [], netrc: [], how: `entry ${key}, ${index.paths.size} path(s)` },
    key,
    paths: index.paths.size,
    bytes,
    reason: null,
  };
}
