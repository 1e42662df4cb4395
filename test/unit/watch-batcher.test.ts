// Batching of store changes: idle and maximum delays, one batch at a time, nothing lost between.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { Batcher } from '../../src/watch/batcher.ts';

function recorder(delayMs = 0) {
  const batches: Array<{ items: string[]; at: number }> = [];
  const started = Date.now();
  let inFlight = 0;
  let maxInFlight = 0;
  const flush = async (items: string[]) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    batches.push({ items: items.sort(), at: Date.now() - started });
    await sleep(delayMs);
    inFlight--;
  };
  return { batches, flush, maxInFlight: () => maxInFlight };
}

test('a burst becomes one batch after the idle delay; duplicates count once', async () => {
  const r = recorder();
  const b = new Batcher<string>({ idleMs: 60, maxMs: 1_000, flush: r.flush, onError: (e) => assert.fail(String(e)) });
  b.add(['a', 'b']);
  await sleep(20);
  b.add(['b', 'c']);
  await sleep(150);
  assert.deepEqual(r.batches.map((x) => x.items), [['a', 'b', 'c']]);
  assert.ok((r.batches[0]?.at ?? 0) >= 75, 'waited for quiet after the last item');
});

test('a steady trickle is cut at the maximum delay', async () => {
  const r = recorder();
  const b = new Batcher<string>({ idleMs: 80, maxMs: 200, flush: r.flush, onError: (e) => assert.fail(String(e)) });
  for (let i = 0; i < 12; i++) {
    b.add([`p${i}`]);
    await sleep(30);
  }
  await sleep(150);
  b.close();
  assert.ok(r.batches.length >= 2, `expected several batches, got ${r.batches.length}`);
  assert.ok((r.batches[0]?.at ?? 0) < 300, 'first batch went out at the maximum delay, not after the trickle');
  assert.equal(r.batches.flatMap((x) => x.items).length, 12, 'every item in exactly one batch');
});

test('items that arrive during a batch wait for it and go out next; close drops pending ones', async () => {
  const r = recorder(150);
  const b = new Batcher<string>({ idleMs: 20, maxMs: 100, flush: r.flush, onError: (e) => assert.fail(String(e)) });
  b.add(['a']);
  await sleep(50);
  assert.ok(b.busy, 'first batch in flight');
  b.add(['b']);
  await sleep(300);
  assert.deepEqual(r.batches.map((x) => x.items), [['a'], ['b']]);
  assert.equal(r.maxInFlight(), 1);
  b.add(['c']);
  b.close();
  await sleep(60);
  assert.equal(r.batches.length, 2);
});

test('a failing batch is reported', async () => {
  const errors: unknown[] = [];
  const b = new Batcher<string>({ idleMs: 10, maxMs: 50, flush: async () => Promise.reject(new Error('boom')), onError: (e) => errors.push(e) });
  b.add(['x']);
  await sleep(60);
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /boom/);
});
