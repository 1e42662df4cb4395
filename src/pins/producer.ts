// Producer side, in the post step after a push run: resolve each pin to its store path, check that
// a cache consumers substitute from holds it, and publish pins.json + pins.tar.gz to `pins-to`.
// Published only when every pinned path is in a cache: a consumer then never meets a pin it
// cannot fetch.
import type { Settings } from '../config.ts';
import { resolveCaches } from '../configure/caches.ts';
import { redactUrl } from '../http.ts';
import { queryPathInfo, resolveInstallables } from '../nix/store.ts';
import { renderPinSet, type Pin, type PinSet } from './format.ts';
import { pinTarball } from './nix-files.ts';
import { publishPinFiles } from './publish.ts';
import { cacheHas } from './store.ts';

export type PinPublishStatus = 'published' | 'skipped' | 'failed';

export interface PinPublishReport {
  status: PinPublishStatus;
  reason: string | null;
  /** The folder, credentials removed. */
  url: string;
  pins: Record<string, string>;
}

/** A cache URL as consumers may see it: no credentials, no query (secret-key=…, presigned parts). */
export function publicUrl(url: string): string {
  const u = new URL(url);
  if (u.protocol === 's3:') return `s3://${u.host}${u.pathname}`.replace(/\/+$/, '');
  return redactUrl(url).replace(/\/+$/, '');
}

export interface CacheView {
  /** Where to ask whether a path is there (as configured, credentials via netrc / the URL). */
  check: string;
  /** What consumers are told. */
  published: string;
}

/** The caches consumers substitute from, and the keys that sign what they serve. */
export async function publishedCaches(settings: Settings): Promise<{ caches: CacheView[]; keys: string[] }> {
  const { sources } = await resolveCaches(settings);
  const caches: CacheView[] = sources.flatMap((s) => s.urls).map((u) => ({ check: u, published: publicUrl(u) }));
  for (const url of settings.pushTo) {
    if (/^(https?|s3|file):/.test(url)) caches.push({ check: url, published: publicUrl(url) });
  }
  const keys = [...sources.flatMap((s) => s.keys.map((k) => k.text)), ...(settings.signingKey ? [settings.signingKey.publicKey.text] : [])];
  const seen = new Set<string>();
  return { caches: caches.filter((c) => !seen.has(c.published) && seen.add(c.published)), keys: [...new Set(keys)] };
}

/**
 * `extra`: entries resolved elsewhere (dev shells: `{ path, devShell: true, system }`), published with
 * the `pins` and held to the same rule (in a cache, or nothing is published); a `pins` name wins.
 */
export async function publishPins(settings: Settings, signal: AbortSignal, extra: Record<string, Pin> = {}): Promise<PinPublishReport> {
  const folder = settings.pinsTo as string;
  const report = (status: PinPublishStatus, reason: string | null, pins: Record<string, string> = {}): PinPublishReport => ({ status, reason, url: redactUrl(folder), pins });
  const pins: Record<string, string> = Object.fromEntries(Object.entries(extra).map(([n, p]) => [n, p.path]));
  for (const pin of settings.pins) {
    try {
      const [path] = await resolveInstallables([pin.target]);
      if (!path) throw new Error('resolved to nothing');
      pins[pin.name] = path;
    } catch (error) {
      return report('failed', `pin ${pin.name} (${pin.target}): ${(error as Error).message}`);
    }
  }
  const { caches, keys } = await publishedCaches(settings);
  if (caches.length === 0) return report('failed', 'no cache to publish: set substituters, cachix, attic or push-to', pins);
  const missing: string[] = [];
  for (const [name, path] of Object.entries(pins)) {
    let found = false;
    for (const c of caches) if (!found && (await cacheHas(c.check, [path]))) found = true;
    if (!found) missing.push(`${name} (${path})`);
  }
  if (missing.length > 0) return report('failed', `not published: no cache holds ${missing.join(', ')}`, pins);

  // fetchClosure needs one store with every pinned closure whole, and input-addressed pins (see
  // nix-files.ts); the pins are local here (resolved above), so their info costs one local query.
  let fromStore: string | null = null;
  const infos = await queryPathInfo(Object.values(pins)).catch(() => null); // a pin may not be local
  const inputAddressed = infos !== null && infos.every((i) => i.ca === null);
  for (const c of inputAddressed ? caches : []) {
    if (fromStore === null && /^https?:/.test(c.published) && (await cacheHas(c.check, Object.values(pins), { closure: true }))) fromStore = c.published;
  }
  const set: PinSet = {
    version: 1,
    pins: Object.fromEntries(Object.entries(pins).map(([n, p]) => [n, extra[n]?.path === p ? extra[n] : { path: p }])),
    substituters: caches.map((c) => c.published),
    publicKeys: keys,
  };
  await publishPinFiles(folder, { tarball: pinTarball(set, fromStore), json: renderPinSet(set), fromStore }, signal);
  return report('published', null, pins);
}
