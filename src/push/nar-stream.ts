// A NAR ready to upload: checked against its hash and size in the path info (a corrupt local store
// must not poison a cache), optionally compressed, and measured as it goes over the wire — for a
// receiver that takes a stream as it comes (narFor) or one that needs its length first (sizedNarFor).
import { createHash } from 'node:crypto';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { constants, createZstdCompress, zstdCompressSync } from 'node:zlib';
import { Sha256 } from '../nix/hash.ts';
import type { PathInfo } from '../nix/path-info.ts';
import { readNarReusing, readNarWhole } from '../nix/nar.ts';
import { writeInTurn } from '../write-in-turn.ts';

export type Compression = 'zstd' | 'none';

/** Hashes and counts what flows through. */
class Meter extends Transform {
  private readonly hash = createHash('sha256');
  size = 0;
  digest: Sha256 | null = null;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    this.digest = Sha256.fromBytes(this.hash.digest());
    done();
  }
}

export interface MeasuredNar {
  /**
   * The (compressed) bytes to upload: for a small NAR the whole file, else chunks to write in turn
   * (src/write-in-turn.ts: an uncompressed NAR's chunks live in reused buffers).
   */
  body: Buffer | AsyncIterable<Buffer>;
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

/** The NAR as `compression` says, in one pass: its file hash and size are known once it has been read. */
export async function narFor(info: PathInfo, compression: Compression, signal?: AbortSignal): Promise<MeasuredNar> {
  return info.narSize <= SMALL_NAR ? smallNar(info, compression, signal) : streamedNar(info, compression, signal);
}

function matches(info: PathInfo, size: number, hash: Sha256 | null): boolean {
  return size === info.narSize && hash !== null && hash.equals(info.narHash);
}

async function smallNar(info: PathInfo, compression: Compression, signal?: AbortSignal): Promise<MeasuredNar & { nar: Buffer; body: Buffer }> {
  // Larger than registered fails in readNarWhole, before it is all read.
  const nar = await readNarWhole(info.path, info.narSize, signal);
  if (!matches(info, nar.length, Sha256.fromBytes(createHash('sha256').update(nar).digest()))) throw corrupt(info);
  // The size is known and checked, so zstd sizes its tables for it (pledgedSrcSize).
  const body = compression === 'zstd' ? zstdCompressSync(nar, { pledgedSrcSize: nar.length, params: { [constants.ZSTD_c_compressionLevel]: 3 } }) : nar;
  return { nar, ...(compression === 'zstd' ? whole(body) : asIs(info, nar)), body };
}

/** Bytes sent whole; their hash is taken only when asked for (a compressed NAR sent as it is never is). */
function whole<B extends Buffer>(body: B): MeasuredNar & { body: B } {
  let file: { hash: Sha256; size: number } | null = null;
  return { body, file: () => (file ??= { hash: Sha256.fromBytes(createHash('sha256').update(body).digest()), size: body.length }) };
}

/** A checked NAR sent as it is: its file hash is its NAR hash. */
function asIs(info: PathInfo, nar: Buffer): MeasuredNar {
  const file = { hash: info.narHash, size: nar.length };
  return { body: nar, file: () => file };
}

function streamedNar(info: PathInfo, compression: Compression, signal?: AbortSignal): MeasuredNar {
  if (compression === 'none') {
    // The bytes sent are the NAR, checked as they stream: the file hash is the NAR hash.
    const file = { hash: info.narHash, size: info.narSize };
    return { body: checkedNar(info, signal), file: () => file };
  }
  const file = new Meter();
  // A failure anywhere fails the body; an upload that stops early (an answer before the whole
  // body, an abort) stops the reading.
  pipeline(compressed(info, signal), file, () => undefined);
  return {
    body: file,
    file: () => {
      if (!file.digest) throw new Error('NAR stream has not ended');
      return { hash: file.digest, size: file.size };
    },
  };
}

/**
 * The NAR in chunks read into two buffers in turn (write them with writeInTurn), checked against
 * the registered hash and size before the last chunk is handed on: a corrupt NAR never ends an
 * upload or a compression, whatever the consumer does with the chunks before.
 */
async function* checkedNar(info: PathInfo, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of readNarReusing(info.path, signal)) {
    size += chunk.length;
    if (size > info.narSize) throw corrupt(info);
    hash.update(chunk);
    if (size === info.narSize && !matches(info, size, Sha256.fromBytes(hash.digest()))) throw corrupt(info);
    yield chunk;
  }
  if (size !== info.narSize) throw corrupt(info);
}

/** A NAR for a server that needs the body's length before the body (HTTP PUT with Content-Length). */
export interface SizedNar extends MeasuredNar {
  /** What the body is: a NAR that zstd cannot make smaller goes as it is. */
  compression: Compression;
  /** The body's exact length in bytes. */
  length: number;
}

/**
 * Compressed output up to this size is kept from the measuring pass and sent from memory; larger
 * output is compressed again while it is sent (at most `jobs` × this is held at once).
 */
export const KEPT_COMPRESSED = 4 * 1024 * 1024;

/**
 * The NAR and its exact length, without holding a large one in memory or writing it to disk: a
 * compressed NAR's length is known only once it is compressed, so a large one is compressed twice —
 * once to measure (its output dropped, or kept when small) and once while it is sent. zstd's output
 * is the same for the same input and settings, and the upload fails if the second pass differs in
 * length (Content-Length is checked), so a mismatch is a failed upload, never a wrong narinfo. A
 * NAR that zstd does not make smaller (already compressed data) is sent as it is, as zstd itself
 * stores such blocks raw: the same bytes, and no decompression for the consumers.
 */
export async function sizedNarFor(info: PathInfo, compression: Compression, signal?: AbortSignal): Promise<SizedNar> {
  const sized = (nar: MeasuredNar, as: Compression, length: number): SizedNar => ({ ...nar, compression: as, length });
  if (info.narSize <= SMALL_NAR) {
    const small = await smallNar(info, compression, signal);
    const shrunk = small.body.length < small.nar.length;
    return shrunk || compression === 'none' ? sized(small, compression, small.body.length) : sized(asIs(info, small.nar), 'none', small.nar.length);
  }
  if (compression === 'zstd') {
    const measured = await measureCompressed(info, signal);
    if (measured.size < info.narSize) return measured.kept ? sized(whole(measured.kept), 'zstd', measured.size) : sized(streamedNar(info, 'zstd', signal), 'zstd', measured.size);
  }
  return sized(streamedNar(info, 'none', signal), 'none', info.narSize);
}

/** The compressed NAR's size; its bytes too when they fit in KEPT_COMPRESSED. */
async function measureCompressed(info: PathInfo, signal?: AbortSignal): Promise<{ size: number; kept: Buffer | null }> {
  let kept: Buffer[] | null = [];
  let size = 0;
  for await (const chunk of compressed(info, signal) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (kept && size <= KEPT_COMPRESSED) kept.push(chunk);
    else kept = null;
  }
  return { size, kept: kept && Buffer.concat(kept, size) };
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
  // The size is known, so zstd sizes its tables for it and records it in the frame.
  const zstd = createZstdCompress({ chunkSize, pledgedSrcSize: info.narSize, params: { [constants.ZSTD_c_compressionLevel]: 3 } });
  // zstd compresses one chunk on the thread pool while the next is read and hashed here.
  writeInTurn(zstd, checkedNar(info, signal)).then(
    () => zstd.end(),
    (error: unknown) => zstd.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return zstd;
}

export function narExtension(compression: Compression): string {
  return compression === 'zstd' ? '.nar.zst' : '.nar';
}
