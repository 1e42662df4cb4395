// A consumer whose substituter accepts connections and never answers (a hung cache, a black-holed
// proxy) falls back to building within the bound README states, with the settings the action
// writes. Real Nix against a TCP server that never answers; without those settings Nix waits
// 5 × 300 s per file.
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { HUNG_CACHE_BOUND_SECONDS } from '../../src/configure/nix-conf.ts';
import { buildFixture, coldStore, generateKey } from '../harness/nix.ts';
import { Job } from '../harness/runner.ts';

// The fallback is a build into the cold consumer's chroot store, which only the host suite (root,
// Nix 2.8) can do (test/e2e/harness.test.ts says why); the settings are the same on every version.
const chrootBuilds = process.getuid?.() === 0 && !process.env.NIX_MATRIX_MODE ? false : 'building into a chroot store: host suite (root, Nix 2.8) only';

test(`a hung substituter costs at most ${HUNG_CACHE_BOUND_SECONDS} s before the consumer builds`, { skip: chrootBuilds }, async () => {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((s) => {
    connections++;
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const key = await generateKey('hung-cache-1');
  const fixture = await buildFixture({ name: 'hung', build: false });
  const job = new Job({ inputs: { substituters: url, 'trusted-public-keys': key.publicKey } });
  const consumer = coldStore();
  try {
    const main = await job.main();
    assert.equal(main.code, 0, main.stdout + main.stderr);
    const started = Date.now();
    // Margin for a loaded machine; without the settings this takes 25 minutes (and times out).
    const r = await consumer.build(fixture.nixFile, 'tool', { env: { NIX_CONFIG: main.exported.NIX_CONFIG ?? '' }, timeoutMs: (HUNG_CACHE_BOUND_SECONDS + 40) * 1000 });
    const seconds = (Date.now() - started) / 1000;
    assert.equal(r.timedOut, false, `still waiting after ${seconds} s`);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(connections > 0, 'the consumer never asked the hung cache');
    console.log(`hung cache: consumer built after ${seconds.toFixed(1)} s (${connections} connection(s) to the hung cache)`);
  } finally {
    consumer.dispose();
    job.dispose();
    for (const s of sockets) s.destroy();
    server.close();
  }
});
