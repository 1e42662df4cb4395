// Producer → Cachix double → a cold Nix consumer: what the client uploaded (token mode, self-signed
// mode, a private cache) is substituted by real Nix into an empty chroot store, and only with the
// cache's key.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CachixSettings } from '../../src/config.ts';
import { secretKeyFromBytes } from '../../src/nix/keys.ts';
import { CachixTarget } from '../../src/push/cachix.ts';
import type { PushContext } from '../../src/push/target.ts';
import { startCachixDouble, type CachixDouble } from '../doubles/cachix.ts';
import { buildFixture, coldSubstitute, removeStore, type Fixture } from '../unit/cachix-fixtures.ts';

let fx: Fixture;
let double: CachixDouble;
const stores: string[] = [];
const ctx = (): PushContext => ({ signal: AbortSignal.timeout(60_000), log: { info: () => undefined, warning: () => undefined, debug: () => undefined } });

async function push(name: string, over: Partial<CachixSettings> = {}): Promise<void> {
  const settings: CachixSettings = { name, authToken: 'w', signingKey: null, publicKey: null, apiUrl: double.apiUrl, pins: [], chunkSize: 5 * 1024 * 1024, ...over };
  const target = await CachixTarget.create(settings, ctx().signal);
  const missing = await target.missing(fx.closure, ctx());
  for (const p of fx.closure) if (missing.has(p.path)) await target.upload(p, ctx());
}

async function substitute(name: string, key: string, extra: string[] = []): Promise<{ code: number | null; stderr: string; store: string }> {
  const result = await coldSubstitute(fx.big.path, double.cacheUrl(name), key, extra);
  stores.push(result.store);
  return result;
}

function assertComplete(store: string): void {
  // The cold store holds the whole closure, with the same bytes as the producer's.
  assert.equal(readFileSync(join(store, fx.big.path, 'ref'), 'utf8').trim(), fx.small.path);
  assert.ok(readFileSync(join(store, fx.big.path, 'data')).equals(readFileSync(join(fx.big.path, 'data'))));
  assert.ok(existsSync(join(store, fx.small.path)));
}

before(async () => {
  fx = await buildFixture();
  double = await startCachixDouble({
    caches: { pub: { public: true }, self: { public: true, selfSigned: true }, priv: { public: false }, xz: { public: true, compression: 'XZ' } },
    tokens: { w: { read: [], write: ['pub', 'self', 'priv', 'xz'] }, r: { read: ['priv'], write: [] } },
  });
});
after(async () => {
  await double?.stop();
  for (const s of stores) await removeStore(s);
});

describe('a cold Nix consumer substitutes what the client pushed', () => {
  test('a cache that prefers xz: NARs go up as xz and Nix substitutes them', async () => {
    await push('xz');
    assert.ok(double.stored('xz').every((s) => s.compression === 'xz'));
    const ok = await substitute('xz', double.publicKey('xz'));
    assert.equal(ok.code, 0, ok.stderr);
    assertComplete(ok.store);
  });

  test('token mode: server-signed narinfos', async () => {
    await push('pub');
    const ok = await substitute('pub', double.publicKey('pub'));
    assert.equal(ok.code, 0, ok.stderr);
    assert.doesNotMatch(ok.stderr, /building/);
    assertComplete(ok.store);
  });

  test('with a wrong key Nix refuses', async () => {
    const wrong = await substitute('pub', double.publicKey('self'));
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /not signed by any of the keys/);
    assert.ok(!existsSync(join(wrong.store, fx.big.path)));
  });

  test('self-signed mode: the client signs with CACHIX_SIGNING_KEY', async () => {
    const key = secretKeyFromBytes('cachix', Buffer.from(double.signingKeyBase64('self'), 'base64'));
    await push('self', { signingKey: key });
    const ok = await substitute('self', double.publicKey('self'));
    assert.equal(ok.code, 0, ok.stderr);
    assertComplete(ok.store);
  });

  test('private cache: substitutes with the token as netrc password, not without', async () => {
    await push('priv');
    const denied = await substitute('priv', double.publicKey('priv'));
    // Refused (Nix's wording for it changes between releases): nothing of the closure arrived.
    assert.notEqual(denied.code, 0);
    assert.ok(!existsSync(join(denied.store, fx.big.path)) && !existsSync(join(denied.store, fx.small.path)));
    const dir = await mkdtemp(join(tmpdir(), 'cachix-netrc-'));
    try {
      const netrc = join(dir, 'netrc');
      await writeFile(netrc, 'machine 127.0.0.1 login cachix password r\n', { mode: 0o600 });
      const ok = await substitute('priv', double.publicKey('priv'), ['--option', 'netrc-file', netrc]);
      assert.equal(ok.code, 0, ok.stderr);
      assertComplete(ok.store);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
