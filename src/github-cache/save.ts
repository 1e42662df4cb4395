// Post step: the closures this run pushes (upstream already dropped by the plan) are written,
// signed, into the folder the restored entry unpacked (the native binary cache writer), the size
// budget drops the least recently pushed closures whole, and the folder is saved as this run's
// entry — unless it holds nothing the restored entry did not. Never throws: the outcome, failures
// included, is the report (the Actions cache is best effort; see docs/github-cache.md).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PublicKey, SecretKey } from '../nix/keys.ts';
import type { PathInfo } from '../nix/path-info.ts';
import { BinaryCacheTarget } from '../push/binary-cache.ts';
import type { PushContext } from '../push/target.ts';
import { pushToTarget } from '../push/uploader.ts';
import { entryKey, FOLDER, nixSystem } from './entry.ts';
import { prune, readFolder, selectWithinBudget } from './folder.ts';
import type { GitHubCacheState } from './restore.ts';
import { saveEntry, unavailableReason } from './service.ts';

export interface SaveReport {
  status: 'saved' | 'nothing-new' | 'skipped' | 'failed';
  reason: string | null;
  key: string | null;
  /** Paths in the saved folder, of which `added` were not in the restored entry. */
  paths: number;
  added: number;
  bytes: number;
  /** Closures the size budget dropped. */
  dropped: number;
  durationMs: number;
}

/** A report for a save that did not run. */
export function notSaved(status: 'skipped' | 'nothing-new', reason: string): SaveReport {
  return { status, reason, key: null, paths: 0, added: 0, bytes: 0, dropped: 0, durationMs: 0 };
}

/** The post step's saver, or why it cannot save; null when github-cache is off. */
export type GitHubCacheSaver = { ready: true; save(plan: readonly PathInfo[], ctx: PushContext): Promise<SaveReport> } | { ready: false; reason: string };

export function gitHubCacheSaver(
  settings: { githubCache: boolean; signingKey: SecretKey | null; trustedPublicKeys: readonly PublicKey[]; githubCacheSize: number; jobs: number | null },
  state: GitHubCacheState | null | undefined,
  freshDir: () => string,
): GitHubCacheSaver | null {
  if (!settings.githubCache) return null;
  const signingKey = settings.signingKey;
  if (!signingKey) return { ready: false, reason: 'saving needs signing-key' };
  // Main restored nothing into a folder (it failed before): start an empty one.
  const where = state ?? { root: join(freshDir(), 'github-cache'), restoredKey: null };
  return {
    ready: true,
    save: (plan, ctx) => saveGitHubCache(plan, { state: where, signingKey, trustedKeys: settings.trustedPublicKeys, budget: settings.githubCacheSize, jobs: settings.jobs, ctx }),
  };
}

export interface SaveOptions {
  state: GitHubCacheState;
  signingKey: SecretKey;
  trustedKeys: readonly PublicKey[];
  budget: number;
  jobs: number | null;
  ctx: PushContext;
}

/** Paths of the plan no other plan path refers to: one closure each. */
export function rootsOf(plan: readonly PathInfo[]): string[] {
  const referenced = new Set(plan.flatMap((i) => i.references.filter((r) => r !== i.path)));
  return plan.map((i) => i.path).filter((p) => !referenced.has(p));
}

export async function saveGitHubCache(plan: readonly PathInfo[], options: SaveOptions): Promise<SaveReport> {
  const started = Date.now();
  const report = (r: Partial<SaveReport> & Pick<SaveReport, 'status'>): SaveReport => ({
    reason: null, key: null, paths: 0, added: 0, bytes: 0, dropped: 0, durationMs: Date.now() - started, ...r,
  });
  try {
    const unavailable = unavailableReason();
    if (unavailable) return report({ status: 'failed', reason: unavailable });
    const key = entryKey(nixSystem());
    if (!key) return report({ status: 'failed', reason: 'GITHUB_RUN_ID is not set, so the entry has no key' });
    const { root } = options.state;
    const folder = join(root, FOLDER);
    await mkdir(folder, { recursive: true });
    const keys = [...options.trustedKeys, options.signingKey.publicKey];
    const restored = new Set((await readFolder(folder, keys)).paths.keys());

    const written = await pushToTarget(new BinaryCacheTarget(`file://${folder}`, { signingKey: options.signingKey, compression: 'zstd' }), plan, { jobs: options.jobs, ctx: options.ctx });
    if (written.error || written.failed.length > 0 || written.blocked > 0) {
      return report({ status: 'failed', reason: `writing the folder: ${written.error ?? written.failed[0]?.error ?? 'a dependency failed'}` });
    }
    const index = await readFolder(folder, keys);
    const now = Date.now();
    for (const root of rootsOf(plan)) if (index.paths.has(root)) index.roots.set(root, now);
    const keep = selectWithinBudget(index, options.budget);
    await prune(folder, index, keep);
    const dropped = index.roots.size - keep.roots.length;
    const added = [...keep.paths].filter((p) => !restored.has(p)).length;
    const sizes = { paths: keep.paths.size, added, bytes: keep.bytes, dropped };
    if (dropped > 0) options.ctx.log.info(`github-cache: ${dropped} closure(s) dropped to stay within github-cache-size`);
    if (added === 0) {
      const why = keep.paths.size < index.paths.size && plan.length > 0 ? 'what this run built does not fit github-cache-size' : 'the restored entry already holds every path';
      return report({ status: 'nothing-new', reason: why, ...sizes });
    }
    if (!(await saveEntry(root, key))) return report({ status: 'failed', reason: `the cache service did not take entry ${key} (see the log above)`, key, ...sizes });
    return report({ status: 'saved', key, ...sizes });
  } catch (error) {
    return report({ status: 'failed', reason: error instanceof Error ? error.message : String(error) });
  }
}
