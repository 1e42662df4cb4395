// Which caches to substitute from, with their keys: explicit URLs, Cachix and attic. A key lookup
// that fails (service down) skips that cache with a warning instead of failing the build, unless
// `strict`; giving the key as an input skips the lookup and needs no network.
import { cacheConfig } from '../caches/attic-api.ts';
import { cacheInfo } from '../caches/cachix-api.ts';
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

const LOOKUP_TIMEOUT_MS = 15_000;

/** What a server's answer names as the cache's URL: one http(s) URL, or the cache is not used. */
function serverUrl(field: string, value: string): string {
  const r = check(HttpUrl, value);
  if (!r.ok) throw new Error(`the server's ${field} ${r.problem}; the cache is not used`);
  return r.value;
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

async function cachixSource(c: NonNullable<Settings['cachix']>): Promise<CacheSource> {
  const label = `cachix:${c.name}`;
  if (c.publicKey) {
    const url = `https://${c.name}.cachix.org`;
    return { label, urls: [url], keys: [c.publicKey], netrc: c.authToken ? [{ machine: hostOf(url), password: c.authToken }] : [], how: 'key given as input' };
  }
  const info = await cacheInfo(c.apiUrl, c.name, c.authToken, AbortSignal.timeout(LOOKUP_TIMEOUT_MS));
  const url = serverUrl('uri', info.uri);
  const keys = info.publicSigningKeys.map(parsePublicKey);
  let netrc: NetrcEntry[] = [];
  if (!info.isPublic && c.authToken) {
    if (!sameSite(hostOf(url), hostOf(c.apiUrl))) throw new Error(`the server's uri ${url} is not on the host of cachix-api-url: the token is not sent there; the cache is not used`);
    netrc = [{ machine: hostOf(url), password: c.authToken }];
  }
  return { label, urls: [url], keys, netrc, how: `key from Cachix (${info.isPublic ? 'public' : 'private'} cache)` };
}

async function atticSource(a: NonNullable<Settings['attic']>): Promise<CacheSource> {
  const label = `attic:${a.cache}`;
  // The token goes only to attic-endpoint's host (Nix sends netrc entries by host).
  const netrc = a.token ? [{ machine: hostOf(a.endpoint), password: a.token }] : [];
  const own = `${a.endpoint}/${a.cache}`;
  if (a.publicKey) return { label, urls: [own], keys: [a.publicKey], netrc, how: 'key given as input' };
  const config = await cacheConfig(a.endpoint, a.cache, a.token, AbortSignal.timeout(LOOKUP_TIMEOUT_MS));
  if (!config.publicKey) throw new Error(`attic cache ${a.cache} reported no public key`);
  const warnings = config.refused.map((r) => `${label}: the server's cache config ${r}; ${own} is used instead`);
  let url = config.substituterEndpoint ?? own;
  if (a.token && hostOf(url) !== hostOf(a.endpoint)) {
    warnings.push(`${label}: the server advertises substituter_endpoint ${url}, not on attic-endpoint's host: the token is not sent there; ${own} is used instead`);
    url = own;
  }
  return {
    label,
    urls: [url],
    keys: [config.publicKey],
    netrc,
    how: `key from attic's cache config (${config.isPublic === false ? 'private' : 'public'} cache)`,
    warnings,
  };
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
