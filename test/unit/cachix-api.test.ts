// The Cachix client against the Cachix double, on real store paths: uploads in token and self-signed
// mode, multipart NARs, the double's checks, and the errors users get.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { zstdDecompressSync } from 'node:zlib';
import { CACHIX_ABORT_TIMEOUT_MS, cacheInfo, createPin, missingHashes, narInfoCreate, uploadNar } from '../../src/caches/cachix-api.ts';
import type { CachixSettings } from '../../src/config.ts';
import { Sha256 } from '../../src/nix/hash.ts';
import { parsePublicKey, secretKeyFromBytes, verifySignature } from '../../src/nix/keys.ts';
import { fingerprint, hashPart } from '../../src/nix/path-info.ts';
import { CachixTarget } from '../../src/push/cachix.ts';
import { PushError } from '../../src/errors.ts';
import type { PushContext } from '../../src/push/target.ts';
import { startCachixDouble, type CachixDouble } from '../doubles/cachix.ts';
import { buildFixture, type Fixture } from './cachix-fixtures.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const logs: string[] = [];
const ctx = (): PushContext => ({
  signal: AbortSignal.timeout(60_000),
  log: { info: (m) => logs.push(m), warning: (m) => logs.push(`warning: ${m}`), debug: () => undefined },
});

let fx: Fixture;
let double: CachixDouble;

function settings(name: string, over: Partial<CachixSettings> = {}): CachixSettings {
  return { name, authToken: 'w', signingKey: null, publicKey: null, apiUrl: double.apiUrl, pins: [], chunkSize: 5 * MiB, ...over };
}

async function expectPushError(promise: Promise<unknown>, pattern: RegExp, transient = false): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof PushError, `expected PushError, got ${String(error)}`);
    assert.match(error.message, pattern);
    assert.equal(error.transient, transient);
    return true;
  });
}

before(async () => {
  fx = await buildFixture();
  double = await startCachixDouble({
    caches: { pub: { public: true }, priv: { public: false }, self: { public: true, selfSigned: true }, tiny: { public: true, quotaBytes: 5 * MiB } },
    tokens: { w: { read: [], write: ['pub', 'priv', 'self', 'tiny'] }, r: { read: ['priv', 'pub'], write: [] } },
  });
});
after(async () => {
  await double?.stop();
});

describe('cache info', () => {
  test('public cache without a token; substituter URL and key', async () => {
    const info = await cacheInfo(double.apiUrl, 'pub', null, AbortSignal.timeout(5000));
    assert.equal(info.uri, double.cacheUrl('pub'));
    assert.deepEqual(info.publicSigningKeys, [double.publicKey('pub')]);
    assert.equal(info.isPublic, true);
  });
  test('private cache needs a token that can read it', async () => {
    await expectPushError(cacheInfo(double.apiUrl, 'priv', null, AbortSignal.timeout(5000)), /needs an auth token \(401\)/);
    const info = await cacheInfo(double.apiUrl, 'priv', 'r', AbortSignal.timeout(5000));
    assert.equal(info.isPublic, false);
    assert.equal(info.permission, 'Read');
  });
  test('bad token and unknown cache', async () => {
    await expectPushError(cacheInfo(double.apiUrl, 'pub', 'nope', AbortSignal.timeout(5000)), /rejected the auth token \(401\).*CACHIX_AUTH_TOKEN/);
    await expectPushError(cacheInfo(double.apiUrl, 'nosuch', 'w', AbortSignal.timeout(5000)), /"nosuch" does not exist \(404\)/);
  });
});

describe('token mode (server signs)', () => {
  test('multipart upload of a closure; missing shrinks; the double signs; data round-trips', async () => {
    const target = await CachixTarget.create(settings('pub'), ctx().signal);
    assert.equal(target.label, 'cachix:pub');
    const before = await target.missing(fx.closure, ctx());
    assert.deepEqual([...before].sort(), fx.closure.map((p) => p.path).sort());
    for (const p of fx.closure) await target.upload(p, ctx());
    assert.equal((await target.missing(fx.closure, ctx())).size, 0);

    const stored = double.stored('pub');
    const big = stored.find((s) => s.storePath === fx.big.path);
    assert.ok(big, 'big path stored');
    assert.ok(big.file.length > 2 * 5 * MiB, `compressed NAR spans three parts (${big.file.length} bytes)`);
    assert.equal(big.narInfo.cNarHash, fx.big.narHash.nix32);
    assert.equal(big.narInfo.cSig, null);
    assert.deepEqual(big.narInfo.cReferences, [fx.small.path.slice('/nix/store/'.length)]);
    assert.equal(big.narInfo.cDeriver, fx.big.deriver?.slice('/nix/store/'.length));
    assert.ok(verifySignature(parsePublicKey(double.publicKey('pub')), fingerprint(fx.big), big.sig));
    const nar = zstdDecompressSync(big.file);
    assert.ok(Sha256.fromBytes(createHash('sha256').update(nar).digest()).equals(fx.big.narHash));
    // The presigned part PUTs must not carry the Cachix token.
    const puts = double.requests.filter((r) => r.method === 'PUT');
    assert.ok(puts.length >= 3);
    assert.ok(puts.every((r) => r.authorization === null));
    assert.equal(double.openUploads(), 0);
    assert.ok(double.maxConcurrentPuts() <= 4, `at most 4 parts in flight, saw ${double.maxConcurrentPuts()}`);
    assert.equal(big.compression, 'zst');
  });

  test('missingHashes batches the bulk query', async () => {
    const hashes = [...fx.closure.map((p) => hashPart(p.path)), '00000000000000000000000000000000'];
    const seen = double.requests.length;
    const missing = await missingHashes(double.apiUrl, 'pub', 'w', hashes, AbortSignal.timeout(5000), 2);
    assert.deepEqual([...missing], ['00000000000000000000000000000000']);
    assert.equal(double.requests.slice(seen).filter((r) => r.path.endsWith('/narinfo')).length, 2);
  });

  test('transient failures of part URLs, part PUTs and completion are retried', async () => {
    double.failNext('part-url', 503);
    double.failNext('part-put', 500);
    double.failNext('complete', 429);
    const result = await uploadNar({ apiUrl: double.apiUrl, name: 'priv', token: 'w' }, fx.big, { signal: ctx().signal, chunkSize: 5 * MiB, signingKey: null });
    assert.ok(result.parts >= 3);
    assert.ok(double.stored('priv').some((s) => s.storePath === fx.big.path));
  });
});

describe('self-signed mode', () => {
  test('client signs with CACHIX_SIGNING_KEY; the double verifies and serves the signature', async () => {
    const key = secretKeyFromBytes('cachix', Buffer.from(double.signingKeyBase64('self'), 'base64'));
    const target = await CachixTarget.create(settings('self', { signingKey: key }), ctx().signal);
    for (const p of fx.closure) await target.upload(p, ctx());
    const big = double.stored('self').find((s) => s.storePath === fx.big.path);
    assert.ok(big?.narInfo.cSig, 'cSig sent');
    assert.ok(!big.narInfo.cSig.includes(':'), 'cSig is the bare signature; the server names the key');
    assert.ok(verifySignature(parsePublicKey(double.publicKey('self')), fingerprint(fx.big), big.sig));
  });

  test('a signature by another key is refused by the double', async () => {
    const other = secretKeyFromBytes('cachix', Buffer.from(double.signingKeyBase64('pub'), 'base64'));
    await expectPushError(
      uploadNar({ apiUrl: double.apiUrl, name: 'self', token: 'w' }, fx.small, { signal: ctx().signal, chunkSize: 5 * MiB, signingKey: other }),
      /cSig does not verify/,
    );
    assert.ok(double.aborted('self') >= 1, 'the failed upload was aborted');
  });

  test('a signing key that does not belong to the cache fails before any upload', async () => {
    const other = secretKeyFromBytes('cachix', Buffer.from(double.signingKeyBase64('pub'), 'base64'));
    await expectPushError(CachixTarget.create(settings('self', { signingKey: other }), ctx().signal), /cachix-signing-key does not belong to this cache/);
  });

  test('the narinfo sent matches what Push.hs builds', () => {
    const key = secretKeyFromBytes('cachix', Buffer.from(double.signingKeyBase64('self'), 'base64'));
    const n = narInfoCreate(fx.big, { fileHash: 'ab'.repeat(32), fileSize: 7 }, key);
    assert.equal(n.cStoreHash, hashPart(fx.big.path));
    assert.equal(`/nix/store/${n.cStoreHash}-${n.cStoreSuffix}`, fx.big.path);
    assert.match(n.cNarHash, /^sha256:[0-9a-df-np-sv-z]{52}$/);
    assert.equal(n.cSig, key.sign(fingerprint(fx.big)).slice('cachix:'.length));
    assert.equal(narInfoCreate({ ...fx.small, deriver: null }, { fileHash: '', fileSize: 1 }, null).cDeriver, 'unknown-deriver');
  });
});

describe('errors users can act on', () => {
  test("read-only token: the server's 403 decides and is explained; later paths fail without asking again", async () => {
    // No refusal on the cache info's `permission`: the server's answer decides.
    const target = await CachixTarget.create(settings('priv', { authToken: 'r' }), ctx().signal);
    await expectPushError(target.upload(fx.small, ctx()), /no write access .*\(403\)/);
    const seen = double.requests.length;
    await expectPushError(target.upload(fx.big, ctx()), /no write access .*\(403\)/);
    assert.equal(double.requests.length, seen, 'the refusal is remembered');
    await expectPushError(
      uploadNar({ apiUrl: double.apiUrl, name: 'pub', token: 'r' }, fx.small, { signal: ctx().signal, chunkSize: 5 * MiB, signingKey: null }),
      /no write access .*\(403\)/,
    );
  });

  test('bad token on push', async () => {
    const target = new CachixTarget(settings('pub', { authToken: 'bad' }), await cacheInfo(double.apiUrl, 'pub', 'w', ctx().signal));
    await expectPushError(target.upload(fx.small, ctx()), /rejected the auth token \(401\)/);
  });

  test('quota exceeded', async () => {
    const target = await CachixTarget.create(settings('tiny'), ctx().signal);
    await target.upload(fx.small, ctx());
    await expectPushError(target.upload(fx.big, ctx()), /over its storage quota/);
    assert.equal(double.openUploads(), 0, 'the refused upload was aborted');
  });

  test('a NAR that differs from the recorded hash is never completed', async () => {
    const wrong = { ...fx.small, narHash: Sha256.fromBytes(Buffer.alloc(32, 7)) };
    const aborted = double.aborted('priv');
    await expectPushError(
      uploadNar({ apiUrl: double.apiUrl, name: 'priv', token: 'w' }, wrong, { signal: ctx().signal, chunkSize: 5 * MiB, signingKey: null }),
      /does not match its recorded hash.*--repair/,
    );
    assert.equal(double.aborted('priv'), aborted + 1);
    assert.ok(!double.stored('priv').some((s) => s.storePath === fx.small.path));
  });

  test('no credentials at all', async () => {
    const info = await cacheInfo(double.apiUrl, 'pub', null, ctx().signal);
    assert.throws(() => new CachixTarget(settings('pub', { authToken: null }), info), /cachix-auth-token .* or cachix-signing-key/);
  });
});

describe('the double checks what Cachix checks', () => {
  const api = (path: string, body?: unknown, token = 'w') =>
    fetch(`${double.apiUrl}/cache/pub${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  test('Content-MD5 mismatch and a NAR hash that lies are rejected', async () => {
    const { narId, uploadId } = (await (await api('/multipart-nar?compression=zst')).json()) as { narId: string; uploadId: string };
    const part = Buffer.from('not what was promised');
    const md5 = createHash('md5').update(Buffer.from('something else')).digest('base64');
    const { uploadUrl } = (await (await api(`/multipart-nar/${narId}?uploadId=${uploadId}&partNumber=1`, { contentMD5: md5 })).json()) as { uploadUrl: string };
    const bad = await fetch(uploadUrl, { method: 'PUT', headers: { 'content-md5': md5 }, body: part });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /BadDigest/);
    const forged = await fetch(uploadUrl, { method: 'PUT', headers: { 'content-md5': createHash('md5').update(part).digest('base64') }, body: part });
    assert.equal(forged.status, 403, 'a Content-MD5 other than the presigned one is refused');

    // Upload a real NAR but claim another NAR hash at completion.
    const { stdout } = await import('node:child_process').then((cp) => ({ stdout: cp.execFileSync('nix-store', ['--dump', fx.small.path]) }));
    const file = (await import('node:zlib')).zstdCompressSync(stdout);
    const fileMd5 = createHash('md5').update(file).digest('base64');
    const presigned = (await (await api(`/multipart-nar/${narId}?uploadId=${uploadId}&partNumber=1`, { contentMD5: fileMd5 })).json()) as { uploadUrl: string };
    const put = await fetch(presigned.uploadUrl, { method: 'PUT', headers: { 'content-md5': fileMd5 }, body: file });
    assert.equal(put.status, 200);
    const eTag = put.headers.get('etag') ?? '';
    const good = narInfoCreate(fx.small, { fileHash: createHash('sha256').update(file).digest('hex'), fileSize: file.length }, null);
    const lie = { ...good, cNarHash: Sha256.fromBytes(Buffer.alloc(32, 1)).nix32 };
    const refused = await api(`/multipart-nar/${narId}/complete?uploadId=${uploadId}`, { parts: [{ partNumber: 1, eTag }], narInfoCreate: lie });
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /NAR hash mismatch/);
    const wrongFile = await api(`/multipart-nar/${narId}/complete?uploadId=${uploadId}`, { parts: [{ partNumber: 1, eTag }], narInfoCreate: { ...good, cFileSize: 1 } });
    assert.match(await wrongFile.text(), /file size mismatch/);
    const wrongTag = await api(`/multipart-nar/${narId}/complete?uploadId=${uploadId}`, { parts: [{ partNumber: 1, eTag: '"x"' }], narInfoCreate: good });
    assert.match(await wrongTag.text(), /ETag/);
    const ok = await api(`/multipart-nar/${narId}/complete?uploadId=${uploadId}`, { parts: [{ partNumber: 1, eTag }], narInfoCreate: good });
    assert.equal(ok.status, 200);
  });
});

describe('bounded time (docs/security.md item 11)', () => {
  // What the docs promise for a Cachix upload's abort, inside the post step's 5 s grace.
  const ABORT_BOUND_MS = 3_000;

  test('an upload stopped mid-part settles within the abort timeout even when the abort request hangs too', { timeout: 10_000 }, async () => {
    assert.ok(CACHIX_ABORT_TIMEOUT_MS <= ABORT_BOUND_MS, `CACHIX_ABORT_TIMEOUT_MS is ${CACHIX_ABORT_TIMEOUT_MS}`);
    const aborts = () => double.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/abort')).length;
    const abortsBefore = aborts();
    double.hangNext('part-put');
    double.hangNext('abort');
    const step = new AbortController();
    const upload = uploadNar({ apiUrl: double.apiUrl, name: 'pub', token: 'w' }, fx.small, { signal: step.signal, chunkSize: 5 * MiB, signingKey: null });
    const settled = upload.then(
      () => assert.fail('the upload succeeded'),
      (error: unknown) => error,
    );
    // Mid-upload: the part is at the object store, which holds it without an answer.
    while (double.hung('part-put') === 0) await new Promise((r) => setTimeout(r, 10));
    const stoppedAt = performance.now();
    step.abort(); // push-timeout reached
    assert.ok((await settled) instanceof PushError);
    const took = performance.now() - stoppedAt;
    assert.equal(aborts(), abortsBefore + 1, 'the multipart upload was aborted');
    assert.equal(double.hung('abort'), 1, 'the abort request was held too');
    // It waited for the abort (not the step's already aborted signal), then gave up on its own.
    assert.ok(took >= ABORT_BOUND_MS - 250, `settled after ${Math.round(took)} ms: the abort request was not waited for`);
    assert.ok(took < ABORT_BOUND_MS + 1_000, `settled after ${Math.round(took)} ms, past the ${ABORT_BOUND_MS} ms abort timeout`);
  });
});

describe('pins', () => {
  test('finish() creates the configured pins with store paths, resolving installables', async () => {
    const resolved: string[] = [];
    const target = await CachixTarget.create(
      settings('pub', {
        pins: [
          { name: 'release', target: `${fx.big.path}/data`, keep: { tag: 'Revisions', contents: 3 } },
          { name: 'small', target: '.#small', keep: null },
          { name: 'forever', target: fx.big.path, keep: { tag: 'Forever' } },
        ],
      }),
      ctx().signal,
      { resolvePinTarget: async (t) => (resolved.push(t), `${fx.small.path}\n`) },
    );
    await target.finish([], ctx());
    assert.deepEqual(resolved, ['.#small']);
    assert.deepEqual(double.pins('pub'), [
      { name: 'release', storePath: fx.big.path, artifacts: [], keep: { tag: 'Revisions', contents: 3 } },
      { name: 'small', storePath: fx.small.path, artifacts: [], keep: null },
      { name: 'forever', storePath: fx.big.path, artifacts: [], keep: { tag: 'Forever' } },
    ]);
  });

  test('pin errors are PushErrors', async () => {
    await expectPushError(createPin(double.apiUrl, 'pub', 'r', { name: 'x', storePath: fx.big.path, artifacts: [], keep: null }, ctx().signal), /no write access/);
    const target = await CachixTarget.create(settings('pub', { pins: [{ name: 'x', target: '.#x', keep: null }] }), ctx().signal);
    await expectPushError(target.finish([], ctx()), /cannot resolve pin "x"/);
  });
});
