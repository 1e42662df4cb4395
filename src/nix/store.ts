// The local store as the push side sees it: batched queries (one Nix call for many paths, never
// one per path). The snapshot and the diff against it are in snapshot.ts.
import { NIX_COMMAND, run } from './command.ts';
import { nixOnInstallables } from './installable.ts';
import { parsePathInfoJson, pathInfoArgs, STORE_DIR, type PathInfo } from './path-info.ts';

let versionCache: Promise<string> | null = null;
/** `nix --version` output, asked once per process. */
export function nixVersion(): Promise<string> {
  versionCache ??= run('nix', ['--version']).then((r) => r.stdout.trim());
  return versionCache;
}

const BATCH = 2000; // keeps argv well under the kernel's limit for long store paths

function batches<T>(items: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The subset of `paths` that are valid (registered and complete) in the local store. */
export async function validPaths(paths: readonly string[]): Promise<string[]> {
  const invalid = new Set<string>();
  for (const batch of batches(paths)) {
    const { stdout } = await run('nix-store', ['--check-validity', '--print-invalid', ...batch]);
    for (const line of stdout.split('\n')) if (line) invalid.add(line);
  }
  return paths.filter((p) => !invalid.has(p));
}

/** Path info of `paths` (and with `closure`, of everything they refer to), in one call per batch. */
export async function queryPathInfo(paths: readonly string[], options: { closure?: boolean; store?: string } = {}): Promise<PathInfo[]> {
  if (paths.length === 0) return [];
  const extra = pathInfoArgs(await nixVersion());
  const byPath = new Map<string, PathInfo>();
  for (const batch of batches(paths)) {
    const args = [...NIX_COMMAND, 'path-info', '--json', ...extra];
    if (options.closure) args.push('--recursive');
    if (options.store) args.push('--store', options.store);
    const { stdout } = await run('nix', [...args, ...batch]);
    for (const info of parsePathInfoJson(stdout)) byPath.set(info.path, info);
  }
  return [...byPath.values()];
}

/** Resolves store paths and installables (`.#pkg`, `file.nix#attr`, `/nix/store/…`) to output paths. */
export async function resolveInstallables(targets: readonly string[]): Promise<string[]> {
  const isPath = (t: string) => t.startsWith(`${STORE_DIR}/`);
  const out = targets.filter(isPath).map((p) => p.split('/').slice(0, 4).join('/'));
  const installables = targets.filter((t) => !isPath(t));
  // `path-info` realises nothing: an installable that was not built in this job is an error.
  for (const result of installables.length > 0 ? await nixOnInstallables(['path-info'], installables) : []) {
    if (result.code !== 0) throw new Error(`cannot resolve ${installables.join(' ')}: ${result.stderr.trim().split('\n').pop() ?? ''}`);
    out.push(...result.stdout.split('\n').filter(Boolean));
  }
  return [...new Set(out)];
}
