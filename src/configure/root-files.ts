// Files of the machine's Nix setup that belong to root (the system nix.conf, the shared netrc and
// its parts): read directly when the runner user may, with sudo otherwise; written only atomically
// through sudo (a temp file beside the target, given its mode and owner, renamed over it), so no
// reader ever sees half a file and no file holding tokens is ever readable by the wrong user.
import { readdirSync, readFileSync } from 'node:fs';
import { run } from '../nix/command.ts';

export async function canSudo(): Promise<boolean> {
  const { code } = await run('sudo', ['-n', 'true'], { allowFailure: true }).catch(() => ({ code: 1 }));
  return code === 0;
}

/** The runner user may not: read with sudo instead. */
export const denied = (error: unknown): boolean => ['EACCES', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '');
const missing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * The file's text (symlinks followed); null when it does not exist. Throws when it exists but
 * cannot be read, not even with sudo.
 */
export async function readAsRoot(file: string): Promise<string | null> {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (missing(error)) return null;
    if (!denied(error)) throw error;
  }
  const viaSudo = await run('sudo', ['-n', 'cat', '--', file], { allowFailure: true });
  if (viaSudo.code === 0) return viaSudo.stdout;
  throw new Error(`cannot read ${file}, not even with sudo (${viaSudo.stderr.trim()})`);
}

/** The names in a directory the runner user may not list; [] when it does not exist. */
export async function listAsRoot(dir: string): Promise<string[]> {
  try {
    return readdirSync(dir);
  } catch (error) {
    if (missing(error)) return [];
    if (!denied(error)) throw error;
  }
  const viaSudo = await run('sudo', ['-n', 'ls', '-A', '--', dir]);
  return viaSudo.stdout.split('\n').filter((n) => n !== '');
}

/** Replaces `file` with `text` atomically through sudo, with `mode` (octal digits) and `owner` (uid:gid). */
export async function writeAsRoot(file: string, text: string, mode: string, owner: string): Promise<void> {
  // mktemp creates the temp file 0600 for root: nobody else reads it before its chmod.
  const script = 'set -e; tmp=$(mktemp "$1.XXXXXX"); trap \'rm -f "$tmp"\' EXIT; cat >"$tmp"; chmod "$2" "$tmp"; chown "$3" "$tmp"; mv -f "$tmp" "$1"; trap - EXIT';
  await run('sudo', ['-n', 'sh', '-c', script, 'sh', file, mode, owner], { input: text });
}

/** Removes files or directories (recursively) through sudo; what is not there is no error. */
export async function removeAsRoot(...paths: string[]): Promise<void> {
  await run('sudo', ['-n', 'rm', '-rf', '--', ...paths]);
}
