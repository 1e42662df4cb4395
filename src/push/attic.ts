// Pushes to a self-hosted attic server through its HTTP API (no attic CLI at run time).
import { AtticApiError, cacheConfig, getMissingPaths, uploadPath, type AtticCacheConfig } from '../caches/attic-api.ts';
import { redactUrl, withRetry, type RetryTiming } from '../http.ts';
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
  /** Attempts per request for transient failures (default: the shared policy's ~90 s of waiting), all within ctx.signal. */
  attempts?: number;
  /** Tests: retry timing (waits recorded instead of slept). */
  timing?: RetryTiming;
}

/** Uploads at once, as `attic push` (`--jobs`, default 5), unless the `jobs` input says otherwise. */
export const ATTIC_JOBS = 5;

export class AtticTarget implements PushTarget {
  readonly label: string;
  readonly endpoint: string;
  readonly cache: string;
  readonly publicKey: PublicKey | null;
  readonly defaultJobs = ATTIC_JOBS;
  private readonly token: string | null;
  private readonly retry: RetryTiming;
  private config: Promise<AtticCacheConfig> | null;
  private apiWarned = false;

  constructor(options: AtticTargetOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.cache = options.cache;
    this.token = options.token;
    this.publicKey = options.publicKey ?? options.config?.publicKey ?? null;
    this.retry = { ...options.timing, ...(options.attempts === undefined ? {} : { attempts: options.attempts }) };
    this.config = options.config ? Promise.resolve(options.config) : null;
    this.label = `attic:${options.cache}`;
  }

  /**
   * The cache config, looked up once. Like `attic push`, a push needs it (its upstream key names
   * decide what to send): when it cannot be read, this target stops
   * with the reason instead of pushing blind. It needs pull permission, as in attic.
   */
  private cacheConfig(ctx: PushContext): Promise<AtticCacheConfig> {
    this.config ??= cacheConfig(this.endpoint, this.cache, this.token, ctx.signal, this.retry).catch((error: unknown) => {
      if (ctx.signal.aborted) throw error;
      const hint = error instanceof AtticApiError && (error.status === 401 || error.status === 403) ? ' (attic-token needs pull as well as push permission, as for `attic push`)' : '';
      throw new AtticApiError(`cannot read the cache configuration, so nothing is pushed${hint}: ${(error as Error).message}`, false, error instanceof AtticApiError ? error.status : 0, null, { cause: error });
    });
    return this.config;
  }

  /**
   * Calls (with the token) always go to `attic-endpoint`, the host the user named: a server's
   * `api_endpoint` must not be able to send the token elsewhere. One that differs is only reported.
   */
  private async apiEndpoint(ctx: PushContext): Promise<string> {
    const advertised = (await this.cacheConfig(ctx)).apiEndpoint;
    if (advertised && advertised !== this.endpoint && !this.apiWarned) {
      this.apiWarned = true;
      ctx.log.warning(`${this.label}: the server advertises api_endpoint ${redactUrl(advertised)}; the token is sent only to attic-endpoint ${redactUrl(this.endpoint)}, which is used instead`);
    }
    return this.endpoint;
  }

  async upstreamKeyNames(ctx: PushContext): Promise<readonly string[]> {
    return (await this.cacheConfig(ctx)).upstreamCacheKeyNames;
  }

  async missing(paths: readonly PathInfo[], ctx: PushContext): Promise<ReadonlySet<string>> {
    if (paths.length === 0) return new Set();
    const endpoint = await this.apiEndpoint(ctx);
    const byHash = new Map<string, string[]>();
    for (const p of paths) byHash.set(hashPart(p.path), [...(byHash.get(hashPart(p.path)) ?? []), p.path]);
    const missingHashes = await withRetry(() => getMissingPaths(endpoint, this.cache, this.token, [...byHash.keys()], ctx.signal), {
      signal: ctx.signal,
      ...this.retry,
      onRetry: (error, attempt, delay) => ctx.log.info(`${this.label}: retrying get-missing-paths in ${delay} ms (attempt ${attempt} failed: ${(error as Error).message})`),
    });
    const out = new Set<string>();
    for (const hash of missingHashes) for (const path of byHash.get(hash) ?? []) out.add(path);
    return out;
  }

  async upload(path: PathInfo, ctx: PushContext): Promise<UploadResult> {
    const endpoint = await this.apiEndpoint(ctx);
    const result = await withRetry(
      // A fresh NAR stream per attempt: the previous one was consumed.
      () => uploadPath(endpoint, this.cache, this.token, path, dumpNar(path.path, ctx.signal), ctx.signal),
      {
        signal: ctx.signal,
        ...this.retry,
        onRetry: (error, attempt, delay) => ctx.log.info(`${this.label}: retrying ${path.path} in ${delay} ms (attempt ${attempt} failed: ${(error as Error).message})`),
      },
    );
    if (result.kind === 'Deduplicated') ctx.log.debug(`${this.label}: ${path.path} deduplicated by the server`);
    // The NAR goes over the wire uncompressed; attic compresses on its side.
    return { bytes: path.narSize };
  }
}

export { AtticApiError };
