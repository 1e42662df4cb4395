// attic through the action itself (dist/main.js + dist/post.js in the Job harness) on real Nix,
// against the attic double: the main step configures substitution (cache-config lookup or the key
// given as input, netrc for private caches), the post step pushes the closure minus what upstream
// caches serve, cold consumers substitute what was pushed, and every failure stays a warning
// (a failed step with `strict`).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { startAtticDouble, type AtticDouble } from '../doubles/attic.ts';
import { startNginx, type Nginx } from '../harness/nginx.ts';
import { buildFixture, coldStore, deletePaths, generateKey, signPaths, type Fixture, type FixtureGraph, type KeyPair } from '../harness/nix.ts';
import { Job, type StepResult } from '../harness/runner.ts';

// Fixture names carry a tag of this run, and `include` pushes only those: other suites (or another
// run of this file) on the same machine add and delete store paths while a job runs, and the post
// step diffs the whole store.
const RUN = `attic${randomBytes(4).toString('hex')}`;
const fixtureName = (name: string) => `${RUN}-${name}`;

const TOKEN = 'ci-token';
const TOKENS = {
  [TOKEN]: { pull: ['pub', 'priv'], push: ['pub', 'priv'] },
  // Valid, but for another cache only: attic answers as if no token were given.
  'other-token': { pull: ['elsewhere'], push: ['elsewhere'] },
};

let attic: AtticDouble;
let nixosKey: KeyPair;
let corpKey: KeyPair;
let mineKey: KeyPair;

before(async () => {
  attic = await startAtticDouble({
    // attic's `upstream_cache_key_names`: the default plus a key only attic knows about.
    caches: { pub: { public: true, upstreamKeyNames: ['cache.nixos.org-1', 'corp-cache-1'] }, priv: { public: false } },
    tokens: TOKENS,
  });
  nixosKey = await generateKey('cache.nixos.org-1');
  corpKey = await generateKey('corp-cache-1');
  mineKey = await generateKey('mine-upstream-1');
});
after(async () => {
  await attic.stop();
});

const hashOf = (p: string) => p.slice('/nix/store/'.length, '/nix/store/'.length + 32);
const storedPaths = (d: AtticDouble, cache: string) => new Set([...d.stored(cache).values()].map((o) => o.storePath));
const configLookups = (d: AtticDouble) => d.requests.filter((r) => r.path.startsWith('/_api/v1/cache-config/')).length;
const netrcFileOf = (nixConfig: string) => /^netrc-file = (.+)$/m.exec(nixConfig)?.[1];

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function atticInputs(d: AtticDouble, cache: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'attic-endpoint': d.url, 'attic-cache': cache, 'attic-token': TOKEN, include: `-${RUN}-`, ...extra };
}

function assertGreen(step: StepResult): void {
  assert.equal(step.code, 0, `${step.stdout}\n${step.stderr}`);
  assert.deepEqual(step.errors, []);
}

/** main → a build step of `attrs` → post, like a workflow; `between` runs after the build (e.g. signing). */
async function producer(fixture: Fixture, attrs: string[], inputs: Record<string, string>, between?: (job: Job) => Promise<void>) {
  const job = new Job({ inputs });
  try {
    const main = await job.main();
    assertGreen(main);
    if (between) await between(job);
    const build = await job.exec('nix-build', [fixture.nixFile, ...attrs.flatMap((a) => ['-A', a]), '--no-out-link']);
    assert.equal(build.code, 0, build.stderr);
    const post = await job.post();
    return { main, build, post };
  } finally {
    job.dispose();
  }
}

test('public cache, key from cache-config: the closure is pushed, a cold consumer substitutes it all, a second run uploads nothing', async () => {
  const fixture = await buildFixture({ name: fixtureName('pub'), build: false });
  const lookups = configLookups(attic);
  const { main, post } = await producer(fixture, ['tool', 'source'], atticInputs(attic, 'pub'));
  // Without attic-public-key the main step asked the server for the key.
  assert.ok(configLookups(attic) > lookups, 'main did not look up cache-config');
  const nixConfig = main.exported.NIX_CONFIG ?? '';
  assert.match(nixConfig, new RegExp(`^extra-substituters = ${attic.url}/pub$`, 'm'));
  assert.match(nixConfig, new RegExp(`^extra-trusted-public-keys = ${attic.publicKey('pub').replace(/[+/]/g, '\\$&')}$`, 'm'));
  assert.equal(main.outputs.substituters, `${attic.url}/pub`);
  assert.ok(main.masks.includes(TOKEN), 'attic-token is masked');

  assertGreen(post);
  assert.deepEqual(post.warnings, []);
  assert.equal(post.outputs['push-status'], 'pushed', post.stdout);
  assert.equal(post.outputs.pushed, '3');
  const stored = storedPaths(attic, 'pub');
  for (const p of Object.values(fixture.outPaths)) assert.ok(stored.has(p), `${p} not in attic`);
  assert.match(post.summary, /attic:pub/);

  // A cold store with nothing but the NIX_CONFIG the main step exported.
  const consumer = coldStore();
  try {
    const r = await consumer.build(fixture.nixFile, 'tool', { env: { NIX_CONFIG: nixConfig }, forbidBuild: true });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.built, []);
    assert.deepEqual(new Set(r.fetched), new Set([fixture.outPaths.tool, fixture.outPaths.toolchain]));
    const [info] = await consumer.pathInfo([fixture.outPaths.tool!]);
    assert.ok(info?.sigs.some((s) => s.startsWith('pub:')), `signed by the cache's key: ${info?.sigs.join(' ')}`);
  } finally {
    consumer.dispose();
  }

  // A fresh runner: the job substitutes the paths from attic, so they are new in the store diff,
  // and the post step finds attic already has every one of them.
  await deletePaths(Object.values(fixture.outPaths));
  const before = attic.uploads.length;
  const second = await producer(fixture, ['tool', 'source'], atticInputs(attic, 'pub'));
  assert.deepEqual(second.build.stderr.match(/^building '/gm) ?? [], [], 'the job rebuilt instead of substituting');
  assertGreen(second.post);
  assert.equal(second.post.outputs['push-status'], 'nothing-new', second.post.stdout);
  assert.equal(second.post.outputs.pushed, '0');
  assert.equal(attic.uploads.length, before, 'no uploads on the second run');
  assert.match(second.post.stdout, /attic:pub: 0 uploaded, 3 already present/);
});

test('upstream-signed paths are not uploaded: upstream-keys merged with the cache\'s upstream_cache_key_names (key given as input)', async () => {
  const graph: FixtureGraph = { toolchain: {}, corp: {}, mine: {}, tool: { deps: ['toolchain', 'corp', 'mine'] } };
  const fixture = await buildFixture({ name: fixtureName('upstream'), build: false, graph });
  const lookupsBefore = configLookups(attic);
  const { main, post } = await producer(
    fixture,
    ['tool'],
    // upstream-keys replaces the default: cache.nixos.org-1 is skipped only because attic names it.
    atticInputs(attic, 'pub', { 'attic-public-key': attic.publicKey('pub'), 'upstream-keys': 'mine-upstream-1' }),
    async (job) => {
      // Three dependencies "come from" upstream caches: built, then signed with those keys.
      for (const attr of ['toolchain', 'corp', 'mine']) assert.equal((await job.exec('nix-build', [fixture.nixFile, '-A', attr, '--no-out-link'])).code, 0);
      await signPaths([fixture.outPaths.toolchain!], nixosKey.secretFile);
      await signPaths([fixture.outPaths.corp!], corpKey.secretFile);
      await signPaths([fixture.outPaths.mine!], mineKey.secretFile);
    },
  );
  assert.match(main.exported.NIX_CONFIG ?? '', new RegExp(`${attic.url}/pub`));
  assertGreen(post);
  assert.deepEqual(post.warnings, []);
  assert.equal(post.outputs.pushed, '1', post.stdout);
  const stored = storedPaths(attic, 'pub');
  assert.ok(stored.has(fixture.outPaths.tool!));
  for (const attr of ['toolchain', 'corp', 'mine']) {
    assert.ok(!stored.has(fixture.outPaths[attr]!), `${attr} (upstream-signed) was uploaded`);
    assert.ok(!attic.uploads.some((u) => u.storePath === fixture.outPaths[attr]), `${attr} was sent`);
  }
  // Main read the config for the substituter URL (the key was given), post for upstream_cache_key_names.
  assert.equal(configLookups(attic) - lookupsBefore, 2);
});

test('private cache: pushes with the token; a cold consumer substitutes only through the netrc the main step wrote (0600, removed by post)', async () => {
  const fixture = await buildFixture({ name: fixtureName('priv'), build: false });
  const pushed = await producer(fixture, ['tool'], atticInputs(attic, 'priv'));
  assertGreen(pushed.post);
  assert.equal(pushed.post.outputs.pushed, '2', pushed.post.stdout);
  assert.deepEqual(storedPaths(attic, 'priv'), new Set([fixture.outPaths.tool, fixture.outPaths.toolchain]));

  const job = new Job({ inputs: atticInputs(attic, 'priv') });
  const consumers = [coldStore(), coldStore()];
  try {
    const main = await job.main();
    assertGreen(main);
    assert.deepEqual(main.warnings, []);
    assert.match(main.summary, /private/);
    const nixConfig = main.exported.NIX_CONFIG ?? '';
    assert.match(nixConfig, new RegExp(`^extra-substituters = ${attic.url}/priv$`, 'm'));
    const netrc = netrcFileOf(nixConfig);
    assert.ok(netrc, `NIX_CONFIG names no netrc-file:\n${nixConfig}`);
    assert.equal(statSync(netrc).mode & 0o777, 0o600);
    assert.match(readFileSync(netrc, 'utf8'), new RegExp(`^machine 127\\.0\\.0\\.1 password ${TOKEN}$`, 'm'));

    // Without the netrc the private cache refuses Nix (401), so nothing can be substituted…
    const withoutNetrc = nixConfig.replace(/^netrc-file = .*$/m, '');
    const refused = await consumers[0]!.realise([fixture.outPaths.tool!], { env: { NIX_CONFIG: withoutNetrc }, forbidBuild: true });
    assert.notEqual(refused.code, 0);
    assert.deepEqual(refused.fetched, []);
    // …and with it everything is.
    const r = await consumers[1]!.build(fixture.nixFile, 'tool', { env: { NIX_CONFIG: nixConfig }, forbidBuild: true });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.built, []);
    assert.deepEqual(new Set(r.fetched), new Set([fixture.outPaths.tool, fixture.outPaths.toolchain]));

    const post = await job.post();
    assertGreen(post);
    assert.ok(!existsSync(netrc), 'post left the netrc (holding the token) behind');
  } finally {
    job.dispose();
    for (const c of consumers) c.dispose();
  }
});

test('attic and a push-to target in the same step both receive the closure', async () => {
  const nginx: Nginx = await startNginx();
  try {
    const key = await generateKey('side-cache-1');
    const fixture = await buildFixture({ name: fixtureName('both'), build: false });
    const { post } = await producer(fixture, ['tool', 'source'], atticInputs(attic, 'pub', { 'push-to': nginx.url, 'signing-key': key.secretKey }));
    assertGreen(post);
    assert.equal(post.outputs['push-status'], 'pushed');
    assert.equal(post.outputs.pushed, '6', post.stdout);
    const all = Object.values(fixture.outPaths);
    const stored = storedPaths(attic, 'pub');
    for (const p of all) assert.ok(stored.has(p), `${p} not in attic`);
    for (const p of all) assert.ok(existsSync(`${nginx.root}/${hashOf(p)}.narinfo`), `${p} not in the push-to cache`);
  } finally {
    await nginx.stop();
  }
});

// ---- failures: the job stays green with one warning a user can act on; strict fails the post step.

interface FailureCase {
  name: string;
  /** A double of its own when the case needs server options (body limit). */
  double?: () => Promise<AtticDouble>;
  inputs: (d: AtticDouble) => Record<string, string>;
  arm?: (d: AtticDouble) => void;
  graph?: FixtureGraph;
  /** What the one warning must say. */
  says: RegExp[];
}

const failureCases: FailureCase[] = [
  {
    name: 'a token without push permission on the cache',
    inputs: (d) => ({ ...atticInputs(d, 'pub'), 'attic-token': 'other-token' }),
    // A public cache grants everyone pull, so attic may say the cache exists: 403, not 401.
    says: [/attic cache "pub"/, /HTTP 403/, /lacks "push" permission/, /atticadm make-token --push pub --pull pub --sub <name> --validity <period>/, /invalid token/],
  },
  {
    name: 'a cache that does not exist',
    inputs: (d) => ({ ...atticInputs(d, 'no-such-cache'), 'attic-public-key': d.publicKey('pub') }),
    says: [/attic cache "no-such-cache"/, /or the cache does not exist/],
  },
  {
    name: 'a proxy body-size limit (413)',
    double: () => startAtticDouble({ caches: { pub: { public: true } }, tokens: TOKENS, maxBodyBytes: 256 * 1024 }),
    inputs: (d) => atticInputs(d, 'pub'),
    graph: { big: { bytes: 1024 * 1024 }, tool: { deps: ['big'] } },
    says: [/413/, /limits request body size/, /client_max_body_size/, new RegExp(`${RUN}-bad-big`)],
  },
  {
    name: 'a NAR corrupted in flight',
    inputs: (d) => atticInputs(d, 'pub'),
    // Every attempt arrives altered: after the retries, the warning blames the way, not the store.
    arm: (d) => d.faults.corruptNext(1_000),
    says: [/does not match the hash and size this action sent and verified against the store/, /a proxy in front of attic likely altered/, new RegExp(`${RUN}-bad-toolchain`)],
  },
];

for (const c of failureCases) {
  test(`${c.name}: green job, one clear warning, push-status failed; strict fails the post step`, async () => {
    const d = c.double ? await c.double() : attic;
    try {
      for (const strict of [false, true]) {
        const fixture = await buildFixture({ name: fixtureName('bad'), build: false, ...(c.graph ? { graph: c.graph } : {}) });
        const job = new Job({ inputs: { ...c.inputs(d), strict: String(strict), 'push-timeout': '30' } });
        try {
          assertGreen(await job.main());
          assert.equal((await job.exec('nix-build', [fixture.nixFile, '-A', 'tool', '--no-out-link'])).code, 0);
          c.arm?.(d);
          const post = await job.post();
          assert.equal(post.outputs['push-status'], 'failed', post.stdout);
          const messages = strict ? post.errors : post.warnings;
          assert.equal(messages.length, 1, `expected one ${strict ? 'error' : 'warning'}:\n${[...post.warnings, ...post.errors].join('\n---\n')}`);
          for (const re of c.says) assert.match(messages[0]!, re);
          if (strict) assert.equal(post.code, 1);
          else assertGreen(post);
        } finally {
          job.dispose();
        }
      }
    } finally {
      if (d !== attic) await d.stop();
      attic.faults.corruptNext(0);
    }
  });
}

test('the key lookup failing (attic down): the main step warns and skips the cache; strict fails it', async () => {
  // A port that was just free: connections are refused. (Not port 9: fetch refuses "bad ports" itself.)
  const port = await closedPort();
  const inputs = { 'attic-endpoint': `http://127.0.0.1:${port}`, 'attic-cache': 'pub', 'attic-token': TOKEN };
  for (const strict of [false, true]) {
    const job = new Job({ inputs: { ...inputs, strict: String(strict) } });
    try {
      const main = await job.main();
      if (strict) {
        assert.equal(main.code, 1);
        assert.match(main.errors.join('\n'), /attic:pub/);
        continue;
      }
      assertGreen(main);
      assert.equal(main.warnings.length, 1, main.warnings.join('\n'));
      assert.match(main.warnings[0]!, /attic:pub is not used for substitution/);
      assert.match(main.warnings[0]!, new RegExp(`attic cache "pub" at http://127\\.0\\.0\\.1:${port}/.*ECONNREFUSED`));
      assert.doesNotMatch(main.exported.NIX_CONFIG ?? '', new RegExp(`127\\.0\\.0\\.1:${port}`));
      assert.equal(main.outputs.substituters, '');
    } finally {
      job.dispose();
    }
  }
});
