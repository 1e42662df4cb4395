// writeInTurn: chunks from reused buffers (src/nix/nar.ts) are written one at a time, so a chunk
// is never overwritten by a later read while a sink still holds it queued.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeInTurn } from '../../src/write-in-turn.ts';

/** 200 chunks of 100 bytes, read into two buffers in turn, as readNarReusing hands them out. */
async function* reused(): AsyncGenerator<Buffer> {
  const buffers = [Buffer.alloc(100), Buffer.alloc(100)];
  for (let i = 0; i < 200; i++) {
    const into = buffers[i % 2] as Buffer;
    into.fill(i % 256);
    yield into;
  }
}

test('a slow sink that queues chunks gets every chunk as it was read', async () => {
  const seen: number[] = [];
  // A stream with room for many 100-byte chunks in its queue, each taken after a pause.
  const sink = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _enc, done) {
      void sleep(1).then(() => {
        seen.push(...new Set(chunk));
        done();
      });
    },
  });
  await writeInTurn(sink, reused());
  assert.deepEqual(seen, Array.from({ length: 200 }, (_, i) => i % 256));
});

test('a failed write stops the reading and rejects', async () => {
  let read = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for (const chunk of [Buffer.from('a'), Buffer.from('b'), Buffer.from('c'), Buffer.from('d')]) {
      read++;
      yield chunk;
    }
  }
  const sink = new Writable({ write: (_chunk, _enc, done) => done(new Error('refused')) });
  sink.on('error', () => undefined);
  await assert.rejects(writeInTurn(sink, counted()), /refused/);
  assert.ok(read <= 2, `read ${read} chunks after the first write failed`);
});
