// An attic server stand-in (zhaofengli/attic server/src/api) for everything the action uses:
// cache-config, get-missing-paths, upload-path (header and preamble forms), attic's error shape and
// permission semantics, and the Nix-facing binary cache (nix-cache-info, narinfo signed on the fly
// with the cache's own key, zstd NARs) so a real Nix substitutes from it. As strict as a real
// server behind cloudflared: bodies need a Content-Length (411 otherwise), references must be the
// sorted base names attic's client sends, `nar_hash` is `sha256:` hex or nix32 (no SRI), and a
// token's permission on a cache comes from one pattern (exact name first), never merged.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { zstdCompressSync } from 'node:zlib';
import { z } from 'zod';
import { Sha256 } from '../../src/nix/hash.ts';
import type { SecretKey } from '../../src/nix/keys.ts';
import { renderNarInfo } from '../../src/nix/narinfo.ts';
import { fingerprint } from '../../src/nix/path-info.ts';
import { ApiFailure, ERRORS, generateKey, grantFor, MissingRequest, STORE_DIR, tokenOf, UploadInfo, type Permission } from './attic-wire.ts';

export interface AtticDoubleCache {
  public: boolean;
  /** Signing key name (attic generates one named after the cache). */
  keyName?: string;
  /** Default ["cache.nixos.org-1"], like `attic cache create`. */
  upstreamKeyNames?: string[];
  priority?: number;
}

export interface AtticDoubleOptions {
  caches: Record<string, AtticDoubleCache>;
  /**
   * Token → cache names (or "*" / "prefix-*" patterns) it may pull from and push to. Like attic's
   * JWT claims, the permission on a cache is that of ONE pattern: its exact name if listed, else the
   * first pattern (pull list first, then push) that matches, with the rights that pattern has.
   */
  tokens?: Record<string, { pull: string[]; push: string[] }>;
  /** Refuse request bodies without Content-Length with 411, as cloudflared does (default true). */
  requireContentLength?: boolean;
  /** Answer 413 like a proxy (nginx client_max_body_size) once a request body exceeds this. */
  maxBodyBytes?: number;
  /** What cache-config advertises as `api_endpoint` (default: the double's own URL + "/"). */
  apiEndpoint?: string;
  /** A hostile server: what cache-config advertises as `substituter_endpoint`, verbatim. */
  substituterEndpoint?: string;
}

export interface StoredObject {
  storePath: string;
  /** As uploaded: base names. */
  references: string[];
  deriver: string | null;
  sigs: string[];
  ca: string | null;
  narHash: Sha256;
  narSize: number;
  nar: Buffer;
}

export interface UploadRecord {
  cache: string;
  storePath: string;
  form: 'header' | 'preamble';
  /** Bytes of NAR received. */
  received: number;
  status: number;
  kind?: 'Uploaded' | 'Deduplicated';
  error?: string;
}

export interface AtticDouble {
  url: string;
  stop(): Promise<void>;
  /** `name:base64` text for trusted-public-keys. */
  publicKey(cache: string): string;
  uploads: UploadRecord[];
  /** Every request: method, path, status. */
  requests: Array<{ method: string; path: string; status: number }>;
  /** The most upload-path requests in progress at once. */
  maxConcurrentUploads(): number;
  /** The objects a cache holds, by store path hash. */
  stored(cache: string): ReadonlyMap<string, StoredObject>;
  faults: {
    /**
     * The next `count` API requests answer `status` (default 503) without doing anything; with
     * `retryAfter` they carry that Retry-After header, with `kind` attic's JSON error of that kind.
     */
    failNext(count: number, status?: number, options?: { retryAfter?: string; kind?: string; message?: string }): void;
    /** Flips one byte in the NAR of the next `count` uploads, as if corrupted in flight. */
    corruptNext(count: number): void;
  };
}

interface CacheState {
  config: Required<AtticDoubleCache>;
  key: SecretKey;
  objects: Map<string, StoredObject>;
}

export async function startAtticDouble(options: AtticDoubleOptions): Promise<AtticDouble> {
  const caches = new Map<string, CacheState>();
  for (const [name, c] of Object.entries(options.caches)) {
    const keyName = c.keyName ?? name;
    caches.set(name, {
      config: { public: c.public, keyName, upstreamKeyNames: c.upstreamKeyNames ?? ['cache.nixos.org-1'], priority: c.priority ?? 41 },
      key: generateKey(keyName),
      objects: new Map(),
    });
  }
  const tokens = options.tokens ?? {};
  const uploads: UploadRecord[] = [];
  const requests: AtticDouble['requests'] = [];
  let failCount = 0;
  let failStatus = 503;
  let failOptions: { retryAfter?: string; kind?: string; message?: string } = {};
  let corruptCount = 0;
  let uploadsNow = 0;
  let uploadsMax = 0;
  let url = '';

  // An invalid token is ignored: the request goes on anonymously (attic's apply_auth).
  function permissionFor(req: IncomingMessage, cache: string): Permission {
    const token = tokenOf(req);
    const grant = token !== null ? tokens[token] : undefined;
    return grant ? grantFor(grant, cache) : { pull: false, push: false };
  }

  /** attic's auth_cache: without any permission on the cache, "no such cache" and "denied" both read 401. */
  function authCache(req: IncomingMessage, name: string, need: keyof Permission): CacheState {
    const permission = permissionFor(req, name);
    const state = caches.get(name);
    const discover = () => permission.pull || permission.push;
    if (!state) throw new ApiFailure(discover() ? 'NoSuchCache' : 'Unauthorized');
    if (state.config.public) permission.pull = true;
    if (!permission[need]) throw new ApiFailure(discover() ? 'AccessError' : 'Unauthorized');
    return state;
  }

  function sendError(res: ServerResponse, failure: ApiFailure): number {
    const [code, message] = ERRORS[failure.kind];
    const body = JSON.stringify({ code, error: failure.kind, message: failure.kind === 'RequestError' ? `${message}${failure.message}` : message });
    res.writeHead(code, { 'content-type': 'application/json', connection: 'close' }).end(body);
    return code;
  }

  function sendJson(res: ServerResponse, value: unknown): number {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    return 200;
  }

  /** Reads the whole (small) body of a JSON request. */
  async function readJson(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    try {
      return JSON.parse(Buffer.concat(chunks).toString());
    } catch (error) {
      throw new ApiFailure('RequestError', (error as Error).message);
    }
  }

  function parse<T>(schema: z.ZodType<T>, value: unknown): T {
    const result = schema.safeParse(value);
    if (!result.success) throw new ApiFailure('RequestError', result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return result.data;
  }

  function cacheConfig(req: IncomingMessage, res: ServerResponse, name: string): number {
    const state = authCache(req, name, 'pull');
    const api = options.apiEndpoint ?? `${url}/`;
    return sendJson(res, {
      substituter_endpoint: options.substituterEndpoint ?? `${api}${name}`,
      api_endpoint: api,
      public_key: state.key.publicKey.text,
      is_public: state.config.public,
      store_dir: STORE_DIR,
      priority: state.config.priority,
      upstream_cache_key_names: state.config.upstreamKeyNames,
      retention_period: 'Global',
    });
  }

  async function missingPaths(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const body = parse(MissingRequest, await readJson(req));
    const state = authCache(req, body.cache, 'push');
    const missing = [...new Set(body.store_path_hashes)].filter((h) => !state.objects.has(h));
    return sendJson(res, { missing_paths: missing });
  }

  /** Reads exactly `size` bytes from the start of the body, returning them and the rest of the first chunk(s). */
  async function readPreamble(iterator: AsyncIterator<Buffer>, size: number): Promise<{ preamble: Buffer; rest: Buffer }> {
    const parts: Buffer[] = [];
    let have = 0;
    while (have < size) {
      const next = await iterator.next();
      if (next.done) break;
      parts.push(next.value);
      have += next.value.length;
    }
    const all = Buffer.concat(parts);
    if (all.length < size) throw new ApiFailure('RequestError', "Upload info doesn't match specified size");
    return { preamble: all.subarray(0, size), rest: all.subarray(size) };
  }

  async function uploadPath(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const iterator = (req as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    const preambleHeader = req.headers['x-attic-nar-info-preamble-size'];
    const infoHeader = req.headers['x-attic-nar-info'];
    let infoText: string;
    let first: Buffer = Buffer.alloc(0);
    let form: UploadRecord['form'];
    if (typeof preambleHeader === 'string') {
      const size = Number(preambleHeader);
      if (!/^\d+$/.test(preambleHeader)) throw new ApiFailure('RequestError', 'X-Attic-Nar-Info-Preamble-Size must be a valid unsigned integer');
      if (size > 1024 * 1024) throw new ApiFailure('RequestError', 'Upload info is too large');
      const { preamble, rest } = await readPreamble(iterator, size);
      infoText = preamble.toString();
      first = rest;
      form = 'preamble';
    } else if (typeof infoHeader === 'string') {
      infoText = infoHeader;
      form = 'header';
    } else {
      throw new ApiFailure('RequestError', 'X-Attic-Nar-Info must be set');
    }
    let json: unknown;
    try {
      json = JSON.parse(infoText);
    } catch (error) {
      throw new ApiFailure('RequestError', (error as Error).message);
    }
    const info = parse(UploadInfo, json);
    const state = authCache(req, info.cache, 'push');
    // attic's Hash::from_typed: "sha256:" then 64 hex digits or 52 nix32 ones, nothing else.
    if (!/^sha256:([0-9a-f]{64}|[0-9a-df-np-sv-z]{52})$/.test(info.nar_hash)) throw new ApiFailure('RequestError', `invalid nar_hash "${info.nar_hash}"`);
    const claimed = Sha256.parse(info.nar_hash);
    // The real server stores these verbatim and would then serve a narinfo Nix cannot parse; the
    // double refuses them so a client bug shows at its source.
    if (!info.store_path.startsWith(`${STORE_DIR}/${info.store_path_hash}-`)) throw new ApiFailure('RequestError', `store_path ${info.store_path} does not match store_path_hash`);
    for (const r of info.references) if (r.includes('/')) throw new ApiFailure('RequestError', `reference "${r}" must be a base name (attic's client sends base names)`);
    // The server keeps them as given and signs them in this order; Nix sorts them to check the
    // signature, so another order is a narinfo no consumer accepts.
    if (info.references.some((r, i) => i > 0 && (info.references[i - 1] as string) >= r)) throw new ApiFailure('RequestError', 'references must be sorted and unique, as Nix lists them');

    const record: UploadRecord = { cache: info.cache, storePath: info.store_path, form, received: 0, status: 0 };
    uploads.push(record);
    const corrupt = corruptCount > 0;
    if (corrupt) corruptCount--;
    const hash = createHash('sha256');
    const parts: Buffer[] = [];
    const take = (chunk: Buffer) => {
      let c = chunk;
      if (corrupt && record.received === 0 && c.length > 0) {
        c = Buffer.from(c);
        c[c.length - 1] = (c[c.length - 1] ?? 0) ^ 0xff;
      }
      record.received += c.length;
      hash.update(c);
      parts.push(c);
    };
    if (first.length > 0) take(first);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) take(next.value);
    // Hold a received upload a moment so concurrent ones overlap and the bound is observable.
    await new Promise((r) => setTimeout(r, 20));
    const actual = Sha256.fromBytes(hash.digest());
    if (!actual.equals(claimed) || record.received !== info.nar_size) {
      record.error = 'Bad NAR Hash or Size';
      throw new ApiFailure('RequestError', 'Bad NAR Hash or Size');
    }
    // The "proxy" (maxBodyBytes) already refused this body: a real one would never have passed it on.
    if (res.headersSent) return res.statusCode;
    // Global deduplication by NAR hash, like attic's `nar` table.
    let existing: Buffer | null = null;
    for (const c of caches.values()) for (const o of c.objects.values()) if (o.narHash.equals(actual)) existing = o.nar;
    const nar = existing ?? zstdCompressSync(Buffer.concat(parts));
    state.objects.set(info.store_path_hash, {
      storePath: info.store_path,
      references: info.references,
      deriver: info.deriver,
      sigs: info.sigs,
      ca: info.ca,
      narHash: actual,
      narSize: info.nar_size,
      nar,
    });
    record.kind = existing ? 'Deduplicated' : 'Uploaded';
    return sendJson(res, existing ? { kind: 'Deduplicated', frac_deduplicated: null } : { kind: 'Uploaded', file_size: nar.length, frac_deduplicated: null });
  }

  // ---- the binary cache Nix reads (server/src/api/binary_cache.rs).
  function nixCacheInfo(req: IncomingMessage, res: ServerResponse, name: string): number {
    const state = authCache(req, name, 'pull');
    res.writeHead(200, { 'content-type': 'text/x-nix-cache-info' }).end(`WantMassQuery: 1\nStoreDir: ${STORE_DIR}\nPriority: ${state.config.priority}\n`);
    return 200;
  }

  /** attic looks the object up first (404s carry no permission check), then requires pull. */
  function findObject(req: IncomingMessage, name: string, hash: string): { state: CacheState; object: StoredObject } {
    const state = caches.get(name);
    if (!state) throw new ApiFailure('NoSuchCache');
    const object = state.objects.get(hash);
    if (!object) throw new ApiFailure('NoSuchObject');
    const permission = permissionFor(req, name);
    if (state.config.public) permission.pull = true;
    if (!permission.pull) throw new ApiFailure(permission.push ? 'AccessError' : 'Unauthorized');
    return { state, object };
  }

  function narInfo(req: IncomingMessage, res: ServerResponse, name: string, hash: string): number {
    const { state, object } = findObject(req, name, hash);
    const references = object.references.map((r) => `${STORE_DIR}/${r}`);
    const signed = { path: object.storePath, narHash: object.narHash, narSize: object.narSize, references };
    // attic drops uploaded signatures and signs with the cache's key only.
    const text = renderNarInfo({
      storePath: object.storePath,
      url: `nar/${hash}.nar`,
      compression: 'zstd',
      narHash: object.narHash,
      narSize: object.narSize,
      references,
      deriver: object.deriver,
      sigs: [state.key.sign(fingerprint(signed))],
      ca: object.ca,
    });
    res.writeHead(200, { 'content-type': 'text/x-nix-narinfo' }).end(req.method === 'HEAD' ? undefined : text);
    return 200;
  }

  function narFile(req: IncomingMessage, res: ServerResponse, name: string, hash: string): number {
    const { object } = findObject(req, name, hash);
    res.writeHead(200, { 'content-type': 'application/x-nix-nar', 'content-length': object.nar.length }).end(object.nar);
    return 200;
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<number> {
    const method = req.method ?? 'GET';
    if (path.startsWith('/_api/')) {
      if (failCount > 0) {
        failCount--;
        req.resume();
        const headers: Record<string, string> = { connection: 'close', ...(failOptions.retryAfter ? { 'retry-after': failOptions.retryAfter } : {}) };
        if (failOptions.kind) {
          const body = JSON.stringify({ code: failStatus, error: failOptions.kind, message: failOptions.message ?? failOptions.kind });
          res.writeHead(failStatus, { 'content-type': 'application/json', ...headers }).end(body);
        } else {
          res.writeHead(failStatus, { 'content-type': 'text/plain', ...headers }).end('injected failure');
        }
        return failStatus;
      }
      const config = /^\/_api\/v1\/cache-config\/([^/]+)$/.exec(path);
      if (config?.[1] && method === 'GET') return cacheConfig(req, res, decodeURIComponent(config[1]));
      if (path === '/_api/v1/get-missing-paths' && method === 'POST') return missingPaths(req, res);
      if (path === '/_api/v1/upload-path' && method === 'PUT') {
        uploadsMax = Math.max(uploadsMax, ++uploadsNow);
        try {
          return await uploadPath(req, res);
        } finally {
          uploadsNow--;
        }
      }
      throw new ApiFailure('NotFound');
    }
    const info = /^\/([^/]+)\/nix-cache-info$/.exec(path);
    if (info?.[1] && method === 'GET') return nixCacheInfo(req, res, info[1]);
    const narinfo = /^\/([^/]+)\/([0-9a-df-np-sv-z]{32})\.narinfo$/.exec(path);
    if (narinfo?.[1] && narinfo[2] && (method === 'GET' || method === 'HEAD')) return narInfo(req, res, narinfo[1], narinfo[2]);
    const nar = /^\/([^/]+)\/nar\/([0-9a-df-np-sv-z]{32})\.nar$/.exec(path);
    if (nar?.[1] && nar[2] && method === 'GET') return narFile(req, res, nar[1], nar[2]);
    throw new ApiFailure('NotFound');
  }

  /**
   * A proxy's body limit: count bytes as they arrive and answer 413 like nginx once over. Like
   * nginx's lingering close, the rest of the body is read and dropped rather than the socket closed
   * at once: closing with unread data sends a RST that would destroy the 413 before the client reads it.
   */
  function limitBody(req: IncomingMessage, res: ServerResponse, max: number): boolean {
    const tooLarge = () => {
      if (res.headersSent) return;
      res.writeHead(413, { 'content-type': 'text/html' }).end('<html><head><title>413 Request Entity Too Large</title></head><body><center><h1>413 Request Entity Too Large</h1></center><hr><center>nginx</center></body></html>\n');
      req.unpipe();
      req.resume();
    };
    if (Number(req.headers['content-length'] ?? 0) > max) {
      tooLarge();
      return true;
    }
    let seen = 0;
    req.on('data', (c: Buffer) => {
      seen += c.length;
      if (seen > max) tooLarge();
    });
    return false;
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const log = { method: req.method ?? 'GET', path, status: 0 };
    requests.push(log);
    // cloudflared (and other proxies) refuse a request body sent without a Content-Length.
    if ((options.requireContentLength ?? true) && req.headers['transfer-encoding'] !== undefined && req.headers['content-length'] === undefined) {
      req.resume();
      res.writeHead(411, { 'content-type': 'text/plain', connection: 'close' }).end('411 Length Required');
      log.status = 411;
      return;
    }
    if (options.maxBodyBytes !== undefined && limitBody(req, res, options.maxBodyBytes)) {
      log.status = 413;
      return;
    }
    route(req, res, path).then(
      (status) => {
        log.status = status;
      },
      (error: unknown) => {
        if (res.headersSent) {
          log.status = res.statusCode;
          return;
        }
        const failure = error instanceof ApiFailure ? error : new ApiFailure('InternalServerError');
        log.status = sendError(res, failure);
        req.resume();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    uploads,
    requests,
    maxConcurrentUploads: () => uploadsMax,
    publicKey(cache) {
      const state = caches.get(cache);
      if (!state) throw new Error(`the double has no cache "${cache}"`);
      return state.key.publicKey.text;
    },
    stored(cache) {
      return caches.get(cache)?.objects ?? new Map();
    },
    faults: {
      failNext(count, status = 503, options = {}) {
        failCount = count;
        failStatus = status;
        failOptions = options;
      },
      corruptNext(count) {
        corruptCount = count;
      },
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
