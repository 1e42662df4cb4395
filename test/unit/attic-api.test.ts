// The native attic client against the attic double, on real store paths.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AtticApiError,
  NAR_INFO_PREAMBLE_THRESHOLD,
  cacheConfig,
  getMissingPaths,
  needsPreamble,
  uploadInfo,
  uploadPath,
} from '../../src/caches/attic-api.ts';
import { toNix32 } from '../../src/nix/base32.ts';
import { Sha256 } from '../../src/nix/hash.ts';
import { dumpNar } from '../../src/nix/nar.ts';
import { hashPart, type PathInfo } from '../../src/nix/path-info.ts';
import { startAtticDouble, type AtticDouble } from '../doubles/attic.ts';
import { buildFixture, type Fixture } from './attic-nix.fixture.ts';

const signal = () => AbortSignal.timeout(30_000);

async function rejectsWith(promise: Promise<unknown>, check: (e: AtticApiError) => void): Promise<AtticApiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AtticApiError, `expected AtticApiError, got ${String(error)}`);
    check(error);
    return error;
  }
  assert.fail('expected a rejection');
}

let fx: Fixture;
let attic: AtticDouble;

before(async () => {
  fx = await buildFixture();
  attic = await startAtticDouble({
    caches: { pub: { public: true, upstreamKeyNames: ['cache.nixos.org-1', 'other-1'] }, priv: { public: false }, other: { public: true } },
    tokens: {
      rw: { pull: ['pub', 'priv', 'other', 'ghost'], push: ['pub', 'priv', 'other', 'ghost'] },
      ro: { pull: ['pub', 'priv'], push: [] },
    },
  });
});
after(async () => {
  await attic.stop();
});

describe('cacheConfig', () => {
  test('reads a public cache anonymously, with the key the narinfo is signed with', async () => {
    const config = await cacheConfig(attic.url, 'pub', null, signal());
    assert.equal(config.publicKey?.text, attic.publicKey('pub'));
    assert.equal(config.isPublic, true);
    assert.equal(config.apiEndpoint, attic.url);
    assert.equal(config.substituterEndpoint, `${attic.url}/pub`);
    assert.equal(config.storeDir, '/nix/store');
    assert.equal(config.priority, 41);
    assert.deepEqual(config.upstreamCacheKeyNames, ['cache.nixos.org-1', 'other-1']);
  });

  test('a private cache without a valid token reads as a permission problem (invalid token = anonymous)', async () => {
    for (const token of [null, 'not-a-real-token']) {
      await rejectsWith(cacheConfig(attic.url, 'priv', token, signal()), (e) => {
        assert.equal(e.status, 401);
        assert.equal(e.transient, false);
        assert.match(e.message, /attic cache "priv".*lacks "pull" permission/);
        assert.match(e.message, /invalid token as anonymous/);
        assert.match(e.message, /atticadm make-token --pull priv/);
      });
    }
    assert.equal((await cacheConfig(attic.url, 'priv', 'ro', signal())).isPublic, false);
  });

  test('a missing cache says so when the token may see it', async () => {
    await rejectsWith(cacheConfig(attic.url, 'ghost', 'rw', signal()), (e) => {
      assert.equal(e.status, 404);
      assert.equal(e.kind, 'NoSuchCache');
      assert.match(e.message, /cache does not exist/);
    });
  });

  test('a server that is not attic is reported as such, a dead one as transient', async () => {
    await rejectsWith(cacheConfig(`${attic.url}/nothing-here`, 'pub', null, signal()), (e) => {
      assert.equal(e.status, 404);
      assert.match(e.message, /base URL/);
    });
    const dead = await startAtticDouble({ caches: {} });
    await dead.stop();
    await rejectsWith(cacheConfig(dead.url, 'pub', null, signal(), { attempts: 1 }), (e) => {
      assert.equal(e.status, 0);
      assert.equal(e.transient, true);
    });
  });
});

describe('upload-path and get-missing-paths', () => {
  test('header form: uploads a closure, then nothing is missing; same NAR elsewhere deduplicates', async () => {
    const hashes = fx.topClosure.map((p) => hashPart(p.path));
    assert.deepEqual(await getMissingPaths(attic.url, 'pub', 'rw', hashes, signal()), new Set(hashes));
    for (const info of fx.topClosure) {
      const json = JSON.stringify(uploadInfo('pub', info));
      assert.equal(needsPreamble(json), false);
      const result = await uploadPath(attic.url, 'pub', 'rw', info, dumpNar(info.path), signal());
      assert.equal(result.kind, 'Uploaded');
      assert.ok((result.fileSize ?? 0) > 0);
    }
    assert.deepEqual(await getMissingPaths(attic.url, 'pub', 'rw', hashes, signal()), new Set());
    const uploads = attic.uploads.filter((u) => u.cache === 'pub');
    assert.deepEqual(
      uploads.map((u) => [u.storePath, u.form, u.received]),
      fx.topClosure.map((p) => [p.path, 'header', p.narSize]),
    );
    // attic's client sends references as base names; the server prefixes the store dir.
    const stored = attic.stored('pub').get(hashPart(fx.top.path));
    assert.deepEqual(stored?.references, [fx.dep.path.slice('/nix/store/'.length)]);
    assert.ok(stored?.narHash.equals(fx.top.narHash));

    const again = await uploadPath(attic.url, 'other', 'rw', fx.top, dumpNar(fx.top.path), signal());
    assert.equal(again.kind, 'Deduplicated');
  });

  test('preamble form from 4096 bytes of info JSON, with a real path whose references make it large', async () => {
    assert.equal(NAR_INFO_PREAMBLE_THRESHOLD, 4096);
    assert.equal(needsPreamble('x'.repeat(4095)), false);
    assert.equal(needsPreamble('x'.repeat(4096)), true);
    const json = JSON.stringify(uploadInfo('priv', fx.big));
    assert.ok(Buffer.byteLength(json) >= 4096, `info JSON is only ${json.length} bytes`);

    for (const info of fx.bigClosure) await uploadPath(attic.url, 'priv', 'rw', info, dumpNar(info.path), signal());
    const record = attic.uploads.find((u) => u.storePath === fx.big.path);
    assert.equal(record?.form, 'preamble');
    assert.equal(record?.received, fx.big.narSize);
    assert.equal(attic.stored('priv').get(hashPart(fx.big.path))?.references.length, fx.big.references.length);

    // The small ones went in the header; forcing the preamble works for them too.
    assert.equal(attic.uploads.find((u) => u.storePath === fx.bigClosure[0]?.path)?.form, 'header');
    await uploadPath(attic.url, 'priv', 'rw', fx.dep, dumpNar(fx.dep.path), signal(), { forcePreamble: true });
    assert.equal(attic.uploads.at(-1)?.form, 'preamble');
  });

  test('a NAR that does not match its hash or size is cut off before its end (the server never stores it), naming the path', async () => {
    const wrongSize: PathInfo = { ...fx.dep, narSize: fx.dep.narSize + 8 };
    await rejectsWith(uploadPath(attic.url, 'pub', 'rw', wrongSize, dumpNar(fx.dep.path), signal()), (e) => {
      assert.equal(e.transient, false);
      assert.ok(e.message.includes(fx.dep.path), e.message);
      assert.match(e.message, /from the Nix store failed: its NAR has \d+ bytes, not the \d+ the store recorded.*--repair/);
    });
    const wrongHash: PathInfo = { ...fx.dep, narHash: Sha256.fromBytes(Buffer.alloc(32, 7)) };
    const uploads = attic.uploads.length;
    await rejectsWith(uploadPath(attic.url, 'other', 'rw', wrongHash, dumpNar(fx.dep.path), signal()), (e) => assert.match(e.message, /does not match the hash the store recorded/));
    assert.equal(attic.stored('other').has(hashPart(fx.dep.path)), false);
    assert.ok(attic.uploads.slice(uploads).every((u) => u.received < fx.dep.narSize), 'the body was cut off before its end');

    // Changed in flight: what left here was verified, so the server's "Bad NAR Hash" blames the way, not the store.
    // A request cut off above can reach the server after the client gave up on it: let it land
    // first, so the fault is not spent on it.
    await sleep(300);
    attic.faults.corruptNext(1);
    await rejectsWith(uploadPath(attic.url, 'other', 'rw', fx.dep, dumpNar(fx.dep.path), signal()), (e) => {
      assert.equal(e.status, 400);
      assert.ok(e.message.includes(fx.dep.path), e.message);
      assert.match(e.message, /a proxy in front of attic likely altered or cut short/);
      assert.doesNotMatch(e.message, /corrupt/);
    });
    assert.equal(attic.stored('other').has(hashPart(fx.dep.path)), false);
  });

  test('tokens: pull-only → 403 "push" permission; invalid token on a private cache → 401', async () => {
    const hashes = [hashPart(fx.dep.path)];
    await rejectsWith(getMissingPaths(attic.url, 'priv', 'ro', hashes, signal()), (e) => {
      assert.equal(e.status, 403);
      assert.match(e.message, /lacks "push" permission/);
    });
    await rejectsWith(uploadPath(attic.url, 'priv', 'ro', fx.dep, dumpNar(fx.dep.path), signal()), (e) => assert.equal(e.status, 403));
    await rejectsWith(uploadPath(attic.url, 'priv', 'bogus', fx.top, dumpNar(fx.top.path), signal()), (e) => {
      assert.equal(e.status, 401);
      assert.match(e.message, /lacks "push" permission/);
    });
    // Anonymous push to a public cache: pull is implied, push is not → 403.
    await rejectsWith(getMissingPaths(attic.url, 'pub', null, hashes, signal()), (e) => assert.equal(e.status, 403));
  });

  test('a missing cache and a transient server error', async () => {
    await rejectsWith(getMissingPaths(attic.url, 'ghost', 'rw', [hashPart(fx.dep.path)], signal()), (e) => assert.match(e.message, /does not exist/));
    attic.faults.failNext(1, 503);
    await rejectsWith(getMissingPaths(attic.url, 'pub', 'rw', [hashPart(fx.dep.path)], signal()), (e) => {
      assert.equal(e.status, 503);
      assert.equal(e.transient, true);
    });
  });

  test('get-missing-paths goes in batches', async () => {
    const fake = Array.from({ length: 2500 }, (_, i) => toNix32(createHash('sha256').update(String(i)).digest().subarray(0, 20)));
    const before = attic.requests.length;
    const missing = await getMissingPaths(attic.url, 'pub', 'rw', [...fake, hashPart(fx.dep.path)], signal());
    assert.equal(missing.size, 2500);
    assert.equal(missing.has(hashPart(fx.dep.path)), false);
    assert.equal(attic.requests.slice(before).filter((r) => r.path === '/_api/v1/get-missing-paths').length, 3);
  });
});

describe('a proxy with a body limit', () => {
  test('413 is explained as a proxy limit and is not retried', async () => {
    const limited = await startAtticDouble({ caches: { c: { public: true } }, tokens: { t: { pull: ['c'], push: ['c'] } }, maxBodyBytes: 1024 });
    try {
      assert.ok(fx.top.narSize > 1024);
      await rejectsWith(uploadPath(limited.url, 'c', 't', fx.top, dumpNar(fx.top.path), signal()), (e) => {
        assert.equal(e.status, 413);
        assert.equal(e.transient, false);
        assert.match(e.message, /proxy in front of attic limits request body size/);
        assert.ok(e.message.includes(fx.top.path));
      });
      assert.equal(limited.stored('c').size, 0);
    } finally {
      await limited.stop();
    }
  });
});

describe('streaming', () => {
  test('a store path that cannot be dumped fails without retry, naming the path', async () => {
    const gone = { ...fx.dep, path: '/nix/store/00000000000000000000000000000000-attic-gone' };
    await rejectsWith(uploadPath(attic.url, 'pub', 'rw', gone, dumpNar(gone.path), signal()), (e) => {
      assert.equal(e.transient, false);
      assert.match(e.message, /reading \/nix\/store\/0{32}-attic-gone from the Nix store failed/);
    });
  });

  test('a large NAR is streamed, not held in memory', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // A server that drains the body and answers like attic.
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"kind":"Uploaded","file_size":1,"frac_deduplicated":null}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const size = 512 * 1024 * 1024;
    const chunk = Buffer.alloc(1 << 20, 1);
    const hash = createHash('sha256');
    for (let i = 0; i < size; i += chunk.length) hash.update(chunk);
    const narHash = Sha256.fromBytes(hash.digest());
    let produced = 0;
    const nar = new Readable({
      read() {
        if (produced >= size) return void this.push(null);
        produced += 1 << 20;
        this.push(Buffer.alloc(1 << 20, 1));
      },
    });
    let peak = 0;
    const sampler = setInterval(() => {
      gc();
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }, 50);
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const result = await uploadPath(url, 'c', 't', { ...fx.dep, narSize: size, narHash }, nar, signal());
      assert.equal(result.kind, 'Uploaded');
      assert.equal(produced, size);
    } finally {
      clearInterval(sampler);
      server.close();
    }
    assert.ok(peak < 128 * 1024 * 1024, `peak buffer memory ${Math.round(peak / 2 ** 20)} MiB while streaming 512 MiB`);
  });
});
