// The Nix calls the pin features make, in one place: whether caches hold paths (producer), and
// realising paths by substitution only (consumer).
import { NIX_COMMAND, run } from '../nix/command.ts';

/** Whether the store at `url` (a binary cache) has `path`, and with `closure` its whole closure. */
export async function cacheHas(url: string, paths: readonly string[], options: { closure?: boolean } = {}): Promise<boolean> {
  if (paths.length === 0) return true;
  // The build looked these up before they were pushed: Nix's cached "not there" answers (an hour by
  // default) must not stand for the cache's answer now.
  const fresh = ['--option', 'narinfo-cache-negative-ttl', '0'];
  const r = await run('nix', [...NIX_COMMAND, 'path-info', ...fresh, '--store', url, ...(options.closure ? ['--recursive'] : []), ...paths], { allowFailure: true });
  return r.code === 0;
}

/**
 * Realises store paths (never `.drv`s) from the configured substituters: a store path that is not
 * valid can only be substituted, and `max-jobs 0` refuses any build should Nix think of one. Each
 * path gets an indirect GC root `<rootBase>`, `<rootBase>-1`, … for the rest of the job.
 */
export async function realiseByPath(paths: readonly string[], rootBase: string): Promise<{ ok: boolean; stderr: string }> {
  const r = await run('nix-store', ['--realise', '--max-jobs', '0', '--add-root', rootBase, '--indirect', ...paths], { allowFailure: true });
  return { ok: r.code === 0, stderr: r.stderr };
}

/** The subset of `paths` not valid in the local store. */
export async function invalidPaths(paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const r = await run('nix-store', ['--check-validity', '--print-invalid', ...paths], { allowFailure: true });
  return r.stdout.split('\n').filter((l) => l !== '');
}

/** Every path in the closure of `paths` (local store). */
export async function localClosure(paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const r = await run('nix-store', ['--query', '--requisites', ...paths]);
  return r.stdout.split('\n').filter((l) => l !== '');
}
