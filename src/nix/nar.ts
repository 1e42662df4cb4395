// Streams a store path's NAR, so a multi-gigabyte path never sits in memory.
//
// On Linux the NAR is written here, from the file system: spawning `nix-store --dump` per path cost
// a fork of the whole Node process each time (6–7 ms of blocked event loop per path, most of the
// time of a 1,000 small-path push; see bench/). The format is small and fixed (Nix's
// `dumpPath`): every NAR is checked against the registered NAR hash and size before a cache sees
// it (src/push/nar-stream.ts; attic and Cachix check on their side), so a mistake here fails a push,
// never poisons a cache. Elsewhere (macOS stores may use the case hack) `nix-store --dump` writes it.
import { nixEnv } from './env.ts';
import { spawn } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';

/** Linux stores never use the case hack, so the NAR is written here (see the top). */
const direct = process.platform === 'linux';

/**
 * The NAR of `path` as a stream. The stream errors if reading fails, so a consumer that pipes it
 * into an upload sees the failure instead of a silently truncated body.
 */
export function dumpNar(path: string, signal?: AbortSignal): Readable {
  return direct ? dumpNarDirect(path, signal) : dumpNarWithNix(path, signal);
}

const CHUNK = 1024 * 1024;
/** Metadata and small files are handed on in chunks of about this size. */
const GATHERED = 256 * 1024;

/** NAR strings: 64-bit little-endian length, bytes, zero padding to a multiple of 8. */
function strings(...items: Array<string | Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const item of items) {
    const bytes = typeof item === 'string' ? Buffer.from(item) : item;
    parts.push(u64(bytes.length), bytes, padding(bytes.length));
  }
  return Buffer.concat(parts);
}
function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}
function padding(n: number): Buffer {
  return Buffer.alloc((8 - (n % 8)) % 8);
}

/** A piece of a NAR: bytes as they are, or where the contents of a regular file go. */
type NarPart = Buffer | { readonly file: Buffer; readonly size: number };

/**
 * The NAR of `path` in order, file contents left to the caller. The metadata (lstat, readdir,
 * readlink) is read synchronously: a few microseconds per entry, where each asynchronous call is a
 * round trip through libuv's thread pool — four of them for a one-file path, most of the time of
 * pushing a thousand tiny paths (bench/, docs/performance.md).
 */
function* narParts(path: Buffer): Generator<NarPart> {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) {
    yield strings('(', 'type', 'symlink', 'target', readlinkSync(path, { encoding: 'buffer' }), ')');
  } else if (st.isFile()) {
    // Nix marks a file executable when its owner may execute it (S_IXUSR).
    const head = (st.mode & 0o100) !== 0 ? ['(', 'type', 'regular', 'executable', '', 'contents'] : ['(', 'type', 'regular', 'contents'];
    yield Buffer.concat([strings(...head), u64(st.size)]);
    yield { file: path, size: st.size };
    yield Buffer.concat([padding(st.size), strings(')')]);
  } else if (st.isDirectory()) {
    yield strings('(', 'type', 'directory');
    // Entries in byte order of their names, as Nix sorts them.
    const names = readdirSync(path, { encoding: 'buffer' }).sort(Buffer.compare);
    for (const name of names) {
      yield strings('entry', '(', 'name', name, 'node');
      yield* narParts(Buffer.concat([path, Buffer.from('/'), name]));
      yield strings(')');
    }
    yield strings(')');
  } else {
    throw new Error(`${path.toString()}: not a regular file, directory or symlink; cannot be in a NAR`);
  }
}

function* narOf(path: string): Generator<NarPart> {
  yield strings('nix-archive-1');
  yield* narParts(Buffer.from(path));
}

function changed(file: Buffer): Error {
  return new Error(`${file.toString()} changed while being read`);
}

/**
 * The whole NAR of a small path. Throws as soon as it would exceed `limit` bytes, so a store that
 * changed under us cannot make the read unbounded.
 */
export async function readNarWhole(path: string, limit: number, signal?: AbortSignal): Promise<Buffer> {
  signal?.throwIfAborted();
  if (direct) return narBytes(path, limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of dumpNarWithNix(path, signal) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(path, limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(path: string, limit: number): Error {
  return new Error(`the NAR of ${path} is larger than its registered ${limit} bytes: the local store may be corrupt (run nix-store --verify --check-contents)`);
}

/** Read synchronously: no thread-pool round trips, and a small path's files are few and small. */
function narBytes(path: string, limit: number): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  for (const part of narOf(path)) {
    if (Buffer.isBuffer(part)) {
      size += part.length;
      if (size > limit) throw tooLarge(path, limit);
      parts.push(part);
      continue;
    }
    if (size + part.size > limit) throw tooLarge(path, limit);
    const contents = readSmallFile(part.file, part.size);
    size += contents.length;
    parts.push(contents);
  }
  return Buffer.concat(parts, size);
}

/** Files up to this size are read whole (one synchronous call) into a fresh buffer. */
const SMALL_FILE = 64 * 1024;

function readSmallFile(file: Buffer, size: number): Buffer {
  const contents = size === 0 ? Buffer.alloc(0) : readFileSync(file);
  if (contents.length !== size) throw changed(file);
  return contents;
}

/**
 * The NAR of `path` in chunks. Metadata and small files are gathered into fresh chunks of up to
 * 256 KiB (a path of many small files is then a few large writes, not thousands of tiny ones); a
 * large file's contents are read in chunks of up to 1 MiB into `buffer()`'s answer: a fresh buffer
 * per chunk for consumers that keep chunks (a Readable), or the same two in turn for a consumer done
 * with a chunk before it asks for the one after next (memory flat in the path's size).
 */
async function* narChunks(path: string, buffer: () => Buffer, signal?: AbortSignal): AsyncGenerator<Buffer> {
  let gathered: Buffer[] = [];
  let gatheredSize = 0;
  const flush = (): Buffer => {
    const chunk = Buffer.concat(gathered, gatheredSize);
    gathered = [];
    gatheredSize = 0;
    return chunk;
  };
  for (const part of narOf(path)) {
    signal?.throwIfAborted();
    if (Buffer.isBuffer(part) || part.size <= SMALL_FILE) {
      const bytes = Buffer.isBuffer(part) ? part : readSmallFile(part.file, part.size);
      gathered.push(bytes);
      gatheredSize += bytes.length;
      if (gatheredSize >= GATHERED) yield flush();
      continue;
    }
    if (gatheredSize > 0) yield flush();
    const file = await open(part.file, 'r');
    try {
      let left = part.size;
      while (left > 0) {
        const into = buffer();
        const { bytesRead } = await file.read(into, 0, Math.min(into.length, left), null);
        if (bytesRead === 0) throw changed(part.file);
        left -= bytesRead;
        yield into.subarray(0, bytesRead);
        signal?.throwIfAborted();
      }
    } finally {
      await file.close();
    }
  }
  if (gatheredSize > 0) yield flush();
}

/**
 * The NAR of `path` read into two buffers in turn: a chunk is read into again two chunks later, so
 * a consumer may work on one chunk (compress it) while the next is read, and must be done with it
 * before it asks for the one after. No memory is left behind per chunk however large the path.
 */
export function readNarReusing(path: string, signal?: AbortSignal): AsyncIterable<Buffer> {
  if (!direct) return dumpNarWithNix(path, signal);
  const buffers: Buffer[] = [];
  let next = 0;
  return narChunks(path, () => (buffers[next++ % 2] ??= Buffer.allocUnsafe(CHUNK)), signal);
}

export function dumpNarDirect(path: string, signal?: AbortSignal): Readable {
  // A fresh buffer per chunk: a Readable's consumers keep references to what they were given.
  const stream = Readable.from(narChunks(path, () => Buffer.allocUnsafe(CHUNK), signal), { objectMode: false, highWaterMark: CHUNK });
  if (signal) {
    const abort = () => stream.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) abort();
    else {
      signal.addEventListener('abort', abort, { once: true });
      stream.once('close', () => signal.removeEventListener('abort', abort));
    }
  }
  return stream;
}

/** `nix-store --dump PATH`: the NAR as Nix writes it. */
export function dumpNarWithNix(path: string, signal?: AbortSignal): Readable {
  const child = spawn('nix-store', ['--dump', path], { stdio: ['ignore', 'pipe', 'pipe'], env: nixEnv(), ...(signal ? { signal } : {}) });
  const stderr: Buffer[] = [];
  child.stderr.on('data', (d: Buffer) => stderr.push(d));
  const out = new Readable({ read() {} });
  child.stdout.on('data', (chunk: Buffer) => {
    if (!out.push(chunk)) child.stdout.pause();
  });
  out._read = () => child.stdout.resume();
  out._destroy = (error, callback) => {
    child.kill();
    callback(error);
  };
  child.on('error', (error) => out.destroy(error));
  child.on('close', (code) => {
    if (code === 0) out.push(null);
    else out.destroy(new Error(`nix-store --dump ${path} failed (exit ${code}): ${Buffer.concat(stderr).toString().trim()}`));
  });
  return out;
}
