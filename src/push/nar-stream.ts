// One pass over a NAR: checks its hash and size against the path info (a corrupt local store
// must not poison a cache), optionally compresses it, and measures what goes over the wire.
import { createHash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { constants, createZstdCompress, zstdCompressSync } from 'node:zlib';
import { Sha256 } from '../nix/hash.ts';
import type { PathInfo } from '../nix/path-info.ts';
import { dumpNar } from '../nix/nar.ts';

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

async function smallNar(info: PathInfo, compression: Compression, signal?: AbortSignal): Promise<MeasuredNar> {
  const chunks: Buffer[] = [];
  let size = 0;
  const hash = createHash('sha256');
  for await (const chunk of dumpNar(info.path, signal) as AsyncIterable<Buffer>) {
    size += chunk.length;
    // A store that changed under us must not make this read unbounded.
    if (size > info.narSize) throw corrupt(info);
    hash.update(chunk);
    chunks.push(chunk);
  }
  if (size !== info.narSize || !Sha256.fromBytes(hash.digest()).equals(info.narHash)) throw corrupt(info);
  const nar = Buffer.concat(chunks, size);
  // The size is known and checked, so zstd sizes its tables for it (pledgedSrcSize).
  const body = compression === 'zstd' ? zstdCompressSync(nar, { pledgedSrcSize: size, params: { [constants.ZSTD_c_compressionLevel]: 3 } }) : nar;
  const file = { hash: Sha256.fromBytes(createHash('sha256').update(body).digest()), size: body.length };
  return { body, file: () => file };
}

function streamedNar(info: PathInfo, compression: Compression, signal?: AbortSignal): MeasuredNar {
  const nar = new Meter((m) => (m.size !== info.narSize || !m.digest?.equals(info.narHash) ? corrupt(info) : null));
  const file = new Meter();
  const source = dumpNar(info.path, signal);
  const fail = (error: Error) => file.destroy(error);
  source.on('error', fail);
  nar.on('error', fail);
  let stream: Readable = source.pipe(nar);
  if (compression === 'zstd') {
    // Level 3 trades a little ratio for speed; CI uploads are bandwidth- and CPU-bound alike.
    // Up to 1 MiB chunks: zlib's default 16 KiB means a thread-pool round trip per 16 KiB of
    // output (a third of the time of a large push, bench/).
    const chunkSize = Math.min(1024 * 1024, Math.max(16 * 1024, 2 ** Math.ceil(Math.log2(info.narSize + 1))));
    const zstd = createZstdCompress({ chunkSize, params: { [constants.ZSTD_c_compressionLevel]: 3 } });
    zstd.on('error', fail);
    stream = stream.pipe(zstd);
  }
  stream.pipe(file);
  return {
    body: file,
    file: () => {
      if (!file.digest) throw new Error('NAR stream has not ended');
      return { hash: file.digest, size: file.size };
    },
  };
}

export function narExtension(compression: Compression): string {
  return compression === 'zstd' ? '.nar.zst' : '.nar';
}
