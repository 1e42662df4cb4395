// The nix.conf text the action adds. `extra-` settings append, so cache.nixos.org and whatever the
// job already configured stay; `X = v` would replace them.
import type { PublicKey } from '../nix/keys.ts';

export interface NixConfAdditions {
  substituters: string[];
  keys: PublicKey[];
  fallback: boolean;
  netrcFile: string | null;
}

/** Seconds to wait for a cache's TCP connection: a dead cache must not stall every build. */
export const CONNECT_TIMEOUT = 5;
/** Seconds without a byte before a download is abandoned (and, with fallback, built instead). */
export const STALLED_DOWNLOAD_TIMEOUT = 60;

export function renderNixConf(a: NixConfAdditions): string {
  const lines: string[] = [];
  if (a.substituters.length > 0) lines.push(`extra-substituters = ${a.substituters.join(' ')}`);
  if (a.keys.length > 0) lines.push(`extra-trusted-public-keys = ${[...new Set(a.keys.map((k) => k.text))].join(' ')}`);
  if (a.fallback) lines.push('fallback = true');
  lines.push(`connect-timeout = ${CONNECT_TIMEOUT}`, `stalled-download-timeout = ${STALLED_DOWNLOAD_TIMEOUT}`);
  if (a.netrcFile) lines.push(`netrc-file = ${a.netrcFile}`);
  return `${lines.join('\n')}\n`;
}

/** Appends our settings to an existing NIX_CONFIG (a whole nix.conf text), keeping what it had. */
export function mergeNixConfig(existing: string | undefined, ours: string): string {
  if (!existing?.trim()) return ours;
  return `${existing.replace(/\n*$/, '\n')}${ours}`;
}
