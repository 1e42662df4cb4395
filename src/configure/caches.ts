// Which caches to substitute from, with their keys: explicit URLs, Cachix and attic. A lookup
// retries transient failures (503, 429 with Retry-After, resets) like the cachix client for up to
// LOOKUP_BUDGET_MS; one that still fails skips that cache with a warning instead of failing the
// build, unless `strict`. With the key given as an input, the lookup only refines the substituter
// URL and netrc (private or not), gets KEYED_LOOKUP_BUDGET_MS, and its failure costs nothing.
// Server answers are checked where they enter: a URL must be plain http(s), and a token only goes
// to the host the user configured (or, for Cachix, a sibling of the API's host).
import { cacheConfig, substituterMismatch } from '../caches/attic-api.ts';
import { cacheInfo, type CachixCacheInfo } from '../caches/cachix-api.ts';
import type { Settings } from '../config.ts';
import { parsePublicKey } from '../nix/keys.ts';
import { check, HttpUrl } from '../schemas.ts';
import type { CacheSource, NetrcEntry } from '../types.ts';
import { hostOf, withoutCredentials } from './netrc.ts';

export type { CacheSource };

export interface ResolvedCaches {
  sources: CacheSource[];
  /** Caches left out because their key could not be looked up. */
  skipped: Array<{ label: string; reason: string }>;
}

/** Whole lookup, retries included (the retry policy itself stops after 90 s of waiting). */
export const LOOKUP_BUDGET_MS = 120_000;
/** With the key given, the lookup is optional: do not hold the build up long for it. */
export const KEYED_LOOKUP_BUDGET_MS = 15_000;

type Budget = (ms: number) => AbortSignal;

/** What a server's answer names as the cache's URL: one http(s) URL, or the cache is not used. */
function serverUrl(field: string, value: string): string {
  const r = check(HttpUrl, value);
  if (!r.ok) throw new Error(`the server's ${field} ${r.problem}; the cache is not used`);
  return r.value.replace(/\/+$/, '');
}

/**
 * May a token for the API at `apiHost` go to `host`? The same host, or a sibling under the API's
 * parent domain (app.cachix.org → <name>.cachix.org). Never a host only the server named.
 */
export function sameSite(host: string, apiHost: string): boolean {
  if (host === apiHost) return true;
  const labels = apiHost.split('.');
  if (labels.length < 3 || /^[\d.]+$/.test(apiHost) || apiHost.includes(':')) return false;
  return host.endsWith(`.${labels.slice(1).join('.')}`);
}

/** The substituter URL and read credentials the cache info gives (netrc only for a private cache). */
function fromCachixInfo(c: NonNullable<Settings['cachix']>, info: CachixCacheInfo): { url: string; netrc: NetrcEntry[] } {
  const url = serverUrl('uri', info.uri);
  if (info.isPublic || !c.authToken) return { url, netrc: [] };
  if (!sameSite(hostOf(url), hostOf(c.apiUrl))) throw new Error(`the server's uri ${url} is not on the host of cachix-api-url: the token is not sent there; the cache is not used`);
  return { url, netrc: [{ machine: hostOf(url), password: c.authToken }] };
}

async function cachixSource(c: NonNullable<Settings['cachix']>, budget: Budget): Promise<CacheSource> {
  const label = `cachix:${c.name}`;
  if (c.publicKey) {
    const info = await cacheInfo(c.apiUrl, c.name, c.authToken, budget(KEYED_LOOKUP_BUDGET_MS)).catch(() => null);
    const found = info ? (() => { try { return fromCachixInfo(c, info); } catch { return null; } })() : null;
    if (info && found) return { label, urls: [found.url], keys: [c.publicKey], netrc: found.netrc, how: `key given as input; URL from Cachix (${info.isPublic ? 'public' : 'private'} cache)` };
    // Cachix unreachable (or its answer refused): its usual URL, and read auth in case the cache is private.
    const url = `https://${c.name}.cachix.org`;
    return { label, urls: [url], keys: [c.publicKey], netrc: c.authToken ? [{ machine: hostOf(url), password: c.authToken }] : [], how: 'key given as input (Cachix not reachable: default URL)' };
  }
  const info = await cacheInfo(c.apiUrl, c.name, c.authToken, budget(LOOKUP_BUDGET_MS));
  const { url, netrc } = fromCachixInfo(c, info);
  const keys = info.publicSigningKeys.map(parsePublicKey);
  return { label, urls: [url], keys, netrc, how: `key from Cachix (${info.isPublic ? 'public' : 'private'} cache)` };
}

async function atticSource(a: NonNullable<Settings['attic']>, budget: Budget): Promise<CacheSource> {
  const label = `attic:${a.cache}`;
  // The token goes only to attic-endpoint's host (Nix sends netrc entries by host).
  const netrc = a.token ? [{ machine: hostOf(a.endpoint), password: a.token }] : [];
  const own = `${a.endpoint}/${a.cache}`.replace(/\/+$/, '');
  const lookup = cacheConfig(a.endpoint, a.cache, a.token, budget(a.publicKey ? KEYED_LOOKUP_BUDGET_MS : LOOKUP_BUDGET_MS));
  // With the key given, a config that cannot be read leaves the usual URL.
  const config = a.publicKey ? await lookup.catch(() => null) : await lookup;
  const key = a.publicKey ?? config?.publicKey;
  if (!key) throw new Error(`attic cache ${a.cache} reported no public key`);
  const warnings = (config?.refused ?? []).map((r) => `${label}: the server's cache config ${r}; ${own} is used instead`);
  let url = config?.substituterEndpoint?.replace(/\/+$/, '') ?? own;
  if (a.token && hostOf(url) !== hostOf(a.endpoint)) {
    warnings.push(`${label}: the server advertises substituter_endpoint ${url}, not on attic-endpoint's host: the token is not sent there; ${own} is used instead`);
    url = own;
  } else {
    // Another scheme or host, followed since no token goes there: usually a server behind a proxy.
    const mismatch = substituterMismatch(a.endpoint, config?.substituterEndpoint ?? null);
    if (mismatch) warnings.push(`${label}: ${mismatch}`);
  }
  const how = a.publicKey
    ? `key given as input${config ? '; URL from the cache config' : ' (cache config not readable: default URL)'}`
    : `key from attic's cache config (${config?.isPublic === false ? 'private' : 'public'} cache)`;
  return { label, urls: [url], keys: [key], netrc, how, warnings };
}

export async function resolveCaches(settings: Settings, budget: Budget = AbortSignal.timeout): Promise<ResolvedCaches> {
  const sources: CacheSource[] = [];
  const skipped: ResolvedCaches['skipped'] = [];
  if (settings.substituters.length > 0 || settings.trustedPublicKeys.length > 0) {
    const plain = settings.substituters.map(withoutCredentials);
    sources.push({ label: 'substituters', urls: plain.map((p) => p.url), keys: settings.trustedPublicKeys, netrc: plain.flatMap((p) => p.netrc), how: 'inputs' });
  }
  const lookups: Array<[string, () => Promise<CacheSource>]> = [];
  if (settings.cachix) lookups.push([`cachix:${settings.cachix.name}`, () => cachixSource(settings.cachix!, budget)]);
  if (settings.attic) lookups.push([`attic:${settings.attic.cache}`, () => atticSource(settings.attic!, budget)]);
  const results = await Promise.allSettled(lookups.map(([, f]) => f()));
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') sources.push(r.value);
    else skipped.push({ label: lookups[i]![0], reason: r.reason instanceof Error ? r.reason.message : String(r.reason) });
  });
  return { sources, skipped };
}
