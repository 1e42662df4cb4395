// A native client for attic's HTTP API (zhaofengli/attic), so the action needs no attic CLI.
// Three calls matter: cache-config (public key, upstream key names, delegated API endpoint),
// get-missing-paths and upload-path. Every failure becomes a PushError that says what the user can
// do about it; `transient` marks the ones worth retrying.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import * as z from 'zod';
import { HttpError, http, isTransientStatus, putStream, readJson, redactUrl, withRetry, type RetryTiming } from '../http.ts';
import { Sha256 } from '../nix/hash.ts';
import { check, HttpUrl } from '../schemas.ts';
import { serverText } from '../server-text.ts';
import { parsePublicKey, type PublicKey } from '../nix/keys.ts';
import { baseName, hashPart, type PathInfo } from '../nix/path-info.ts';
import { PushError } from '../errors.ts';

/** attic sends the upload info as a body preamble instead of a header from this JSON size on. */
export const NAR_INFO_PREAMBLE_THRESHOLD = 4096;
/** Hashes per get-missing-paths request: the server turns them into one SQL `IN (…)`. */
export const MISSING_PATHS_BATCH = 1000;

export interface AtticCacheConfig {
  /** What goes into `substituters` (`{endpoint}/{cache}` unless the server delegates it). */
  readonly substituterEndpoint: string | null;
  /** Base URL for later API calls, without a trailing slash (null: keep the configured endpoint). */
  readonly apiEndpoint: string | null;
  readonly publicKey: PublicKey | null;
  readonly isPublic: boolean | null;
  readonly storeDir: string | null;
  readonly priority: number | null;
  /** Key names whose signatures mean "already upstream"; empty when the server sends none. */
  readonly upstreamCacheKeyNames: readonly string[];
  /** Fields of the answer that were refused (and are null above), said for a warning. */
  readonly refused: readonly string[];
}

export interface AtticUploadResult {
  readonly kind: 'Uploaded' | 'Deduplicated' | 'Unknown';
  /** Compressed size stored by the server, when it says. */
  readonly fileSize: number | null;
  readonly fracDeduplicated: number | null;
}

/** A failed attic call; `status` is 0 for connection failures, `kind` is attic's `error` field. */
export class AtticApiError extends PushError {
  readonly status: number;
  readonly kind: string | null;
  constructor(message: string, transient: boolean, status: number, kind: string | null, options?: { cause?: unknown }) {
    super(message, transient, options);
    this.name = 'AtticApiError';
    this.status = status;
    this.kind = kind;
  }
}

// ---- wire shapes (attic/src/api/v1/*.rs): every CacheConfig field is optional on the wire.
const CacheConfigJson = z.object({
  substituter_endpoint: z.nullish(z.string()),
  api_endpoint: z.nullish(z.string()),
  public_key: z.nullish(z.string()),
  is_public: z.nullish(z.boolean()),
  store_dir: z.nullish(z.string()),
  priority: z.nullish(z.number().int()),
  upstream_cache_key_names: z.nullish(z.array(z.string())),
});
const MissingPathsJson = z.object({ missing_paths: z.array(z.string()) });
const UploadResultJson = z.object({
  kind: z.optional(z.string()),
  file_size: z.nullish(z.number()),
  frac_deduplicated: z.nullish(z.number()),
});
const ErrorJson = z.object({ code: z.optional(z.number()), error: z.string(), message: z.string() });

/** The JSON attic's upload-path reads (`UploadPathNarInfo`). */
export interface UploadPathNarInfo {
  cache: string;
  store_path_hash: string;
  store_path: string;
  /**
   * Base names, sorted, as attic's client sends them (Nix's path info order): the server keeps this
   * list as given and signs its fingerprint in this order, which Nix checks against sorted references.
   */
  references: string[];
  system: null;
  deriver: string | null;
  sigs: string[];
  ca: string | null;
  /** `sha256:` + 64 hex digits. */
  nar_hash: string;
  nar_size: number;
}

export function uploadInfo(cache: string, info: PathInfo): UploadPathNarInfo {
  return {
    cache,
    store_path_hash: hashPart(info.path),
    store_path: info.path,
    references: info.references.map(baseName).sort(),
    system: null,
    // attic's own client sends none; the server would print it in the narinfo if it were given.
    deriver: null,
    sigs: [...info.sigs],
    ca: info.ca,
    nar_hash: `sha256:${info.narHash.hex}`,
    nar_size: info.narSize,
  };
}

/** True when the info must travel as a body preamble (headers that large break proxies). */
export function needsPreamble(infoJson: string): boolean {
  return Buffer.byteLength(infoJson) >= NAR_INFO_PREAMBLE_THRESHOLD;
}

function api(base: string, route: string): string {
  return `${base.replace(/\/+$/, '')}/_api/v1/${route}`;
}

function authHeaders(token: string | null): Record<string, string> {
  return token ? { authorization: `bearer ${token}` } : {};
}

interface CallContext {
  cache: string;
  /** The permission the call needs, for the message. */
  needs: 'pull' | 'push';
  /** The store path being uploaded, for upload errors. */
  storePath?: string;
  narSize?: number;
}

function parseErrorBody(body: string): { error: string; message: string } | null {
  try {
    const parsed = ErrorJson.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Turns whatever a call threw into an AtticApiError the user can act on. */
export function explain(error: unknown, url: string, ctx: CallContext): unknown {
  if (error instanceof AtticApiError) return error;
  const where = `attic cache "${ctx.cache}" at ${redactUrl(url)}`;
  const what = ctx.storePath ? `uploading ${ctx.storePath}` : ctx.needs === 'pull' ? 'reading the cache configuration' : 'asking which paths are missing';
  if (!(error instanceof HttpError)) {
    if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
      if (error.name === 'AbortError') return error;
      return new AtticApiError(`${where}: ${what} timed out`, true, 0, null, { cause: error });
    }
    if (error instanceof z.ZodError || error instanceof SyntaxError) {
      return new AtticApiError(`${where}: ${what}: the answer is not attic's JSON (is the endpoint an attic server?): ${String((error as Error).message).slice(0, 200)}`, false, 200, null, { cause: error });
    }
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    // nginx answers an oversized body with 413, but some proxies just drop the connection mid-upload.
    const code = (error as { code?: unknown }).code;
    const networkCode = typeof code === 'string' ? code : error instanceof Error && error.cause && typeof (error.cause as { code?: unknown }).code === 'string' ? (error.cause as { code: string }).code : '';
    const dropped =
      ctx.storePath && /EPIPE|ECONNRESET|socket hang up|terminated/i.test(`${networkCode} ${error instanceof Error ? error.message : ''}`)
        ? ` (the connection was closed while the NAR${ctx.narSize !== undefined ? ` of ${ctx.narSize} bytes` : ''} was being sent: a proxy in front of attic that drops bodies over its size limit is the usual cause, not the store path)`
        : '';
    return new AtticApiError(`${where}: ${what} failed: ${error instanceof Error ? error.message : String(error)}${cause}${dropped}`, true, 0, null, { cause: error });
  }
  const structured = parseErrorBody(error.body);
  const detail = serverText(structured ? `${structured.error}: ${structured.message}` : error.body, 200) || `HTTP ${error.status}`;
  const kind = structured?.error ?? null;
  const make = (message: string, transient = false) => new AtticApiError(message, transient, error.status, kind, { cause: error });
  if (error.status === 401 || error.status === 403) {
    // attic answers 401 when the token grants nothing on the cache (which also hides whether it
    // exists) and 403 when it grants something else; a bad token counts as no token at all.
    const scope = error.status === 401 ? ' (or the cache does not exist)' : '';
    return make(
      `${where}: ${what} was refused (HTTP ${error.status} ${detail}): the token lacks "${ctx.needs}" permission on this cache${scope}. ` +
        `attic treats a missing, expired or invalid token as anonymous: check that attic-token is set and grants ` +
        `${ctx.needs} on "${ctx.cache}" (on the server: atticadm make-token --${ctx.needs} ${ctx.cache}${ctx.needs === 'push' ? ` --pull ${ctx.cache}` : ''} --sub <name> --validity <period>)`,
    );
  }
  if (error.status === 404) {
    if (kind === 'NoSuchCache') return make(`${where}: the cache does not exist (create it with \`attic cache create ${ctx.cache}\`)`);
    return make(`${where}: ${what}: HTTP 404 ${detail} — is attic-endpoint the attic server's base URL?`);
  }
  if (error.status === 411) {
    return make(
      `${where}: ${what}: HTTP 411 Length Required — a proxy in front of attic (cloudflared, some load balancers) refused a request body ` +
        `without Content-Length; this action sends one, so check for a second proxy that re-chunks bodies`,
    );
  }
  if (error.status === 413) {
    const size = ctx.narSize !== undefined ? ` (NAR of ${ctx.narSize} bytes)` : '';
    return make(
      `${where}: ${what}${size}: HTTP 413 Request Entity Too Large — a proxy in front of attic limits request body size ` +
        `(nginx client_max_body_size, Cloudflare's 100 MB); raise the limit for /_api/v1/upload-path`,
    );
  }
  if (/Bad NAR Hash or Size|Bad chunk hash or size/i.test(error.body)) {
    // The NAR was checked against its recorded hash while it was sent (uploadPath), so what the
    // server got differs from what left here: something between changed or cut the body.
    const chunk = /chunk/i.test(error.body) ? ' (one of the chunks the server split it into)' : '';
    return make(
      `${where}: attic rejected ${ctx.storePath ?? 'a path'}: the NAR it received${chunk} does not match the hash and size this action sent ` +
        `and verified against the store — a proxy in front of attic likely altered or cut short the request body (body size or buffering limits)`,
      true,
    );
  }
  if (kind === 'IncompleteNar') return make(`${where}: ${what}: the server holds an incomplete NAR for this path and needs it repaired (${detail})`, true);
  if (kind === 'InvalidCompressionType') return make(`${where}: ${what}: the attic server is misconfigured (${detail}); fix its compression setting`);
  if (kind === 'InternalServerError') return make(`${where}: ${what}: the attic server failed (HTTP ${error.status} ${detail}); its log (database or storage error) says why`, true);
  return make(`${where}: ${what}: HTTP ${error.status} ${detail}`, isTransientStatus(error.status));
}

/**
 * A server whose advertised substituter_endpoint has another scheme or host than attic-endpoint is
 * usually one behind a proxy without `substituter-endpoint` in its config (http:// where the proxy
 * serves https://, an internal host name): say so, since substitution then goes where the user did
 * not point it. (An advertised api_endpoint is never followed: the post step reports it.)
 */
export function substituterMismatch(configured: string, substituterEndpoint: string | null): string | null {
  const ours = URL.parse(configured);
  const theirs = substituterEndpoint ? URL.parse(substituterEndpoint) : null;
  if (!ours || !theirs || (theirs.protocol === ours.protocol && theirs.host === ours.host)) return null;
  return (
    `the server advertises substituter_endpoint ${theirs.protocol}//${theirs.host}, not ${ours.protocol}//${ours.host} as attic-endpoint says; following the server. ` +
    `If that is wrong, set substituter-endpoint in the attic server's config (usually a server behind a proxy)`
  );
}

/**
 * GET /_api/v1/cache-config/{cache} (needs pull permission; public caches allow anonymous).
 * Retries transient failures by the shared policy (up to ~90 s of waiting), within `signal`.
 */
export async function cacheConfig(endpoint: string, cache: string, token: string | null, signal: AbortSignal, timing: RetryTiming = {}): Promise<AtticCacheConfig> {
  const url = api(endpoint, `cache-config/${encodeURIComponent(cache)}`);
  const ctx: CallContext = { cache, needs: 'pull' };
  const raw = await withRetry(
    async () => {
      try {
        const response = await http(url, { headers: { accept: 'application/json', ...authHeaders(token) }, signal });
        return CacheConfigJson.parse(await readJson(response, url));
      } catch (error) {
        throw explain(error, url, ctx);
      }
    },
    { signal, ...timing },
  );
  let publicKey: PublicKey | null = null;
  if (raw.public_key) {
    try {
      publicKey = parsePublicKey(raw.public_key);
    } catch (error) {
      throw new AtticApiError(`attic cache "${cache}": the server's public key "${raw.public_key}" is not a Nix public key: ${(error as Error).message}`, false, 200, null);
    }
  }
  // Endpoints are written into nix.conf and decide where the token goes: only a plain http(s) URL
  // is taken; anything else (a line break would add any nix.conf setting) is refused and said.
  const refused: string[] = [];
  const advertised = (field: 'substituter_endpoint' | 'api_endpoint'): string | null => {
    const value = raw[field];
    if (!value) return null;
    const r = check(HttpUrl, value);
    if (r.ok) return r.value;
    refused.push(`${field} ${r.problem}`);
    return null;
  };
  return {
    refused,
    substituterEndpoint: advertised('substituter_endpoint'),
    apiEndpoint: advertised('api_endpoint'),
    publicKey,
    isPublic: raw.is_public ?? null,
    storeDir: raw.store_dir ?? null,
    priority: raw.priority ?? null,
    upstreamCacheKeyNames: raw.upstream_cache_key_names ?? [],
  };
}

/**
 * POST /_api/v1/get-missing-paths in batches (needs push permission). Takes and returns 32-char
 * store path hashes. One attempt per batch: the caller retries.
 */
export async function getMissingPaths(apiEndpoint: string, cache: string, token: string | null, hashes: readonly string[], signal: AbortSignal): Promise<Set<string>> {
  const url = api(apiEndpoint, 'get-missing-paths');
  const unique = [...new Set(hashes)];
  const missing = new Set<string>();
  for (let start = 0; start < unique.length; start += MISSING_PATHS_BATCH) {
    const batch = unique.slice(start, start + MISSING_PATHS_BATCH);
    try {
      const response = await http(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...authHeaders(token) },
        body: JSON.stringify({ cache, store_path_hashes: batch }),
        signal,
      });
      for (const hash of MissingPathsJson.parse(await readJson(response, url)).missing_paths) missing.add(hash);
    } catch (error) {
      throw explain(error, url, { cache, needs: 'push' });
    }
  }
  return missing;
}

/**
 * PUT /_api/v1/upload-path with the raw NAR streamed from `narStream` (never held in memory).
 * The info goes in `X-Attic-Nar-Info`, or as a body preamble when its JSON reaches 4 KiB.
 * One attempt: the stream is consumed, so a retry needs a fresh one.
 */
export async function uploadPath(
  apiEndpoint: string,
  cache: string,
  token: string | null,
  info: PathInfo,
  narStream: Readable,
  signal: AbortSignal,
  options: { forcePreamble?: boolean } = {},
): Promise<AtticUploadResult> {
  const url = api(apiEndpoint, 'upload-path');
  const json = JSON.stringify(uploadInfo(cache, info));
  const preamble = options.forcePreamble || needsPreamble(json) ? Buffer.from(json) : null;
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream', accept: 'application/json', ...authHeaders(token) };
  if (preamble) headers['x-attic-nar-info-preamble-size'] = String(preamble.length);
  else headers['x-attic-nar-info'] = json;

  // A failure reading the store must not look like a network error (which would be retried). The
  // NAR is hashed on its way out and cut off before its end if it differs from the path info, so
  // the server never stores it, and a "Bad NAR Hash" answer can only mean the body changed in transit.
  let readError: Error | null = null;
  async function* body(): AsyncGenerator<Uint8Array> {
    if (preamble) yield preamble;
    const hash = createHash('sha256');
    let sent = 0;
    try {
      for await (const chunk of narStream) {
        sent += (chunk as Buffer).length;
        if (sent > info.narSize) throw new Error(`its NAR is longer than the ${info.narSize} bytes the store recorded`);
        hash.update(chunk as Buffer);
        if (sent === info.narSize && !Sha256.fromBytes(hash.digest()).equals(info.narHash)) throw new Error(`its NAR does not match the hash the store recorded`);
        yield chunk as Buffer;
      }
      if (sent !== info.narSize) throw new Error(`its NAR has ${sent} bytes, not the ${info.narSize} the store recorded`);
    } catch (error) {
      readError = error instanceof Error ? error : new Error(String(error));
      throw readError;
    }
  }
  const ctx: CallContext = { cache, needs: 'push', storePath: info.path, narSize: info.narSize };
  try {
    // An exact Content-Length: attic behind cloudflared or other proxies refuses chunked bodies. No
    // timeout of its own (attic's client has none): the step's budget (signal) bounds it.
    const text = await putStream(url, headers, body(), (preamble?.length ?? 0) + info.narSize, signal);
    // attic's client treats an unparsable success body as "Uploaded".
    let parsed: z.output<typeof UploadResultJson> = {};
    try {
      parsed = UploadResultJson.parse(JSON.parse(text));
    } catch {
      /* keep defaults */
    }
    const kind = parsed.kind === 'Deduplicated' || parsed.kind === 'Uploaded' ? parsed.kind : parsed.kind === undefined ? 'Uploaded' : 'Unknown';
    return { kind, fileSize: parsed.file_size ?? null, fracDeduplicated: parsed.frac_deduplicated ?? null };
  } catch (error) {
    if (readError) {
      throw new AtticApiError(
        `reading ${info.path} from the Nix store failed: ${(readError as Error).message} (repair the store with nix-store --verify --check-contents --repair)`,
        false,
        0,
        null,
        { cause: readError },
      );
    }
    throw explain(error, url, ctx);
  } finally {
    narStream.destroy();
  }
}
