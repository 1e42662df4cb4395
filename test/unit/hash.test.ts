// Every spelling of a sha256 that Nix prints parses to the same bytes, and our spellings are Nix's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NIX_COMMAND, run } from '../../src/nix/command.ts';
import { Sha256 } from '../../src/nix/hash.ts';

// sha256 of "hello from path-info fixture\n" as Nix 2.8 printed it (`nix hash file --type sha256 …`).
const HEX = '7e6c54c06fc341fc9f38fe21bbaa06b3cd00865d842aa1c73b182c58149f4b96';
const SPELLINGS = [
  `sha256:${HEX}`,
  'sha256:15jbkwa5hb0q7g3s2al4bn301kdk0smbn8gy72gzqhf3dz058v3y',
  'sha256:fmxUwG/DQfyfOP4hu6oGs80Ahl2EKqHHOxgsWBSfS5Y=',
  'sha256-fmxUwG/DQfyfOP4hu6oGs80Ahl2EKqHHOxgsWBSfS5Y=',
];

test('every spelling parses to the same bytes', () => {
  for (const s of SPELLINGS) assert.equal(Sha256.parse(s).hex, HEX, s);
  const [first, ...rest] = SPELLINGS.map((s) => Sha256.parse(s));
  for (const h of rest) assert.ok(first?.equals(h));
});

test('prints each spelling the way Nix does', () => {
  const h = Sha256.parse(`sha256:${HEX}`);
  assert.equal(h.hex, HEX);
  assert.equal(h.nix32, SPELLINGS[1]);
  assert.equal(h.sri, SPELLINGS[3]);
});

test('live: the installed Nix and we agree on every spelling of a fresh file hash', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hash-'));
  try {
    const file = join(dir, 'f');
    const content = `hash test ${process.pid} ${Date.now()}\n`;
    await writeFile(file, content);
    const nix = async (base: string) => (await run('nix', [...NIX_COMMAND, 'hash', 'file', '--type', 'sha256', base, file])).stdout.trim();
    const [b16, b32, b64, sri] = await Promise.all(['--base16', '--base32', '--base64', '--sri'].map(nix));
    const expected = createHash('sha256').update(content).digest('hex');
    for (const s of [`sha256:${b16}`, `sha256:${b32}`, `sha256:${b64}`, sri ?? '']) assert.equal(Sha256.parse(s).hex, expected, s);
    const h = Sha256.parse(sri ?? '');
    assert.equal(h.nix32, `sha256:${b32}`);
    assert.equal(h.sri, sri);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bad input is an error', () => {
  const bad = [
    '',
    HEX, // untyped: Nix's JSON and narinfo always say which algorithm
    'sha256:',
    `sha256:${HEX.slice(1)}`, // 63 hex digits
    `sha256:${HEX.toUpperCase()}`,
    'sha256:15jbkwa5hb0q7g3s2al4bn301kdk0smbn8gy72gzqhf3dz058v3', // 51 nix32 characters
    'sha256:e5jbkwa5hb0q7g3s2al4bn301kdk0smbn8gy72gzqhf3dz058v3y', // 'e' is not nix32
    'sha256:2zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz', // more than 256 bits
    'sha256-fmxUwG/DQfyfOP4hu6oGs80Ahl2EKqHHOxgsWBSfS5Y', // SRI without padding
    'sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==',
    'md5:d41d8cd98f00b204e9800998ecf8427e',
    ` sha256:${HEX}`,
  ];
  for (const s of bad) assert.throws(() => Sha256.parse(s), /hash|nix32/, s);
});

test('fromBytes insists on 32 bytes', () => {
  assert.throws(() => Sha256.fromBytes(new Uint8Array(31)), /32 bytes/);
  assert.throws(() => Sha256.fromBytes(new Uint8Array(33)), /32 bytes/);
  assert.equal(Sha256.fromBytes(Buffer.from(HEX, 'hex')).hex, HEX);
});

test('keeps its own copy of the bytes', () => {
  const bytes = Buffer.from(HEX, 'hex');
  const h = Sha256.fromBytes(bytes);
  bytes[0] = 0;
  assert.equal(h.hex, HEX);
});
