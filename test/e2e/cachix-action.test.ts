// Cachix through the action itself (dist/main.js → the user's build → dist/post.js) against the
// Cachix double: the main step configures Nix from the cache info, the post step pushes, and a cold
// Nix consumer that only has what the main step configured substitutes everything and builds nothing.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startCachixDouble, type CachixDouble } from '../doubles/cachix.ts';
import { startNginx, type Nginx } from '../harness/nginx.ts';
import { buildFixture, coldStore, copyTo, generateKey, signPaths, type Fixture, type FixtureGraph, type KeyPair } from '../harness/nix.ts';
import { Job, type JobOptions, type StepResult } from '../harness/runner.ts';

// Tokens long enough to be masked (the runner ignores masks under 4 characters).
const WRITE = `write-${randomBytes(16).toString('hex')}`;
const READ = `read-${randomBytes(16).toString('hex')}`;

let double: CachixDouble;
/** Stands in for cache.nixos.org: serves the paths signed with a `cache.nixos.org-1` key. */
let upstream: Nginx;
let upstreamKey: KeyPair;

before(async () => {
  double = await startCachixDouble({
    caches: { pub: { public: true }, self: { public: true, selfSigned: true }, priv: { public: false }, tiny: { public: true, quotaBytes: 64 } },
    tokens: { [WRITE]: { read: [], write: ['pub', 'self', 'priv', 'tiny'] }, [READ]: { read: ['priv'], write: [] } },
  });
  upstream = await startNginx();
  upstreamKey = await generateKey('cache.nixos.org-1');
});
after(async () => {
  await double?.stop();
  await upstream?.stop();
});

function cachixInputs(cache: string, extra: Record<string, string> = {}): Record<string, string> {
  return { cachix: cache, 'cachix-auth-token': WRITE, 'cachix-api-url': double.apiUrl, ...extra };
}

const storedPaths = (cache: string): Set<string> => new Set(double.stored(cache).map((s) => s.storePath));
const nixConfigOf = (main: StepResult): string => main.exported.NIX_CONFIG ?? '';

/** stdout/stderr without the `::add-mask::` commands that register the secrets. */
function logsWithoutMaskCommands(step: StepResult): string {
  return `${step.stdout}\n${step.stderr}`
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
}

interface ProducerRun {
  main: StepResult;
  post: StepResult;
}

/**
 * main → `nix-build` of `attrs` in a job step → post, like a workflow. `beforeBuild` runs between
 * main and the build (e.g. to build and "upstream-sign" a dependency first).
 */
async function producerRun(fixture: Fixture, attrs: string[], options: JobOptions, beforeBuild?: (job: Job) => Promise<void>): Promise<ProducerRun> {
  // The machine's /nix/store is shared with whatever else runs Nix at the same time; `include`
  // keeps the store diff to this fixture's outputs so exact upload counts do not depend on that.
  const include = Object.values(fixture.outPaths)
    .map((p) => `^${p.replace(/[.+]/g, '\\$&')}$`)
    .join('\n');
  const job = new Job({ ...options, inputs: { include, ...options.inputs } });
  try {
    const main = await job.main();
    assert.equal(main.code, 0, main.stderr + main.stdout);
    await beforeBuild?.(job);
    const build = await job.exec('nix-build', [fixture.nixFile, ...attrs.flatMap((a) => ['-A', a]), '--no-out-link']);
    assert.equal(build.code, 0, build.stderr);
    const post = await job.post();
    return { main, post };
  } finally {
    job.dispose();
  }
}

/**
 * A cold store with only the NIX_CONFIG the main step exported (plus `upstream` when given) builds
 * `attr`; `blobOf` reads that path's `blob` file from the cold store before it is removed.
 */
async function consume(fixture: Fixture, attr: string, main: StepResult, options: { withUpstream?: boolean; blobOf?: string } = {}) {
  const consumer = coldStore();
  try {
    const r = await consumer.build(fixture.nixFile, attr, {
      env: { NIX_CONFIG: nixConfigOf(main) },
      forbidBuild: true,
      ...(options.withUpstream ? { substituters: [upstream.url], trustedPublicKeys: [upstreamKey.publicKey] } : {}),
    });
    const infos = r.code === 0 ? await consumer.pathInfo(r.fetched) : [];
    const blob = r.code === 0 && options.blobOf ? readFileSync(join(consumer.dir, options.blobOf, 'blob')) : null;
    return { ...r, infos, blob };
  } finally {
    consumer.dispose();
  }
}

describe('producer on main → Cachix → cold consumer', () => {
  test('token mode: the closure minus upstream-signed paths is uploaded, server-signed; a cold consumer builds nothing', async () => {
    const fixture = await buildFixture({ name: 'cxtoken', build: false });
    const { toolchain, tool, source } = fixture.outPaths as Record<'toolchain' | 'tool' | 'source', string>;
    const { main, post } = await producerRun(fixture, ['tool', 'source'], { inputs: cachixInputs('pub') }, async (job) => {
      // The toolchain "comes from cache.nixos.org": built, signed with a key of that name, and served there.
      assert.equal((await job.exec('nix-build', [fixture.nixFile, '-A', 'toolchain', '--no-out-link'])).code, 0);
      await signPaths([toolchain], upstreamKey.secretFile);
      await copyTo(upstream.url, [toolchain], { secretKeyFile: upstreamKey.secretFile });
    });

    // The main step looked the key up and configured exactly the double's cache.
    assert.match(nixConfigOf(main), new RegExp(`^extra-substituters = ${double.cacheUrl('pub')}$`, 'm'));
    assert.match(nixConfigOf(main), new RegExp(`^extra-trusted-public-keys = .*${double.publicKey('pub').replace(/[+/]/g, '\\$&')}`, 'm'));
    assert.equal(main.outputs.substituters, double.cacheUrl('pub'));
    assert.doesNotMatch(nixConfigOf(main), /netrc-file/, 'a public cache needs no netrc');

    assert.equal(post.code, 0, post.stderr);
    assert.equal(post.outputs['push-status'], 'pushed', post.stdout);
    assert.equal(post.outputs.pushed, '2');
    assert.deepEqual(storedPaths('pub'), new Set([tool, source]));
    assert.ok(double.stored('pub').every((s) => s.narInfo.cSig === null), 'token mode: the server signs');
    assert.match(post.summary, /cachix:pub/);

    // The token is registered as a secret in both steps and printed nowhere else.
    for (const step of [main, post]) {
      assert.ok(step.masks.includes(WRITE), 'token not masked');
      assert.ok(!logsWithoutMaskCommands(step).includes(WRITE), 'token in the logs');
    }

    const r = await consume(fixture, 'tool', main, { withUpstream: true });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.built, []);
    assert.deepEqual(new Set(r.fetched), new Set([tool, toolchain]));
    const toolInfo = r.infos.find((i) => i.path === tool);
    assert.ok(toolInfo?.sigs.some((s) => s.startsWith('pub.cachix.org-1:')), `tool not signed by the cache: ${toolInfo?.sigs.join(' ')}`);
  });

  test('self-signed mode (CACHIX_SIGNING_KEY): narinfos carry the client signature; a cold consumer trusts it', async () => {
    const fixture = await buildFixture({ name: 'cxself', build: false });
    const signingKey = double.signingKeyBase64('self');
    const { main, post } = await producerRun(fixture, ['tool', 'source'], { inputs: cachixInputs('self'), env: { CACHIX_SIGNING_KEY: signingKey } });
    assert.equal(post.code, 0, post.stderr);
    assert.equal(post.outputs['push-status'], 'pushed', post.stdout);
    assert.equal(post.outputs.pushed, '3');
    assert.deepEqual(storedPaths('self'), new Set(Object.values(fixture.outPaths)));
    // The double verified each cSig against the cache's key before storing it.
    assert.ok(double.stored('self').every((s) => s.narInfo.cSig !== null), 'self-signed mode must send cSig');
    for (const step of [main, post]) {
      assert.ok(step.masks.includes(signingKey), 'signing key not masked');
      assert.ok(!logsWithoutMaskCommands(step).includes(signingKey), 'signing key in the logs');
    }

    const r = await consume(fixture, 'tool', main);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.built, []);
    assert.deepEqual(new Set(r.fetched), new Set([fixture.outPaths.tool, fixture.outPaths.toolchain]));
    assert.ok(r.infos.every((i) => i.sigs.some((s) => s.startsWith('self.cachix.org-1:'))));
  });

  test('a private cache: a reader with a read-only token substitutes through the netrc the main step wrote', async () => {
    const fixture = await buildFixture({ name: 'cxpriv', build: false });
    const { post } = await producerRun(fixture, ['tool'], { inputs: cachixInputs('priv') });
    assert.equal(post.outputs['push-status'], 'pushed', post.stdout + post.stderr);
    assert.deepEqual(storedPaths('priv'), new Set([fixture.outPaths.tool, fixture.outPaths.toolchain]));

    // Another workflow that only reads: main step with a read token, then its build step.
    const reader = new Job({ inputs: cachixInputs('priv', { 'cachix-auth-token': READ }) });
    try {
      const main = await reader.main();
      assert.equal(main.code, 0, main.stderr + main.stdout);
      assert.deepEqual(main.warnings, []);
      const netrcFile = /^netrc-file = (.+)$/m.exec(nixConfigOf(main))?.[1];
      assert.ok(netrcFile, nixConfigOf(main));
      assert.match(readFileSync(netrcFile, 'utf8'), new RegExp(`^machine 127\\.0\\.0\\.1 password ${READ}$`, 'm'));
      assert.ok(main.masks.includes(READ));

      const r = await consume(fixture, 'tool', main);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.built, []);
      assert.deepEqual(new Set(r.fetched), new Set([fixture.outPaths.tool, fixture.outPaths.toolchain]));

      // Without the netrc the cache answers 401 and nothing is substituted: the netrc is what worked.
      const anonymous = coldStore();
      try {
        const withoutNetrc = nixConfigOf(main).replace(/^netrc-file = .*$/m, '');
        const denied = await anonymous.realise([fixture.outPaths.tool!], { env: { NIX_CONFIG: withoutNetrc }, forbidBuild: true });
        assert.notEqual(denied.code, 0);
        assert.deepEqual(denied.fetched, []);
      } finally {
        anonymous.dispose();
      }
    } finally {
      reader.dispose();
    }
  });

  test('a NAR larger than cachix-chunk-size goes up in several parts and round-trips', async () => {
    const graph: FixtureGraph = { big: { bytes: 11_000_000 } };
    const fixture = await buildFixture({ name: 'cxchunk', build: false, graph });
    const big = fixture.outPaths.big!;
    const first = double.requests.length;
    const { main, post } = await producerRun(fixture, ['big'], { inputs: cachixInputs('pub', { 'cachix-chunk-size': String(5 * 1024 * 1024) }) });
    assert.equal(post.code, 0, post.stderr);
    assert.equal(post.outputs.pushed, '1', post.stdout);

    const stored = double.stored('pub').find((s) => s.storePath === big);
    assert.ok(stored, 'big path not stored');
    // Random bytes do not compress: 11 MB in parts of S3's minimum 5 MiB is 3 parts (2 full, the rest in the last).
    const expectedParts = Math.ceil(stored.file.length / (5 * 1024 * 1024));
    assert.ok(expectedParts >= 3, `file is only ${stored.file.length} bytes`);
    const partsByUpload = new Map<string, Set<string>>();
    for (const r of double.requests.slice(first)) {
      const m = /^\/object-store\/([^/]+)\/(\d+)$/.exec(r.path);
      if (r.method === 'PUT' && m?.[1] && m[2]) partsByUpload.set(m[1], (partsByUpload.get(m[1]) ?? new Set()).add(m[2]));
    }
    assert.deepEqual([...partsByUpload.values()].map((s) => s.size), [expectedParts]);

    const r = await consume(fixture, 'big', main, { blobOf: big });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.built, []);
    assert.deepEqual(r.fetched, [big]);
    assert.ok(r.blob?.equals(readFileSync(join(big, 'blob'))), 'the substituted blob differs from the producer’s');
  });
});

describe('pins', () => {
  const pinLines = (f: Fixture): string =>
    [
      `release=${f.outPaths.tool} keep=days:7`,
      `nightly=${f.nixFile}#tool keep=forever`,
      `toolchain=${f.outPaths.toolchain}/bin/toolchain keep=revisions:3`,
      `plain = ${f.outPaths.tool}`,
    ].join('\n');

  test('a run that pushes creates every pin with the right store path and keep', async () => {
    const fixture = await buildFixture({ name: 'cxpin', build: false });
    const before = double.pins('pub').length;
    const { post } = await producerRun(fixture, ['tool'], { inputs: cachixInputs('pub', { 'cachix-pins': pinLines(fixture) }) });
    assert.equal(post.code, 0, post.stderr);
    assert.deepEqual(post.warnings, []);
    assert.equal(post.outputs['push-status'], 'pushed');
    const { tool, toolchain } = fixture.outPaths as Record<'tool' | 'toolchain', string>;
    assert.deepEqual(double.pins('pub').slice(before), [
      { name: 'release', storePath: tool, artifacts: [], keep: { tag: 'Days', contents: 7 } },
      { name: 'nightly', storePath: tool, artifacts: [], keep: { tag: 'Forever' } },
      { name: 'toolchain', storePath: toolchain, artifacts: [], keep: { tag: 'Revisions', contents: 3 } },
      { name: 'plain', storePath: tool, artifacts: [], keep: null },
    ]);
    assert.match(post.stdout, /pinned release → /);
  });

  const skipCases: Array<[string, (f: Fixture) => JobOptions, RegExp]> = [
    [
      'a pull request',
      (f) => ({
        inputs: cachixInputs('pub', { 'cachix-pins': pinLines(f) }),
        eventName: 'pull_request',
        ref: 'refs/pull/7/merge',
        event: { pull_request: { head: { repo: { full_name: 'o/r' } }, base: { repo: { full_name: 'o/r' } } } },
      }),
      /pull requests/,
    ],
    ['another branch', (f) => ({ inputs: cachixInputs('pub', { 'cachix-pins': pinLines(f) }), ref: 'refs/heads/feature' }), /does not match push-branches/],
    ['push: false', (f) => ({ inputs: cachixInputs('pub', { 'cachix-pins': pinLines(f), push: 'false' }) }), /push is false/],
  ];
  for (const [name, options, reason] of skipCases) {
    test(`no pins and no uploads on ${name}`, async () => {
      const fixture = await buildFixture({ name: 'cxnopin', build: false });
      const pinsBefore = double.pins('pub').length;
      const { post } = await producerRun(fixture, ['tool'], options(fixture));
      assert.equal(post.code, 0, post.stderr);
      assert.equal(post.outputs['push-status'], 'skipped');
      assert.match(post.stdout, reason);
      assert.equal(double.pins('pub').length, pinsBefore, 'a pin was created on a run that does not push');
      assert.ok(!storedPaths('pub').has(fixture.outPaths.tool!));
    });
  }
});

describe('errors: a green job with a clear warning; strict fails', () => {
  // Built once; each job names the paths to push (`paths`), so no build step is needed per job.
  let fixture: Fixture;
  before(async () => {
    fixture = await buildFixture({ name: 'cxerr' });
  });

  /** main + post of a job that pushes `fixture`'s tool. */
  async function pushJob(inputs: Record<string, string>, options: JobOptions = {}): Promise<{ main: StepResult; post: StepResult | null }> {
    const job = new Job({ ...options, inputs: { paths: fixture.outPaths.tool!, ...inputs } });
    try {
      const main = await job.main();
      const post = main.code === 0 ? await job.post() : null;
      return { main, post };
    } finally {
      job.dispose();
    }
  }

  function assertWarned(post: StepResult | null, pattern: RegExp): void {
    assert.ok(post);
    assert.equal(post.code, 0, post.stderr);
    assert.equal(post.outputs['push-status'], 'failed', post.stdout);
    assert.ok(post.warnings.some((w) => pattern.test(w)), post.warnings.join('\n'));
    assert.deepEqual(post.errors, []);
  }

  test('a bad token: main skips the cache with a warning, post warns; strict fails the main step', async () => {
    const inputs = cachixInputs('pub', { 'cachix-auth-token': 'not-a-valid-token' });
    const { main, post } = await pushJob(inputs);
    assert.equal(main.code, 0, main.stderr);
    assert.ok(main.warnings.some((w) => /cachix:pub.*rejected the auth token \(401\)/.test(w)), main.warnings.join('\n'));
    assert.doesNotMatch(nixConfigOf(main), new RegExp(double.cacheUrl('pub')));
    assertWarned(post, /rejected the auth token \(401\).*cachix-auth-token/);
    assert.ok(main.masks.includes('not-a-valid-token'));

    // Strict: the lookup failure already fails the main step, before the build.
    const strict = await pushJob({ ...inputs, strict: 'true' });
    assert.equal(strict.main.code, 1);
    assert.match(strict.main.errors.join('\n'), /rejected the auth token/);
  });

  test("a token without write access: main is fine, post warns with the server's 403 explained; strict fails the post step", async () => {
    const inputs = cachixInputs('pub', { 'cachix-auth-token': READ });
    const { main, post } = await pushJob(inputs);
    assert.equal(main.code, 0, main.stderr);
    assert.deepEqual(main.warnings, []);
    assertWarned(post, /no write access to Cachix cache "pub" \(403\).*write permission/);

    const strict = await pushJob({ ...inputs, strict: 'true' });
    assert.equal(strict.post?.code, 1);
    assert.match(strict.post.errors.join('\n'), /no write access/);
  });

  test('an unknown cache: both steps say it does not exist', async () => {
    const { main, post } = await pushJob(cachixInputs('no-such-cache'));
    assert.equal(main.code, 0, main.stderr);
    assert.ok(main.warnings.some((w) => /"no-such-cache" does not exist \(404\)/.test(w)), main.warnings.join('\n'));
    assertWarned(post, /"no-such-cache" does not exist \(404\)/);
  });

  test('over quota: the warning says so', async () => {
    const { post } = await pushJob(cachixInputs('tiny'));
    assertWarned(post, /over its storage quota/);
  });

  test('server errors: persistent 503s and a refused completion warn (no pins, upload aborted); a passing glitch is retried; strict fails', async () => {
    const pins = `release=${fixture.outPaths.tool}`;
    const pinsBefore = double.pins('pub').length;
    try {
      double.failNext('narinfo', 503, 1_000);
      const down = await pushJob(cachixInputs('pub', { 'cachix-pins': pins }));
      assertWarned(down.post, /cachix:pub.*503/);

      const strict = await pushJob(cachixInputs('pub', { strict: 'true' }));
      assert.equal(strict.post?.code, 1);
      assert.match(strict.post.errors.join('\n'), /cachix:pub.*503/);
    } finally {
      double.failNext('narinfo', 503, 0);
    }

    const abortedBefore = double.aborted('pub');
    double.failNext('complete', 400, 1);
    const refused = await pushJob(cachixInputs('pub', { 'cachix-pins': pins }));
    assertWarned(refused.post, /injected failure \(complete\)/);
    assert.equal(double.aborted('pub'), abortedBefore + 1, 'the multipart upload was not aborted');
    assert.equal(double.openUploads(), 0);
    assert.equal(double.pins('pub').length, pinsBefore, 'pins after a failed push');

    // Two failed part PUTs are retried: the push succeeds, then the pin is created.
    double.failNext('part-put', 500, 2);
    const glitch = await pushJob(cachixInputs('pub', { 'cachix-pins': pins }));
    assert.equal(glitch.post?.code, 0, glitch.post?.stderr);
    assert.equal(glitch.post.outputs['push-status'], 'pushed', glitch.post.stdout);
    assert.ok(storedPaths('pub').has(fixture.outPaths.tool!));
    assert.deepEqual(double.pins('pub').slice(pinsBefore).map((p) => p.storePath), [fixture.outPaths.tool]);
  });
});

test("cachix-public-key: the main step still takes the substituter URL from the cache info, and writes no netrc for a public cache", async () => {
  const key = double.publicKey('pub');
  const first = double.requests.length;
  const job = new Job({ inputs: cachixInputs('pub', { 'cachix-public-key': key }) });
  try {
    const main = await job.main();
    assert.equal(main.code, 0, main.stderr + main.stdout);
    assert.deepEqual(double.requests.slice(first).map((r) => r.path), ['/api/v1/cache/pub']);
    const conf = nixConfigOf(main);
    assert.ok(conf.split('\n').includes(`extra-substituters = ${double.cacheUrl('pub')}`), conf);
    assert.ok(conf.split('\n').some((l) => l.startsWith('extra-trusted-public-keys = ') && l.split(' ').includes(key)), conf);
    assert.doesNotMatch(conf, /^netrc-file = /m, 'a public cache needs no read credentials');
  } finally {
    job.dispose();
  }
});
