// How the attic backend behaves like attic's client against a strict double (a server behind
// cloudflared): exact Content-Length, the server's own endpoints (warned about when they differ
// from attic-endpoint), attic's error kinds explained, 499 and Retry-After, 5 uploads at once.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, test } from 'node:test';
import { AtticApiError, uploadPath } from '../../src/caches/attic-api.ts';
import type { Settings } from '../../src/config.ts';
import { resolveCaches } from '../../src/configure/caches.ts';
import type { Logger } from '../../src/log.ts';
import { parsePublicKey } from '../../src/nix/keys.ts';
import { dumpNar } from '../../src/nix/nar.ts';
import { hashPart } from '../../src/nix/path-info.ts';
import { AtticTarget } from '../../src/push/attic.ts';
import type { PushContext } from '../../src/push/target.ts';
import { pushToTarget } from '../../src/push/uploader.ts';
import { startAtticDouble, type AtticDouble } from '../doubles/attic.ts';
import { buildFixture, type Fixture } from './attic-nix.fixture.ts';

function context(): PushContext & { lines: string[] } {
  const lines: string[] = [];
  const log: Logger = { info: (m) => lines.push(`info: ${m}`), warning: (m) => lines.push(`warning: ${m}`), debug: (m) => lines.push(`debug: ${m}`) };
  return { signal: AbortSignal.timeout(60_000), log, lines };
}
const TOKENS = { rw: { pull: ['*'], push: ['*'] } };
let fx: Fixture;
let attic: AtticDouble;

before(async () => {
  fx = await buildFixture('attic-behaviour');
  attic = await startAtticDouble({ caches: { ci: { public: true }, jobs: { public: true } }, tokens: TOKENS });
});
after(async () => {
  await attic.stop();
});

test('the double refuses a chunked body (411) like cloudflared; uploads carry an exact Content-Length', async () => {
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpRequest(`${attic.url}/_api/v1/upload-path`, { method: 'PUT', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end('x');
  });
  assert.equal(status, 411);
  // Both forms of the info: a 4 KiB+ preamble counts in the length too.
  for (const info of [fx.dep, fx.big]) await uploadPath(attic.url, 'ci', 'rw', info, dumpNar(info.path), context().signal);
  assert.ok(attic.stored('ci').has(hashPart(fx.big.path)));
});

test("attic's error kinds and a proxy's 411 are explained plainly; 499 and 503 are retried, honouring Retry-After", async () => {
  const waits: number[] = [];
  const target = new AtticTarget({ endpoint: attic.url, cache: 'ci', token: 'rw', timing: { sleep: async (ms) => void waits.push(ms), random: () => 0.5 } });
  const ctx = context();
  await target.upstreamKeyNames(ctx);
  attic.faults.failNext(1, 400, { kind: 'RequestError', message: 'General request error: Bad chunk hash or size' });
  attic.faults.corruptNext(0);
  await target.upload(fx.top, ctx);
  attic.faults.failNext(2, 503, { retryAfter: '4' });
  await target.upload(fx.top, ctx);
  attic.faults.failNext(1, 499);
  await target.upload(fx.top, ctx);
  // The chunk error (a body changed on its way) retried after 0.5 s, the 503s as asked, the 499 after 0.5 s.
  assert.deepEqual(waits, [500, 4_000, 4_000, 500]);
  assert.ok(ctx.lines.some((l) => /altered or cut short/.test(l) && /chunks the server split it into/.test(l)), ctx.lines.join('\n'));

  attic.faults.failNext(1, 411);
  await assert.rejects(uploadPath(attic.url, 'ci', 'rw', fx.dep, dumpNar(fx.dep.path), ctx.signal), (e: unknown) => e instanceof AtticApiError && /411 Length Required — a proxy/.test(e.message) && !e.transient);
  attic.faults.failNext(1, 503, { kind: 'IncompleteNar', message: 'The requested NAR has missing chunks and needs to be repaired.' });
  await assert.rejects(uploadPath(attic.url, 'ci', 'rw', fx.dep, dumpNar(fx.dep.path), ctx.signal), (e: unknown) => e instanceof AtticApiError && /incomplete NAR/.test(e.message) && e.transient);
});

test('five uploads at once, as `attic push`, unless jobs says otherwise', async () => {
  const refs = fx.bigClosure.filter((p) => p.path !== fx.big.path);
  assert.ok(refs.length >= 10);
  const target = new AtticTarget({ endpoint: attic.url, cache: 'jobs', token: 'rw' });
  const report = await pushToTarget(target, refs, { jobs: null, ctx: context() });
  assert.equal(report.error, null);
  assert.equal(report.uploaded, refs.length);
  assert.equal(attic.maxConcurrentUploads(), 5);
});

test('endpoints the server advertises on another host are followed with a warning; a given key still follows substituter_endpoint', async () => {
  const api = await startAtticDouble({ caches: { ci: { public: true } }, tokens: TOKENS });
  const front = await startAtticDouble({ caches: { ci: { public: true } }, tokens: TOKENS, apiEndpoint: `${api.url}/` });
  try {
    const ctx = context();
    const target = new AtticTarget({ endpoint: front.url, cache: 'ci', token: 'rw' });
    await target.missing([fx.dep], ctx);
    assert.ok(ctx.lines.some((l) => l.startsWith('warning: attic:ci: the server advertises api_endpoint') && l.includes(new URL(api.url).host)), ctx.lines.join('\n'));

    const base = { substituters: [], trustedPublicKeys: [], cachix: null } as unknown as Settings;
    const attic = { endpoint: front.url, cache: 'ci', token: null, publicKey: parsePublicKey(front.publicKey('ci')) };
    const resolved = await resolveCaches({ ...base, attic });
    assert.deepEqual(resolved.sources[0]?.urls, [`${api.url}/ci`]);
    assert.equal(resolved.sources[0]?.keys[0]?.text, front.publicKey('ci'), 'the given key is kept');
    assert.equal(resolved.sources[0]?.warnings?.length, 1, 'one warning: the substituter_endpoint host');
  } finally {
    await Promise.all([api.stop(), front.stop()]);
  }
});
