// Pushes to a self-hosted attic server through its HTTP API (no attic CLI at run time).
import { AtticApiError, cacheConfig, getMissingPaths, uploadPath, type AtticCacheConfig } from '../caches/attic-api.ts';
import { redactUrl, withRetry } from '../http.ts';
import { dumpNar } from '../nix/nar.ts';
import type { PublicKey } from '../nix/keys.ts';
import { hashPart, type PathInfo } from '../nix/path-info.ts';
import type { PushContext, PushTarget, UploadResult } from './target.ts';

export interface AtticTargetOptions {
  endpoint: string;
  cache: string;
  token: string | null;
  publicKey?: PublicKey | null;
  /** A cache config the caller already fetched; skips the lookup. */
  config?: AtticCacheConfig | null;
  /** Attempts per request for transient failures (default 6), all within ctx.signal. */
  attempts?: number;
}

export class AtticTarget implements PushTarget {
  readonly label: string;
  readonly endpoint: string;
  readonly cache: string;
  readonly publicKey: PublicKey | null;
  private readonly token: string | null;
  private readonly attempts: number;
  private config: Promise<AtticCacheConfig | null> | null;
  /**
   * A failed config lookup is reported only once get-missing-paths has worked: when the push fails
   * too (no such cache, a token granting nothing) its error already says why, and a second warning
   * about the same cause is noise in the job's annotations.
   */
  private configWarning: string | null = null;
  private apiWarned = false;

  constructor(options: AtticTargetOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.cache = options.cache;
    this.token = options.token;
    this.publicKey = options.publicKey ?? options.config?.publicKey ?? null;
    this.attempts = options.attempts ?? 6;
    this.config = options.config ? Promise.resolve(options.config) : null;
    this.label = `attic:${options.cache}`;
  }

  /**
   * The cache config, looked up once. A push-only token may not read it (cache-config needs pull),
   * and it only adds hints, so a failure is logged and pushing goes on with the configured endpoint.
   */
  private cacheConfig(ctx: PushContext): Promise<AtticCacheConfig | null> {
    this.config ??= cacheConfig(this.endpoint, this.cache, this.token, ctx.signal).catch((error: unknown) => {
      if (ctx.signal.aborted) throw error;
      const message = `${this.label}: could not read the cache configuration, pushing without it (attic's upstream_cache_key_names are not applied): ${(error as Error).message}`;
      this.configWarning = message;
      return null;
    });
    return this.config;
  }

  /**
   * Calls (with the token) always go to `attic-endpoint`, the host the user named: a server's
   * `api_endpoint` must not be able to send the token elsewhere. One that differs is only reported.
   */
  private async apiEndpoint(ctx: PushContext): Promise<string> {
    const advertised = (await this.cacheConfig(ctx))?.apiEndpoint;
    if (advertised && advertised !== this.endpoint && !this.apiWarned) {
      this.apiWarned = true;
      ctx.log.warning(`${this.label}: the server advertises api_endpoint ${redactUrl(advertised)}; the token is sent only to attic-endpoint ${redactUrl(this.endpoint)}, which is used instead`);
    }
    return this.endpoint;
  }

  async upstreamKeyNames(ctx: PushContext): Promise<readonly string[]> {
    return (await this.cacheConfig(ctx))?.upstreamCacheKeyNames ?? [];
  }

  async missing(paths: readonly PathInfo[], ctx: PushContext): Promise<ReadonlySet<string>> {
    if (paths.length === 0) return new Set();
    const endpoint = await this.apiEndpoint(ctx);
    const byHash = new Map<string, string[]>();
    for (const p of paths) byHash.set(hashPart(p.path), [...(byHash.get(hashPart(p.path)) ?? []), p.path]);
    const missingHashes = await withRetry(() => getMissingPaths(endpoint, this.cache, this.token, [...byHash.keys()], ctx.signal), {
      signal: ctx.signal,
      attempts: this.attempts,
      onRetry: (error, attempt, delay) => ctx.log.info(`${this.label}: retrying get-missing-paths in ${delay} ms (attempt ${attempt} failed: ${(error as Error).message})`),
    });
    if (this.configWarning) ctx.log.warning(this.configWarning);
    this.configWarning = null;
    const out = new Set<string>();
    for (const hash of missingHashes) for (const path of byHash.get(hash) ?? []) out.add(path);
    return out;
  }

  async upload(path: PathInfo, ctx: PushContext): Promise<UploadResult> {
    const endpoint = await this.apiEndpoint(ctx);
    const result = await withRetry(
      // A fresh `nix-store --dump` per attempt: the previous stream was consumed.
      () => uploadPath(endpoint, this.cache, this.token, path, dumpNar(path.path, ctx.signal), ctx.signal),
      {
        signal: ctx.signal,
        attempts: this.attempts,
        onRetry: (error, attempt, delay) => ctx.log.info(`${this.label}: retrying ${path.path} in ${delay} ms (attempt ${attempt} failed: ${(error as Error).message})`),
      },
    );
    if (result.kind === 'Deduplicated') ctx.log.debug(`${this.label}: ${path.path} deduplicated by the server`);
    // The NAR goes over the wire uncompressed; attic compresses on its side.
    return { bytes: path.narSize };
  }
}

export { AtticApiError };
