// Pushing to Cachix through its API: the bulk "which are missing" query, multipart NAR uploads
// (server- or client-signed), and pins created once everything is up.
import type { CachixSettings } from '../config.ts';
import { cacheInfo, createPin, missingHashes, uploadNar, type CachixCacheInfo, type CachixEndpoint, type RetryTiming } from '../caches/cachix-api.ts';
import { xzAvailable, type CachixCompression } from '../caches/compress.ts';
import { HttpError, withRetry } from '../http.ts';
import { WHOLE_PATH_ATTEMPTS, WHOLE_PATH_RETRY_POLICY } from '../retry.ts';
import { parsePublicKey } from '../nix/keys.ts';
import { hashPart, STORE_DIR, type PathInfo } from '../nix/path-info.ts';
import { PushError } from '../errors.ts';
import type { PushContext, PushTarget, UploadResult } from './target.ts';

export interface CachixTargetOptions {
  /** Turns a pin target that is not a store path (an installable) into a store path. */
  resolvePinTarget?: (target: string) => Promise<string>;
  /** Parts in flight per path (default 4, as the cachix client). */
  partConcurrency?: number;
  /** Whole-path attempts when an upload fails transiently (default 4, 5 s apart, as `retryAll`). */
  uploadAttempts?: number;
  /** Tests: timing of the request and whole-path retries (the policies' shape is the client's). */
  timing?: RetryTiming;
  /** Tests: whether the `xz` program is there (default: look). */
  xzAvailable?: () => boolean;
}

export class CachixTarget implements PushTarget {
  readonly label: string;
  readonly settings: CachixSettings;
  readonly info: CachixCacheInfo;
  readonly #options: CachixTargetOptions;
  readonly #endpoint: CachixEndpoint;
  /** What NARs are compressed with: the cache's preference, as the cachix client does. */
  readonly compression: CachixCompression;
  #compressionNote: string | null = null;
  /** An auth refusal of an upload: the same for every path, so later paths fail at once with it. */
  #refused: PushError | null = null;

  constructor(settings: CachixSettings, info: CachixCacheInfo, options: CachixTargetOptions = {}) {
    this.settings = settings;
    this.info = info;
    this.#options = options;
    this.label = `cachix:${settings.name}`;
    this.#endpoint = { apiUrl: settings.apiUrl, name: settings.name, token: settings.authToken };
    checkCredentials(settings, info);
    const preferred = info.preferredCompressionMethod ?? 'ZSTD';
    this.compression = preferred === 'XZ' && !(options.xzAvailable ?? xzAvailable)() ? 'ZSTD' : preferred;
    if (this.compression !== preferred) {
      this.#compressionNote = `${this.label}: the cache prefers xz, but the xz program is not installed here; uploading zstd, which Cachix accepts too`;
    }
  }

  /** Looks the cache up (fails with a PushError users can act on) and builds the target. */
  static async create(settings: CachixSettings, signal: AbortSignal, options: CachixTargetOptions = {}): Promise<CachixTarget> {
    let info: CachixCacheInfo;
    try {
      info = await cacheInfo(settings.apiUrl, settings.name, settings.authToken, signal, options.timing);
    } catch (error) {
      // Self-signed mode without a token: a private cache answers 401 before anything is built up.
      if (!settings.authToken && settings.signingKey && unauthorized(error)) throw signingKeyOnly(settings.name, error);
      throw error;
    }
    return new CachixTarget(settings, info, options);
  }

  async missing(paths: readonly PathInfo[], ctx: PushContext): Promise<ReadonlySet<string>> {
    const { apiUrl, name, token } = this.#endpoint;
    const lacking = await missingHashes(apiUrl, name, token, paths.map((p) => hashPart(p.path)), ctx.signal, undefined, this.#options.timing);
    return new Set(paths.filter((p) => lacking.has(hashPart(p.path))).map((p) => p.path));
  }

  async upload(path: PathInfo, ctx: PushContext): Promise<UploadResult> {
    if (this.#compressionNote) ctx.log.info(this.#compressionNote);
    this.#compressionNote = null;
    if (this.#refused) throw this.#refused;
    // Part requests retry on their own; this retries the whole path (a fresh NAR stream) when a
    // transient failure outlasted them, like the cachix client's `retryAll`.
    const { timing = {} } = this.#options;
    try {
      const result = await withRetry(
        () =>
          uploadNar(this.#endpoint, path, {
            signal: ctx.signal,
            chunkSize: this.settings.chunkSize,
            compression: this.compression,
            signingKey: this.settings.signingKey,
            ...(this.#options.partConcurrency ? { partConcurrency: this.#options.partConcurrency } : {}),
            ...(this.#options.timing ? { timing: this.#options.timing } : {}),
          }),
        {
          signal: ctx.signal,
          attempts: this.#options.uploadAttempts ?? WHOLE_PATH_ATTEMPTS,
          policy: WHOLE_PATH_RETRY_POLICY,
          ...(timing.sleep ? { sleep: timing.sleep } : {}),
          onRetry: (error, attempt) => ctx.log.info(`${this.label}: retrying ${path.path} (attempt ${attempt + 1}): ${(error as Error).message}`),
        },
      );
      return { bytes: result.narInfo.cFileSize };
    } catch (error) {
      if (unauthorized(error)) {
        this.#refused = !this.settings.authToken && this.settings.signingKey ? signingKeyOnly(this.settings.name, error) : (error as PushError);
        throw this.#refused;
      }
      throw error;
    }
  }

  /** Creates the configured pins; runs only after a push run whose uploads all succeeded. */
  async finish(_pushed: readonly PathInfo[], ctx: PushContext): Promise<void> {
    const { apiUrl, name, token } = this.#endpoint;
    for (const pin of this.settings.pins) {
      let storePath: string;
      try {
        storePath = await this.#resolve(pin.target);
      } catch (error) {
        throw new PushError(`${this.label}: cannot resolve pin "${pin.name}" target "${pin.target}": ${(error as Error).message}`, false, { cause: error });
      }
      await createPin(apiUrl, name, token, { name: pin.name, storePath, artifacts: [], keep: pin.keep }, ctx.signal);
      ctx.log.info(`${this.label}: pinned ${pin.name} → ${storePath}`);
    }
  }

  async #resolve(target: string): Promise<string> {
    if (target.startsWith(`${STORE_DIR}/`)) return topLevel(target);
    if (!this.#options.resolvePinTarget) throw new Error('not a store path, and no way to evaluate installables here');
    const resolved = (await this.#options.resolvePinTarget(target)).trim();
    if (!resolved.startsWith(`${STORE_DIR}/`)) throw new Error(`resolved to "${resolved}", which is not a store path`);
    return topLevel(resolved);
  }
}

/** `/nix/store/<hash>-name/bin/x` → `/nix/store/<hash>-name`: Cachix pins whole store paths. */
function topLevel(path: string): string {
  const rest = path.slice(STORE_DIR.length + 1);
  const slash = rest.indexOf('/');
  return `${STORE_DIR}/${slash < 0 ? rest : rest.slice(0, slash)}`;
}

/**
 * Fails early on credentials that cannot work: a signing key whose public half is not one of the
 * cache's keys would publish signatures no consumer trusts; a token with read access only cannot push.
 */
function checkCredentials(settings: CachixSettings, info: CachixCacheInfo): void {
  const cache = `Cachix cache "${settings.name}"`;
  if (!settings.authToken && !settings.signingKey) {
    throw new PushError(`${cache}: pushing needs cachix-auth-token (CACHIX_AUTH_TOKEN) or cachix-signing-key (CACHIX_SIGNING_KEY)`, false);
  }
  if (settings.signingKey && info.publicSigningKeys.length > 0) {
    const mine = settings.signingKey.publicKey.raw;
    const known = info.publicSigningKeys.flatMap((k) => {
      try {
        return [parsePublicKey(k).raw];
      } catch {
        return [];
      }
    });
    if (!known.some((raw) => raw.equals(mine))) {
      throw new PushError(
        `${cache}: cachix-signing-key does not belong to this cache (its public key is not among ${info.publicSigningKeys.join(', ')}); ` +
          `use the cache's own signing key, or only an auth token if Cachix signs for this cache`,
        false,
      );
    }
  }
  // No guess from `permission` here: a token's rights can change and the server's 403 says it.
}

/** A 401/403 from the API (a PushError from cachixError with the HttpError as its cause). */
function unauthorized(error: unknown): boolean {
  const cause = error instanceof PushError ? error.cause : error;
  return cause instanceof HttpError && (cause.status === 401 || cause.status === 403);
}

function signingKeyOnly(name: string, error: unknown): PushError {
  return new PushError(
    `Cachix cache "${name}" refused access without an auth token: cachix-signing-key only signs, and this cache (private, or one that ` +
      `takes uploads only with a token) also needs cachix-auth-token (CACHIX_AUTH_TOKEN) with write access (${(error as Error).message})`,
    false,
    { cause: error },
  );
}
