// narFor: a small NAR (read whole, compressed in one call) and a large one (streamed) both decode
// to exactly `nix-store --dump`, with a file hash/size that matches the bytes; a NAR that does not
// match its registered hash fails either way. And request(): many requests share a few keep-alive
// connections, and a refused connection is a transient network error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { zstdDecompressSync } from 'node:zlib';
import { isTransient, request } from '../../src/http.ts';
import { Sha256 } from '../../src/nix/hash.ts';
import type { PathInfo } from '../../src/nix/path-info.ts';
import { queryPathInfo } from '../../src/nix/store.ts';
import { BinaryCacheTarget } from '../../src/push/binary-cache.ts';
import { narFor, SMALL_NAR } from '../../src/push/nar-stream.ts';
import { freePort } from '../harness/nginx.ts';

async function bytes(body: AsyncIterable<Buffer> | Buffer): Promise<Buffer> {
  if (Buffer.isBuffer(body)) return body;
  const chunks: Buffer[] = [];
  // Copied: an uncompressed NAR's chunks live in reused buffers.
  for await (const c of body) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

test('small and streamed NARs decode to nix-store --dump; a wrong hash fails both', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nar-stream-'));
  const paths: string[] = [];
  try {
    // The large one spans several 1 MiB reads of different bytes: a buffer read into again before
    // zstd took it would show in the decoded NAR.
    for (const [name, size] of [['small', 1000], ['large', 3 * 1024 * 1024 + 13]] as const) {
      const text = Array.from({ length: size / 4 }, (_, i) => `${i}\n`).join('');
      writeFileSync(join(dir, name), Buffer.from(text).subarray(0, size));
      paths.push(spawnSync('nix-store', ['--add', join(dir, name)], { encoding: 'utf8' }).stdout.trim());
    }
    const infos = await queryPathInfo(paths, { closure: false });
    for (const info of infos) {
      const dump = spawnSync('nix-store', ['--dump', info.path], { maxBuffer: 64 * 1024 * 1024 }).stdout;
      for (const compression of ['zstd', 'none'] as const) {
        const nar = await narFor(info, compression);
        assert.equal(Buffer.isBuffer(nar.body), info.narSize <= SMALL_NAR, 'small NARs are whole, large ones streamed');
        const file = await bytes(nar.body);
        // equals, not deepEqual: a failing deepEqual of megabytes spends minutes on its diff.
        assert.ok((compression === 'zstd' ? zstdDecompressSync(file) : file).equals(dump), `${info.path} (${compression}) decodes to its NAR`);
        assert.equal(nar.file().size, file.length);
        assert.ok(nar.file().hash.equals(Sha256.fromBytes(createHash('sha256').update(file).digest())));
      }
      const wrong = { ...info, narHash: Sha256.fromBytes(Buffer.alloc(32)) };
      await assert.rejects(async () => bytes((await narFor(wrong, 'zstd')).body), /does not match its registered hash/);
    }
  } finally {
    spawnSync('nix-store', ['--delete', ...paths]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('request: keep-alive connections are reused; a refused connection is transient', async () => {
  let connections = 0;
  const server = createServer((req, res) => {
    req.resume();
    // As nginx does: a length on every answer, so the connection can carry the next request.
    req.on('end', () => (req.method === 'HEAD' ? res.writeHead(404, { 'content-length': '0' }).end() : res.writeHead(201, { 'content-length': '2' }).end('ok')));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const signal = new AbortController().signal;
  try {
    for (let i = 0; i < 20; i++) {
      assert.equal((await request(`${url}/${i}.narinfo`, { method: 'HEAD', signal, timeoutMs: 5000 })).status, 404);
      const { status, text } = await request(`${url}/${i}`, { method: 'PUT', body: Buffer.from('x'), signal, timeoutMs: 5000 });
      assert.deepEqual({ status, text }, { status: 201, text: 'ok' });
    }
    assert.equal(connections, 1);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  const port = await freePort();
  const refused = await request(`http://127.0.0.1:${port}/x`, { method: 'HEAD', signal, timeoutMs: 5000 }).catch((e: unknown) => e);
  assert.ok(refused instanceof Error && /ECONNREFUSED/.test(refused.message), String(refused));
  assert.ok(isTransient(refused));
});

test('a narinfo lookup follows a redirect (a cache that sends reads elsewhere)', async () => {
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/moved')) res.writeHead(302, { location: '/there.narinfo', 'content-length': '0' }).end();
    else res.writeHead(req.url === '/there.narinfo' ? 200 : 404, { 'content-length': '0' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const target = new BinaryCacheTarget(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, { signingKey: null, compression: 'zstd' });
  const info = (name: string) => ({ path: `/nix/store/${name.padEnd(32, '0')}-x` }) as PathInfo;
  const log = { info: () => undefined, warning: () => undefined, debug: () => undefined };
  try {
    const missing = await target.missing([info('moved'), info('absent')], { signal: new AbortController().signal, log });
    assert.deepEqual([...missing], [info('absent').path]);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
