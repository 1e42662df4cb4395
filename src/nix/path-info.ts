// The one internal shape of a valid store path, and a parser for every `nix path-info --json`
// shape (samples and their sources: test/unit/fixtures/path-info/README.md):
// - Nix 2.8–2.18 and Lix: an array of objects with `path` (`valid: false` for invalid paths);
// - Nix 2.19–2.32, and 2.33+ `--json-format 1`: an object keyed by full path, null when invalid;
// - Nix 2.33+ `--json-format 2`: `{version, storeDir, info}`, `info` keyed by base name, base-name
//   references and deriver, `ca` as `{method, hash: SRI}`;
// - Nix 2.35+ `--json-format 3`: format 2 with signatures as `{keyName, sig}`.
import * as z from 'zod';
import { encodedLength, fromNix32, toNix32 } from './base32.ts';
import { Sha256 } from './hash.ts';

import { STORE_DIR } from './snapshot.ts';

export { STORE_DIR };

export interface PathInfo {
  /** Full store path. */
  readonly path: string;
  readonly narHash: Sha256;
  readonly narSize: number;
  /** Full store paths, sorted. */
  readonly references: readonly string[];
  readonly deriver: string | null;
  /** `keyName:base64` strings, as narinfo `Sig:` lines carry them. */
  readonly sigs: readonly string[];
  /** Nix's text form (`fixed:r:sha256:<nix32>`, `text:sha256:<nix32>`), as narinfo `CA:` carries it. */
  readonly ca: string | null;
}

export function hashPart(path: string): string {
  return baseName(path).slice(0, 32);
}
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
function full(storeDir: string, p: string): string {
  return p.startsWith('/') ? p : `${storeDir}/${p}`;
}

// Byte lengths of the hash algorithms a content address may use.
const HASH_BYTES: Readonly<Record<string, number>> = { md5: 16, sha1: 20, sha256: 32, sha512: 64, blake3: 32 };

function hashBytes(algorithm: string, format: string | undefined, body: string): Buffer {
  const size = HASH_BYTES[algorithm];
  if (size === undefined) throw new Error(`unknown hash algorithm "${algorithm}"`);
  let bytes: Buffer;
  if (format === 'base16' || (format === undefined && body.length === size * 2 && /^[0-9a-f]+$/.test(body))) {
    bytes = Buffer.from(body, 'hex');
  } else if (format === 'nix32' || format === 'base32' || (format === undefined && body.length === encodedLength(size))) {
    bytes = fromNix32(body, size);
  } else if ((format === 'base64' || format === 'sri' || format === undefined) && /^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
    bytes = Buffer.from(body, 'base64');
  } else {
    throw new Error(`"${body}" is not a ${algorithm} hash in ${format ?? 'any known'} format`);
  }
  if (bytes.length !== size) throw new Error(`"${body}" is not a ${algorithm} hash`);
  return bytes;
}

/** Records a problem from inside a transform. */
function problem(ctx: z.RefinementCtx, message: string): void {
  ctx.addIssue({ code: 'custom', message });
}

/** A hash as Nix writes it in JSON: SRI, `algo:<hex|nix32|base64>`, or (unreleased 2.33 previews) an object. */
const AnyHash = z.union([
  z.pipe(
    z.string(),
    z.transform((text: string, ctx) => {
      const m = /^([a-z0-9]+)(?:-(.+)|:(.+))$/.exec(text);
      const algorithm = m?.[1];
      try {
        if (algorithm && m[2] !== undefined) return { algorithm, bytes: hashBytes(algorithm, 'sri', m[2]) };
        if (algorithm && m[3] !== undefined) return { algorithm, bytes: hashBytes(algorithm, undefined, m[3]) };
      } catch (e) {
        problem(ctx, (e as Error).message);
        return z.NEVER;
      }
      problem(ctx, `not a hash: "${text}"`);
      return z.NEVER;
    }),
  ),
  z.pipe(
    z.object({ algorithm: z.string(), format: z.string(), hash: z.string() }),
    z.transform((h: { algorithm: string; format: string; hash: string }, ctx) => {
      try {
        return { algorithm: h.algorithm, bytes: hashBytes(h.algorithm, h.format, h.hash) };
      } catch (e) {
        problem(ctx, (e as Error).message);
        return z.NEVER;
      }
    }),
  ),
]);
type AnyHash = z.output<typeof AnyHash>;

const NarHash = z.pipe(
  AnyHash,
  z.transform((h: AnyHash, ctx) => {
    if (h.algorithm === 'sha256') return Sha256.fromBytes(h.bytes);
    problem(ctx, `narHash must be sha256, not ${h.algorithm}`);
    return z.NEVER;
  }),
);

const Signature = z.union([
  z.string(),
  z.pipe(
    z.object({ keyName: z.string(), sig: z.string() }),
    z.transform((s: { keyName: string; sig: string }) => `${s.keyName}:${s.sig}`),
  ),
]);

// Formats 2+ write `{method, hash}`; narinfo `CA:` and Cachix want the text form, so render it back
// the way Nix's renderContentAddress does.
const CA_PREFIX: Readonly<Record<string, string>> = { text: 'text:', flat: 'fixed:', nar: 'fixed:r:', git: 'fixed:git:' };
const ContentAddress = z.union([
  z.string(),
  z.pipe(
    z.object({ method: z.string(), hash: AnyHash }),
    z.transform((ca: { method: string; hash: AnyHash }, ctx) => {
      const prefix = CA_PREFIX[ca.method];
      if (prefix !== undefined) return `${prefix}${ca.hash.algorithm}:${toNix32(ca.hash.bytes)}`;
      problem(ctx, `unknown content-address method "${ca.method}"`);
      return z.NEVER;
    }),
  ),
]);

const Entry = z.object({
  path: z.optional(z.string()),
  storeDir: z.optional(z.string()),
  narHash: NarHash,
  narSize: z.number().int().nonnegative(),
  references: z._default(z.array(z.string()), []),
  deriver: z.nullish(z.string()),
  signatures: z.nullish(z.array(Signature)),
  ca: z.nullish(ContentAddress),
});
type Entry = z.output<typeof Entry>;

// `--json-format 2` and later wrap the map; format 1 and older never have an `info` key (their
// keys are store paths).
const Wrapped = z.object({
  version: z.number().int(),
  storeDir: z.string(),
  info: z.record(z.string(), z.unknown()),
});

function isInvalid(value: unknown): boolean {
  return value === null || (typeof value === 'object' && (value as { valid?: unknown }).valid === false);
}

function toPathInfo(storeDir: string, key: string, e: Entry): PathInfo {
  const dir = e.storeDir ?? storeDir;
  return {
    path: full(dir, key),
    narHash: e.narHash,
    narSize: e.narSize,
    references: e.references.map((r) => full(dir, r)).sort(),
    deriver: e.deriver ? full(dir, e.deriver) : null,
    sigs: e.signatures ?? [],
    ca: e.ca ?? null,
  };
}

/** Parses any `nix path-info --json` document. Invalid paths (null, `valid: false`) are left out. */
export function parsePathInfoJson(text: string, storeDir = STORE_DIR): PathInfo[] {
  const doc: unknown = JSON.parse(text);
  let pairs: Array<[string | undefined, unknown]>;
  let dir = storeDir;
  if (Array.isArray(doc)) {
    pairs = doc.map((v) => [undefined, v]);
  } else if (typeof doc === 'object' && doc !== null && 'info' in doc) {
    const w = Wrapped.parse(doc);
    dir = w.storeDir;
    pairs = Object.entries(w.info);
  } else if (typeof doc === 'object' && doc !== null) {
    pairs = Object.entries(doc);
  } else {
    throw new Error('nix path-info --json printed neither an array nor an object');
  }
  const out: PathInfo[] = [];
  for (const [key, value] of pairs) {
    if (isInvalid(value)) continue;
    const entry = Entry.parse(value);
    const path = key ?? entry.path;
    if (!path) throw new Error('path-info entry without a path');
    out.push(toPathInfo(dir, path, entry));
  }
  return out;
}

/** The fingerprint that narinfo signatures cover. */
export function fingerprint(info: Pick<PathInfo, 'path' | 'narHash' | 'narSize' | 'references'>): string {
  return `1;${info.path};${info.narHash.nix32};${info.narSize};${[...info.references].sort().join(',')}`;
}

export interface NixVersion {
  /** `nix` (NixOS/nix), `lix`, or `determinate` (Determinate Nix, which reports the Nix it is based on). */
  readonly flavor: 'nix' | 'lix' | 'determinate';
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** A pre-release (`2.33.0pre2025…`) predates its release, so it may lack that release's flags. */
  readonly pre: boolean;
}

/**
 * Reads `nix --version`: `nix (Nix) 2.8.0`, `nix (Lix, like Nix) 2.91.1`,
 * `nix (Determinate Nix 3.15.0) 2.33.0`, or a bare `2.33.0` (taken as Nix). Null if unrecognised.
 */
export function parseNixVersion(text: string): NixVersion | null {
  const m = /^(?:\S+ \((Nix|Lix, like Nix|Determinate Nix [^)]*)\) )?(\d+)\.(\d+)(?:\.(\d+))?(\S*)/.exec(text.trim());
  if (!m) return null;
  const name = m[1] ?? 'Nix';
  const flavor = name === 'Nix' ? 'nix' : name.startsWith('Lix') ? 'lix' : 'determinate';
  return { flavor, major: Number(m[2]), minor: Number(m[3]), patch: Number(m[4] ?? 0), pre: /^pre|^rc/i.test(m[5] ?? '') };
}

function atLeast(v: NixVersion, major: number, minor: number): boolean {
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return !(v.pre && v.patch === 0);
}

/**
 * Extra `nix path-info --json` flags for this Nix (`nix --version` text or a bare version).
 * Nix 2.33+ (and Determinate Nix built on it) warn without `--json-format` and will require it;
 * older Nix and Lix reject it as an unrecognised flag, so anything unknown gets none.
 */
export function pathInfoArgs(nixVersion: string): string[] {
  const v = parseNixVersion(nixVersion);
  if (!v || v.flavor === 'lix' || !atLeast(v, 2, 33)) return [];
  // Format 2 exists in every release that has the flag; every format parses to the same PathInfo.
  return ['--json-format', '2'];
}
