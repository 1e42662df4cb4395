// Keys made by the real `nix-store --generate-binary-cache-key`, and signatures checked both ways
// against the installed Nix: `nix store sign` (ed25519 is deterministic, so its signature must equal
// ours) and `nix store verify` (Nix must accept a narinfo carrying our signature).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { appendFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NIX_COMMAND, run } from '../../src/nix/command.ts';
import { parsePublicKey, parseSecretKey, secretKeyFromBytes, signatureKeyName, verifySignature } from '../../src/nix/keys.ts';
import { fingerprint, parsePathInfoJson, type PathInfo } from '../../src/nix/path-info.ts';

let dir = '';
let pkText = '';
let skText = '';
let env: NodeJS.ProcessEnv = {};
const NO_SUBST = ['--option', 'substituters', ''];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keys-'));
  env = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') }; // no narinfo cache shared with other runs
  await run('nix-store', ['--generate-binary-cache-key', 'test-cache-1', join(dir, 'sk'), join(dir, 'pk')]);
  pkText = await readFile(join(dir, 'pk'), 'utf8');
  skText = await readFile(join(dir, 'sk'), 'utf8');
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a public key from Nix parses', () => {
  const pk = parsePublicKey(pkText);
  assert.equal(pk.name, 'test-cache-1');
  assert.equal(pk.raw.length, 32);
  assert.equal(pk.text, pkText.trim());
  assert.equal(parsePublicKey(`  ${pkText}\n`).text, pk.text);
});

test('a secret key from Nix parses and its public half is the one Nix wrote', () => {
  const sk = parseSecretKey(skText);
  assert.equal(sk.name, 'test-cache-1');
  assert.equal(sk.publicKey.text, pkText.trim());
});

test('swapping secret and public keys gives an error that says so', () => {
  assert.throws(() => parsePublicKey(skText), /secret key/);
  assert.throws(() => parseSecretKey(pkText), /public key/);
});

test('wrong lengths, missing names and bad base64 are clear errors', () => {
  const b64 = (n: number) => Buffer.alloc(n, 7).toString('base64');
  assert.throws(() => parsePublicKey(`k:${b64(31)}`), /32 bytes/);
  assert.throws(() => parsePublicKey(`k:${b64(33)}`), /32 bytes/);
  assert.throws(() => parseSecretKey(`k:${b64(63)}`), /64 bytes/);
  assert.throws(() => parseSecretKey(`k:${b64(65)}`), /64 bytes/);
  assert.throws(() => parsePublicKey(b64(32)), /name/);
  assert.throws(() => parsePublicKey(`:${b64(32)}`), /name/);
  assert.throws(() => parseSecretKey(skText.slice(skText.indexOf(':'))), /name/);
  assert.throws(() => parsePublicKey(`bad name:${b64(32)}`), /key name/);
  assert.throws(() => parsePublicKey('k:not*base64'), /base64/);
  assert.throws(() => parsePublicKey(''), /name/);
});

test('a secret key whose halves do not match is refused', () => {
  const sk = parseSecretKey(skText);
  const raw = Buffer.from(skText.trim().slice(skText.indexOf(':') + 1), 'base64');
  const other = Buffer.from(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  assert.throws(() => secretKeyFromBytes(sk.name, Buffer.concat([raw.subarray(0, 32), other])), /do not belong together/);
});

test('sign and verify agree; a signature fails under another key, message or key name', () => {
  const sk = parseSecretKey(skText);
  const sig = sk.sign('message');
  assert.equal(signatureKeyName(sig), 'test-cache-1');
  assert.ok(verifySignature(sk.publicKey, 'message', sig));
  assert.equal(verifySignature(sk.publicKey, 'other message', sig), false);
  const stranger = parsePublicKey(`test-cache-1:${Buffer.from(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('base64')}`);
  assert.equal(verifySignature(stranger, 'message', sig), false);
  assert.equal(verifySignature(sk.publicKey, 'message', `other-name:${sig.split(':')[1]}`), false);
  assert.equal(signatureKeyName('no-colon'), '');
});

/** Builds a fresh input-addressed path (content-addressed ones would pass `verify` unsigned). */
async function freshPath(): Promise<PathInfo> {
  const expr = join(dir, 'drv.nix');
  await writeFile(
    expr,
    `derivation { name = "keys-test"; system = builtins.currentSystem; builder = "/bin/sh";
      salt = "${process.pid}-${Date.now()}-${Math.random()}"; args = [ "-c" "echo $salt > $out" ]; }`,
  );
  const { stdout } = await run('nix-build', [expr, '--no-out-link', ...NO_SUBST], { env });
  const json = await run('nix', [...NIX_COMMAND, 'path-info', '--json', stdout.trim()], { env });
  const [info] = parsePathInfoJson(json.stdout);
  assert.ok(info);
  return info;
}

async function copyToCache(path: string, name: string): Promise<{ url: string; narinfo: string }> {
  const url = `file://${join(dir, name)}`;
  await run('nix', [...NIX_COMMAND, 'copy', '--to', url, path, ...NO_SUBST], { env });
  const file = (await readdir(join(dir, name))).find((f) => f.endsWith('.narinfo'));
  assert.ok(file);
  return { url, narinfo: join(dir, name, file) };
}

async function nixVerifies(url: string, path: string): Promise<boolean> {
  const args = [...NIX_COMMAND, 'store', 'verify', '--store', url, '--sigs-needed', '1', path];
  const r = await run('nix', [...args, '--option', 'trusted-public-keys', pkText.trim()], { env, allowFailure: true });
  return r.code === 0;
}

test('live: our signature equals `nix store sign`, and `nix store verify` accepts it', async () => {
  const info = await freshPath();
  const sk = parseSecretKey(skText);
  const ours = sk.sign(fingerprint(info));

  const byNix = await copyToCache(info.path, 'signed-by-nix');
  await run('nix', [...NIX_COMMAND, 'store', 'sign', '--store', byNix.url, '--key-file', join(dir, 'sk'), info.path], { env });
  const sigLines = (await readFile(byNix.narinfo, 'utf8')).split('\n').filter((l) => l.startsWith('Sig: '));
  assert.deepEqual(sigLines, [`Sig: ${ours}`]);

  const byUs = await copyToCache(info.path, 'signed-by-us');
  assert.equal(await nixVerifies(byUs.url, info.path), false, 'unsigned must not verify');
  await appendFile(byUs.narinfo, `Sig: ${ours}\n`);
  assert.equal(await nixVerifies(byUs.url, info.path), true);

  // A signature by a different key under the trusted name must be rejected by Nix.
  const forged = await copyToCache(info.path, 'forged');
  const stranger = generateKeyPairSync('ed25519');
  const jwk = stranger.privateKey.export({ format: 'jwk' });
  const raw = Buffer.concat([Buffer.from(jwk.d ?? '', 'base64url'), Buffer.from(jwk.x ?? '', 'base64url')]);
  await appendFile(forged.narinfo, `Sig: ${secretKeyFromBytes('test-cache-1', raw).sign(fingerprint(info))}\n`);
  assert.equal(await nixVerifies(forged.url, info.path), false);
});
