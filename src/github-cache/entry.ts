// Names of the GitHub Actions cache entries this action writes: one binary cache folder per
// entry, keyed by Nix system and run, so the newest is found by prefix and none is ever rewritten
// (entries are immutable).

/** Bump when the folder layout changes: entries of another layout are then never restored. */
export const KEY_PREFIX = 'nix-binary-cache-v1-';

/**
 * The one path handed to @actions/cache, relative to the cache root. The service matches entries
 * by a hash of these path strings, so it must be the same text in every job and on every runner.
 */
export const FOLDER = 'nix-binary-cache';

/** Records which closures the folder holds and when each was last pushed (budget order). */
export const MANIFEST = 'nix-substitute-action.json';

const ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', ia32: 'i686', arm: 'armv7l', riscv64: 'riscv64' };

/** Nix's system double for this machine (`x86_64-linux`), without starting Nix. */
export function nixSystem(arch: string = process.arch, platform: string = process.platform): string {
  return `${ARCH[arch] ?? arch}-${platform}`;
}

export function entryPrefix(system: string): string {
  return `${KEY_PREFIX}${system}-`;
}

/** The entry a run saves; `attempt` keeps a re-run from colliding with the first run's entry. */
export function entryKey(system: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const run = env.GITHUB_RUN_ID ?? '';
  const attempt = env.GITHUB_RUN_ATTEMPT || '1';
  if (!/^\d+$/.test(run) || !/^\d+$/.test(attempt)) return null;
  return `${entryPrefix(system)}${run}-${attempt}`;
}
