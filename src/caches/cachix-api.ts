// A native client for Cachix's HTTP API (cachix/cachix `cachix-api`, `Cachix.API.BinaryCacheAPI`),
// so the action pushes without installing the cachix CLI. Endpoints are under `<apiUrl>/cache/<name>`
// with `Authorization: Bearer <token>`; NARs go up compressed as the cache prefers (zstd or xz) in
// multipart uploads to presigned part URLs. Every request retries like the cachix client
// (src/retry.ts), with no timeout of its own: the post step's budget bounds it.
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as z from 'zod';
import { http, HttpError, httpJson, isTransient, readBody, withRetry, type RetryTiming } from '../http.ts';
import { serverText } from '../server-text.ts';
import { compressionParam, compressor, type CachixCompression } from './compress.ts';
import { Sha256 } from '../nix/hash.ts';
import type { SecretKey } from '../nix/keys.ts';
import { dumpNar } from '../nix/nar.ts';
import { baseName, fingerprint, hashPart, type PathInfo } from '../nix/path-info.ts';
import { PushError } from '../errors.ts';

/** `Cachix.Types.BinaryCache.BinaryCache`; only the fields we rely on are required. */
const BinaryCacheJson = z.object({
  name: z.string(),
  uri: z.string(),
  isPublic: z.boolean(),
  publicSigningKeys: z.array(z.string()),
  githubUsername: z.optional(z.string()),
  // Generic aeson encodes nullary constructors as their names.
  permission: z.optional(z.enum(['Read', 'Write', 'Admin'])),
  preferredCompressionMethod: z.optional(z.enum(['XZ', 'ZSTD'])),
});
export type CachixCacheInfo = z.output<typeof BinaryCacheJson>;

const CreateMultipartJson = z.object({ narId: z.string(), uploadId: z.string() });
const UploadPartJson = z.object({ uploadUrl: z.string() });
const MissingJson = z.array(z.string());

/** `Cachix.Types.PinCreate.Keep` in aeson's generic TaggedObject encoding. */
export type CachixKeep = { tag: 'Days' | 'Revisions'; contents: number } | { tag: 'Forever' } | null;

export interface CachixPinCreate {
  name: string;
  storePath: string;
  artifacts: string[];
  keep: CachixKeep;
}

/** `Cachix.Types.NarInfoCreate.NarInfoCreate`. */
export interface NarInfoCreate {
  cStoreHash: string;
  cStoreSuffix: string;
  /** `sha256:<nix32>` of the uncompressed NAR. */
  cNarHash: string;
  cNarSize: number;
  /** Hex sha256 of the compressed file. */
  cFileHash: string;
  cFileSize: number;
  /** Base names, sorted. */
  cReferences: string[];
  /** Base name, or `unknown-deriver`. */
  cDeriver: string;
  /** Base64 ed25519 signature without a key name (the server adds its key's name), or null. */
  cSig: string | null;
}

/** Where and as whom to talk to one cache. */
export interface CachixEndpoint {
  apiUrl: string;
  name: string;
  token: string | null;
}

/** Defaults of the cachix client (`OptionsParser.hs`): level 2 (zstd or xz), 32 MiB parts, 4 parts at once. */
export const CACHIX_COMPRESSION_LEVEL = 2;
export const CACHIX_PART_CONCURRENCY = 4;
/** `Push.hs` queries missing hashes in chunks of 32768 (about 1 MB of JSON). */
export const CACHIX_MISSING_BATCH = 32_768;

function cacheUrl(e: CachixEndpoint, rest = ''): string {
  return `${e.apiUrl.replace(/\/+$/, '')}/cache/${encodeURIComponent(e.name)}${rest}`;
}

function headers(e: CachixEndpoint, json = false): Record<string, string> {
  const h: Record<string, string> = {};
  if (e.token) h.authorization = `Bearer ${e.token}`;
  if (json) h['content-type'] = 'application/json';
  return h;
}

/** What the failed call was about, so a 404 is blamed on the right thing. */
type Operation = 'cache' | 'push' | 'upload' | 'pin';

/**
 * Turns a failed API call into a PushError that says what to do. Cachix answers 401 for a bad or
 * missing token and for caches the token cannot see (`Command/Push.hs handleCacheResponse`), 403 for
 * a token without write access, 404 for an unknown cache. Cachix garbage-collects rather than
 * refusing pushes over quota, so quota errors are recognised by 402/413 or the message.
 */
export function cachixError(error: unknown, e: Pick<CachixEndpoint, 'name' | 'token'>, op: Operation): PushError {
  if (error instanceof PushError) return error;
  const cache = `Cachix cache "${e.name}"`;
  if (error instanceof HttpError) {
    const detail = serverMessage(error.body);
    const suffix = detail ? ` (Cachix said: ${detail})` : '';
    if (error.status === 402 || /quota|storage limit|over (the|your) limit/i.test(error.body)) {
      return new PushError(`${cache} is over its storage quota: free space or upgrade the plan on app.cachix.org${suffix}`, false, { cause: error });
    }
    if (error.status === 411 || error.status === 413) {
      // Not the store path and not the quota: something between here and the server limits bodies.
      const what = error.status === 411 ? 'refused a request body without Content-Length (411)' : 'refused a request body as too large (413)';
      return new PushError(`${cache}: a proxy or the object store ${what}; check proxies between the runner and Cachix (HTTPS_PROXY)${suffix}`, false, { cause: error });
    }
    if (error.status === 401) {
      return new PushError(
        e.token
          ? `${cache} rejected the auth token (401): check that cachix-auth-token (CACHIX_AUTH_TOKEN) is current and has access to this cache${suffix}`
          : `${cache} needs an auth token (401): it is private or pushing needs one; set cachix-auth-token (CACHIX_AUTH_TOKEN)${suffix}`,
        false,
        { cause: error },
      );
    }
    if (error.status === 403) {
      return new PushError(`the auth token has no ${op === 'cache' ? 'read' : 'write'} access to ${cache} (403): use a token with write permission${suffix}`, false, {
        cause: error,
      });
    }
    if (error.status === 404 && op !== 'upload') {
      return new PushError(`${cache} does not exist (404): check the cachix input${suffix}`, false, { cause: error });
    }
    return new PushError(`${cache}: ${error.message}`, isTransient(error), { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  const dropped =
    op === 'upload' && /ECONNRESET|EPIPE|socket|terminated|other side closed/i.test(`${message} ${error instanceof Error && error.cause instanceof Error ? error.cause.message : ''}`)
      ? ' (the connection was dropped while a part was being sent: usually a proxy or the network, not the store path)'
      : '';
  return new PushError(`${cache}: ${message}${dropped}`, isTransient(error), { cause: error });
}

/** Cachix errors are JSON `{ "error": … }` or Servant's plain text; keep it short either way. */
function serverMessage(body: string): string {
  const text = body.trim();
  if (!text) return '';
  try {
    const json = JSON.parse(text) as unknown;
    if (json && typeof json === 'object') {
      for (const key of ['error', 'message', 'detail']) {
        const v = (json as Record<string, unknown>)[key];
        if (typeof v === 'string') return serverText(v);
      }
    }
  } catch {
    /* plain text */
  }
  return serverText(text);
}

export type { RetryTiming };

/** Runs one API call with retries for transient failures, and maps the final error. */
async function call<T>(e: CachixEndpoint, op: Operation, signal: AbortSignal, fn: () => Promise<T>, timing: RetryTiming = {}): Promise<T> {
  try {
    return await withRetry(fn, { signal, ...timing });
  } catch (error) {
    // Also when the budget ran out: the failure it cut short is what the user can act on.
    throw cachixError(error, e, op);
  }
}

/** `GET /cache/<name>`: substituter URL, public keys, visibility, preferred compression. */
export async function cacheInfo(apiUrl: string, name: string, token: string | null, signal: AbortSignal, timing: RetryTiming = {}): Promise<CachixCacheInfo> {
  const e = { apiUrl, name, token };
  const json = await call(e, 'cache', signal, () => httpJson<unknown>(cacheUrl(e), { headers: headers(e), signal }), timing);
  const parsed = BinaryCacheJson.safeParse(json);
  if (!parsed.success) throw new PushError(`Cachix cache "${name}": unexpected cache info from ${apiUrl}: ${parsed.error.message}`, false);
  return parsed.data;
}

/** `POST /cache/<name>/narinfo`: which of these store path hashes the cache lacks (upstream counts as present). */
export async function missingHashes(
  apiUrl: string,
  name: string,
  token: string | null,
  hashes: readonly string[],
  signal: AbortSignal,
  batchSize = CACHIX_MISSING_BATCH,
  timing: RetryTiming = {},
): Promise<Set<string>> {
  const e = { apiUrl, name, token };
  const missing = new Set<string>();
  for (let i = 0; i < hashes.length; i += batchSize) {
    const batch = hashes.slice(i, i + batchSize);
    const json = await call(e, 'push', signal, () =>
      httpJson<unknown>(cacheUrl(e, '/narinfo'), { method: 'POST', headers: headers(e, true), body: JSON.stringify(batch), signal }),
      timing,
    );
    for (const h of MissingJson.parse(json)) missing.add(h);
  }
  return missing;
}

/** `POST /cache/<name>/pin` (answers 200 without content). */
export async function createPin(apiUrl: string, name: string, token: string | null, pin: CachixPinCreate, signal: AbortSignal): Promise<void> {
  const e = { apiUrl, name, token };
  await call(e, 'pin', signal, async () => {
    const response = await http(cacheUrl(e, '/pin'), { method: 'POST', headers: headers(e, true), body: JSON.stringify(pin), signal });
    await readBody(response, response.url);
  });
}

export interface UploadNarOptions {
  signal: AbortSignal;
  /** Bytes per part (compressed). S3 behind Cachix wants at least 5 MiB for all but the last part. */
  chunkSize: number;
  /** The cache's preferredCompressionMethod (default ZSTD, the client's default). */
  compression?: CachixCompression;
  /** Parts in flight at once; memory is about (partConcurrency + 1) × chunkSize. */
  partConcurrency?: number;
  compressionLevel?: number;
  /** With a key the client signs (self-signed caches); without, the server signs. */
  signingKey: SecretKey | null;
  /** Tests: retry timing of every request of the upload. */
  timing?: RetryTiming;
}

export interface UploadNarResult {
  narInfo: NarInfoCreate;
  parts: number;
}

interface CompletedPart {
  partNumber: number;
  eTag: string;
}

/** Passes bytes through while hashing and counting them. */
class HashTap extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    done(null, chunk);
  }
}

/**
 * Streams `info.path`'s NAR through zstd into a multipart upload and completes it with the narinfo.
 * Only the part being filled and the parts in flight are in memory. Aborts the upload on failure.
 */
export async function uploadNar(e: CachixEndpoint, info: PathInfo, options: UploadNarOptions): Promise<UploadNarResult> {
  const { signal } = options;
  const created = CreateMultipartJson.parse(
    await call(e, 'push', signal, () =>
      httpJson<unknown>(cacheUrl(e, `/multipart-nar?compression=${compressionParam(options.compression ?? 'ZSTD')}`), { method: 'POST', headers: headers(e), signal }),
      options.timing,
    ),
  );
  const narUrl = cacheUrl(e, `/multipart-nar/${encodeURIComponent(created.narId)}`);
  const uploadQuery = `uploadId=${encodeURIComponent(created.uploadId)}`;
  try {
    const { parts, narTap, fileTap } = await streamParts(e, info, options, narUrl, uploadQuery);
    const narHash = Sha256.fromBytes(narTap.hash.digest());
    // A NAR that differs from what the store recorded means a corrupted store: never publish it.
    if (narTap.size !== info.narSize || !narHash.equals(info.narHash)) {
      throw new PushError(
        `${info.path}: the NAR read from the store (${narHash.nix32}, ${narTap.size} bytes) does not match its recorded hash ` +
          `(${info.narHash.nix32}, ${info.narSize} bytes); repair the store with nix-store --verify --check-contents --repair`,
        false,
      );
    }
    const narInfo = narInfoCreate(info, { fileHash: fileTap.hash.digest('hex'), fileSize: fileTap.size }, options.signingKey);
    await call(e, 'upload', signal, async () => {
      const body = JSON.stringify({ parts, narInfoCreate: narInfo });
      const response = await http(`${narUrl}/complete?${uploadQuery}`, { method: 'POST', headers: headers(e, true), body, signal });
      await readBody(response, response.url);
    }, options.timing);
    return { narInfo, parts: parts.length };
  } catch (error) {
    await abortUpload(e, `${narUrl}/abort?${uploadQuery}`);
    throw error instanceof PushError ? error : cachixError(error, e, 'upload');
  }
}

/** How long the abort of a failed upload may take: it runs after push-timeout, within post's grace. */
export const CACHIX_ABORT_TIMEOUT_MS = 3_000;

/**
 * Best effort: an abandoned multipart upload only costs the server storage until it expires. It
 * often runs because push-timeout was reached, so it has its own short timeout, inside the post
 * step's grace, instead of the step's (already aborted) signal.
 */
async function abortUpload(e: CachixEndpoint, url: string): Promise<void> {
  const signal = AbortSignal.timeout(CACHIX_ABORT_TIMEOUT_MS);
  await withRetry(() => http(url, { method: 'POST', headers: headers(e), signal, timeoutMs: CACHIX_ABORT_TIMEOUT_MS }).then((r) => readBody(r, url)), { signal, attempts: 2 }).catch(() => undefined);
}

async function streamParts(
  e: CachixEndpoint,
  info: PathInfo,
  options: UploadNarOptions,
  narUrl: string,
  uploadQuery: string,
): Promise<{ parts: CompletedPart[]; narTap: HashTap; fileTap: HashTap }> {
  const { signal, chunkSize } = options;
  const concurrency = Math.max(1, options.partConcurrency ?? CACHIX_PART_CONCURRENCY);
  const narTap = new HashTap();
  const fileTap = new HashTap();
  const compress = compressor(options.compression ?? 'ZSTD', options.compressionLevel ?? CACHIX_COMPRESSION_LEVEL);
  const parts: CompletedPart[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;

  const start = (partNumber: number, body: Buffer): void => {
    const p = uploadPart(e, narUrl, uploadQuery, partNumber, body, signal, options.timing).then(
      (eTag) => void parts.push({ partNumber, eTag }),
      (error: unknown) => void (failure ??= { error }),
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  // Waits for a free slot; rethrows the first part failure so the stream stops reading.
  const slot = async (): Promise<void> => {
    while (inFlight.size >= concurrency && !failure) await Promise.race(inFlight);
    if (failure) throw failure.error;
  };

  let partNumber = 0;
  await pipeline(
    dumpNar(info.path, signal),
    narTap,
    compress,
    fileTap,
    async (source: AsyncIterable<Buffer>) => {
      // Pieces of the part being filled; joined once full, so a small path never allocates a whole part.
      let pieces: Buffer[] = [];
      let filled = 0;
      for await (const chunk of source) {
        let offset = 0;
        while (offset < chunk.length) {
          const n = Math.min(chunk.length - offset, chunkSize - filled);
          pieces.push(chunk.subarray(offset, offset + n));
          filled += n;
          offset += n;
          if (filled === chunkSize) {
            await slot();
            start(++partNumber, Buffer.concat(pieces, filled));
            pieces = [];
            filled = 0;
          }
        }
      }
      // The last (or only) part; zstd and xz always emit a header, so there is at least one part.
      if (filled > 0 || partNumber === 0) {
        await slot();
        start(++partNumber, Buffer.concat(pieces, filled));
      }
    },
    { signal },
  );
  while (inFlight.size > 0) await Promise.race(inFlight);
  if (failure) throw (failure as { error: unknown }).error;
  parts.sort((a, b) => a.partNumber - b.partNumber);
  return { parts, narTap, fileTap };
}

/** Gets a presigned URL for one part and PUTs it there with its Content-MD5; returns the ETag. */
async function uploadPart(e: CachixEndpoint, narUrl: string, uploadQuery: string, partNumber: number, body: Buffer, signal: AbortSignal, timing?: RetryTiming): Promise<string> {
  const contentMD5 = createHash('md5').update(body).digest('base64');
  return call(e, 'upload', signal, async () => {
    const presigned = UploadPartJson.parse(
      await httpJson<unknown>(`${narUrl}?${uploadQuery}&partNumber=${partNumber}`, {
        method: 'POST',
        headers: headers(e, true),
        body: JSON.stringify({ contentMD5 }),
        signal,
      }),
    );
    // The presigned URL carries its own authorisation: never send the Cachix token to the object store.
    const response = await http(presigned.uploadUrl, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'content-md5': contentMD5 },
      // A Buffer: sent with its Content-Length, which S3 requires (411 MissingContentLength).
      body,
      signal,
    });
    await readBody(response, response.url);
    const eTag = response.headers.get('etag');
    if (!eTag) throw new PushError(`Cachix cache "${e.name}": the object store answered part ${partNumber} without an ETag`, true);
    return eTag;
  }, timing);
}

/** The narinfo Cachix stores, as `Push.hs newNarInfoCreate` builds it. */
export function narInfoCreate(info: PathInfo, file: { fileHash: string; fileSize: number }, signingKey: SecretKey | null): NarInfoCreate {
  const name = baseName(info.path);
  let cSig: string | null = null;
  if (signingKey) {
    const signed = signingKey.sign(fingerprint(info));
    // Cachix wants the bare base64 signature; it prefixes its own key name when serving the narinfo.
    cSig = signed.slice(signed.indexOf(':') + 1);
  }
  return {
    cStoreHash: hashPart(info.path),
    cStoreSuffix: name.slice(33),
    cNarHash: info.narHash.nix32,
    cNarSize: info.narSize,
    cFileHash: file.fileHash,
    cFileSize: file.fileSize,
    cReferences: info.references.map(baseName).sort(),
    cDeriver: info.deriver ? baseName(info.deriver) : 'unknown-deriver',
    cSig,
  };
}
