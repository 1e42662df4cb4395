// Synthetic stores for the benchmarks.
// - chrootStore: a separate store (`--store DIR`) with N registered entries, built directly
//   (files + `nix-store --load-db`, which takes hashes as given): 100,000 entries in seconds, where
//   building them with Nix would take hours. Used for the diff benchmark (readdir vs path-info).
// - realPaths: paths in the real /nix/store (the push needs `nix-store --dump`), written as files
//   and registered with `nix-store --register-validity` (Nix hashes them), with references, some
//   signed with a `cache.nixos.org-1` key. Removed again with `removeRealPaths`.
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { toNix32 } from '../src/nix/base32.ts';
import { log, mustRun, run } from './lib.ts';

const NIX = ['--extra-experimental-features', 'nix-command'];

export function randomHash(): string {
  return toNix32(randomBytes(20));
}

/** NAR of one regular file, to give `--load-db` its hash and size. */
function narOfFile(contents: Buffer): Buffer {
  const str = (b: Buffer | string): Buffer => {
    const bytes = typeof b === 'string' ? Buffer.from(b) : b;
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(bytes.length));
    return Buffer.concat([len, bytes, Buffer.alloc((8 - (bytes.length % 8)) % 8)]);
  };
  return Buffer.concat(['nix-archive-1', '(', 'type', 'regular', 'contents'].map(str).concat([str(contents), str(')')]));
}

export interface ChrootStore {
  root: string;
  storeDir: string;
  /** Adds `count` new valid entries (like a build would); returns their names. */
  addBatch(count: number, tag: string): Promise<string[]>;
}

interface Entry {
  name: string;
  contents: Buffer;
}

/** Registers entries (files already written) in the chroot store with hashes computed here. */
async function loadDb(root: string, entries: readonly Entry[]): Promise<void> {
  const chunk = 20_000;
  for (let i = 0; i < entries.length; i += chunk) {
    const text = entries
      .slice(i, i + chunk)
      .map((e) => {
        const nar = narOfFile(e.contents);
        return `/nix/store/${e.name}\nsha256:${createHash('sha256').update(nar).digest('hex')}\n${nar.length}\n\n0\n`;
      })
      .join('');
    await mustRun('nix-store', ['--store', root, '--load-db'], { input: text });
  }
}

/** Nix's store path for a name and a sha256 fingerprint (`makeStorePath`). */
function storePathFor(type: string, innerHex: string, name: string): string {
  const digest = createHash('sha256').update(`${type}:sha256:${innerHex}:/nix/store:${name}`).digest();
  const folded = Buffer.alloc(20);
  for (let i = 0; i < digest.length; i++) folded[i % 20] = (folded[i % 20] as number) ^ (digest[i] as number);
  return `/nix/store/${toNix32(folded)}-${name}`;
}

/** A fixed-output derivation's text: its output path depends only on the output hash, which Nix checks. */
function fixedOutputDrv(name: string): string {
  const outHash = createHash('sha256').update(name).digest('hex');
  const inner = createHash('sha256').update(`fixed:out:sha256:${outHash}:`).digest('hex');
  const out = storePathFor('output:out', inner, name);
  return `Derive([("out","${out}","sha256","${outHash}")],[],[],"x86_64-linux","/bin/sh",[],[("name","${name}"),("out","${out}")])`;
}

/** An entry like a build leaves: an output file, or a `.drv` (Nix parses those when registering). */
function entry(name: string, storeDir: string): Entry {
  const contents = name.endsWith('.drv') ? Buffer.from(fixedOutputDrv(name.slice(33, -4))) : Buffer.from(`synthetic store entry ${name}\n`);
  writeFileSync(join(storeDir, name), contents);
  return { name, contents };
}

/** A store of `entries` valid entries (half outputs, half `.drv`), kept between runs under `base`. */
export async function chrootStore(base: string, entries: number): Promise<ChrootStore> {
  const root = join(base, `store-${entries}`);
  const storeDir = join(root, 'nix', 'store');
  if (!existsSync(join(root, 'complete'))) {
    log(`generating a ${entries}-entry store in ${root} (once; kept for later runs)`);
    await mustRun('rm', ['-rf', root]);
    mkdirSync(storeDir, { recursive: true });
    const made: Entry[] = [];
    for (let i = 0; i < entries; i++) made.push(entry(`${randomHash()}-pkg-${i}${i % 2 ? '.drv' : ''}`, storeDir));
    await loadDb(root, made);
    writeFileSync(join(root, 'complete'), '');
  }
  return {
    root,
    storeDir,
    async addBatch(count, tag) {
      const made = Array.from({ length: count }, (_, i) => entry(`${randomHash()}-${tag}-${i}`, storeDir));
      await loadDb(root, made);
      return made.map((e) => e.name);
    },
  };
}

export interface RealPathSpec {
  name: string;
  bytes: number;
  /** Indexes of earlier specs this one refers to. */
  refs?: number[];
  /** Random bytes (no compressor can shrink them) instead of base64 text. */
  incompressible?: boolean;
}

/** Compressible-like content: base64 text of random bytes (about what binaries and sources give zstd). */
function writeContent(file: string, bytes: number, incompressible = false): void {
  const fd = openSync(file, 'w', 0o444);
  const raw = Buffer.alloc(3 * 1024 * 1024);
  let left = bytes;
  while (left > 0) {
    randomFillSync(raw);
    const text = incompressible ? raw : Buffer.from(raw.toString('base64'));
    const n = Math.min(left, text.length);
    writeSync(fd, text, 0, n);
    left -= n;
  }
  closeSync(fd);
}

/** Creates and registers real store paths; returns their full paths (dependency order). */
export async function realPaths(specs: readonly RealPathSpec[]): Promise<string[]> {
  const paths = specs.map((s) => `/nix/store/${randomHash()}-${s.name}`);
  specs.forEach((s, i) => writeContent(paths[i] as string, s.bytes, s.incompressible));
  const chunk = 2_000;
  for (let i = 0; i < specs.length; i += chunk) {
    const text = specs
      .slice(i, i + chunk)
      .map((s, j) => {
        const refs = (s.refs ?? []).map((r) => paths[r] as string);
        return `${paths[i + j]}\n\n${refs.length}\n${refs.map((r) => `${r}\n`).join('')}`;
      })
      .join('');
    await mustRun('nix-store', ['--register-validity'], { input: text });
  }
  return paths;
}

export async function signUpstream(paths: readonly string[], secretKeyFile: string): Promise<void> {
  for (let i = 0; i < paths.length; i += 2_000) await mustRun('nix', [...NIX, 'store', 'sign', '--key-file', secretKeyFile, ...paths.slice(i, i + 2_000)]);
}

export async function removeRealPaths(paths: readonly string[]): Promise<void> {
  // Referrers first: `paths` is in dependency order, so walk it backwards.
  const reversed = [...paths].reverse();
  for (let i = 0; i < reversed.length; i += 5_000) {
    const r = await run('nix-store', ['--delete', ...reversed.slice(i, i + 5_000)]);
    if (r.code !== 0) log(`could not delete some benchmark paths: ${r.stderr.trim().split('\n').pop() ?? ''}`);
  }
}
