// What the Nix daemon itself says about this user, as opposed to the client's configuration: a job
// env with NIX_CONFIG="trusted-users = runner" changes what `nix config show` prints, never what
// the daemon does (it decides trust from its own nix.conf and silently drops an untrusted user's
// substituters and keys).
import * as z from 'zod';
import { NIX_COMMAND, run } from './command.ts';

// `nix store info` (Nix 2.19+), else its old name `nix store ping` (a deprecation warning on new
// Nix). The spelling that worked is remembered: each failed try costs a Nix start.
const SPELLINGS = [['store', 'info'], ['store', 'ping']];
let working: string[] | null = null;

async function storeInfo(args: readonly string[]): Promise<{ stdout: string; stderr: string } | null> {
  for (const command of working ? [working] : SPELLINGS) {
    const r = await run('nix', [...NIX_COMMAND, ...command, ...args], { allowFailure: true });
    if (r.code === 0) {
      working = command;
      return r;
    }
  }
  return null;
}

// 2.34: `"trusted": false`; 2.26: `"trusted": 0`; releases before ~2.14 print no such field.
const StoreInfoJson = z.looseObject({ trusted: z.optional(z.union([z.boolean(), z.number()])) });

/**
 * Whether the store (the daemon, when there is one) trusts this user, as it reports it; null when
 * this Nix cannot tell (Nix 2.8 has no `--json` for `store ping`): the caller falls back to
 * reading `trusted-users`.
 */
export async function storeTrustsUser(): Promise<boolean | null> {
  const r = await storeInfo(['--json']);
  if (r === null) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    return null;
  }
  const parsed = StoreInfoJson.safeParse(doc);
  if (!parsed.success || parsed.data.trusted === undefined) return null;
  return parsed.data.trusted === true || parsed.data.trusted === 1;
}

/**
 * The URLs among `urls` that the daemon would drop if this user asked for them. The daemon checks
 * a client's substituters against its own `substituters` and `trusted-substituters` when the client
 * connects, and tells it about each one it drops ("ignoring untrusted substituter 'URL'", on the
 * client's stderr, Nix 2.4 to 2.34): after the system nix.conf was changed and the daemon
 * restarted, an empty answer proves the daemon reads what was written.
 */
export async function substitutersDaemonDrops(urls: readonly string[]): Promise<string[]> {
  if (urls.length === 0) return [];
  const r = await storeInfo(['--option', 'extra-substituters', urls.join(' ')]);
  if (r === null) throw new Error('cannot reach the Nix daemon: neither `nix store info` nor `nix store ping` worked');
  return urls.filter((url) => r.stderr.includes(`untrusted substituter '${url}'`));
}
