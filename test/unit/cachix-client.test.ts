// How the Cachix backend behaves like the cachix client against a strict double: the cache's
// preferred compression, S3's minimum part size, retries with Retry-After (waits recorded, not
// slept), self-signed mode without a token, the server deciding permissions, and the main step
// using the cache info even when the key is given.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { cachixError, uploadNar } from '../../src/caches/cachix-api.ts';
import { HttpError } from '../../src/http.ts';
import type { CachixSettings, Settings } from '../../src/config.ts';
import { resolveCaches } from '../../src/configure/caches.ts';
import { secretForms } from '../../src/inputs.ts';
import { Sha256 } from '../../src/nix/hash.ts';
import { parsePublicKey, secretKeyFromBytes } from '../../src/nix/keys.ts';
import { CachixTarget } from '../../src/push/cachix.ts';
import { PushError } from '../../src/errors.ts';
import type { PushContext } from '../../src/push/target.ts';
import { startCachixDouble, type CachixDouble } from '../doubles/cachix.ts';
import { freePort } from '../harness/nginx.ts';
import { buildFixture, type Fixture } from './cachix-fixtures.ts';

const MiB = 1024 * 1024;
let fx: Fixture;
let double: CachixDouble;
const lines: string[] = [];
const ctx = (): PushContext => ({
  signal: AbortSignal.timeout(60_000),
  log: { info: (m) => lines.push(m), warning: (m) => lines.push(`warning: ${m}`), debug: () => undefined },
});
/** Retry timing that records the waits instead of sleeping them. */
const recorded = (waits: number[]) => ({ sleep: async (ms: number) => void waits.push(ms), random: () => 0.5 });

function settings(name: string, over: Partial<CachixSettings> = {}): CachixSettings {
  return { name, authToken: 'w', signingKey: null, publicKey: null, apiUrl: double.apiUrl, pins: [], chunkSize: 5 * MiB, ...over };
}

before(async () => {
  fx = await buildFixture();
  double = await startCachixDouble({
    caches: { xz: { public: true, compression: 'XZ' }, zst: { public: true }, priv: { public: false }, self: { public: true, selfSigned: true }, ro: { public: false } },
    tokens: { w: { read: [], write: ['xz', 'zst', 'priv', 'self'] }, r: { read: ['ro'], write: [] } },
  });
});
after(async () => {
  await double?.stop();
});

test("NARs are compressed as the cache prefers (xz here), and the upload says so", async () => {
  const target = await CachixTarget.create(settings('xz'), ctx().signal);
  assert.equal(target.compression, 'XZ');
  for (const p of fx.closure) await target.upload(p, ctx());
  const big = double.stored('xz').find((s) => s.storePath === fx.big.path);
  assert.equal(big?.compression, 'xz');
  const nar = execFileSync('xz', ['-dc'], { input: big?.file, maxBuffer: 64 * MiB });
  assert.ok(Sha256.fromBytes(createHash('sha256').update(nar).digest()).equals(fx.big.narHash));
});

test('without the xz program, zstd (which Cachix takes too), with a note once', async () => {
  const target = await CachixTarget.create(settings('xz'), ctx().signal, { xzAvailable: () => false });
  assert.equal(target.compression, 'ZSTD');
  const seen = lines.length;
  await target.upload({ ...fx.small }, ctx());
  assert.equal(lines.slice(seen).filter((l) => l.includes('prefers xz')).length, 1);
});

test("parts under S3's 5 MiB minimum (but the last) are refused as EntityTooSmall", async () => {
  await assert.rejects(
    uploadNar({ apiUrl: double.apiUrl, name: 'zst', token: 'w' }, fx.big, { signal: ctx().signal, chunkSize: 1 * MiB, signingKey: null }),
    (e: unknown) => e instanceof PushError && /EntityTooSmall/.test(e.message),
  );
  assert.equal(double.openUploads(), 0, 'the refused upload was aborted');
});

test('Retry-After on 429/503 replaces the backoff wait; without it, jittered exponential backoff', async () => {
  const waits: number[] = [];
  const target = await CachixTarget.create(settings('zst'), ctx().signal, { timing: recorded(waits) });
  double.failNext('narinfo', 503, 2, '7');
  await target.missing(fx.closure, ctx());
  assert.deepEqual(waits, [7_000, 7_000]);
  waits.length = 0;
  double.failNext('part-put', 429, 1, 'Thu, 01 Jan 2099 00:00:00 GMT');
  double.failNext('complete', 503, 2);
  await target.upload(fx.big, ctx());
  // The far date is clamped to 120 s; the unhinted 503s wait half (random 0.5) of 1 s, then 2 s.
  assert.deepEqual(waits, [120_000, 500, 1_000]);
});

test('a signing key without a token: a private cache fails at once, saying a token is needed too', async () => {
  const key = secretKeyFromBytes('cachix', Buffer.from(double.signingKeyBase64('priv'), 'base64'));
  const before = double.requests.length;
  await assert.rejects(CachixTarget.create(settings('priv', { authToken: null, signingKey: key }), ctx().signal), /cachix-signing-key only signs.*cachix-auth-token/);
  assert.equal(double.requests.length - before, 1, 'one cache info request, no upload started');
});

test('a signing key without a token on a cache that takes uploads only with one: the first refusal stops the rest', async () => {
  const key = secretKeyFromBytes('cachix', Buffer.from(double.signingKeyBase64('self'), 'base64'));
  const target = await CachixTarget.create(settings('self', { authToken: null, signingKey: key }), ctx().signal);
  await assert.rejects(target.upload(fx.small, ctx()), /cachix-signing-key only signs.*cachix-auth-token/);
  const before = double.requests.length;
  await assert.rejects(target.upload(fx.big, ctx()), /cachix-signing-key only signs/);
  assert.equal(double.requests.length, before, 'no request for the next path');
});

test("cachix-public-key given: the substituter URL and netrc follow the cache info when it is reachable", async () => {
  const base = { substituters: [], trustedPublicKeys: [], attic: null } as unknown as Settings;
  const key = parsePublicKey(double.publicKey('zst'));
  const pub = await resolveCaches({ ...base, cachix: settings('zst', { publicKey: key, authToken: 'w' }) });
  assert.deepEqual(pub.sources[0]?.urls, [double.cacheUrl('zst')]);
  assert.deepEqual(pub.sources[0]?.netrc, [], 'no netrc for a public cache');
  const priv = await resolveCaches({ ...base, cachix: settings('ro', { publicKey: key, authToken: 'r' }) });
  assert.deepEqual(priv.sources[0]?.urls, [double.cacheUrl('ro')]);
  assert.equal(priv.sources[0]?.netrc.length, 1, 'read auth for a private cache');
  // Cachix unreachable: the usual URL, and the key as given.
  const down = await resolveCaches({ ...base, cachix: settings('zst', { publicKey: key, apiUrl: `http://127.0.0.1:${await freePort()}/api/v1` }) });
  assert.deepEqual(down.sources[0]?.urls, ['https://zst.cachix.org']);
  assert.equal(down.skipped.length, 0);
});

test('the main step retries the cache info for as long as the policy allows, instead of dropping the cache after a few 503s', async () => {
  const base = { substituters: [], trustedPublicKeys: [], attic: null } as unknown as Settings;
  // Twelve 503s are about 40 s of backoff with the real policy; scaled to 1/100 here.
  process.env.NIX_SUBSTITUTE_ACTION_TEST_RETRY_SCALE = '0.01';
  try {
    double.failNext('cache-info', 503, 12);
    const resolved = await resolveCaches({ ...base, cachix: settings('zst') });
    assert.deepEqual(resolved.skipped, []);
    assert.deepEqual(resolved.sources[0]?.urls, [double.cacheUrl('zst')]);
  } finally {
    delete process.env.NIX_SUBSTITUTE_ACTION_TEST_RETRY_SCALE;
    double.failNext('cache-info', 503, 0);
  }
});

test('failures a proxy causes are named as such, not as the store path or the quota', () => {
  const e = { name: 'c', token: 't' };
  assert.match(cachixError(new HttpError(411, 'http://s3/part', ''), e, 'upload').message, /refused a request body without Content-Length \(411\)/);
  assert.match(cachixError(new HttpError(413, 'http://s3/part', ''), e, 'upload').message, /refused a request body as too large \(413\)/);
  assert.match(cachixError(new HttpError(402, 'http://api', ''), e, 'upload').message, /over its storage quota/);
  const reset = new TypeError('network error with http://s3/part: ECONNRESET');
  assert.match(cachixError(reset, e, 'upload').message, /connection was dropped while a part was being sent.*not the store path/);
});

test('a signing key pasted across lines is masked in the form it is used', () => {
  const body = double.signingKeyBase64('zst');
  const forms = secretForms(`${body.slice(0, 30)}\n${body.slice(30)}`);
  assert.ok(forms.includes(body));
});
