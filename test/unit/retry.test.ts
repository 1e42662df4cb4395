// The retry policy every cache call follows (the cachix client's): its shape with the waits
// recorded instead of slept, Retry-After in its three forms, and what is not retried.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { http, HttpError, isTransient, request, rawHttpError, withRetry } from '../../src/http.ts';
import { HTTP_RETRY_POLICY, retryAfterMs, scaled, testTimeScale } from '../../src/retry.ts';

/** Runs withRetry against `fail` with the waits recorded; returns them and the attempts made. */
async function recordRun(fail: (attempt: number) => unknown, random = () => 0.999, attempts?: number): Promise<{ waits: number[]; tries: number; error: unknown }> {
  const waits: number[] = [];
  let tries = 0;
  let error: unknown = null;
  await withRetry(
    async (attempt) => {
      tries = attempt;
      throw fail(attempt);
    },
    { signal: AbortSignal.timeout(10_000), random, sleep: async (ms) => void waits.push(ms), ...(attempts ? { attempts } : {}) },
  ).catch((e: unknown) => (error = e));
  return { waits, tries, error };
}

test('exponential full-jitter backoff from 1 s, each wait capped at 15 s, until 90 s of waiting', async () => {
  const { waits, tries } = await recordRun(() => new HttpError(503, 'http://x/', ''));
  // With the jitter at its top: 1, 2, 4, 8 s, then 15 s waits while the total stays within 90 s.
  assert.deepEqual(waits, [999, 1998, 3996, 7992, 14985, 14985, 14985, 14985, 14985]);
  assert.ok(waits.reduce((a, b) => a + b, 0) <= HTTP_RETRY_POLICY.totalDelayMs);
  assert.equal(tries, waits.length + 1);
  // Full jitter: a wait is a random share of the step.
  assert.deepEqual((await recordRun(() => new HttpError(503, 'http://x/', ''), () => 0.5, 4)).waits, [500, 1000, 2000]);
});

test('Retry-After replaces the backoff wait, clamped to 120 s; 4xx is not retried, 429 and 499 are', async () => {
  const hinted = await recordRun((n) => new HttpError(n < 3 ? 429 : 400, 'http://x/', '', n === 1 ? 7_000 : 500_000));
  assert.deepEqual(hinted.waits, [7_000, 500_000]);
  assert.equal(hinted.tries, 3);
  assert.equal(retryAfterMs('500', null, ''), 120_000);
  assert.equal((await recordRun(() => new HttpError(404, 'http://x/', ''))).tries, 1);
  assert.equal(isTransient(new HttpError(499, 'http://x/', '')), true);
  assert.equal(isTransient(new HttpError(411, 'http://x/', '')), false);
  // Wrapped (a PushError whose cause is the HttpError) still counts.
  assert.deepEqual((await recordRun(() => new Error('wrapped', { cause: new HttpError(503, 'http://x/', '', 3_000) }), undefined, 2)).waits, []);
});

test('Retry-After forms: seconds, an HTTP date, a problem+json retry_after; none, past or junk give no hint', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(retryAfterMs('30', null, '', now), 30_000);
  assert.equal(retryAfterMs('Thu, 01 Jan 2026 00:00:12 GMT', null, '', now), 12_000);
  assert.equal(retryAfterMs(null, 'application/problem+json', '{"status":503,"retry_after":9}', now), 9_000);
  assert.equal(retryAfterMs(null, 'application/json; charset=utf-8', '{"retry_after":4}', now), 4_000);
  assert.equal(retryAfterMs(null, 'text/html', '{"retry_after":4}', now), null);
  assert.equal(retryAfterMs('Wed, 31 Dec 2025 23:00:00 GMT', null, '', now), null);
  assert.equal(retryAfterMs('0', null, '', now), null);
  assert.equal(retryAfterMs('soon', null, '', now), null);
});

test('the step budget ends a retry loop at once, with the failure it was retrying', async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('budget')), 50);
  const started = Date.now();
  await assert.rejects(withRetry(() => Promise.reject(new HttpError(503, 'http://x/', 'down', 60_000)), { signal: controller.signal }), /HTTP 503 .*down/);
  assert.ok(Date.now() - started < 5_000);
});

test('end-to-end tests may shrink the waits (never lengthen them), keeping the shape', () => {
  assert.equal(testTimeScale({ NIX_SUBSTITUTE_ACTION_TEST_RETRY_SCALE: '0.01' }), 0.01);
  for (const v of [undefined, '0', '-1', '2', 'fast']) assert.equal(testTimeScale({ NIX_SUBSTITUTE_ACTION_TEST_RETRY_SCALE: v }), 1);
  assert.deepEqual(scaled(HTTP_RETRY_POLICY, 0.01), { baseMs: 10, capMs: 150, totalDelayMs: 900, maxRetryAfterMs: 1200 });
});

test('both HTTP paths carry the Retry-After of a real answer; http() has no timeout unless asked', async () => {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(503, { 'retry-after': '3', 'content-type': 'text/plain' }).end('busy');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
  try {
    await assert.rejects(http(url, { signal: AbortSignal.timeout(5_000) }), (e: unknown) => e instanceof HttpError && e.retryAfterMs === 3_000);
    const raw = await request(url, { method: 'HEAD', signal: AbortSignal.timeout(5_000) });
    assert.equal(rawHttpError(url, raw).retryAfterMs, 3_000);
  } finally {
    server.close();
  }
});
