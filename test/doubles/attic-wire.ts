// The wire rules of the attic double (zhaofengli/attic server and token crates): error kinds with
// their status codes, the upload info's schema, and how a token's grants apply to a cache.
import { generateKeyPairSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { secretKeyFromBytes, type SecretKey } from '../../src/nix/keys.ts';

export type Permission = { pull: boolean; push: boolean };

// attic's ErrorKind names, messages (their doc comments) and status codes.
export const ERRORS = {
  NotFound: [404, 'The URL you requested was not found.'],
  Unauthorized: [401, 'Unauthorized.'],
  NoSuchCache: [404, 'The requested cache does not exist.'],
  NoSuchObject: [404, 'The requested object does not exist.'],
  AccessError: [403, 'Access error: User does not have permission to complete this action.'],
  RequestError: [400, 'General request error: '],
  InternalServerError: [500, 'The server encountered an internal error or misconfiguration.'],
} as const;
export type ErrorName = keyof typeof ERRORS;

export class ApiFailure extends Error {
  readonly kind: ErrorName;
  constructor(kind: ErrorName, detail = '') {
    super(detail);
    this.kind = kind;
  }
}

export const CACHE_NAME = /^[A-Za-z0-9][A-Za-z0-9-_+]{0,49}$/;
export const STORE_HASH = /^[0-9a-df-np-sv-z]{32}$/;
export const STORE_DIR = '/nix/store';

export const UploadInfo = z.object({
  cache: z.string().regex(CACHE_NAME),
  store_path_hash: z.string().regex(STORE_HASH),
  store_path: z.string(),
  references: z.array(z.string()),
  system: z.string().nullable(),
  deriver: z.string().nullable(),
  sigs: z.array(z.string()),
  ca: z.string().nullable(),
  nar_hash: z.string(),
  nar_size: z.number().int().nonnegative(),
});
export const MissingRequest = z.object({ cache: z.string().regex(CACHE_NAME), store_path_hashes: z.array(z.string().regex(STORE_HASH)) });

export function generateKey(name: string): SecretKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const d = Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url');
  const x = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  return secretKeyFromBytes(name, Buffer.concat([d, x]));
}

function matches(pattern: string, cache: string): boolean {
  return pattern === cache || (pattern.endsWith('*') && cache.startsWith(pattern.slice(0, -1)));
}

/** attic's `get_permission_for_cache`: the exact name's grant, else the first matching pattern's. */
export function grantFor(grant: { pull: string[]; push: string[] }, cache: string): Permission {
  const patterns = [...grant.pull, ...grant.push];
  const chosen = patterns.includes(cache) ? cache : patterns.find((p) => matches(p, cache));
  if (chosen === undefined) return { pull: false, push: false };
  return { pull: grant.pull.includes(chosen), push: grant.push.includes(chosen) };
}

/** attic accepts `bearer <jwt>` and Basic auth whose password is the JWT (netrc for Nix). */
export function tokenOf(req: IncomingMessage): string | null {
  const m = /^(bearer|basic) (.*)$/i.exec(req.headers.authorization ?? '');
  if (!m?.[1] || m[2] === undefined) return null;
  if (m[1].toLowerCase() === 'bearer') return m[2];
  const decoded = Buffer.from(m[2], 'base64').toString();
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : decoded.slice(colon + 1);
}
