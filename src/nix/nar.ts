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
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import { Readable } from 'node:stream';

/**
 * The NAR of `path` as a stream. The stream errors if reading fails, so a consumer that pipes it
 * into an upload sees the failure instead of a silently truncated body.
 */
export function dumpNar(path: string, signal?: AbortSignal): Readable {
  return process.platform === 'linux' ? dumpNarDirect(path, signal) : dumpNarWithNix(path, signal);
}

const CHUNK = 1024 * 1024;

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

async function* regular(path: Buffer, size: number): AsyncGenerator<Buffer> {
  const file = await open(path, 'r');
  try {
    let left = size;
    while (left > 0) {
      // A fresh buffer per chunk: downstream streams keep references to what they were given.
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, left));
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) throw new Error(`${path.toString()} shrank while being read`);
      left -= bytesRead;
      yield bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}

async function* node(path: Buffer): AsyncGenerator<Buffer> {
  const st = await lstat(path);
  if (st.isSymbolicLink()) {
    yield strings('(', 'type', 'symlink', 'target', await readlink(path, { encoding: 'buffer' }), ')');
  } else if (st.isFile()) {
    // Nix marks a file executable when its owner may execute it (S_IXUSR).
    const head = (st.mode & 0o100) !== 0 ? ['(', 'type', 'regular', 'executable', '', 'contents'] : ['(', 'type', 'regular', 'contents'];
    yield Buffer.concat([strings(...head), u64(st.size)]);
    yield* regular(path, st.size);
    yield Buffer.concat([padding(st.size), strings(')')]);
  } else if (st.isDirectory()) {
    yield strings('(', 'type', 'directory');
    // Entries in byte order of their names, as Nix sorts them.
    const names = (await readdir(path, { encoding: 'buffer' })).sort(Buffer.compare);
    for (const name of names) {
      yield strings('entry', '(', 'name', name, 'node');
      yield* node(Buffer.concat([path, Buffer.from('/'), name]));
      yield strings(')');
    }
    yield strings(')');
  } else {
    throw new Error(`${path.toString()}: not a regular file, directory or symlink; cannot be in a NAR`);
  }
}

async function* nar(path: string): AsyncGenerator<Buffer> {
  yield strings('nix-archive-1');
  yield* node(Buffer.from(path));
}

export function dumpNarDirect(path: string, signal?: AbortSignal): Readable {
  const stream = Readable.from(nar(path), { objectMode: false, highWaterMark: CHUNK });
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
