// The nix.conf text the action adds. `extra-` settings append, so cache.nixos.org and whatever the
// job already configured stay; `X = v` would replace them.
import type { PublicKey } from '../nix/keys.ts';

export interface NixConfAdditions {
  substituters: string[];
  keys: PublicKey[];
  fallback: boolean;
  netrcFile: string | null;
}

// A cache that accepts connections and never answers must not hold the build. Nix (2.8 to today,
// filetransfer.cc) gives each file `download-attempts` tries; a try ends after `connect-timeout`
// without a connection or `stalled-download-timeout` without a byte, and is retried after
// 250 ms·2^n (+ jitter). After that failure Nix disables the cache for a while (maybeDisable) and
// substitutes from the others or, with fallback, builds. Worst case per cache: 3 × 15 s + ~1.5 s
// of backoff ≈ 47 s (README: "within 50 s"); a cache that refuses or times out the connection:
// 3 × 5 s. Exported for the tests that check it.
/** Seconds to wait for a cache's TCP connection: a dead cache must not stall every build. */
export const CONNECT_TIMEOUT = 5;
/** Seconds without a byte before a try is abandoned. Nix's default is 300. */
export const STALLED_DOWNLOAD_TIMEOUT = 15;
/** Tries per file (Nix's default is 5, so 5 × 300 s for a hung cache). */
export const DOWNLOAD_ATTEMPTS = 3;
/** The documented bound for a hung cache, in seconds. */
export const HUNG_CACHE_BOUND_SECONDS = 50;

export function renderNixConf(a: NixConfAdditions): string {
  const lines: string[] = [];
  if (a.substituters.length > 0) lines.push(`extra-substituters = ${a.substituters.join(' ')}`);
  if (a.keys.length > 0) lines.push(`extra-trusted-public-keys = ${[...new Set(a.keys.map((k) => k.text))].join(' ')}`);
  if (a.fallback) lines.push('fallback = true');
  lines.push(`connect-timeout = ${CONNECT_TIMEOUT}`, `stalled-download-timeout = ${STALLED_DOWNLOAD_TIMEOUT}`, `download-attempts = ${DOWNLOAD_ATTEMPTS}`);
  if (a.netrcFile) lines.push(`netrc-file = ${a.netrcFile}`);
  return `${lines.join('\n')}\n`;
}

/** Appends our settings to an existing NIX_CONFIG (a whole nix.conf text), keeping what it had. */
export function mergeNixConfig(existing: string | undefined, ours: string): string {
  if (!existing?.trim()) return ours;
  return `${existing.replace(/\n*$/, '\n')}${ours}`;
}
