// NAR hashes reach us as SRI (`sha256-<base64>`, Nix 2.8 path-info), `sha256:<nix32>` (narinfo,
// older path-info) or `sha256:<hex>`; every backend wants a different one, so keep the bytes.
import { fromNix32, toNix32 } from './base32.ts';

export class Sha256 {
  readonly bytes: Buffer;
  private constructor(bytes: Buffer) {
    this.bytes = bytes;
  }

  static fromBytes(bytes: Uint8Array): Sha256 {
    if (bytes.length !== 32) throw new Error(`a sha256 hash has 32 bytes, not ${bytes.length}`);
    return new Sha256(Buffer.from(bytes));
  }

  /** Accepts every spelling Nix prints: SRI, `sha256:` + nix32/hex/base64. */
  static parse(text: string): Sha256 {
    const sri = /^sha256-([A-Za-z0-9+/]{43}=)$/.exec(text);
    if (sri?.[1]) return Sha256.fromBytes(Buffer.from(sri[1], 'base64'));
    const typed = /^sha256:(.+)$/.exec(text);
    const body = typed?.[1];
    if (body === undefined) throw new Error(`not a sha256 hash: "${text}"`);
    if (/^[0-9a-f]{64}$/.test(body)) return Sha256.fromBytes(Buffer.from(body, 'hex'));
    if (body.length === 52) return Sha256.fromBytes(fromNix32(body, 32));
    if (/^[A-Za-z0-9+/]{43}=$/.test(body)) return Sha256.fromBytes(Buffer.from(body, 'base64'));
    throw new Error(`not a sha256 hash: "${text}"`);
  }

  get nix32(): string {
    return `sha256:${toNix32(this.bytes)}`;
  }
  get hex(): string {
    return this.bytes.toString('hex');
  }
  get sri(): string {
    return `sha256-${this.bytes.toString('base64')}`;
  }
  equals(other: Sha256): boolean {
    return this.bytes.equals(other.bytes);
  }
}
