// Read auth for private caches: Nix sends netrc credentials as HTTP Basic auth (Cachix and attic
// take the token as the password). Our file keeps the job's existing entries for other hosts.
import type { NetrcEntry } from '../types.ts';

export type { NetrcEntry };

/** Parses the netrc subset Nix/curl use: machine/login/password tokens, any whitespace. */
export function parseNetrc(text: string): NetrcEntry[] {
  const tokens = text.split(/\s+/).filter(Boolean);
  const out: NetrcEntry[] = [];
  let current: Partial<NetrcEntry> | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const value = tokens[i + 1];
    if (t === 'machine' && value !== undefined) {
      if (current?.machine) out.push({ password: '', ...current } as NetrcEntry);
      current = { machine: value };
      i++;
    } else if ((t === 'login' || t === 'password') && value !== undefined && current) {
      current[t] = value;
      i++;
    }
  }
  if (current?.machine) out.push({ password: '', ...current } as NetrcEntry);
  return out;
}

export function renderNetrc(entries: readonly NetrcEntry[]): string {
  return entries.map((e) => `machine ${e.machine}${e.login ? ` login ${e.login}` : ''} password ${e.password}\n`).join('');
}

/** Our entries win for their hosts; the existing file's other hosts are kept. */
export function mergeNetrc(existing: readonly NetrcEntry[], ours: readonly NetrcEntry[]): NetrcEntry[] {
  const hosts = new Set(ours.map((e) => e.machine));
  return [...existing.filter((e) => !hosts.has(e.machine)), ...ours];
}
