// The compressors for Cachix uploads: zstd (node:zlib) and xz, which Node lacks, through the `xz`
// program (xz-utils, on every GitHub-hosted runner). The cachix client compresses with the cache's
// preferredCompressionMethod at level 2 and asks for that compression when it starts the upload.
import { spawn, spawnSync } from 'node:child_process';
import { Duplex } from 'node:stream';
import { constants as zlibConstants, createZstdCompress } from 'node:zlib';

export type CachixCompression = 'XZ' | 'ZSTD';

/** The `compression` query value of `POST /multipart-nar` (`ToHttpApiData CompressionMethod`). */
export function compressionParam(method: CachixCompression): 'xz' | 'zst' {
  return method === 'XZ' ? 'xz' : 'zst';
}

let xzFound: boolean | null = null;
/** Whether the `xz` program runs here (checked once). */
export function xzAvailable(): boolean {
  xzFound ??= spawnSync('xz', ['--version'], { stdio: 'ignore' }).status === 0;
  return xzFound;
}

/** A fresh compressing stream for one NAR. */
export function compressor(method: CachixCompression, level: number): Duplex {
  if (method === 'ZSTD') return createZstdCompress({ params: { [zlibConstants.ZSTD_c_compressionLevel]: level } });
  // One thread: parts upload while it compresses, and several paths are pushed at once.
  const child = spawn('xz', ['--compress', '--stdout', '--quiet', '--threads=1', `-${level}`], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stream = Duplex.from({ writable: child.stdin, readable: child.stdout });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => void (stderr = (stderr + c.toString()).slice(-500)));
  child.on('error', (error) => stream.destroy(error));
  child.on('close', (code, signal) => {
    if (code !== 0 && !stream.destroyed) stream.destroy(new Error(`xz failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
  });
  // A stream torn down early (a failed part) must not leave xz behind.
  stream.on('close', () => child.exitCode === null && child.kill());
  return stream;
}
