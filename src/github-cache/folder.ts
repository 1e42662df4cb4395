// The binary cache folder inside a GitHub cache entry: what it holds, checked against the keys the
// job trusts, and kept under the size budget by dropping whole closures, least recently pushed
// first. Anything in a restored entry is outside input: other workflows of the repository can
// write entries this job reads, so a path is kept only with a valid signature by a trusted key.
import { lstat, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { verifySignature, type PublicKey } from '../nix/keys.ts';
import { parseNarInfo, type NarInfo } from '../nix/narinfo.ts';
import { fingerprint, hashPart, STORE_DIR } from '../nix/path-info.ts';
import { MANIFEST } from './entry.ts';

export interface FolderPath {
  info: NarInfo;
  /** NAR file name under nar/. */
  nar: string;
  /** Bytes of its narinfo and NAR on disk. */
  bytes: number;
}

export interface FolderIndex {
  /** Trusted paths by store path. */
  paths: Map<string, FolderPath>;
  /** Closure roots and when each was last pushed (ms since the epoch). */
  roots: Map<string, number>;
  /** Narinfos removed: unsigned by a trusted key, malformed, or without their NAR. */
  rejected: number;
}

const Manifest = z.object({ version: z.literal(1), roots: z.record(z.string(), z.number()) });
const STORE_PATH = new RegExp(`^${STORE_DIR.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[0-9a-df-np-sv-z]{32}-[A-Za-z0-9+\\-._?=]+$`);

function trusted(info: NarInfo, keys: readonly PublicKey[]): boolean {
  const message = fingerprint({ path: info.storePath, narHash: info.narHash, narSize: info.narSize, references: info.references });
  return info.sigs.some((sig) => keys.some((k) => verifySignature(k, message, sig)));
}

/** Size of a regular file; null for anything else (a symlink in an entry could point anywhere). */
async function size(file: string): Promise<number | null> {
  return lstat(file).then(
    (s) => (s.isFile() ? s.size : null),
    () => null,
  );
}

async function readOne(dir: string, name: string, keys: readonly PublicKey[]): Promise<FolderPath | null> {
  try {
    if ((await size(join(dir, name))) === null) return null;
    const text = await readFile(join(dir, name), 'utf8');
    const info = parseNarInfo(text);
    const nar = /^nar\/([0-9a-z]{52}\.nar(?:\.zst)?)$/.exec(info.url)?.[1];
    if (!nar || !STORE_PATH.test(info.storePath) || `${hashPart(info.storePath)}.narinfo` !== name) return null;
    if (!info.references.every((r) => STORE_PATH.test(r)) || !trusted(info, keys)) return null;
    const narBytes = await size(join(dir, 'nar', nar));
    return narBytes === null ? null : { info, nar, bytes: narBytes + Buffer.byteLength(text) };
  } catch {
    return null;
  }
}

/**
 * Reads the folder (absent = empty) and removes every narinfo it cannot trust, so nothing
 * untrusted is substituted from, counted, or carried into the next entry.
 */
export async function readFolder(dir: string, keys: readonly PublicKey[]): Promise<FolderIndex> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const paths = new Map<string, FolderPath>();
  let rejected = 0;
  for (const name of names.filter((n) => n.endsWith('.narinfo'))) {
    const entry = await readOne(dir, name, keys);
    if (entry) paths.set(entry.info.storePath, entry);
    else {
      rejected++;
      await rm(join(dir, name), { force: true });
    }
  }
  await removeStrays(dir, names, paths);
  const roots = new Map<string, number>();
  try {
    const manifest = Manifest.parse(JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')));
    for (const [root, at] of Object.entries(manifest.roots)) if (paths.has(root)) roots.set(root, at);
  } catch {
    // No manifest, or not ours: every path counts as pushed long ago (below).
  }
  // A path no recorded root reaches is its own root, oldest of all: the first to go.
  const reached = new Set<string>();
  for (const root of roots.keys()) for (const p of closureIn(paths, root)) reached.add(p);
  for (const p of paths.keys()) if (!reached.has(p) && !roots.has(p)) roots.set(p, 0);
  return { paths, roots, rejected };
}

/** Files no trusted narinfo needs (a hostile entry's extras) would be saved again: remove them. */
async function removeStrays(dir: string, names: readonly string[], paths: ReadonlyMap<string, FolderPath>): Promise<void> {
  const named = new Set(['nix-cache-info', MANIFEST, 'nar', ...[...paths.keys()].map((p) => `${hashPart(p)}.narinfo`)]);
  for (const name of names) if (!named.has(name)) await rm(join(dir, name), { recursive: true, force: true });
  const nars = new Set([...paths.values()].map((p) => p.nar));
  for (const name of await readdir(join(dir, 'nar')).catch(() => [] as string[])) {
    if (!nars.has(name)) await rm(join(dir, 'nar', name), { recursive: true, force: true });
  }
}

/** The closure of `root` among the folder's paths. */
export function closureIn(paths: ReadonlyMap<string, FolderPath>, root: string): Set<string> {
  const out = new Set<string>();
  const todo = [root];
  while (todo.length > 0) {
    const p = todo.pop() as string;
    const entry = paths.get(p);
    if (!entry || out.has(p)) continue;
    out.add(p);
    todo.push(...entry.info.references);
  }
  return out;
}

/**
 * Which roots stay under `budget` bytes: newest push first, each closure whole (paths shared with a
 * closure already kept cost nothing again); the first that does not fit goes, with every older one.
 */
export function selectWithinBudget(index: Pick<FolderIndex, 'paths' | 'roots'>, budget: number): { roots: string[]; paths: Set<string>; bytes: number } {
  const order = [...index.roots].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const kept = new Set<string>();
  const roots: string[] = [];
  let bytes = 0;
  for (const [root] of order) {
    const added = [...closureIn(index.paths, root)].filter((p) => !kept.has(p));
    const cost = added.reduce((n, p) => n + (index.paths.get(p)?.bytes ?? 0), 0);
    if (bytes + cost > budget) break;
    for (const p of added) kept.add(p);
    roots.push(root);
    bytes += cost;
  }
  return { roots, paths: kept, bytes };
}

/** Deletes what is not kept (narinfo first, then NARs no kept narinfo names) and writes the manifest. */
export async function prune(dir: string, index: FolderIndex, keep: { roots: readonly string[]; paths: ReadonlySet<string> }): Promise<void> {
  const keptNars = new Set([...keep.paths].map((p) => index.paths.get(p)?.nar));
  for (const [path, entry] of index.paths) {
    if (keep.paths.has(path)) continue;
    await rm(join(dir, `${hashPart(path)}.narinfo`), { force: true });
    if (!keptNars.has(entry.nar)) await rm(join(dir, 'nar', entry.nar), { force: true });
  }
  const roots = Object.fromEntries(keep.roots.map((r) => [r, index.roots.get(r) ?? 0]));
  await writeFile(join(dir, MANIFEST), `${JSON.stringify({ version: 1, roots }, null, 1)}\n`);
}
