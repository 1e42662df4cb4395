// Which caches to substitute from, with their keys: explicit URLs, Cachix and attic. A key lookup
// that fails (service down) skips that cache with a warning instead of failing the build, unless
// `strict`; giving the key as an input skips the lookup and needs no network.
import { cacheConfig } from '../caches/attic-api.ts';
import { cacheInfo } from '../caches/cachix-api.ts';
import type { Settings } from '../config.ts';
import { parsePublicKey, type PublicKey } from '../nix/keys.ts';
import type { CacheSource, NetrcEntry } from '../types.ts';

export type { CacheSource };

export interface ResolvedCaches {
  sources: CacheSource[];
  /** Caches left out because their key could not be looked up. */
  skipped: Array<{ label: string; reason: string }>;
}

const LOOKUP_TIMEOUT_MS = 15_000;

function hostOf(url: string): string {
  return new URL(url).host.replace(/:\d+$/, '');
}

async function cachixSource(c: NonNullable<Settings['cachix']>): Promise<CacheSource> {
  const label = `cachix:${c.name}`;
  if (c.publicKey) {
    const url = `https://${c.name}.cachix.org`;
    return { label, urls: [url], keys: [c.publicKey], netrc: c.authToken ? [{ machine: hostOf(url), password: c.authToken }] : [], how: 'key given as input' };
  }
  const info = await cacheInfo(c.apiUrl, c.name, c.authToken, AbortSignal.timeout(LOOKUP_TIMEOUT_MS));
  const keys = info.publicSigningKeys.map(parsePublicKey);
  const netrc = !info.isPublic && c.authToken ? [{ machine: hostOf(info.uri), password: c.authToken }] : [];
  return { label, urls: [info.uri.replace(/\/+$/, '')], keys, netrc, how: `key from Cachix (${info.isPublic ? 'public' : 'private'} cache)` };
}

async function atticSource(a: NonNullable<Settings['attic']>): Promise<CacheSource> {
  const label = `attic:${a.cache}`;
  const netrc = a.token ? [{ machine: hostOf(a.endpoint), password: a.token }] : [];
  if (a.publicKey) return { label, urls: [`${a.endpoint}/${a.cache}`], keys: [a.publicKey], netrc, how: 'key given as input' };
  const config = await cacheConfig(a.endpoint, a.cache, a.token, AbortSignal.timeout(LOOKUP_TIMEOUT_MS));
  if (!config.publicKey) throw new Error(`attic cache ${a.cache} reported no public key`);
  const url = (config.substituterEndpoint ?? `${a.endpoint}/${a.cache}`).replace(/\/+$/, '');
  return {
    label,
    urls: [url],
    keys: [config.publicKey],
    netrc: a.token ? [{ machine: hostOf(url), password: a.token }] : [],
    how: `key from attic's cache config (${config.isPublic === false ? 'private' : 'public'} cache)`,
  };
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

export async function resolveCaches(settings: Settings): Promise<ResolvedCaches> {
  const sources: CacheSource[] = [];
  const skipped: ResolvedCaches['skipped'] = [];
  if (settings.substituters.length > 0 || settings.trustedPublicKeys.length > 0) {
    const plain = settings.substituters.map(withoutCredentials);
    sources.push({ label: 'substituters', urls: plain.map((p) => p.url), keys: settings.trustedPublicKeys, netrc: plain.flatMap((p) => p.netrc), how: 'inputs' });
  }
  const lookups: Array<[string, () => Promise<CacheSource>]> = [];
  if (settings.cachix) lookups.push([`cachix:${settings.cachix.name}`, () => cachixSource(settings.cachix!)]);
  if (settings.attic) lookups.push([`attic:${settings.attic.cache}`, () => atticSource(settings.attic!)]);
  const results = await Promise.allSettled(lookups.map(([, f]) => f()));
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') sources.push(r.value);
    else skipped.push({ label: lookups[i]![0], reason: r.reason instanceof Error ? r.reason.message : String(r.reason) });
  });
  return { sources, skipped };
}
