// github-cache end to end: dist/ run as the runner runs it, real Nix, @actions/cache talking to the
// cache service double (test/doubles/github-cache.ts). A producer on the default branch saves; a
// cold consumer on a pull request restores, substitutes and builds nothing, and saves nothing; a
// service that is down or throttling leaves the job green with a warning.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { READ, WRITE, startGitHubCache, type CacheScope, type GitHubCacheDouble } from '../doubles/github-cache.ts';
import { freePort } from '../harness/nginx.ts';
import { buildFixture, coldStore, generateKey, type Fixture, type KeyPair } from '../harness/nix.ts';
import { Job, type JobOptions } from '../harness/runner.ts';
import { nixSystem } from '../../src/github-cache/entry.ts';

let svc: GitHubCacheDouble;
let key: KeyPair;
const prefix = `nix-binary-cache-v1-${nixSystem()}-`;
const onMain: CacheScope[] = [{ scope: 'refs/heads/main', permission: READ | WRITE }];
const onPr: CacheScope[] = [{ scope: 'refs/pull/7/merge', permission: READ | WRITE }, { scope: 'refs/heads/main', permission: READ }];
const prEvent = { pull_request: { number: 7, head: { repo: { full_name: 'owner/repo' } }, base: { repo: { full_name: 'owner/repo' } } } };

before(async () => {
  svc = await startGitHubCache();
  key = await generateKey('gha-cache-1');
});
after(async () => {
  await svc.stop();
});

function job(runId: number, env: Record<string, string>, inputs: Record<string, string> = {}, options: JobOptions = {}): Job {
  return new Job({
    inputs: { 'github-cache': 'true', 'trusted-public-keys': key.publicKey, 'signing-key': key.secretKey, ...inputs },
    env: { ...env, GITHUB_RUN_ID: String(runId) },
    ...options,
  });
}

/** main → nix-build the attributes → post. */
async function run(j: Job, fixture: Fixture, attrs: string[]) {
  const main = await j.main();
  assert.equal(main.code, 0, main.stdout + main.stderr);
  const build = await j.exec('nix-build', [fixture.nixFile, ...attrs.flatMap((a) => ['-A', a]), '--no-out-link']);
  assert.equal(build.code, 0, build.stderr);
  const post = await j.post();
  assert.equal(post.code, 0, post.stdout + post.stderr);
  return { main, post };
}

test('a producer on main saves; a cold pull request restores, substitutes, builds nothing and saves nothing; the next producer keeps what the entry held', async () => {
  const fixture = await buildFixture({ name: 'ghc', build: false });
  // `paths`, not the store diff: other work on this machine's shared store must not join the count.
  const producer = job(101, svc.env(onMain), { paths: `${fixture.outPaths.tool} ${fixture.outPaths.source}` });
  try {
    const { main, post } = await run(producer, fixture, ['tool', 'source']);
    assert.equal(main.outputs['github-cache-restored'], '');
    assert.equal(post.outputs['github-cache-saved'], `${prefix}101-1`, post.stdout);
    assert.equal(post.outputs['github-cache-saved-paths'], '3', post.stdout);
    assert.ok(Number(post.outputs['github-cache-saved-size']) > 0);
    assert.match(post.summary, /Saved entry nix-binary-cache-v1-/, JSON.stringify(post.summary));
    assert.deepEqual(post.warnings, []);
  } finally {
    producer.dispose();
  }
  const entry = svc.entries.find((e) => e.key === `${prefix}101-1`);
  assert.equal(entry?.scope, 'refs/heads/main');
  assert.ok(entry?.finalized);

  const creates = () => svc.requests.filter((r) => r.method === 'CreateCacheEntry').length;
  const createsBefore = creates();
  const consumer = job(102, svc.env(onPr), {}, { eventName: 'pull_request', ref: 'refs/pull/7/merge', event: prEvent });
  const cold = coldStore();
  try {
    const main = await consumer.main();
    assert.equal(main.code, 0, main.stdout + main.stderr);
    assert.equal(main.outputs['github-cache-restored'], `${prefix}101-1`);
    assert.equal(main.outputs['github-cache-restored-paths'], '3');
    assert.match(main.summary, /Restored entry nix-binary-cache-v1-\S+: 3 store path\(s\)/);
    assert.match(main.outputs.substituters ?? '', /^file:\/\/.*nix-binary-cache$/);
    const r = await cold.build(fixture.nixFile, 'tool', { env: consumer.exported, forbidBuild: true });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.built, []);
    assert.deepEqual(new Set(r.fetched), new Set([fixture.outPaths.tool, fixture.outPaths.toolchain]));
    const post = await consumer.post();
    assert.equal(post.code, 0, post.stdout + post.stderr);
    assert.equal(post.outputs['github-cache-saved'], '');
    assert.match(post.summary, /Not saved \(skipped\): pull requests do not push/);
    assert.equal(creates(), createsBefore, 'the pull request asked to create no entry');
  } finally {
    cold.dispose();
    consumer.dispose();
  }

  // The next run on main restores the entry and saves a new one holding both runs' closures.
  const more = await buildFixture({ name: 'ghd', build: false });
  const next = job(103, svc.env(onMain), { paths: more.outPaths.tool! });
  try {
    const { main, post } = await run(next, more, ['tool']);
    assert.equal(main.outputs['github-cache-restored'], `${prefix}101-1`);
    assert.equal(post.outputs['github-cache-saved'], `${prefix}103-1`, post.stdout);
    assert.equal(post.outputs['github-cache-saved-paths'], '5');
  } finally {
    next.dispose();
  }
  // Nothing new: no entry.
  const idle = job(104, svc.env(onMain), { paths: more.outPaths.tool! });
  try {
    const main = await idle.main();
    assert.equal(main.outputs['github-cache-restored'], `${prefix}103-1`);
    const post = await idle.post();
    assert.equal(post.code, 0, post.stderr);
    assert.equal(post.outputs['github-cache-saved'], '');
    assert.ok(!svc.entries.some((e) => e.key === `${prefix}104-1`));
  } finally {
    idle.dispose();
  }
});

test('an entry signed by a key the job does not trust is not used, with a warning', async () => {
  const other = await generateKey('someone-else-1');
  const consumer = job(201, svc.env(onPr), { 'trusted-public-keys': other.publicKey, 'signing-key': '' }, { eventName: 'pull_request', ref: 'refs/pull/7/merge', event: prEvent });
  try {
    const main = await consumer.main();
    assert.equal(main.code, 0, main.stderr);
    assert.equal(main.outputs['github-cache-restored'], '');
    assert.ok(main.warnings.some((w) => /not used: none of its \d+ path\(s\) is signed by a key in trusted-public-keys/.test(w)), main.stdout);
    assert.doesNotMatch(main.outputs.substituters ?? '', /file:/);
  } finally {
    consumer.dispose();
  }
});

test('a cache service that is down leaves the job green with warnings, even with strict', async () => {
  const fixture = await buildFixture({ name: 'ghx', build: false });
  const down = { ...svc.env(onMain), ACTIONS_RESULTS_URL: `http://127.0.0.1:${await freePort()}/` };
  const j = job(301, down, { strict: 'true' });
  try {
    const { main, post } = await run(j, fixture, ['tool']);
    assert.ok(main.warnings.some((w) => /Failed to restore: .*ECONNREFUSED/.test(w)), main.stdout);
    assert.ok(post.warnings.some((w) => /github-cache: not saved: the cache service did not take entry/.test(w)), post.stdout);
    assert.equal(post.outputs['github-cache-saved'], '');
  } finally {
    j.dispose();
  }
});

test('a throttling cache service (429, Retry-After) leaves the job green with warnings', async () => {
  const fixture = await buildFixture({ name: 'ght', build: false });
  svc.throttle(60);
  const j = job(401, svc.env(onMain));
  try {
    const { main, post } = await run(j, fixture, ['tool']);
    assert.ok(main.warnings.some((w) => /rate limit/.test(w)), main.stdout);
    assert.ok(post.warnings.some((w) => /github-cache: not saved/.test(w)), post.stdout);
    assert.ok(!svc.entries.some((e) => e.key === `${prefix}401-1`));
    assert.ok(svc.requests.some((r) => r.status === 429));
  } finally {
    svc.throttle(null);
    j.dispose();
  }
});

test('github-cache-size drops the least recently pushed closure whole', async () => {
  // Two closures of ~600 KiB of incompressible data each: a 1M budget holds one.
  const first = await buildFixture({ name: 'ghb1', graph: { blob: { bytes: 600 * 1024 } } });
  const second = await buildFixture({ name: 'ghb2', graph: { blob: { bytes: 600 * 1024 } } });
  const scopes: CacheScope[] = [{ scope: 'refs/heads/budget', permission: READ | WRITE }];
  const save = async (runId: number, fixture: Fixture) => {
    const j = job(runId, svc.env(scopes), { paths: fixture.outPaths.blob!, 'github-cache-size': '1M' });
    try {
      const main = await j.main();
      assert.equal(main.code, 0, main.stderr);
      const post = await j.post();
      assert.equal(post.code, 0, post.stderr);
      return { main, post };
    } finally {
      j.dispose();
    }
  };
  const one = await save(501, first);
  assert.equal(one.post.outputs['github-cache-saved-paths'], '1', one.post.stdout);
  const two = await save(502, second);
  assert.equal(two.main.outputs['github-cache-restored'], `${prefix}501-1`);
  assert.equal(two.post.outputs['github-cache-saved'], `${prefix}502-1`, two.post.stdout);
  assert.equal(two.post.outputs['github-cache-saved-paths'], '1', 'the older closure was dropped');
  assert.ok(Number(two.post.outputs['github-cache-saved-size']) <= 1024 * 1024);
  assert.match(two.post.summary, /1 closure\(s\) dropped by github-cache-size/);
});

test('a pull request from a fork never saves, even with push: true', async () => {
  const fixture = await buildFixture({ name: 'ghf' });
  const forkEvent = { pull_request: { number: 8, head: { repo: { full_name: 'someone/repo' } }, base: { repo: { full_name: 'owner/repo' } } } };
  const scopes: CacheScope[] = [{ scope: 'refs/pull/8/merge', permission: READ | WRITE }, { scope: 'refs/heads/main', permission: READ }];
  const j = job(601, svc.env(scopes), { push: 'true', paths: fixture.outPaths.tool! }, { eventName: 'pull_request', ref: 'refs/pull/8/merge', event: forkEvent });
  const creates = () => svc.requests.filter((r) => r.method === 'CreateCacheEntry').length;
  const before = creates();
  try {
    assert.equal((await j.main()).code, 0);
    const post = await j.post();
    assert.equal(post.code, 0, post.stderr);
    assert.equal(post.outputs['github-cache-saved'], '');
    assert.match(post.summary, /Not saved \(skipped\): pull requests from forks never push/);
    assert.equal(creates(), before);
  } finally {
    j.dispose();
  }
});
