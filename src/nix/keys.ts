// Nix signing keys: public `name:base64(32-byte ed25519 key)`, secret `name:base64(64 bytes:
// seed then public key)`. Signatures are ed25519 over a narinfo fingerprint.
import * as crypto from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export interface PublicKey {
  readonly name: string;
  readonly raw: Buffer;
  /** The `name:base64` text Nix's `trusted-public-keys` takes. */
  readonly text: string;
}

export interface SecretKey {
  readonly name: string;
  readonly publicKey: PublicKey;
  /** `name:base64(64 bytes)`, the text Nix's `secret-key-files` hold. A secret: never print it. */
  readonly text: string;
  sign(message: string): string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

function split(text: string, what: string): { name: string; bytes: Buffer } {
  const at = text.indexOf(':');
  if (at <= 0) throw new Error(`a ${what} looks like "name:base64", with a name before the colon`);
  const name = text.slice(0, at);
  const body = text.slice(at + 1);
  if (!NAME.test(name)) throw new Error(`"${name}" is not a valid key name`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new Error(`the part after "${name}:" is not base64`);
  return { name, bytes: Buffer.from(body, 'base64') };
}

function b64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

export function parsePublicKey(text: string): PublicKey {
  const { name, bytes } = split(text.trim(), 'public key');
  if (bytes.length === 64) throw new Error(`this is a secret key (64 bytes), not a public key: never publish it`);
  if (bytes.length !== 32) throw new Error(`a public key has 32 bytes after the name, this one has ${bytes.length}`);
  return { name, raw: bytes, text: `${name}:${bytes.toString('base64')}` };
}

function keyObjects(seed: Buffer, pub: Buffer): { priv: KeyObject } {
  const jwk = { kty: 'OKP', crv: 'Ed25519', d: b64url(seed), x: b64url(pub) };
  return { priv: crypto.createPrivateKey({ key: jwk, format: 'jwk' }) };
}

/** Builds a secret key from its 64 raw bytes; checks that the public half matches the seed. */
export function secretKeyFromBytes(name: string, bytes: Buffer): SecretKey {
  if (bytes.length === 32) throw new Error(`this is a public key (32 bytes), not a secret key`);
  if (bytes.length !== 64) throw new Error(`a secret key has 64 bytes, this one has ${bytes.length}`);
  const seed = bytes.subarray(0, 32);
  const pub = bytes.subarray(32);
  const { priv } = keyObjects(seed, pub);
  const derived = crypto.createPublicKey(priv).export({ format: 'jwk' }).x;
  if (derived !== b64url(pub)) throw new Error(`the secret key's two halves do not belong together`);
  const publicKey = { name, raw: Buffer.from(pub), text: `${name}:${pub.toString('base64')}` };
  return {
    name,
    publicKey,
    text: `${name}:${Buffer.from(bytes).toString('base64')}`,
    sign: (message) => `${name}:${crypto.sign(null, Buffer.from(message), priv).toString('base64')}`,
  };
}

export function parseSecretKey(text: string): SecretKey {
  const { name, bytes } = split(text.trim(), 'secret key');
  return secretKeyFromBytes(name, bytes);
}

export function verifySignature(key: PublicKey, message: string, signature: string): boolean {
  const prefix = `${key.name}:`;
  if (!signature.startsWith(prefix)) return false;
  const pub = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(key.raw) }, format: 'jwk' });
  return crypto.verify(null, Buffer.from(message), pub, Buffer.from(signature.slice(prefix.length), 'base64'));
}

/** The key name of a `name:signature` string. */
export function signatureKeyName(signature: string): string {
  const at = signature.indexOf(':');
  return at < 0 ? '' : signature.slice(0, at);
}
