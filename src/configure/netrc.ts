// Read auth for private caches: Nix sends netrc credentials as HTTP Basic auth (Cachix and attic
// take the token as the password). Our file keeps the job's existing entries for other hosts.
import type { NetrcEntry } from '../types.ts';

export type { NetrcEntry };

/** `machine` of the `default` entry (curl: used for any host without its own entry). */
export const DEFAULT_MACHINE = '';

/**
 * Parses the netrc subset Nix/curl use: machine/default/login/password tokens, any whitespace.
 * `macdef` bodies (up to a blank line) are skipped; other words are ignored.
 */
export function parseNetrc(text: string): NetrcEntry[] {
  const tokens = text.replace(/^macdef[^\n]*\n(?:.+\n)*/gm, '').split(/\s+/).filter(Boolean);
  const out: NetrcEntry[] = [];
  let current: Partial<NetrcEntry> | null = null;
  const flush = () => {
    if (current?.machine !== undefined) out.push({ password: '', ...current } as NetrcEntry);
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const value = tokens[i + 1];
    if (t === 'machine' && value !== undefined) {
      flush();
      current = { machine: value };
      i++;
    } else if (t === 'default') {
      flush();
      current = { machine: DEFAULT_MACHINE };
    } else if ((t === 'login' || t === 'password') && value !== undefined && current) {
      current[t] = value;
      i++;
    }
  }
  flush();
  return out;
}

/** One entry per line; `default` last (curl stops reading at it); no empty `password` word. */
export function renderNetrc(entries: readonly NetrcEntry[]): string {
  const ordered = [...entries.filter((e) => e.machine !== DEFAULT_MACHINE), ...entries.filter((e) => e.machine === DEFAULT_MACHINE)];
  return ordered
    .map((e) => `${e.machine === DEFAULT_MACHINE ? 'default' : `machine ${e.machine}`}${e.login ? ` login ${e.login}` : ''}${e.password ? ` password ${e.password}` : ''}\n`)
    .join('');
}

/** Our entries win for their hosts; the existing file's other hosts (and its `default`) are kept. */
export function mergeNetrc(existing: readonly NetrcEntry[], ours: readonly NetrcEntry[]): NetrcEntry[] {
  const hosts = new Set(ours.map((e) => e.machine));
  return [...existing.filter((e) => !hosts.has(e.machine)), ...ours];
}

/** The host part of a URL without its port (netrc `machine` names a host). */
export function hostOf(url: string): string {
  return new URL(url).host.replace(/:\d+$/, '');
}

/**
 * `https://user:password@host/…` → the URL without credentials, and a netrc entry holding them: the
 * password then never appears in NIX_CONFIG, outputs or the summary (Nix reads netrc-file).
 */
export function withoutCredentials(raw: string): { url: string; netrc: NetrcEntry[] } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { url: raw, netrc: [] };
  }
  if (!url.username && !url.password) return { url: raw, netrc: [] };
  const entry: NetrcEntry = { machine: hostOf(raw), password: decodeURIComponent(url.password) };
  if (url.username) entry.login = decodeURIComponent(url.username);
  url.username = '';
  url.password = '';
  return { url: url.href.replace(/\/+$/, ''), netrc: [entry] };
}
