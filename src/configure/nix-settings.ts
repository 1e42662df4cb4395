// Reads Nix's effective settings (`nix show-config --json`, renamed `nix config show` later).
import { NIX_COMMAND, run } from '../nix/command.ts';

/** Setting name → value. Nix 2.8+ prints {name: {value, defaultValue, …}}; bare values are kept too. */
function settingValues(doc: unknown): Record<string, unknown> {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('Nix printed its settings as something other than a JSON object');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) out[k] = v !== null && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v;
  return out;
}

// `config show` first (Nix 2.20+; newer Nix prints a deprecation notice for `show-config`), then
// `show-config` for older Nix. The spelling that worked is remembered: each failed try costs a
// whole Nix start (~15–50 ms), on older Nix only.
const COMMANDS = [['config', 'show', '--json'], ['show-config', '--json']];
let working: string[] | null = null;

/** The spelling Nix accepted (null before the first read). */
export function settingsCommand(): readonly string[] | null {
  return working;
}

export async function readNixSettings(env: NodeJS.ProcessEnv = process.env): Promise<Record<string, unknown>> {
  for (const command of working ? [working] : COMMANDS) {
    const { stdout, code } = await run('nix', [...NIX_COMMAND, ...command], { env, allowFailure: true });
    if (code === 0) {
      working = command;
      return settingValues(JSON.parse(stdout));
    }
  }
  throw new Error('cannot read Nix settings: neither `nix config show` nor `nix show-config` worked');
}

export function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  return [];
}
