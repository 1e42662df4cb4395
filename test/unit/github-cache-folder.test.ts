// The binary cache folder of a GitHub cache entry: only paths signed by a trusted key survive a
// restore, the size budget drops whole closures least recently pushed first, and pruning leaves
// a folder whose every narinfo has its NAR. Plus the github-cache inputs.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, parseSettings } from '../../src/config.ts';
import { entryKey, MANIFEST, nixSystem } from '../../src/github-cache/entry.ts';
import { closureIn, prune, readFolder, selectWithinBudget } from '../../src/github-cache/folder.ts';
import { rootsOf } from '../../src/github-cache/save.ts';
import { toNix32 } from '../../src/nix/base32.ts';
import { Sha256 } from '../../src/nix/hash.ts';
import { parsePublicKey, parseSecretKey, secretKeyFromBytes, type SecretKey } from '../../src/nix/keys.ts';
import { renderNarInfo } from '../../src/nix/narinfo.ts';
import { fingerprint, hashPart, type PathInfo } from '../../src/nix/path-info.ts';

const PK = 'unit-1:kEBgl7rsyXt4pNWdLpSZAjCSPO3dmLxVruB2WyldR2s=';
const SK = 'unit-1:FyXyeWGjRXGI4rhNndr5eiSvFG958aNzfoxaY0bH42+QQGCXuuzJe3ik1Z0ulJkCMJI87d2YvFWu4HZbKV1Haw==';
const key = parseSecretKey(SK);
const trusted = [parsePublicKey(PK)];

function storePath(name: string): string {
  const hash = toNix32(createHash('sha256').update(name).digest().subarray(0, 20));
  return `/nix/store/${hash}-${name}`;
}

/** Writes one path (narinfo + NAR of `size` bytes) into `dir`, signed by `signer` (null: unsigned). */
function put(dir: string, name: string, size: number, refs: string[] = [], signer: SecretKey | null = key): string {
  const path = storePath(name);
  const nar = Buffer.alloc(size, name);
  const narHash = Sha256.fromBytes(createHash('sha256').update(nar).digest());
  const info = { path, narHash, narSize: size, references: refs.map(storePath) };
  const url = `nar/${toNix32(narHash.bytes)}.nar.zst`;
  mkdirSync(join(dir, 'nar'), { recursive: true });
  writeFileSync(join(dir, url), nar);
  const sigs = signer ? [signer.sign(fingerprint(info))] : [];
  writeFileSync(join(dir, `${hashPart(path)}.narinfo`), renderNarInfo({ storePath: path, url, compression: 'zstd', narHash, narSize: size, references: info.references, deriver: null, sigs, ca: null }));
  return path;
}

function foreignKey(): SecretKey {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  return secretKeyFromBytes('other-1', Buffer.concat([Buffer.from(jwk.d!, 'base64url'), Buffer.from(jwk.x!, 'base64url')]));
}

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'ghc-folder-'));
}

test('restore keeps only paths signed by a trusted key, and removes what no trusted narinfo needs', async () => {
  const dir = folder();
  try {
    const good = put(dir, 'good', 10);
    put(dir, 'unsigned', 10, [], null);
    put(dir, 'foreign', 10, [], foreignKey());
    const linked = put(dir, 'linked', 10);
    // A narinfo replaced by a symlink (an entry can carry one pointing anywhere) does not count.
    const linkedInfo = join(dir, `${hashPart(linked)}.narinfo`);
    rmSync(linkedInfo);
    symlinkSync('/etc/hostname', linkedInfo);
    writeFileSync(join(dir, 'stray'), 'x');
    writeFileSync(join(dir, 'nar', 'stray.nar'), 'x');
    const index = await readFolder(dir, trusted);
    assert.deepEqual([...index.paths.keys()], [good]);
    assert.equal(index.rejected, 3);
    assert.deepEqual(readdirSync(dir).sort(), [`${hashPart(good)}.narinfo`, 'nar']);
    assert.equal(readdirSync(join(dir, 'nar')).length, 1);
    assert.deepEqual([...index.roots], [[good, 0]], 'without a manifest every path is its own, oldest root');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the budget keeps the newest closures whole and drops the least recently pushed', async () => {
  const dir = folder();
  try {
    const lib = put(dir, 'lib', 100);
    const oldApp = put(dir, 'old-app', 100, ['lib']);
    const newApp = put(dir, 'new-app', 100, ['lib']);
    const big = put(dir, 'big', 1000);
    writeFileSync(join(dir, MANIFEST), JSON.stringify({ version: 1, roots: { [oldApp]: 1, [big]: 2, [newApp]: 3 } }));
    const index = await readFolder(dir, trusted);
    assert.deepEqual(closureIn(index.paths, newApp), new Set([newApp, lib]));
    const sizeOf = (...ps: string[]) => ps.reduce((n, p) => n + index.paths.get(p)!.bytes, 0);

    // new-app and its lib fit; big (pushed before it) does not: big and everything older go.
    const keep = selectWithinBudget(index, sizeOf(newApp, lib, oldApp) + 10);
    assert.deepEqual(keep.roots, [newApp]);
    assert.deepEqual(keep.paths, new Set([newApp, lib]));
    // Enough for all: a shared path counts once.
    assert.equal(selectWithinBudget(index, sizeOf(lib, oldApp, newApp, big)).roots.length, 3);
    // Not even the newest closure fits: nothing is kept (never part of a closure).
    assert.deepEqual(selectWithinBudget(index, sizeOf(newApp)).paths, new Set());

    await prune(dir, index, keep);
    const after = await readFolder(dir, trusted);
    assert.deepEqual(new Set(after.paths.keys()), new Set([newApp, lib]));
    assert.deepEqual([...after.roots], [[newApp, 3]]);
    assert.equal(readdirSync(join(dir, 'nar')).length, 2, 'the dropped paths\' NARs are gone');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rootsOf: the plan paths nothing else in the plan refers to', () => {
  const info = (name: string, refs: string[]): PathInfo => ({ path: storePath(name), narHash: Sha256.fromBytes(Buffer.alloc(32)), narSize: 1, references: refs.map(storePath), deriver: null, sigs: [], ca: null });
  assert.deepEqual(rootsOf([info('lib', ['lib']), info('app', ['lib', 'app']), info('doc', [])]), [storePath('app'), storePath('doc')]);
});

test('entry keys: system, run id and attempt; no run id, no key', () => {
  assert.equal(nixSystem('x64', 'linux'), 'x86_64-linux');
  assert.equal(nixSystem('arm64', 'darwin'), 'aarch64-darwin');
  assert.equal(entryKey('x86_64-linux', { GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '2' }), 'nix-binary-cache-v1-x86_64-linux-42-2');
  assert.equal(entryKey('x86_64-linux', {}), null);
});

test('github-cache inputs: size with units, bounds named; signing-key is allowed with github-cache alone', () => {
  assert.equal(parseSettings({}).githubCache, false);
  assert.equal(parseSettings({}).githubCacheSize, 2 * 1024 ** 3);
  assert.equal(parseSettings({ 'github-cache-size': '500M' }).githubCacheSize, 500 * 1024 ** 2);
  assert.equal(parseSettings({ 'github-cache-size': '1.5GiB' }).githubCacheSize, 1.5 * 1024 ** 3);
  for (const bad of ['11G', '10', 'lots', '-1G']) {
    assert.throws(() => parseSettings({ 'github-cache-size': bad }), (e: unknown) => e instanceof ConfigError && /^github-cache-size: expected a size from 1M to 10G/.test(e.problems[0] ?? ''));
  }
  assert.throws(() => parseSettings({ 'github-cache': 'yes' }), (e: unknown) => e instanceof ConfigError && /^github-cache: .*true or false/.test(e.problems[0] ?? ''));
  assert.throws(() => parseSettings({ 'signing-key': SK }), /signing-key: only signs uploads to push-to and github-cache/);
  assert.equal(parseSettings({ 'signing-key': SK, 'github-cache': 'true' }).signingKey?.name, 'unit-1');
});
