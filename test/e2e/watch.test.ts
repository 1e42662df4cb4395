// push-while-building on real Nix: the background uploader started by main uploads what a job step
// builds before post runs; post uploads the rest and stops it; a cold consumer substitutes it all;
// a killed uploader costs nothing but time.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { startNginx, type Nginx } from '../harness/nginx.ts';
import { buildFixture, coldStore, generateKey, type KeyPair } from '../harness/nix.ts';
import { Job } from '../harness/runner.ts';

let nginx: Nginx;
let key: KeyPair;

before(async () => {
  nginx = await startNginx();
  key = await generateKey('watch-cache-1');
});
after(async () => {
  await nginx.stop();
});

const hashOf = (p: string) => p.slice('/nix/store/'.length, '/nix/store/'.length + 32);
const inCache = (p: string) => existsSync(`${nginx.root}/${hashOf(p)}.narinfo`);

/** Short batches so the test does not wait attic's 2 s / 10 s. */
const FAST = { NSA_WATCH_IDLE_MS: '200', NSA_WATCH_MAX_BATCH_MS: '1000', NSA_WATCH_RESCAN_MS: '1000' };
const GRAPH = { base: {}, lib: { deps: ['base'] }, app: { deps: ['lib'] }, late: { deps: ['base'] } };

// `include` keeps paths other tests build meanwhile on this shared store out of the counts (and
// shows the uploader applies the roots filter).
function newJob(fixture: string): Job {
  return new Job({
    inputs: {
      substituters: nginx.url,
      'trusted-public-keys': key.publicKey,
      'push-to': nginx.url,
      'signing-key': key.secretKey,
      'push-while-building': 'true',
      include: `^/nix/store/[a-z0-9]{32}-${fixture}-`,
    },
    env: FAST,
  });
}

function watcherOf(job: Job): { pid: number; dir: string } {
  const state = JSON.parse(job.mainState?.main ?? 'null') as { watcher: { pid: number; dir: string } | null } | null;
  assert.ok(state?.watcher, `main started no watcher: ${JSON.stringify(job.mainState)}`);
  return state.watcher;
}

/** Running, and not a zombie left for a reaper. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

test('paths built by a job step reach the cache before post; post uploads the rest and stops the uploader', async () => {
  const fixture = await buildFixture({ name: 'watch', build: false, graph: GRAPH });
  const [base, lib, app, late] = (['base', 'lib', 'app', 'late'] as const).map((n) => fixture.outPaths[n] ?? '') as [string, string, string, string];
  const job = newJob('watch');
  try {
    const main = await job.main();
    assert.equal(main.code, 0, main.stderr + main.stdout);
    const watcher = watcherOf(job);
    assert.ok(alive(watcher.pid), 'the uploader survives the main step');

    const build = await job.exec('nix-build', [fixture.nixFile, '-A', 'app', '--no-out-link']);
    assert.equal(build.code, 0, build.stderr);
    // The job goes on; the uploader works meanwhile.
    await until('the first build is in the cache', () => [base, lib, app].every(inCache));
    assert.ok(!inCache(late));
    // The uploader logs a batch after its narinfos are in place: wait for the line too.
    const log = (): string => readFileSync(`${watcher.dir}/log`, 'utf8');
    await until('the uploader logged its uploads', () => /uploaded/.test(log()));
    const secret = key.secretKey.slice(key.secretKey.indexOf(':') + 1);
    assert.ok(!log().includes(secret), 'the signing key is in the uploader log');

    // Built right before post: left to post (or caught by the uploader: either way it must land).
    assert.equal((await job.exec('nix-build', [fixture.nixFile, '-A', 'late', '--no-out-link'])).code, 0);
    const seen = nginx.requests().length;
    const post = await job.post();
    const byPost = nginx.requests().slice(seen);
    assert.equal(post.code, 0, post.stderr);
    assert.equal(post.outputs['push-status'], 'pushed', post.stdout);
    assert.equal(post.outputs.pushed, '4', `totals include the uploader\n${post.stdout}`);
    assert.match(post.stdout, /background uploader uploaded [34] path/);
    assert.ok(inCache(late));
    const heads = byPost.filter((r) => r.method === 'HEAD' && r.path.endsWith('.narinfo')).map((r) => r.path);
    assert.ok(!heads.some((h) => [base, lib, app].some((p) => h.includes(hashOf(p)))), `post asked again about uploaded paths: ${heads.join(' ')}`);
    assert.ok(byPost.filter((r) => r.method === 'PUT' && r.path.endsWith('.narinfo')).length <= 1, 'post uploaded only what was left');
    await until('the uploader is gone', () => !alive(watcher.pid), 3_000);
    assert.ok(!existsSync(watcher.dir), 'the uploader dir is removed');

    const consumer = coldStore();
    try {
      for (const attr of ['app', 'late']) {
        const r = await consumer.build(fixture.nixFile, attr, { substituters: [nginx.url], trustedPublicKeys: [key.publicKey], forbidBuild: true });
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(r.built, []);
      }
      assert.deepEqual(new Set((await consumer.validPaths()).filter((p) => !p.endsWith('.drv'))), new Set([base, lib, app, late]));
    } finally {
      consumer.dispose();
    }
  } finally {
    job.dispose();
  }
});

test('a killed uploader: post still pushes everything', async () => {
  const fixture = await buildFixture({ name: 'watchkill', build: false, graph: GRAPH });
  const job = newJob('watchkill');
  try {
    assert.equal((await job.main()).code, 0);
    const watcher = watcherOf(job);
    process.kill(-watcher.pid, 'SIGKILL');
    await until('the uploader is dead', () => !alive(watcher.pid), 3_000);
    assert.equal((await job.exec('nix-build', [fixture.nixFile, '-A', 'app', '-A', 'late', '--no-out-link'])).code, 0);
    const post = await job.post();
    assert.equal(post.code, 0, post.stderr);
    assert.equal(post.outputs['push-status'], 'pushed', post.stdout);
    assert.equal(post.outputs.pushed, '4', post.stdout);
    assert.ok(post.warnings.some((w) => /not trusted/.test(w)), post.stdout);
    for (const p of Object.values(fixture.outPaths)) assert.ok(inCache(p), `${p} not in the cache`);
  } finally {
    job.dispose();
  }
});

test('no uploader when the run would not push (pull request)', async () => {
  const job = new Job({
    inputs: { 'push-to': nginx.url, 'signing-key': key.secretKey, 'push-while-building': 'true' },
    eventName: 'pull_request',
    ref: 'refs/pull/1/merge',
  });
  try {
    const main = await job.main();
    assert.equal(main.code, 0, main.stderr);
    assert.match(main.stdout, /push-while-building: not started \(pull requests/);
    assert.equal(JSON.parse(job.mainState?.main ?? '{}').watcher, null);
  } finally {
    job.dispose();
  }
});

test('the uploader ends on its own after its maximum lifetime', async () => {
  const job = new Job({
    inputs: { 'push-to': nginx.url, 'signing-key': key.secretKey, 'push-while-building': 'true' },
    env: { ...FAST, NSA_WATCH_MAX_LIFETIME_MS: '500' },
  });
  try {
    assert.equal((await job.main()).code, 0);
    const watcher = watcherOf(job);
    await until('the uploader exits', () => !alive(watcher.pid), 6_000);
    assert.match(readFileSync(`${watcher.dir}/exited`, 'utf8'), /maximum lifetime/);
    const post = await job.post();
    assert.equal(post.code, 0, post.stderr);
    assert.ok(!existsSync(watcher.dir));
  } finally {
    job.dispose();
  }
});
