// One pass over a NAR: checks its hash and size against the path info (a corrupt local store
// must not poison a cache), optionally compresses it, and measures what goes over the wire.
import { createHash } from 'node:crypto';
import { pipeline, Transform, type Readable, type TransformCallback, type Writable } from 'node:stream';
import { constants, createZstdCompress, zstdCompressSync } from 'node:zlib';
import { Sha256 } from '../nix/hash.ts';
import type { PathInfo } from '../nix/path-info.ts';
import { dumpNar, readNarReusing, readNarWhole } from '../nix/nar.ts';

export type Compression = 'zstd' | 'none';

/** Hashes and counts what flows through; `verify` runs at the end of the stream. */
class Meter extends Transform {
  private readonly hash = createHash('sha256');
  size = 0;
  digest: Sha256 | null = null;
  private readonly check: ((m: Meter) => Error | null) | null;
  constructor(check: ((m: Meter) => Error | null) | null = null) {
    super();
    this.check = check;
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    this.digest = Sha256.fromBytes(this.hash.digest());
    done(this.check?.(this) ?? null);
  }
}

export interface MeasuredNar {
  /** The (compressed) bytes to upload: a stream, or for a small NAR the whole file. */
  body: Readable | Buffer;
  /** Valid once `body` has ended. */
  file(): { hash: Sha256; size: number };
}

/**
 * NARs up to this size are read whole and compressed in one call: a zstd stream per path costs
 * ~0.4 ms of CPU to set up (a context sized for an unknown input, a thread-pool round trip per
 * step), more than reading and compressing a 10 KB NAR; with 1,000 small paths that was a tenth of
 * the push (bench/). Larger NARs are streamed, never held.
 */
export const SMALL_NAR = 64 * 1024;

function corrupt(info: PathInfo): Error {
  return new Error(`the NAR of ${info.path} does not match its registered hash/size: the local store may be corrupt (run nix-store --verify --check-contents)`);
}

export async function narFor(info: PathInfo, compression: Compression, signal?: AbortSignal): Promise<MeasuredNar> {
  return info.narSize <= SMALL_NAR ? smallNar(info, compression, signal) : streamedNar(info, compression, signal);
}

function matches(info: PathInfo, size: number, hash: Sha256 | null): boolean {
  return size === info.narSize && hash !== null && hash.equals(info.narHash);
}

async function smallNar(info: PathInfo, compression: Compression, signal?: AbortSignal): Promise<MeasuredNar> {
  // Larger than registered fails in readNarWhole, before it is all read.
  const nar = await readNarWhole(info.path, info.narSize, signal);
  if (!matches(info, nar.length, Sha256.fromBytes(createHash('sha256').update(nar).digest()))) throw corrupt(info);
  // The size is known and checked, so zstd sizes its tables for it (pledgedSrcSize).
  const body = compression === 'zstd' ? zstdCompressSync(nar, { pledgedSrcSize: nar.length, params: { [constants.ZSTD_c_compressionLevel]: 3 } }) : nar;
  const file = { hash: Sha256.fromBytes(createHash('sha256').update(body).digest()), size: body.length };
  return { body, file: () => file };
}

function streamedNar(info: PathInfo, compression: Compression, signal?: AbortSignal): MeasuredNar {
  const file = new Meter();
  const checked = () => new Meter((m) => (matches(info, m.size, m.digest) ? null : corrupt(info)));
  const source = compression === 'zstd' ? compressed(info, signal) : pipeline(dumpNar(info.path, signal), checked(), () => undefined);
  // A failure anywhere fails the body; an upload that stops early (an answer before the whole
  // body, an abort) stops the reading.
  pipeline(source, file, () => undefined);
  return {
    body: file,
    file: () => {
      if (!file.digest) throw new Error('NAR stream has not ended');
      return { hash: file.digest, size: file.size };
    },
  };
}

/**
 * The NAR through zstd, read into two buffers in turn (zstd compresses one on the thread pool
 * while the next is read and hashed here), so the input leaves nothing behind however large the
 * path. Checked against the registered hash and size before the stream ends, so a corrupt NAR
 * fails the upload.
 */
function compressed(info: PathInfo, signal?: AbortSignal): Readable {
  // Level 3 trades a little ratio for speed; CI uploads are bandwidth- and CPU-bound alike.
  // Up to 1 MiB chunks: zlib's default 16 KiB means a thread-pool round trip per 16 KiB of
  // output (a third of the time of a large push, bench/).
  const chunkSize = Math.min(1024 * 1024, Math.max(16 * 1024, 2 ** Math.ceil(Math.log2(info.narSize + 1))));
  const zstd = createZstdCompress({ chunkSize, params: { [constants.ZSTD_c_compressionLevel]: 3 } });
  const feed = async () => {
    const hash = createHash('sha256');
    let size = 0;
    // zstd's work on the previous chunk: done before the chunk after this one is read into its buffer.
    let previous: Promise<void> = Promise.resolve();
    for await (const chunk of readNarReusing(info.path, signal)) {
      size += chunk.length;
      if (size > info.narSize) throw corrupt(info);
      hash.update(chunk);
      await previous;
      previous = consumed(zstd, chunk);
      // Awaited on the next turn or after the loop; a failure meanwhile is not "unhandled".
      previous.catch(() => undefined);
    }
    await previous;
    if (!matches(info, size, Sha256.fromBytes(hash.digest()))) throw corrupt(info);
    zstd.end();
  };
  feed().catch((error: unknown) => zstd.destroy(error instanceof Error ? error : new Error(String(error))));
  return zstd;
}

/** Resolves once `stream` has processed `chunk` (or is gone), not merely queued it. */
function consumed(stream: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => stream.write(chunk, (error) => (error ? reject(error) : resolve())));
}

export function narExtension(compression: Compression): string {
  return compression === 'zstd' ? '.nar.zst' : '.nar';
}
