// A Nix whose store is not /nix/store (NIX_STORE_DIR): the post step finds the job's new paths in
// the directory Nix reports and pushes them to a cache that says so in nix-cache-info, which that
// Nix then reads. A local store in a temp dir, so any user can run it.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { startNginx } from '../harness/nginx.ts';
import { buildFixture, generateKey, removeStoreDir } from '../harness/nix.ts';
import { runProcess } from '../harness/process.ts';
import { Job } from '../harness/runner.ts';

/**
 * Where a test store may live: Nix 2.34 building as root refuses a store below a world-writable
 * directory such as /tmp, and its build users must be able to walk to it.
 */
function storeBase(): string {
  if (process.getuid?.() !== 0) return tmpdir();
  const base = '/var/lib/nix-substitute-action-tests';
  mkdirSync(base, { recursive: true, mode: 0o755 });
  return base;
}

test('store outside /nix/store: the paths the job built are pushed, and that Nix accepts the cache', async () => {
  const root = mkdtempSync(path.join(storeBase(), 'e2e-storedir-'));
  chmodSync(root, 0o755); // build users (as root) must reach the store inside
  const store = path.join(root, 'store');
  const storeEnv = { NIX_STORE_DIR: store, NIX_STATE_DIR: path.join(root, 'var'), NIX_LOG_DIR: path.join(root, 'log'), NIX_REMOTE: 'local' };
  const nginx = await startNginx();
  const key = await generateKey('storedir-cache-1');
  const fixture = await buildFixture({ name: 'storedir', build: false });
  const job = new Job({ inputs: { 'push-to': nginx.url, 'signing-key': key.secretKey }, env: storeEnv });
  try {
    const main = await job.main();
    assert.equal(main.code, 0, main.stdout + main.stderr);
    const build = await job.exec('nix-build', [fixture.nixFile, '-A', 'tool', '--no-out-link']);
    assert.equal(build.code, 0, build.stderr);
    const tool = build.stdout.trim();
    assert.ok(tool.startsWith(`${store}/`), tool);

    const post = await job.post();
    assert.equal(post.code, 0, post.stdout + post.stderr);
    assert.equal(post.outputs['push-status'], 'pushed', post.stdout);
    assert.equal(post.outputs.pushed, '2', post.stdout);
    assert.match(readFileSync(path.join(nginx.root, 'nix-cache-info'), 'utf8'), new RegExp(`^StoreDir: ${store}$`, 'm'));

    // That Nix reads the cache (it refuses one made for another store dir) and finds the tool there.
    const env = { ...job.stepEnv(), ...storeEnv };
    const info = await runProcess('nix', ['--extra-experimental-features', 'nix-command', 'path-info', '--store', nginx.url, tool], { env });
    assert.equal(info.code, 0, info.stderr);
    assert.equal(info.stdout.trim(), tool);
  } finally {
    job.dispose();
    await nginx.stop();
    removeStoreDir(root);
  }
});
