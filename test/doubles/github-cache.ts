// A stand-in for GitHub's Actions cache service v2 (what @actions/cache 6 speaks): Twirp JSON at
// `<ACTIONS_RESULTS_URL>/twirp/github.actions.results.api.v1.CacheService/{CreateCacheEntry,
// FinalizeCacheEntryUpload, GetCacheEntryDownloadURL}` with a Bearer runtime token, blobs through
// SAS URLs (./azure-blob.ts). Loopback only.
//
// Behaves like the real service where it matters to a client:
// - the runtime token is a signed JWT whose `ac` claim lists cache scopes in lookup order with a
//   permission mask (1 read, 2 write), as the runner's token does; writes go to the first
//   writable scope; no writable scope → `ok: false`, "cache write denied: …";
// - an entry is (scope, key, version); a second CreateCacheEntry for one → 409 already_exists
//   (entries are immutable); Finalize needs the committed blob of exactly `size_bytes`;
// - lookup: per readable scope in order, the exact key, then each restore key as a prefix (newest
//   entry first); `version` must match; a miss is `ok: false`;
// - keys over 512 characters or with commas are refused; 429 with Retry-After when throttled.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { BlobStore } from './azure-blob.ts';

export const SERVICE = 'github.actions.results.api.v1.CacheService';
export const READ = 1;
export const WRITE = 2;

export interface CacheScope {
  scope: string;
  permission: number;
}

export interface CacheEntry {
  id: number;
  scope: string;
  key: string;
  version: string;
  blob: string;
  size: number | null;
  finalized: boolean;
  createdAt: number;
}

export interface TwirpRequest {
  method: string;
  status: number;
  body: unknown;
}

export interface GitHubCacheDouble {
  /** ACTIONS_RESULTS_URL (with a trailing slash, as the runner gives it). */
  url: string;
  /** The variables the runner gives a JavaScript action for cache v2, with a token for `scopes`. */
  env(scopes: readonly CacheScope[]): Record<string, string>;
  entries: CacheEntry[];
  /** Content of a finalized entry's archive. */
  archive(key: string): Buffer | null;
  requests: TwirpRequest[];
  blobs: BlobStore;
  /** Every Twirp call answers 429 (Retry-After: `seconds`) until `throttle(null)`. */
  throttle(seconds: number | null): void;
  stop(): Promise<void>;
}

const Metadata = z.object({ repository_id: z.string().optional(), scope: z.array(z.object({ scope: z.string(), permission: z.string() })).optional() }).strict().optional();
const Requests = {
  CreateCacheEntry: z.object({ metadata: Metadata, key: z.string(), version: z.string() }).strict(),
  FinalizeCacheEntryUpload: z.object({ metadata: Metadata, key: z.string(), size_bytes: z.string().regex(/^\d+$/), version: z.string() }).strict(),
  GetCacheEntryDownloadURL: z.object({ metadata: Metadata, key: z.string(), restore_keys: z.array(z.string()).optional(), version: z.string() }).strict(),
};
type Method = keyof typeof Requests;

const Claims = z.object({ ac: z.string(), exp: z.number() });
const Scopes = z.array(z.object({ Scope: z.string(), Permission: z.number().int() }));

function keyProblem(key: string): string | null {
  if (key === '') return 'key is required';
  if (key.length > 512) return 'key exceeds 512 characters';
  if (key.includes(',')) return 'key cannot contain commas';
  return null;
}

export async function startGitHubCache(): Promise<GitHubCacheDouble> {
  const secret = randomBytes(32);
  const entries: CacheEntry[] = [];
  const requests: TwirpRequest[] = [];
  let origin = '';
  let throttled: number | null = null;
  const blobs = new BlobStore(secret, () => origin);

  const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const hmac = (data: string) => createHmac('sha256', secret).update(data).digest('base64url');
  const token = (scopes: readonly CacheScope[]): string => {
    const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ ac: JSON.stringify(scopes.map((s) => ({ Scope: s.scope, Permission: s.permission }))), exp: Math.floor(Date.now() / 1000) + 3600 })}`;
    return `${head}.${hmac(head)}`;
  };
  const scopesOf = (header: string | undefined): CacheScope[] | null => {
    const m = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(header ?? '');
    if (!m) return null;
    const expected = Buffer.from(hmac(`${m[1]}.${m[2]}`));
    const given = Buffer.from(m[3] as string);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    const claims = Claims.safeParse(JSON.parse(Buffer.from(m[2] as string, 'base64url').toString('utf8')));
    if (!claims.success || claims.data.exp * 1000 < Date.now()) return null;
    return Scopes.parse(JSON.parse(claims.data.ac)).map((s) => ({ scope: s.Scope, permission: s.Permission }));
  };

  const lookup = (scopes: CacheScope[], key: string, restoreKeys: string[], version: string): CacheEntry | null => {
    for (const { scope, permission } of scopes) {
      if ((permission & READ) === 0) continue;
      const here = entries.filter((e) => e.scope === scope && e.finalized && e.version === version).sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
      const exact = here.find((e) => e.key === key);
      if (exact) return exact;
      for (const prefix of restoreKeys) {
        const hit = here.find((e) => e.key.startsWith(prefix));
        if (hit) return hit;
      }
    }
    return null;
  };

  const call = (method: Method, scopes: CacheScope[], body: unknown): [number, object] => {
    const parsed = Requests[method].safeParse(body);
    if (!parsed.success) return [400, { code: 'malformed', msg: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }];
    const req = parsed.data as { key: string; version: string; restore_keys?: string[]; size_bytes?: string };
    const bad = [req.key, ...(req.restore_keys ?? [])].map(keyProblem).find(Boolean);
    if (bad) return [400, { code: 'invalid_argument', msg: bad }];
    if (!/^[0-9a-f]{64}$/.test(req.version)) return [400, { code: 'invalid_argument', msg: 'version must be a sha256 hex digest' }];
    if (method === 'GetCacheEntryDownloadURL') {
      const hit = lookup(scopes, req.key, req.restore_keys ?? [], req.version);
      return [200, hit ? { ok: true, signed_download_url: blobs.sasUrl(hit.blob, 'r'), matched_key: hit.key } : { ok: false, signed_download_url: '', matched_key: '' }];
    }
    const writable = scopes.find((s) => (s.permission & WRITE) !== 0);
    if (!writable) return [200, { ok: false, message: 'cache write denied: token has no writable scopes' }];
    const existing = entries.find((e) => e.scope === writable.scope && e.key === req.key && e.version === req.version);
    if (method === 'CreateCacheEntry') {
      if (existing) return [409, { code: 'already_exists', msg: 'cache entry with the same key, version, and scope already exists' }];
      const id = entries.length + 1;
      const blob = `${id}-${randomBytes(8).toString('hex')}`;
      entries.push({ id, scope: writable.scope, key: req.key, version: req.version, blob, size: null, finalized: false, createdAt: Date.now() });
      blobs.blobs.set(blob, { committed: null, staged: new Map(), sealed: false });
      return [200, { ok: true, signed_upload_url: blobs.sasUrl(blob, 'cw') }];
    }
    const size = Number(req.size_bytes);
    if (!existing || existing.finalized) return [404, { code: 'not_found', msg: 'cache entry not found or already finalized' }];
    const stored = blobs.blobs.get(existing.blob);
    if (!stored?.committed) return [400, { code: 'failed_precondition', msg: 'the archive was not uploaded' }];
    if (stored.committed.length !== size) return [400, { code: 'invalid_argument', msg: `size_bytes ${size} does not match the uploaded ${stored.committed.length}` }];
    Object.assign(existing, { finalized: true, size });
    stored.sealed = true;
    return [200, { ok: true, entry_id: String(existing.id) }];
  };

  const twirp = (req: IncomingMessage, res: ServerResponse, method: string, raw: Buffer): void => {
    const reply = (status: number, payload: object, headers: Record<string, string> = {}): void => {
      let body: unknown = null;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        // recorded as null
      }
      requests.push({ method, status, body });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    if (req.method !== 'POST') return reply(405, { code: 'bad_route', msg: 'Twirp requires POST' });
    if (!(method in Requests)) return reply(404, { code: 'bad_route', msg: `no handler for ${method}` });
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return reply(415, { code: 'bad_route', msg: 'unexpected Content-Type' });
    const scopes = scopesOf(req.headers.authorization);
    if (!scopes) return reply(401, { code: 'unauthenticated', msg: 'invalid or missing runtime token' });
    if (throttled !== null) return reply(429, { code: 'resource_exhausted', msg: 'too many requests' }, { 'retry-after': String(throttled) });
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return reply(400, { code: 'malformed', msg: 'body is not JSON' });
    }
    const [status, payload] = call(method as Method, scopes, body);
    reply(status, payload);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', origin);
      const m = /^\/twirp\/([\w.]+)\/(\w+)$/.exec(url.pathname);
      if (m && m[1] === SERVICE) return twirp(req, res, m[2] as string, raw);
      if (!blobs.handle(req, res, url, raw)) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'bad_route', msg: 'not found' }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${origin}/`,
    env: (scopes) => ({ ACTIONS_RESULTS_URL: `${origin}/`, ACTIONS_RUNTIME_TOKEN: token(scopes), ACTIONS_CACHE_SERVICE_V2: 'True' }),
    entries,
    archive: (key) => {
      const e = entries.find((x) => x.key === key && x.finalized);
      return e ? (blobs.blobs.get(e.blob)?.committed ?? null) : null;
    },
    requests,
    blobs,
    throttle: (seconds) => {
      throttled = seconds;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
