// NARs for an HTTP binary cache, which needs each body's exact length before the body: a large
// compressible NAR is compressed once to measure and again while it is sent (no temporary file,
// nothing held), one zstd cannot shrink goes as it is (`Compression: none`), and an uncompressed
// NAR read into reused buffers reaches even a slow server byte for byte. Every case is substituted
// by a cold Nix store from nginx, so what lands in the cache is what Nix reads.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { zstdDecompressSync } from 'node:zlib';
import { parseSecretKey } from '../../src/nix/keys.ts';
import { hashPart, type PathInfo } from '../../src/nix/path-info.ts';
import { BinaryCacheTarget } from '../../src/push/binary-cache.ts';
import { KEPT_COMPRESSED, SMALL_NAR } from '../../src/push/nar-stream.ts';
import type { PushContext } from '../../src/push/target.ts';
import { startNginx, type Nginx } from '../harness/nginx.ts';
import { generateKey, SH_DERIVATION, type KeyPair } from '../harness/nix.ts';
import { coldSubstitute, pathInfos, removeStore } from './cachix-fixtures.ts';

const ctx = (): PushContext => ({ signal: AbortSignal.timeout(120_000), log: { info: () => undefined, warning: () => undefined, debug: () => undefined } });

// random: incompressible; hex of random bytes: compresses to about half, so its compressed NAR is
// larger than what is kept from the measuring pass; text: compresses to a few kilobytes.
const EXPR = `
let
  ${SH_DERIVATION}
in {
  random = mk "sized-nar-random" "head -c 9000000 /dev/urandom > $out";
  hex = mk "sized-nar-hex" "head -c 8000000 /dev/urandom | od -An -vtx1 > $out";
  text = mk "sized-nar-text" "seq 1 400000 > $out";
  tiny = mk "sized-nar-tiny" "head -c 2000 /dev/urandom > $out";
  files = mk "sized-nar-files" "mkdir $out; head -c 9000000 /dev/urandom | split -a 4 -b 1500 - $out/f";
}
`;

let nginx: Nginx;
let key: KeyPair;
let infos: Record<'random' | 'hex' | 'text' | 'tiny' | 'files', PathInfo>;

before(async () => {
  nginx = await startNginx();
  key = await generateKey('sized-nar-1');
  const dir = await mkdtemp(join(tmpdir(), 'sized-nar-'));
  try {
    await writeFile(join(dir, 'default.nix'), EXPR);
    const names = ['random', 'hex', 'text', 'tiny', 'files'] as const;
    const built = spawnSync('nix-build', ['--no-out-link', join(dir, 'default.nix'), ...names.flatMap((n) => ['-A', n])], { encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    const paths = built.stdout.trim().split('\n');
    const all = await pathInfos(paths);
    infos = Object.fromEntries(names.map((n, i) => [n, all.find((p) => p.path === paths[i]) as PathInfo])) as typeof infos;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
after(async () => {
  await nginx?.stop();
});

function dump(path: string): Buffer {
  return spawnSync('nix-store', ['--dump', path], { maxBuffer: 64 * 1024 * 1024 }).stdout;
}

async function narinfo(prefix: string, info: PathInfo): Promise<Record<string, string>> {
  const text = await readFile(join(nginx.root, prefix, `${hashPart(info.path)}.narinfo`), 'utf8');
  return Object.fromEntries(text.trim().split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
}

async function pushAndSubstitute(prefix: string, info: PathInfo, url = `${nginx.url}/${prefix}`): Promise<{ fields: Record<string, string>; file: Buffer }> {
  const target = new BinaryCacheTarget(url, { signingKey: parseSecretKey(key.secretKey), compression: 'zstd' });
  await target.upload(info, ctx());
  const fields = await narinfo(prefix, info);
  const file = await readFile(join(nginx.root, prefix, fields['URL'] ?? ''));
  assert.equal(file.length, Number(fields['FileSize']), 'FileSize is the stored size');
  const cold = await coldSubstitute(info.path, `${nginx.url}/${prefix}`, key.publicKey);
  try {
    assert.equal(cold.code, 0, `a cold store substitutes ${info.path}: ${cold.stderr}`);
  } finally {
    await removeStore(cold.store);
  }
  return { fields, file };
}

test('a large NAR zstd cannot shrink goes as it is: Compression none, its file hash its NAR hash', async () => {
  const info = infos.random;
  assert.ok(info.narSize > KEPT_COMPRESSED);
  const { fields, file } = await pushAndSubstitute('random', info);
  assert.equal(fields['Compression'], 'none');
  assert.match(fields['URL'] ?? '', /^nar\/[a-z0-9]+\.nar$/);
  assert.equal(fields['FileHash'], fields['NarHash']);
  assert.ok(file.equals(dump(info.path)));
  const put = nginx.requests().find((r) => r.method === 'PUT' && r.path.endsWith('.nar'));
  assert.ok(put && put.requestBytes >= info.narSize, 'sent with its length, not chunked (nginx answers 411 to chunked bodies)');
});

test('a large compressible NAR goes compressed, with the exact length measured by a first pass', async () => {
  const info = infos.hex;
  const { fields, file } = await pushAndSubstitute('hex', info);
  assert.equal(fields['Compression'], 'zstd');
  assert.ok(file.length > KEPT_COMPRESSED && file.length < info.narSize / 1.5, `compressed to ${file.length} of ${info.narSize} bytes`);
  assert.ok(zstdDecompressSync(file).equals(dump(info.path)));
});

test('a NAR that compresses to little is sent from the measuring pass', async () => {
  const info = infos.text;
  assert.ok(info.narSize > SMALL_NAR);
  const { fields, file } = await pushAndSubstitute('text', info);
  assert.equal(fields['Compression'], 'zstd');
  assert.ok(file.length < KEPT_COMPRESSED);
  assert.ok(zstdDecompressSync(file).equals(dump(info.path)));
});

test('a small NAR zstd cannot shrink goes as it is too', async () => {
  const info = infos.tiny;
  assert.ok(info.narSize <= SMALL_NAR);
  const { fields, file } = await pushAndSubstitute('tiny', info);
  assert.equal(fields['Compression'], 'none');
  assert.ok(file.equals(dump(info.path)));
});

test('an uncompressed NAR in reused buffers reaches a slow server byte for byte', async () => {
  // The server stops reading for a while: a sender that queued chunks instead of writing them in
  // turn would send bytes the next read had already overwritten. Files smaller than a stream's
  // buffer are the chunks a queue holds several of.
  const bodies = new Map<string, Buffer>();
  const server = createServer((req, res) => {
    if (req.method === 'HEAD') return void res.writeHead(404).end();
    const chunks: Buffer[] = [];
    // Not read for a while: the socket's buffers fill up and the sender has to hold chunks back.
    req.once('data', () => {
      req.pause();
      void sleep(300).then(() => req.resume());
    });
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.set(req.url ?? '', Buffer.concat(chunks));
      res.writeHead(201).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const target = new BinaryCacheTarget(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`, { signingKey: null, compression: 'none' });
    for (const info of [infos.random, infos.files]) {
      await target.upload(info, ctx());
      const nar = [...bodies].find(([url]) => url.endsWith('.nar'))?.[1];
      assert.ok(nar?.equals(dump(info.path)), `the stored NAR of ${info.path} is its NAR`);
      bodies.clear();
    }
  } finally {
    server.close();
  }
});
