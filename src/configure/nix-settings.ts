// Reads Nix's effective settings (`nix show-config --json`, renamed `nix config show` later).
import * as z from 'zod/mini';
import '../zod-english.ts';
import { NIX_COMMAND, run } from '../nix/command.ts';

// Nix 2.8+ prints {name: {value, defaultValue, …}}; keep accepting bare values too.
const Settings = z.pipe(
  z.record(z.string(), z.unknown()),
  z.transform((doc: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(doc)) out[k] = v !== null && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v;
    return out;
  }),
);

// `show-config` first: every Nix from 2.8 on still has it (newer ones print a deprecation notice on
// stderr), while `config show` only exists from 2.20. The spelling that worked is remembered: each
// failed try costs a whole Nix start (~15–50 ms) in every step.
const COMMANDS = [['show-config', '--json'], ['config', 'show', '--json']];
let working: string[] | null = null;

export async function readNixSettings(env: NodeJS.ProcessEnv = process.env): Promise<Record<string, unknown>> {
  for (const command of working ? [working] : COMMANDS) {
    const { stdout, code } = await run('nix', [...NIX_COMMAND, ...command], { env, allowFailure: true });
    if (code === 0) {
      working = command;
      return Settings.parse(JSON.parse(stdout));
    }
  }
  throw new Error('cannot read Nix settings: neither `nix config show` nor `nix show-config` worked');
}

export function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  return [];
}
