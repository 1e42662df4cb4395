// Which file holds the machine's Nix settings, i.e. the one the action may add its block to:
// - `$NIX_CONF_DIR/nix.conf` (default /etc/nix/nix.conf), as Nix itself looks it up;
// - Determinate Nix generates that file and overwrites edits to it; it includes nix.custom.conf for
//   the user's settings, so that is the file to change when nix.conf includes it.
// The daemon reads its own environment's NIX_CONF_DIR, which is usually the same; the caller reads
// the daemon's answer back after writing (nix/daemon.ts) instead of trusting this guess.
import path from 'node:path';
import { readTextIfPresent } from '../text-file.ts';

const DEFAULT_CONF_DIR = '/etc/nix';
const CUSTOM_CONF = 'nix.custom.conf';

/** The file an `include` / `!include` line of `conf` names for Determinate's custom settings. */
export function customConfInclude(conf: string, confDir: string): string | null {
  for (const line of conf.split('\n')) {
    const m = /^\s*!?include\s+(\S+)\s*$/.exec(line);
    if (m?.[1] && path.basename(m[1]) === CUSTOM_CONF) return path.resolve(confDir, m[1]);
  }
  return null;
}

export function systemConfFile(env: NodeJS.ProcessEnv = process.env, read: (file: string) => string = readTextIfPresent): string {
  const dir = env.NIX_CONF_DIR || DEFAULT_CONF_DIR;
  const main = path.join(dir, 'nix.conf');
  return customConfInclude(read(main), dir) ?? main;
}
