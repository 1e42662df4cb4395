// What AtticTarget uploads to the attic double, a real cold Nix store substitutes: signed with the
// cache's key (trusted → substituted, untrusted → refused), private caches through a netrc.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { run } from '../../src/nix/command.ts';
import { AtticTarget } from '../../src/push/attic.ts';
import type { PushContext } from '../../src/push/target.ts';
import { startAtticDouble, type AtticDouble } from '../doubles/attic.ts';
import { removeStoreDir } from '../harness/nix.ts';
import { buildFixture, type Fixture } from '../unit/attic-nix.fixture.ts';

const ctx = (): PushContext => ({ signal: AbortSignal.timeout(60_000), log: { info() {}, warning() {}, debug() {} } });

let fx: Fixture;
let attic: AtticDouble;
const temps: string[] = [];

async function temp(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** Realises `path` into a fresh chroot store from `substituter` only; returns nix-store's exit code and output. */
async function coldRealise(path: string, substituter: string, key: string, extra: string[] = []) {
  const store = await temp('attic-cold-');
  // Nix keeps narinfos per substituter URL in ~/.cache/nix; a fresh cache dir keeps runs independent.
  const env = { ...process.env, XDG_CACHE_HOME: await temp('attic-xdg-') };
  const result = await run(
    'nix-store',
    ['--store', store, '-r', path, '--option', 'substituters', substituter, '--option', 'trusted-public-keys', key, '--option', 'narinfo-cache-negative-ttl', '0', '--option', 'narinfo-cache-positive-ttl', '0', ...extra],
    { allowFailure: true, env },
  );
  const valid = await run('nix-store', ['--store', store, '--check-validity', path], { allowFailure: true });
  return { ...result, valid: valid.code === 0 };
}

before(async () => {
  fx = await buildFixture();
  attic = await startAtticDouble({
    caches: { pub: { public: true }, priv: { public: false } },
    tokens: { ci: { pull: ['pub', 'priv'], push: ['pub', 'priv'] } },
  });
  for (const cache of ['pub', 'priv']) {
    const target = new AtticTarget({ endpoint: attic.url, cache, token: 'ci' });
    const closure = [...fx.topClosure, ...fx.bigClosure];
    const missing = await target.missing(closure, ctx());
    for (const p of closure) if (missing.has(p.path)) await target.upload(p, ctx());
  }
});

after(async () => {
  await attic.stop();
  for (const dir of temps) removeStoreDir(dir);
});

test('a cold store substitutes the whole closure from a public cache with its key, building nothing', async () => {
  for (const root of [fx.top, fx.big]) {
    const r = await coldRealise(root.path, `${attic.url}/pub`, attic.publicKey('pub'));
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.valid, `${root.path} is not valid in the cold store`);
    assert.doesNotMatch(r.stderr, /building/);
  }
  assert.ok(attic.requests.some((r) => r.path === `/pub/nar/${fx.dep.path.slice(11, 43)}.nar` && r.status === 200));
});

test('with a key that is not the cache key, Nix refuses the paths', async () => {
  const r = await coldRealise(fx.top.path, `${attic.url}/pub`, attic.publicKey('priv'));
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /not signed by any of the keys/);
  assert.equal(r.valid, false);
});

test('a private cache is read with the token as the netrc password, and refused without it', async () => {
  const denied = await coldRealise(fx.top.path, `${attic.url}/priv`, attic.publicKey('priv'), ['--option', 'netrc-file', '/dev/null']);
  assert.notEqual(denied.code, 0);
  assert.equal(attic.requests.filter((r) => r.path.startsWith('/priv/') && r.status === 401).length > 0, true);
  assert.equal(denied.valid, false);
  const netrc = join(await temp('attic-netrc-'), 'netrc');
  await writeFile(netrc, `machine 127.0.0.1\npassword ci\n`, { mode: 0o600 });
  const ok = await coldRealise(fx.top.path, `${attic.url}/priv`, attic.publicKey('priv'), ['--option', 'netrc-file', netrc]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(ok.valid);

});
