// AtticTarget (the PushTarget for attic) against the attic double, on real store paths.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AtticApiError, cacheConfig } from '../../src/caches/attic-api.ts';
import type { Logger } from '../../src/log.ts';
import { hashPart } from '../../src/nix/path-info.ts';
import { AtticTarget } from '../../src/push/attic.ts';
import type { PushContext } from '../../src/push/target.ts';
import { startAtticDouble, type AtticDouble } from '../doubles/attic.ts';
import { buildFixture, type Fixture } from './attic-nix.fixture.ts';

function context(signal: AbortSignal = AbortSignal.timeout(30_000)): PushContext & { lines: string[] } {
  const lines: string[] = [];
  const log: Logger = {
    info: (m) => lines.push(`info: ${m}`),
    warning: (m) => lines.push(`warning: ${m}`),
    debug: (m) => lines.push(`debug: ${m}`),
  };
  return { signal, log, lines };
}

const TOKENS = { rw: { pull: ['*'], push: ['*'] }, pushonly: { pull: [], push: ['ci'] } };
let fx: Fixture;
let attic: AtticDouble;

before(async () => {
  fx = await buildFixture();
  attic = await startAtticDouble({ caches: { ci: { public: false, upstreamKeyNames: ['cache.nixos.org-1', 'corp-1'] } }, tokens: TOKENS });
});
after(async () => {
  await attic.stop();
});

const configRequests = (d: AtticDouble) => d.requests.filter((r) => r.path.startsWith('/_api/v1/cache-config/')).length;

test('pushes a closure: label, upstream key names (looked up once), missing → upload → nothing missing', async () => {
  const ctx = context();
  const target = new AtticTarget({ endpoint: `${attic.url}/`, cache: 'ci', token: 'rw' });
  assert.equal(target.label, 'attic:ci');
  assert.deepEqual(await target.upstreamKeyNames(ctx), ['cache.nixos.org-1', 'corp-1']);
  const missing = await target.missing(fx.topClosure, ctx);
  assert.deepEqual(missing, new Set(fx.topClosure.map((p) => p.path)));
  for (const p of fx.topClosure) assert.deepEqual(await target.upload(p, ctx), { bytes: p.narSize });
  assert.deepEqual(await target.missing(fx.topClosure, ctx), new Set());
  assert.deepEqual(await target.missing([], ctx), new Set());
  assert.equal(configRequests(attic), 1);
  assert.deepEqual([...attic.stored('ci').keys()].sort(), fx.topClosure.map((p) => hashPart(p.path)).sort());
});

test('a config the caller already has skips the lookup', async () => {
  const config = await cacheConfig(attic.url, 'ci', 'rw', AbortSignal.timeout(10_000));
  const before = configRequests(attic);
  const target = new AtticTarget({ endpoint: attic.url, cache: 'ci', token: 'rw', config });
  assert.equal(target.publicKey?.text, attic.publicKey('ci'));
  assert.deepEqual(await target.upstreamKeyNames(context()), ['cache.nixos.org-1', 'corp-1']);
  await target.missing([fx.dep], context());
  assert.equal(configRequests(attic), before);
});

test('transient failures are retried; permission errors are not', async () => {
  const ctx = context();
  const target = new AtticTarget({ endpoint: attic.url, cache: 'ci', token: 'rw', attempts: 4 });
  await target.upstreamKeyNames(ctx);
  attic.faults.failNext(2, 503);
  await target.upload(fx.big, ctx);
  assert.equal(ctx.lines.filter((l) => l.includes('retrying')).length, 2);
  assert.ok(attic.stored('ci').has(hashPart(fx.big.path)));

  const denied = new AtticTarget({ endpoint: attic.url, cache: 'ci', token: 'expired-token', attempts: 4 });
  const before = attic.requests.length;
  const deniedCtx = context();
  await assert.rejects(denied.missing([fx.dep], deniedCtx), (e: unknown) => e instanceof AtticApiError && e.status === 401 && !e.transient);
  // One cache-config attempt, refused and not retried; nothing is pushed blind after it.
  assert.equal(attic.requests.length - before, 1);
});

test('a config that cannot be read stops the push (no pushing blind), saying a push token needs pull too', async () => {
  const ctx = context();
  const target = new AtticTarget({ endpoint: attic.url, cache: 'ci', token: 'pushonly' });
  const before = attic.requests.length;
  await assert.rejects(target.upstreamKeyNames(ctx), (e: unknown) => e instanceof AtticApiError && /nothing is pushed.*needs pull as well as push/.test(e.message) && !e.transient);
  await assert.rejects(target.missing([fx.dep], ctx), /nothing is pushed/);
  await assert.rejects(target.upload(fx.dep, ctx), /nothing is pushed/);
  // One config lookup (refused, not transient); no get-missing-paths, no upload.
  assert.deepEqual(attic.requests.slice(before).map((r) => r.path), ['/_api/v1/cache-config/ci']);
});

test('the step budget stops retries', async () => {
  const controller = new AbortController();
  const target = new AtticTarget({ endpoint: attic.url, cache: 'ci', token: 'rw', attempts: 50 });
  const ctx = context(controller.signal);
  await target.upstreamKeyNames(ctx);
  attic.faults.failNext(1000, 502);
  setTimeout(() => controller.abort(), 300);
  const started = Date.now();
  await assert.rejects(target.upload(fx.dep, ctx));
  assert.ok(Date.now() - started < 5_000);
  attic.faults.failNext(0);
});
