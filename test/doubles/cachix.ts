// A Cachix stand-in on 127.0.0.1: the `/api/v1` endpoints the push client uses (cache info, bulk
// narinfo query, multipart NAR upload, pins), an S3-like object store for presigned part PUTs, and
// the binary cache Nix substitutes from. It checks what the real service checks (tokens, Content-MD5,
// ETags, file and NAR hashes, client signatures on self-signed caches) so client bugs fail tests,
// and what S3 behind it checks: parts of at least 5 MiB but the last (EntityTooSmall), a
// Content-Length on every part PUT (411 MissingContentLength). Each cache has a preferred
// compression (xz or zstd) that its info reports; uploads say theirs and must be in it.
import { createHash, createHmac, generateKeyPairSync, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { zstdDecompressSync } from 'node:zlib';
import { z } from 'zod';
import { Sha256 } from '../../src/nix/hash.ts';
import { secretKeyFromBytes, verifySignature, type SecretKey } from '../../src/nix/keys.ts';
import { renderNarInfo } from '../../src/nix/narinfo.ts';
import { fingerprint } from '../../src/nix/path-info.ts';

export interface CachixDoubleOptions {
  caches: Record<string, { public: boolean; selfSigned?: boolean; quotaBytes?: number; compression?: 'XZ' | 'ZSTD' }>;
  tokens: Record<string, { read: string[]; write: string[] }>;
  /** Default per-cache limit on stored (compressed) bytes; completing past it answers 402. */
  quotaBytes?: number;
  /** Store path hashes the bulk query reports as present (as if on cache.nixos.org). */
  upstream?: string[];
  /** A hostile server: the cache info's `uri`, verbatim. */
  uri?: string;
  /** S3's smallest part but the last (default 5 MiB). */
  minPartBytes?: number;
}

/** S3's minimum size of every multipart part but the last. */
export const S3_MIN_PART_BYTES = 5 * 1024 * 1024;

export interface StoredPath {
  storePath: string;
  narInfo: z.infer<typeof NarInfoCreate>;
  file: Buffer;
  sig: string;
  compression: 'xz' | 'zst';
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | null;
}

/** Which request kind an injected failure hits. */
export type FailureTarget = 'cache-info' | 'part-url' | 'part-put' | 'complete' | 'narinfo';
/** Which request kind an injected hang holds. */
export type HangTarget = 'part-put' | 'abort';

export interface CachixDouble {
  apiUrl: string;
  cacheUrl(name: string): string;
  /** `name:base64` public key the cache's narinfos are signed with. */
  publicKey(name: string): string;
  /** The secret as CACHIX_SIGNING_KEY spells it (base64 of 64 bytes); the user's key on self-signed caches. */
  signingKeyBase64(name: string): string;
  pins(name: string): Array<z.infer<typeof PinCreate>>;
  stored(name: string): StoredPath[];
  /** Multipart uploads aborted by the client. */
  aborted(name: string): number;
  /** The most part PUTs the object store handled at once. */
  maxConcurrentPuts(): number;
  /** Uploads begun and neither completed nor aborted. */
  openUploads(): number;
  requests: RecordedRequest[];
  /** The next `count` requests of this kind answer `status`, with a Retry-After when given. */
  failNext(target: FailureTarget, status: number, count?: number, retryAfter?: string): void;
  /** The next `count` requests of this kind never get an answer: held until the client gives up or the double stops. */
  hangNext(target: HangTarget, count?: number): void;
  /** Requests of this kind held so far. */
  hung(target: HangTarget): number;
  stop(): Promise<void>;
}

const NarInfoCreate = z.object({
  cStoreHash: z.string().regex(/^[0-9a-df-np-sv-z]{32}$/),
  cStoreSuffix: z.string().min(1),
  cNarHash: z.string(),
  cNarSize: z.number().int().positive(),
  cFileHash: z.string().regex(/^[0-9a-f]{64}$/),
  cFileSize: z.number().int().positive(),
  // Base names, sorted and unique (the client's Set.toList); the server signs them as given.
  cReferences: z
    .array(z.string().regex(/^[0-9a-df-np-sv-z]{32}-[^/]+$/, 'a reference is a store path base name'))
    .refine((refs) => refs.every((r, i) => i === 0 || (refs[i - 1] as string) < r), 'cReferences must be sorted and unique'),
  cDeriver: z.string(),
  cSig: z.string().nullable(),
});
const Completed = z.object({
  parts: z.array(z.object({ partNumber: z.number().int().positive(), eTag: z.string() })).nullable(),
  narInfoCreate: NarInfoCreate,
});
const Keep = z.union([
  z.object({ tag: z.enum(['Days', 'Revisions']), contents: z.number().int() }),
  z.object({ tag: z.literal('Forever') }),
]);
const PinCreate = z.object({ name: z.string().min(1), storePath: z.string().startsWith('/nix/store/'), artifacts: z.array(z.string()), keep: Keep.nullable() });

interface Cache {
  name: string;
  public: boolean;
  selfSigned: boolean;
  quotaBytes: number | undefined;
  compression: 'XZ' | 'ZSTD';
  key: SecretKey;
  secretBytes: Buffer;
  stored: Map<string, StoredPath>;
  pins: Array<z.infer<typeof PinCreate>>;
  aborted: number;
}

interface Upload {
  cache: string;
  uploadId: string;
  compression: 'xz' | 'zst';
  parts: Map<number, { body: Buffer; eTag: string }>;
}

class Reply extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

function newKey(name: string): { key: SecretKey; secretBytes: Buffer } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const secretBytes = Buffer.concat([Buffer.from(jwk.d ?? '', 'base64url'), Buffer.from(jwk.x ?? '', 'base64url')]);
  return { key: secretKeyFromBytes(name, secretBytes), secretBytes };
}

async function readBody(req: IncomingMessage, limit = 256 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Reply(413, 'body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  try {
    return JSON.parse((await readBody(req)).toString('utf8')) as unknown;
  } catch (error) {
    if (error instanceof Reply) throw error;
    throw new Reply(400, 'request body is not JSON');
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new Reply(400, `invalid request: ${result.error.message}`);
  return result.data;
}

export async function startCachixDouble(options: CachixDoubleOptions): Promise<CachixDouble> {
  const caches = new Map<string, Cache>();
  for (const [name, c] of Object.entries(options.caches)) {
    caches.set(name, { name, public: c.public, selfSigned: c.selfSigned ?? false, quotaBytes: c.quotaBytes ?? options.quotaBytes, compression: c.compression ?? 'ZSTD', ...newKey(`${name}.cachix.org-1`), stored: new Map(), pins: [], aborted: 0 });
  }
  const uploads = new Map<string, Upload>();
  const presignSecret = randomBytes(32);
  const upstream = new Set(options.upstream ?? []);
  const requests: RecordedRequest[] = [];
  const failures = new Map<FailureTarget, { status: number; count: number; retryAfter: string | undefined }>();
  const hangs = new Map<HangTarget, { left: number; held: number }>();
  const minPart = options.minPartBytes ?? S3_MIN_PART_BYTES;
  let origin = '';
  let putsNow = 0;
  let putsMax = 0;

  const maybeFail = (target: FailureTarget): void => {
    const f = failures.get(target);
    if (!f || f.count <= 0) return;
    f.count--;
    throw new Reply(f.status, `injected failure (${target})`, f.retryAfter ? { 'retry-after': f.retryAfter } : {});
  };

  /** A server that accepted the request and stops answering (a stalled S3 or API). */
  const maybeHang = async (target: HangTarget, req: IncomingMessage): Promise<void> => {
    const h = hangs.get(target);
    if (!h || h.left <= 0) return;
    h.left--;
    h.held++;
    await new Promise<void>((resolve) => (req.socket.destroyed ? resolve() : req.socket.once('close', () => resolve())));
    throw new Reply(499, `held without an answer (${target})`);
  };

  const cacheOf = (name: string): Cache => {
    const cache = caches.get(name);
    if (!cache) throw new Reply(404, `binary cache ${name} does not exist`);
    return cache;
  };

  /** API auth: a bearer token that must be known; read = public or granted, write = granted. */
  const authorize = (req: IncomingMessage, cache: Cache, need: 'read' | 'write'): 'Read' | 'Write' => {
    const header = req.headers.authorization;
    let grant: { read: string[]; write: string[] } | null = null;
    if (header) {
      const m = /^Bearer (.+)$/.exec(header);
      grant = m?.[1] ? (options.tokens[m[1]] ?? null) : null;
      if (!grant) throw new Reply(401, 'invalid auth token');
    }
    const canWrite = grant?.write.includes(cache.name) ?? false;
    const canRead = canWrite || cache.public || (grant?.read.includes(cache.name) ?? false);
    if (!grant && (need === 'write' || !canRead)) throw new Reply(401, 'authentication required');
    if (need === 'write' && !canWrite) throw new Reply(403, `no write access to ${cache.name}`);
    if (!canRead) throw new Reply(403, `no read access to ${cache.name}`);
    return canWrite ? 'Write' : 'Read';
  };

  const presign = (narId: string, partNumber: number, uploadId: string, md5: string): string =>
    createHmac('sha256', presignSecret).update(`${narId}\n${partNumber}\n${uploadId}\n${md5}`).digest('hex');

  const api = async (req: IncomingMessage, url: URL, segments: string[]): Promise<{ status: number; json?: unknown }> => {
    const [name, ...rest] = segments;
    const cache = cacheOf(name ?? '');
    const method = req.method ?? 'GET';
    const route = `${method} ${rest.map((s, i) => (i === 1 && rest[0] === 'multipart-nar' ? ':id' : s)).join('/')}`;
    switch (route) {
      case 'GET ': {
        maybeFail('cache-info');
        const permission = authorize(req, cache, 'read');
        return {
          status: 200,
          json: {
            name: cache.name,
            uri: options.uri ?? `${origin}/cache-files/${cache.name}`,
            isPublic: cache.public,
            publicSigningKeys: [cache.key.publicKey.text],
            githubUsername: 'double',
            permission,
            preferredCompressionMethod: cache.compression,
          },
        };
      }
      case 'POST narinfo': {
        authorize(req, cache, 'read');
        maybeFail('narinfo');
        const hashes = parse(z.array(z.string()), await readJson(req));
        return { status: 200, json: hashes.filter((h) => !cache.stored.has(h) && !upstream.has(h)) };
      }
      case 'POST multipart-nar': {
        authorize(req, cache, 'write');
        // `FromHttpApiData CompressionMethod`: xz or zst, whatever the cache prefers.
        const compression = url.searchParams.get('compression');
        if (compression !== 'zst' && compression !== 'xz') throw new Reply(400, `Wrong compression method: ${compression}`);
        const narId = randomUUID();
        const uploadId = randomBytes(12).toString('hex');
        uploads.set(narId, { cache: cache.name, uploadId, compression, parts: new Map() });
        return { status: 200, json: { narId, uploadId } };
      }
      case 'POST multipart-nar/:id': {
        authorize(req, cache, 'write');
        maybeFail('part-url');
        const narId = rest[1] ?? '';
        const upload = uploadFor(cache, narId, url);
        const partNumber = Number(url.searchParams.get('partNumber'));
        if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) throw new Reply(400, 'partNumber must be 1..10000');
        const { contentMD5 } = parse(z.object({ contentMD5: z.string() }), await readJson(req));
        if (Buffer.from(contentMD5, 'base64').length !== 16) throw new Reply(400, 'contentMD5 is not base64 of an MD5 digest');
        const q = new URLSearchParams({ uploadId: upload.uploadId, md5: contentMD5, signature: presign(narId, partNumber, upload.uploadId, contentMD5) });
        return { status: 200, json: { uploadUrl: `${origin}/object-store/${narId}/${partNumber}?${q}` } };
      }
      case 'POST multipart-nar/:id/complete': {
        authorize(req, cache, 'write');
        maybeFail('complete');
        const narId = rest[1] ?? '';
        const upload = uploadFor(cache, narId, url);
        const body = parse(Completed, await readJson(req));
        complete(cache, upload, body);
        uploads.delete(narId);
        return { status: 200, json: [] };
      }
      case 'POST multipart-nar/:id/abort': {
        authorize(req, cache, 'write');
        await maybeHang('abort', req);
        const narId = rest[1] ?? '';
        uploadFor(cache, narId, url);
        uploads.delete(narId);
        cache.aborted++;
        return { status: 200, json: [] };
      }
      case 'POST pin': {
        authorize(req, cache, 'write');
        const pin = parse(PinCreate, await readJson(req));
        const hash = pin.storePath.slice('/nix/store/'.length, '/nix/store/'.length + 32);
        if (!cache.stored.has(hash)) throw new Reply(400, `${pin.storePath} is not in ${cache.name}`);
        cache.pins.push(pin);
        return { status: 200, json: [] };
      }
      default:
        throw new Reply(404, `no route ${route}`);
    }
  };

  const uploadFor = (cache: Cache, narId: string, url: URL): Upload => {
    const upload = uploads.get(narId);
    if (!upload || upload.cache !== cache.name) throw new Reply(404, `no multipart upload ${narId}`);
    if (url.searchParams.get('uploadId') !== upload.uploadId) throw new Reply(400, 'uploadId does not match the upload');
    return upload;
  };

  /** The server side of `completeNarUpload`: verify every part, the file, the NAR and the signature. */
  const complete = (cache: Cache, upload: Upload, body: z.infer<typeof Completed>): void => {
    const parts = body.parts ?? [];
    if (parts.length === 0) throw new Reply(400, 'no parts');
    const pieces: Buffer[] = [];
    parts.forEach((p, i) => {
      if (p.partNumber !== i + 1) throw new Reply(400, `parts must be numbered 1..n in order; got ${p.partNumber} at position ${i + 1}`);
      const stored = upload.parts.get(p.partNumber);
      if (!stored) throw new Reply(400, `part ${p.partNumber} was never uploaded`);
      if (stored.eTag !== p.eTag) throw new Reply(400, `part ${p.partNumber}: ETag ${p.eTag} does not match ${stored.eTag}`);
      // S3's CompleteMultipartUpload: every part but the last must be at least 5 MiB.
      if (i < parts.length - 1 && stored.body.length < minPart) {
        throw new Reply(400, `EntityTooSmall: Your proposed upload is smaller than the minimum allowed size (part ${p.partNumber}: ${stored.body.length} bytes)`);
      }
      pieces.push(stored.body);
    });
    if (upload.parts.size !== parts.length) throw new Reply(400, `${upload.parts.size} parts uploaded but ${parts.length} listed`);
    const file = Buffer.concat(pieces);
    const n = body.narInfoCreate;
    if (file.length !== n.cFileSize) throw new Reply(400, `file size mismatch: got ${file.length} bytes, narinfo says ${n.cFileSize}`);
    const fileHash = createHash('sha256').update(file).digest('hex');
    if (fileHash !== n.cFileHash) throw new Reply(400, `file hash mismatch: got ${fileHash}, narinfo says ${n.cFileHash}`);
    let nar: Buffer;
    try {
      nar = upload.compression === 'zst' ? zstdDecompressSync(file) : execFileSync('xz', ['--decompress', '--stdout', '--format=xz'], { input: file, maxBuffer: 1024 ** 3 });
    } catch {
      throw new Reply(400, `the uploaded file is not valid ${upload.compression}`);
    }
    let claimed: Sha256;
    try {
      claimed = Sha256.parse(n.cNarHash);
    } catch {
      throw new Reply(400, `cNarHash "${n.cNarHash}" is not sha256:<nix32>`);
    }
    if (!n.cNarHash.startsWith('sha256:') || n.cNarHash.length !== 59) throw new Reply(400, `cNarHash "${n.cNarHash}" is not sha256:<nix32>`);
    if (nar.length !== n.cNarSize) throw new Reply(400, `NAR size mismatch: decompressed ${nar.length} bytes, narinfo says ${n.cNarSize}`);
    const narHash = Sha256.fromBytes(createHash('sha256').update(nar).digest());
    if (!narHash.equals(claimed)) throw new Reply(400, `NAR hash mismatch: decompressed NAR is ${narHash.nix32}, narinfo says ${n.cNarHash}`);
    if (nar.subarray(8, 21).toString('latin1') !== 'nix-archive-1') throw new Reply(400, 'the decompressed file is not a NAR');
    const storePath = `/nix/store/${n.cStoreHash}-${n.cStoreSuffix}`;
    const info = { path: storePath, narHash, narSize: n.cNarSize, references: n.cReferences.map((r) => `/nix/store/${r}`) };
    let sig: string;
    if (cache.selfSigned) {
      if (!n.cSig) throw new Reply(400, `${cache.name} is self-signed: the narinfo needs cSig`);
      sig = `${cache.key.name}:${n.cSig}`;
      if (!verifySignature(cache.key.publicKey, fingerprint(info), sig)) throw new Reply(400, `cSig does not verify with ${cache.key.publicKey.text}`);
    } else {
      sig = cache.key.sign(fingerprint(info));
    }
    const used = [...cache.stored.values()].reduce((sum, s) => sum + s.file.length, 0);
    if (cache.quotaBytes !== undefined && used + file.length > cache.quotaBytes) {
      throw new Reply(402, `storage quota exceeded for ${cache.name}: ${used + file.length} of ${cache.quotaBytes} bytes`);
    }
    cache.stored.set(n.cStoreHash, { storePath, narInfo: n, file, sig, compression: upload.compression });
  };

  const objectStore = async (req: IncomingMessage, url: URL, segments: string[]): Promise<{ status: number; headers?: Record<string, string> }> => {
    if (req.method !== 'PUT') throw new Reply(405, 'PUT only');
    const [narId = '', partText = ''] = segments;
    const partNumber = Number(partText);
    const uploadId = url.searchParams.get('uploadId') ?? '';
    const md5 = url.searchParams.get('md5') ?? '';
    const signature = Buffer.from(url.searchParams.get('signature') ?? '', 'hex');
    const expected = Buffer.from(presign(narId, partNumber, uploadId, md5), 'hex');
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) throw new Reply(403, 'SignatureDoesNotMatch');
    if (req.headers['content-md5'] !== md5) throw new Reply(403, 'SignatureDoesNotMatch: Content-MD5 header differs from the presigned one');
    if (req.headers['content-length'] === undefined) throw new Reply(411, 'MissingContentLength: You must provide the Content-Length HTTP header.');
    maybeFail('part-put');
    await maybeHang('part-put', req);
    putsMax = Math.max(putsMax, ++putsNow);
    let body: Buffer;
    try {
      body = await readBody(req);
      // Hold the part a moment so concurrent PUTs overlap and the bound is observable.
      await new Promise((r) => setTimeout(r, 5));
    } finally {
      putsNow--;
    }
    const digest = createHash('md5').update(body).digest();
    if (digest.toString('base64') !== md5) throw new Reply(400, 'BadDigest: the part does not match its Content-MD5');
    const upload = uploads.get(narId);
    if (!upload || upload.uploadId !== uploadId) throw new Reply(404, 'NoSuchUpload');
    const eTag = `"${digest.toString('hex')}"`;
    upload.parts.set(partNumber, { body, eTag });
    return { status: 200, headers: { etag: eTag } };
  };

  /** What Nix reads; private caches want Basic auth whose password is a token that can read. */
  const binaryCache = (req: IncomingMessage, segments: string[]): { status: number; body: Buffer | string; type: string } => {
    const [name = '', ...rest] = segments;
    const cache = cacheOf(name);
    if (!cache.public) {
      const m = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
      const password = m?.[1] ? Buffer.from(m[1], 'base64').toString().split(':').slice(1).join(':') : '';
      const grant = options.tokens[password];
      if (!grant || !(grant.read.includes(name) || grant.write.includes(name))) throw new Reply(401, 'unauthorized', { 'www-authenticate': 'Basic realm="cachix"' });
    }
    const file = rest.join('/');
    if (file === 'nix-cache-info') return { status: 200, body: 'StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 41\n', type: 'text/x-nix-cache-info' };
    const narinfo = /^([0-9a-df-np-sv-z]{32})\.narinfo$/.exec(file);
    if (narinfo?.[1]) {
      const s = cache.stored.get(narinfo[1]);
      if (!s) throw new Reply(404, 'not found');
      const n = s.narInfo;
      const text = renderNarInfo({
        storePath: s.storePath,
        url: `nar/${n.cFileHash}.nar.${s.compression}`,
        compression: s.compression === 'zst' ? 'zstd' : 'xz',
        fileHash: Sha256.parse(`sha256:${n.cFileHash}`),
        fileSize: n.cFileSize,
        narHash: Sha256.parse(n.cNarHash),
        narSize: n.cNarSize,
        references: n.cReferences.map((r) => `/nix/store/${r}`),
        deriver: n.cDeriver === 'unknown-deriver' ? null : `/nix/store/${n.cDeriver}`,
        sigs: [s.sig],
        ca: null,
      });
      return { status: 200, body: text, type: 'text/x-nix-narinfo' };
    }
    const nar = /^nar\/([0-9a-f]{64})\.nar\.(?:zst|xz)$/.exec(file);
    const hit = nar?.[1] ? [...cache.stored.values()].find((s) => s.narInfo.cFileHash === nar[1]) : undefined;
    if (hit) return { status: 200, body: hit.file, type: 'application/x-nix-nar' };
    throw new Reply(404, 'not found');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', origin);
    requests.push({ method: req.method ?? 'GET', path: url.pathname, authorization: req.headers.authorization ?? null });
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    try {
      if (segments[0] === 'api' && segments[1] === 'v1' && segments[2] === 'cache') {
        const { status, json } = await api(req, url, segments.slice(3));
        res.writeHead(status, { 'content-type': 'application/json' }).end(json === undefined ? '' : JSON.stringify(json));
      } else if (segments[0] === 'object-store') {
        const { status, headers } = await objectStore(req, url, segments.slice(1));
        res.writeHead(status, headers).end();
      } else if (segments[0] === 'cache-files') {
        const { status, body, type } = binaryCache(req, segments.slice(1));
        res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) }).end(req.method === 'HEAD' ? undefined : body);
      } else {
        throw new Reply(404, 'not found');
      }
    } catch (error) {
      const reply = error instanceof Reply ? error : new Reply(500, (error as Error).message);
      // Drain what the client still sends so it sees the answer rather than a reset connection.
      req.resume();
      if (!res.headersSent) res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(JSON.stringify({ error: reply.message }));
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const need = (name: string): Cache => {
    const c = caches.get(name);
    if (!c) throw new Error(`no cache ${name} in the double`);
    return c;
  };

  return {
    apiUrl: `${origin}/api/v1`,
    cacheUrl: (name) => `${origin}/cache-files/${name}`,
    publicKey: (name) => need(name).key.publicKey.text,
    signingKeyBase64: (name) => need(name).secretBytes.toString('base64'),
    pins: (name) => [...need(name).pins],
    stored: (name) => [...need(name).stored.values()],
    aborted: (name) => need(name).aborted,
    openUploads: () => uploads.size,
    maxConcurrentPuts: () => putsMax,
    requests,
    failNext: (target, status, count = 1, retryAfter) => void failures.set(target, { status, count, retryAfter }),
    hangNext: (target, count = 1) => void hangs.set(target, { left: count, held: hangs.get(target)?.held ?? 0 }),
    hung: (target) => hangs.get(target)?.held ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
