// One pass over a NAR: checks its hash and size against the path info (a corrupt local store
// must not poison a cache), optionally compresses it, and measures what goes over the wire.
import { createHash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { constants, createZstdCompress } from 'node:zlib';
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
  /** The (compressed) bytes to upload. */
  body: Readable;
  /** Valid once `body` has ended. */
  file(): { hash: Sha256; size: number };
}

export function narFor(info: PathInfo, compression: Compression, signal?: AbortSignal): MeasuredNar {
  const nar = new Meter((m) =>
    m.size !== info.narSize || !m.digest?.equals(info.narHash)
      ? new Error(`the NAR of ${info.path} does not match its registered hash/size: the local store may be corrupt (run nix-store --verify --check-contents)`)
      : null,
  );
  const file = new Meter();
  const source = dumpNar(info.path, signal);
  const fail = (error: Error) => file.destroy(error);
  source.on('error', fail);
  nar.on('error', fail);
  let stream: Readable = source.pipe(nar);
  if (compression === 'zstd') {
    // Level 3 trades a little ratio for speed; CI uploads are bandwidth- and CPU-bound alike.
    // Up to 1 MiB chunks: zlib's default 16 KiB means a thread-pool round trip per 16 KiB of
    // output (a third of the time of a large push, bench/); small NARs keep small buffers.
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
