// Nix's own base32: a reduced alphabet (no e, o, u, t) and bytes read from the end, so it is not
// RFC 4648. Store path hashes and `sha256:<nix32>` narinfo hashes use it.
const ALPHABET = '0123456789abcdfghijklmnpqrsvwxyz';

export function encodedLength(byteLength: number): number {
  return Math.ceil((byteLength * 8) / 5);
}

export function toNix32(bytes: Uint8Array): string {
  let out = '';
  for (let n = encodedLength(bytes.length) - 1; n >= 0; n--) {
    const bit = n * 5;
    const i = Math.floor(bit / 8);
    const j = bit % 8;
    const low = (bytes[i] ?? 0) >> j;
    const high = i + 1 < bytes.length ? (bytes[i + 1] ?? 0) << (8 - j) : 0;
    out += ALPHABET[(low | high) & 0x1f];
  }
  return out;
}

export function fromNix32(text: string, byteLength: number): Buffer {
  if (text.length !== encodedLength(byteLength)) {
    throw new Error(`nix32 string of length ${text.length} cannot hold ${byteLength} bytes`);
  }
  const out = Buffer.alloc(byteLength);
  for (let n = 0; n < text.length; n++) {
    const digit = ALPHABET.indexOf(text[text.length - n - 1] ?? '');
    if (digit < 0) throw new Error(`invalid nix32 character in "${text}"`);
    const bit = n * 5;
    const i = Math.floor(bit / 8);
    const j = bit % 8;
    out[i] = (out[i] ?? 0) | ((digit << j) & 0xff);
    const carry = digit >> (8 - j);
    if (i + 1 < byteLength) out[i + 1] = (out[i + 1] ?? 0) | carry;
    else if (carry !== 0) throw new Error(`nix32 string "${text}" overflows ${byteLength} bytes`);
  }
  return out;
}

export const NIX32_PATTERN = '[0-9a-df-np-sv-z]';
