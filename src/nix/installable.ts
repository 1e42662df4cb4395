// Installables as users write them in inputs: flake references (`.#pkg`, `github:o/r#x`), store
// paths, and — for projects without flakes — `path/to/file.nix#attr`, which becomes `--file`.
import { NIX_COMMAND, run } from './command.ts';

/** nix-command and flakes: installables may be flake references on any Nix from 2.8. */
export const NIX_FLAGS = [...NIX_COMMAND, '--extra-experimental-features', 'flakes'];

export function installableArgs(installable: string): string[] {
  const file = /^([^#]+\.nix)(?:#(.*))?$/.exec(installable);
  if (file?.[1] && !installable.includes(':')) return ['--file', file[1], file[2] ?? ''].filter((a, i) => i < 2 || a !== '');
  return [installable];
}

/** Runs one `nix` subcommand over many installables, grouping `--file` ones per file. */
export async function nixOnInstallables(subcommand: string[], installables: readonly string[], env?: NodeJS.ProcessEnv) {
  const groups = new Map<string, string[]>();
  for (const i of installables) {
    const args = installableArgs(i);
    const key = args[0] === '--file' ? `--file\0${args[1]}` : '';
    groups.set(key, [...(groups.get(key) ?? []), ...(args[0] === '--file' ? args.slice(2) : args)]);
  }
  const results = [];
  for (const [key, items] of groups) {
    const prefix = key === '' ? [] : key.split('\0');
    results.push(await run('nix', [...NIX_FLAGS, ...subcommand, ...prefix, ...items], { allowFailure: true, ...(env ? { env } : {}) }));
  }
  return results;
}
