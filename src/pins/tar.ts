// A minimal ustar writer for the pin-set tarball: a handful of small text files under one folder.
// Deterministic (fixed mtime, owner 0), so an unchanged pin set gives a byte-identical tarball.
import { gzipSync } from 'node:zlib';

export interface TarFile {
  /** Path inside the archive, e.g. `pins/default.nix` (ASCII, under 100 bytes). */
  name: string;
  content: Buffer;
  mode?: number;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, size: number, mode: number, type: '0' | '5'): Buffer {
  if (!/^[\x21-\x7e]{1,99}$/.test(name)) throw new Error(`tar: unsupported file name ${JSON.stringify(name)}`);
  const h = Buffer.alloc(BLOCK, 0);
  h.write(name, 0, 'ascii');
  h.write(octal(mode, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii'); // uid
  h.write(octal(0, 8), 116, 'ascii'); // gid
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(0, 12), 136, 'ascii'); // mtime: the epoch, for reproducible bytes
  h.write('        ', 148, 'ascii'); // checksum field counts as spaces while summing
  h.write(type, 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

/** `folder/` plus its files, gzip-compressed. */
export function tarGz(folder: string, files: readonly TarFile[]): Buffer {
  const parts: Buffer[] = [header(`${folder}/`, 0, 0o755, '5')];
  for (const f of files) {
    parts.push(header(`${folder}/${f.name}`, f.content.length, f.mode ?? 0o644, '0'), f.content);
    const pad = (BLOCK - (f.content.length % BLOCK)) % BLOCK;
    if (pad > 0) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  return gzipSync(Buffer.concat(parts), { level: 9 });
}
