// The native writer for http(s) binary caches against what real servers and proxies do: a body
// without Content-Length is refused (nginx here answers 411 to chunked bodies, as cloudflared
// does), and a 503's Retry-After is honoured.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { BinaryCacheTarget } from '../../src/push/binary-cache.ts';
import { SMALL_NAR } from '../../src/push/nar-stream.ts';
import type { PushContext } from '../../src/push/target.ts';
import { startNginx, type Nginx } from '../harness/nginx.ts';
import { buildFixture, type Fixture } from './cachix-fixtures.ts';

const ctx = (): PushContext => ({ signal: AbortSignal.timeout(60_000), log: { info: () => undefined, warning: () => undefined, debug: () => undefined } });
let fx: Fixture;
let nginx: Nginx;

before(async () => {
  fx = await buildFixture();
  nginx = await startNginx();
});
after(async () => {
  await nginx?.stop();
});

test('a streamed NAR goes up with its Content-Length, compressed or not (nginx refuses chunked bodies)', async () => {
  assert.ok(fx.big.narSize > SMALL_NAR, 'the NAR is streamed, not read whole');
  for (const compression of ['zstd', 'none'] as const) {
    const target = new BinaryCacheTarget(`${nginx.url}/${compression}`, { signingKey: null, compression });
    await target.upload(fx.big, ctx());
    assert.deepEqual(await target.missing([fx.big], ctx()), new Set());
  }
  const puts = (await nginx.requestsWhen((r) => r.filter((x) => x.method === 'PUT').length >= 6)).filter((r) => r.method === 'PUT');
  assert.ok(puts.every((r) => r.status === 201 || r.status === 204), puts.map((r) => `${r.path} ${r.status}`).join(', '));
  // Its 11 MB of random bytes do not shrink under zstd: sent as they are (test/unit/sized-nar.test.ts).
  assert.ok(puts.filter((r) => r.path.endsWith('.nar') && r.requestBytes > 10_000_000).length === 2, puts.map((r) => `${r.path} ${r.requestBytes}`).join(', '));
});

test("a 503 with Retry-After is waited out as the server asks", async () => {
  let calls = 0;
  const server = createServer((req, res) => {
    req.resume();
    if (calls++ === 0) res.writeHead(503, { 'retry-after': '6' }).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const waits: number[] = [];
    const target = new BinaryCacheTarget(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {
      signingKey: null,
      compression: 'zstd',
      timing: { sleep: async (ms) => void waits.push(ms) },
    });
    assert.deepEqual(await target.missing([fx.small], ctx()), new Set([fx.small.path]));
    assert.deepEqual(waits, [6_000]);
  } finally {
    server.close();
  }
});
