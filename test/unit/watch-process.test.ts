// The uploader process's own bounds, without Nix: it exits when asked (SIGTERM), when the runner
// process that started the job is gone, and never echoes a secret input into its log.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../../src/watch.ts', import.meta.url));
// A real ed25519 secret key in Nix's form: name:base64(seed ‖ public key).
const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
const SECRET = `k1:${Buffer.concat([Buffer.from(jwk.d ?? '', 'base64url'), Buffer.from(jwk.x ?? '', 'base64url')]).toString('base64')}`;

function start(parentPid: number) {
  const dir = mkdtempSync(join(tmpdir(), 'watch-proc-'));
  const store = join(dir, 'store');
  mkdirSync(store);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ storeDir: store, snapshotAt: Date.now(), parentPid, maxLifetimeMs: 60_000, idleMs: 100, maxBatchMs: 500, rescanMs: 60_000, stopGraceMs: 1_000 }));
  const child = spawn(process.execPath, [ENTRY, dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, 'INPUT_PUSH-TO': `file://${dir}/cache`, 'INPUT_SIGNING-KEY': SECRET },
  });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { dir, child, exited, log: () => log, dispose: () => (child.kill('SIGKILL'), rmSync(dir, { recursive: true, force: true })) };
}
async function ready(dir: string): Promise<void> {
  for (let i = 0; i < 200 && !existsSync(join(dir, 'ready')); i++) await sleep(25);
  assert.ok(existsSync(join(dir, 'ready')), 'uploader never became ready');
}

test('SIGTERM: a clean exit with the exited marker; no secret in its output', async () => {
  const w = start(process.pid);
  try {
    await ready(w.dir);
    w.child.kill('SIGTERM');
    assert.equal(await w.exited, 0, w.log());
    assert.match(readFileSync(join(w.dir, 'exited'), 'utf8'), /stopped by the post step/);
    assert.ok(!existsSync(join(w.dir, 'error')));
    assert.ok(!w.log().includes(SECRET.slice(3, 30)), w.log());
    assert.ok(!w.log().includes('add-mask'), w.log());
  } finally {
    w.dispose();
  }
});

test('the runner process going away ends it', async () => {
  const parent = spawn('sleep', ['60']);
  const w = start(parent.pid ?? 0);
  try {
    await ready(w.dir);
    parent.kill('SIGKILL');
    const code = await Promise.race([w.exited, sleep(6_000).then(() => 'still running')]);
    assert.equal(code, 0, w.log());
    assert.match(readFileSync(join(w.dir, 'exited'), 'utf8'), /runner process \d+ is gone/);
  } finally {
    parent.kill('SIGKILL');
    w.dispose();
  }
});

test('in a container (parent pid 0 or 1) the uploader watches its work dir instead of the parent', async () => {
  const { alive } = await import('../../src/watch/run.ts');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const dir = mkdtempSync(`${(await import('node:os')).tmpdir()}/watch-alive-`);
  assert.equal(alive(0, dir), true);
  rmSync(dir, { recursive: true });
  assert.equal(alive(0, dir), false, 'kill(0) tests our own process group: always alive');
  assert.equal(alive(1, dir), false);
  assert.equal(alive(process.pid, dir), true);
});
