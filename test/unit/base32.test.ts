// Nix's base32 against vectors printed by the real `nix-hash --to-base32` (recorded below, and
// recomputed live so a different Nix would be noticed too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { run } from '../../src/nix/command.ts';
import { encodedLength, fromNix32, NIX32_PATTERN, toNix32 } from '../../src/nix/base32.ts';

// [algorithm, hex, what `nix-hash --type <algorithm> --to-base32 <hex>` (Nix 2.8) printed]
const VECTORS: Array<[string, string, string]> = [
  ['sha256', '00'.repeat(32), '0'.repeat(52)],
  ['sha256', 'ff'.repeat(32), `1${'z'.repeat(51)}`],
  ['sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', '0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73'],
  ['sha256', '0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20', '080z3qfiq6qs34c1f5hm2h9i448h1w70s30b184hh1q60l2060h1'],
  ['md5', 'd41d8cd98f00b204e9800998ecf8427e', '3y8bwfr609h3lh9ch0izcqq7fl'],
  ['sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', '143xibwh31h9bvxzalr0sjvbbvpa6ffs'],
  [
    'sha512',
    'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
    '0zdl9zrg8r3i9c1g90lgg9ip5ijzv3yhz91i0zzn3r8ap9ws784gkp9dk9j3aglhgf1amqb0pj21mh7h1nxcl18akqvvf7ggqsy30yg',
  ],
];

for (const [algo, hex, nix32] of VECTORS) {
  test(`${algo} ${hex.slice(0, 12)}… encodes and decodes like Nix`, () => {
    assert.equal(toNix32(Buffer.from(hex, 'hex')), nix32);
    assert.equal(fromNix32(nix32, hex.length / 2).toString('hex'), hex);
  });
}

test('live: random hashes encode exactly as the installed nix-hash does, both ways', async () => {
  for (const [algo, size] of [['sha256', 32], ['sha1', 20], ['md5', 16], ['sha512', 64]] as const) {
    const bytes = randomBytes(size);
    const { stdout } = await run('nix-hash', ['--type', algo, '--to-base32', bytes.toString('hex')]);
    assert.equal(toNix32(bytes), stdout.trim(), algo);
    const back = await run('nix-hash', ['--type', algo, '--to-base16', toNix32(bytes)]);
    assert.equal(back.stdout.trim(), bytes.toString('hex'), algo);
  }
});

test('round trips every length from 0 to 64 bytes', () => {
  for (let n = 0; n <= 64; n++) {
    const bytes = randomBytes(n);
    const text = toNix32(bytes);
    assert.equal(text.length, encodedLength(n));
    assert.match(text, new RegExp(`^${NIX32_PATTERN}*$`));
    assert.deepEqual(fromNix32(text, n), bytes, `length ${n}`);
  }
});

test('encodedLength matches the lengths Nix uses', () => {
  assert.deepEqual([16, 20, 32, 64].map(encodedLength), [26, 32, 52, 103]);
});

test('rejects letters outside the alphabet, wrong lengths and overflow', () => {
  const ok = VECTORS[2]?.[2] ?? '';
  for (const letter of ['e', 'o', 'u', 't', 'A', '-']) {
    assert.throws(() => fromNix32(letter + ok.slice(1), 32), /invalid nix32 character/, letter);
  }
  assert.throws(() => fromNix32(ok.slice(1), 32), /cannot hold/);
  assert.throws(() => fromNix32(`${ok}0`, 32), /cannot hold/);
  // 52 characters hold 260 bits: a first digit above 1 sets bits past the 256th.
  assert.throws(() => fromNix32(`2${'0'.repeat(51)}`, 32), /overflows/);
  assert.doesNotThrow(() => fromNix32(`1${'0'.repeat(51)}`, 32));
});

test('the character pattern admits exactly the alphabet', () => {
  const re = new RegExp(`^${NIX32_PATTERN}$`);
  const admitted = [...'0123456789abcdefghijklmnopqrstuvwxyzABC'].filter((c) => re.test(c)).join('');
  assert.equal(admitted, '0123456789abcdfghijklmnpqrsvwxyz');
});
