// A native writer for HTTP(S) and file:// binary caches: streams each NAR (never whole in memory),
// names it by its NAR hash so it can be uploaded before its file hash is known, then writes the
// signed narinfo — NAR first, so a narinfo is never visible before its NAR.
import { createWriteStream } from 'node:fs';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { toNix32 } from '../nix/base32.ts';
import type { SecretKey } from '../nix/keys.ts';
import { renderNarInfo } from '../nix/narinfo.ts';
import { fingerprint, hashPart, type PathInfo } from '../nix/path-info.ts';
import { storeDir } from '../nix/store-dir.ts';
import { http, HttpError, rawHttpError, redactUrl, request, withRetry, type RetryTiming } from '../http.ts';
import { narExtension, narFor, sizedNarFor, type Compression } from './nar-stream.ts';
import type { PushContext, PushTarget, UploadResult } from './target.ts';
import { writeInTurn } from '../write-in-turn.ts';

const cacheInfo = (dir: string): string => `StoreDir: ${dir}\nWantMassQuery: 1\nPriority: 40\n`;

interface Sink {
  /** A streamed body must come with its length (HTTP PUT); a file is written as it streams. */
  readonly needsLength: boolean;
  exists(name: string, ctx: PushContext): Promise<boolean>;
  /** `length`: the bytes a stream will give, when known beforehand. */
  put(name: string, body: AsyncIterable<Buffer> | Buffer | string, contentType: string, ctx: PushContext, length?: number): Promise<void>;
}

class HttpSink implements Sink {
  readonly needsLength = true;
  private readonly base: string;
  private readonly headers: Record<string, string>;
  constructor(url: URL) {
    const auth = url.username || url.password ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}` : null;
    const clean = new URL(url.href);
    clean.username = '';
    clean.password = '';
    clean.search = '';
    this.base = clean.href.replace(/\/+$/, '');
    this.headers = auth ? { authorization: auth } : {};
  }
  // Through node:http with the shared keep-alive agent, not fetch(): per request it costs a third
  // of fetch's time, and an absent narinfo is a status to read, not an exception to build (bench/).
  async exists(name: string, ctx: PushContext): Promise<boolean> {
    const url = `${this.base}/${name}`;
    const answer = await request(url, { method: 'HEAD', headers: this.headers, signal: ctx.signal, timeoutMs: 20_000 });
    const { status } = answer;
    if (status >= 200 && status < 300) return true;
    if (status === 404 || status === 403) return false;
    // A cache that redirects reads (e.g. to object storage): fetch follows redirects, node:http not.
    if (status >= 300 && status < 400) return this.existsFollowing(url, ctx);
    throw rawHttpError(url, answer);
  }
  private async existsFollowing(url: string, ctx: PushContext): Promise<boolean> {
    try {
      await http(url, { method: 'HEAD', headers: this.headers, signal: ctx.signal, timeoutMs: 20_000 });
      return true;
    } catch (error) {
      if (error instanceof HttpError && (error.status === 404 || error.status === 403)) return false;
      throw error;
    }
  }
  async put(name: string, body: AsyncIterable<Buffer> | Buffer | string, contentType: string, ctx: PushContext, length?: number): Promise<void> {
    const whole = typeof body === 'string' || Buffer.isBuffer(body);
    // Proxies in front of caches (cloudflared) refuse bodies without a Content-Length (411).
    if (!whole && length === undefined) throw new Error(`${name}: a streamed body needs its length`);
    const url = `${this.base}/${name}`;
    const headers = { ...this.headers, 'content-type': contentType };
    // Large NARs stream for as long as they need; the step's budget (ctx.signal) bounds them.
    const timeoutMs = whole ? 60_000 : 6 * 3600_000;
    const answer = await request(url, { method: 'PUT', headers, body, ...(length === undefined ? {} : { contentLength: length }), signal: ctx.signal, timeoutMs });
    if (answer.status < 200 || answer.status >= 300) throw rawHttpError(url, answer);
  }
}

/** Writes chunks that may live in reused buffers (src/write-in-turn.ts) to a new file. */
async function writeChunks(file: string, chunks: AsyncIterable<Buffer>): Promise<void> {
  const out = createWriteStream(file);
  try {
    await writeInTurn(out, chunks);
  } finally {
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
}

class FileSink implements Sink {
  readonly needsLength = false;
  private readonly dir: string;
  constructor(url: URL) {
    this.dir = decodeURIComponent(url.pathname).replace(/\/+$/, '');
  }
  async exists(name: string): Promise<boolean> {
    return access(`${this.dir}/${name}`).then(
      () => true,
      () => false,
    );
  }
  async put(name: string, body: AsyncIterable<Buffer> | Buffer | string): Promise<void> {
    const target = `${this.dir}/${name}`;
    const partial = `${target}.${process.pid}.partial`;
    await mkdir(target.slice(0, target.lastIndexOf('/')), { recursive: true });
    try {
      if (typeof body === 'string' || Buffer.isBuffer(body)) await writeFile(partial, body);
      else await writeChunks(partial, body);
      // rename is atomic: readers see the whole file or none.
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }
}

export interface BinaryCacheOptions {
  signingKey: SecretKey | null;
  compression: Compression;
  /** Parallel narinfo existence checks. */
  queryJobs?: number;
  /** Tests: retry timing (waits recorded instead of slept). */
  timing?: RetryTiming;
}

/** True when the native writer can serve this store URL (else `nix copy` does). */
export function supportsNative(url: string): boolean {
  const u = new URL(url);
  if (!['http:', 'https:', 'file:'].includes(u.protocol)) return false;
  const params = [...u.searchParams.keys()];
  return params.every((k) => k === 'compression') && ['', 'zstd', 'none'].includes(u.searchParams.get('compression') ?? '');
}

export class BinaryCacheTarget implements PushTarget {
  readonly label: string;
  readonly perPathQueries: number;
  private readonly sink: Sink;
  private readonly options: BinaryCacheOptions;
  private cacheInfoReady: Promise<void> | null = null;

  constructor(url: string, options: BinaryCacheOptions) {
    const u = new URL(url);
    this.label = redactUrl(url);
    this.sink = u.protocol === 'file:' ? new FileSink(u) : new HttpSink(u);
    this.options = options;
    this.perPathQueries = options.queryJobs ?? 16;
  }

  private retry<T>(fn: () => Promise<T>, ctx: PushContext, what: string): Promise<T> {
    return withRetry(fn, { signal: ctx.signal, ...this.options.timing, onRetry: (e, n, ms) => ctx.log.debug(`${this.label}: ${what} failed (${String(e)}), retry ${n} in ${ms} ms`) });
  }

  async missing(paths: readonly PathInfo[], ctx: PushContext): Promise<ReadonlySet<string>> {
    const missing = new Set<string>();
    let next = 0;
    const worker = async () => {
      while (next < paths.length) {
        const info = paths[next++] as PathInfo;
        const present = await this.retry(() => this.sink.exists(`${hashPart(info.path)}.narinfo`, ctx), ctx, 'narinfo query');
        if (!present) missing.add(info.path);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.perPathQueries, paths.length) }, worker));
    return missing;
  }

  private ensureCacheInfo(ctx: PushContext): Promise<void> {
    this.cacheInfoReady ??= this.retry(async () => {
      if (!(await this.sink.exists('nix-cache-info', ctx))) await this.sink.put('nix-cache-info', cacheInfo(await storeDir()), 'text/x-nix-cache-info', ctx);
    }, ctx, 'nix-cache-info');
    return this.cacheInfoReady;
  }

  async upload(info: PathInfo, ctx: PushContext): Promise<UploadResult> {
    await this.ensureCacheInfo(ctx);
    const { compression, signingKey } = this.options;
    const file = await this.retry(async () => {
      const nar = this.sink.needsLength ? await sizedNarFor(info, compression, ctx.signal) : { ...(await narFor(info, compression, ctx.signal)), compression, length: undefined };
      const url = `nar/${toNix32(info.narHash.bytes)}${narExtension(nar.compression)}`;
      await this.sink.put(url, nar.body, 'application/x-nix-nar', ctx, nar.length);
      return { ...nar.file(), url, compression: nar.compression };
    }, ctx, `upload of ${info.path}`);
    const sigs = [...info.sigs];
    if (signingKey && !sigs.some((s) => s.startsWith(`${signingKey.name}:`))) sigs.push(signingKey.sign(fingerprint(info)));
    const narinfo = renderNarInfo({
      storePath: info.path,
      url: file.url,
      compression: file.compression,
      fileHash: file.hash,
      fileSize: file.size,
      narHash: info.narHash,
      narSize: info.narSize,
      references: [...info.references],
      deriver: info.deriver,
      sigs,
      ca: info.ca,
    });
    await this.retry(() => this.sink.put(`${hashPart(info.path)}.narinfo`, narinfo, 'text/x-nix-narinfo', ctx), ctx, `narinfo of ${info.path}`);
    return { bytes: file.size + narinfo.length };
  }
}
