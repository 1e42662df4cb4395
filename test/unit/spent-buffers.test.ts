// Spent stream chunks are collected as they are read, not when V8's external-memory trigger fires
// (64 MB later). Measured in fresh processes: the flag that exposes gc must not leak into the runner.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

const MODULE = pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'nix', 'spent-buffers.ts')).href;

/** Reads 300 MiB as 1 MiB chunks (4 in flight, like a stream); returns the most external memory held, in MiB. */
function peakMiB(collect: boolean): number {
  const script = `
    const { noteStreamed } = await import(${JSON.stringify(MODULE)});
    let peak = 0;
    const inFlight = [];
    for (let i = 0; i < 300; i++) {
      const chunk = Buffer.allocUnsafe(1 << 20);
      chunk[0] = i;
      inFlight.push(chunk);
      if (inFlight.length > 4) inFlight.shift();
      if (${collect}) noteStreamed(chunk.length);
      await new Promise((resolve) => setImmediate(resolve));
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }
    console.log(peak / 2 ** 20);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

test('noteStreamed keeps spent chunks to about one collection interval', () => {
  const without = peakMiB(false);
  const withCollection = peakMiB(true);
  // Without it V8 waits for its 64 MB external-memory trigger; with it, one interval (32 MiB) plus what is in flight.
  assert.ok(without > 64, `control: expected V8 to hold > 64 MiB of spent chunks, held ${without.toFixed(0)} MiB`);
  assert.ok(withCollection < 48, `held ${withCollection.toFixed(0)} MiB of chunks with collection`);
});
