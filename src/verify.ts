// The verify gate (`require-substituted`): a consumer proves that a cold build will fetch the named
// installables (and their build-time closure) from its caches instead of building them from
// source, before the build runs.
import { nixOnInstallables } from './nix/installable.ts';

export interface DryRun {
  toBuild: string[];
  toFetch: string[];
}

/** Parses Nix's dry-run report ("these N derivations will be built:" / "this path will be fetched …:"). */
export function parseDryRun(stderr: string): DryRun {
  const out: DryRun = { toBuild: [], toFetch: [] };
  let current: string[] | null = null;
  for (const line of stderr.split('\n')) {
    if (/^(these|this) .*will be built/.test(line)) current = out.toBuild;
    else if (/^(these|this) .*will be fetched/.test(line)) current = out.toFetch;
    else if (current && /^\s+\/\S+/.test(line)) current.push(line.trim());
    else current = null;
  }
  return out;
}

export class VerifyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerifyError';
  }
}

export async function verifySubstituted(installables: readonly string[]): Promise<DryRun> {
  const total: DryRun = { toBuild: [], toFetch: [] };
  for (const result of await nixOnInstallables(['build', '--dry-run', '--no-link'], installables)) {
    if (result.code !== 0) throw new VerifyError(`require-substituted: nix build --dry-run failed: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`);
    const dry = parseDryRun(result.stderr);
    total.toBuild.push(...dry.toBuild);
    total.toFetch.push(...dry.toFetch);
  }
  if (total.toBuild.length > 0) {
    throw new VerifyError(
      `require-substituted: ${total.toBuild.length} derivation(s) would be built from source instead of substituted:\n${total.toBuild.map((d) => `  ${d}`).join('\n')}`,
    );
  }
  return total;
}
