// Pin sets end to end on real Nix: a producer on its default branch pushes and publishes a pin set
// (pins.json + pins.tar.gz) to nginx; a cold consumer with only pins-from + install runs the tool
// by name, fetched from the cache with nothing evaluated or built; the plain-Nix tarball routes
// work on this Nix; bad pins fail naming what is wrong; a rebuild of a served name is reported.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { startS3Double } from '../doubles/s3.ts';
import { freePort, startNginx, type Nginx } from '../harness/nginx.ts';
import { buildFixture, coldStore, deletePaths, generateKey, validPaths, type Fixture, type KeyPair } from '../harness/nix.ts';
import { Job, type JobOptions } from '../harness/runner.ts';

let nginx: Nginx;
let key: KeyPair;
before(async () => {
  nginx = await startNginx();
  key = await generateKey('pins-cache-1');
});
after(async () => {
  await nginx.stop();
});

const cacheInputs = () => ({ substituters: nginx.url, 'trusted-public-keys': key.publicKey });
const producerInputs = (extra: Record<string, string>) => ({ ...cacheInputs(), 'push-to': nginx.url, 'signing-key': key.secretKey, ...extra });
// A repository whose default branch is master, pushing on master with push-branches left empty.
const onDefaultBranch: JobOptions = { ref: 'refs/heads/master', event: { repository: { default_branch: 'master' } } };

/** main → nix-build ATTRS → post, like a producer workflow. */
async function produce(fixture: Fixture, attrs: string[], inputs: Record<string, string>, options: JobOptions = onDefaultBranch, prepare?: (job: Job) => void) {
  // Other tests on this machine build into the same store meanwhile: push only this fixture's paths.
  const own = `-${path.basename(fixture.outPaths.tool!).slice(33).replace(/-tool$/, '')}-`;
  const job = new Job({ inputs: producerInputs({ include: own, ...inputs }), ...options });
  try {
    prepare?.(job);
    const main = await job.main();
    assert.equal(main.code, 0, main.stdout + main.stderr);
    if (attrs.length > 0) {
      const build = await job.exec('nix-build', [fixture.nixFile, ...attrs.flatMap((a) => ['-A', a]), '--no-out-link']);
      assert.equal(build.code, 0, build.stderr);
    }
    return { post: await job.post(), leftovers: job.leftoverFiles() };
  } finally {
    job.dispose();
  }
}

/** Makes this machine's store cold for the fixture: outputs and .drv files gone (nothing to evaluate from). */
async function forget(fixture: Fixture): Promise<void> {
  const outs = Object.values(fixture.outPaths);
  await deletePaths(await validPaths(outs));
  await deletePaths(await validPaths(Object.values(fixture.drvPaths)));
  assert.deepEqual(await validPaths([...outs, ...Object.values(fixture.drvPaths)]), []);
}

test('producer on master publishes; a cold consumer installs the tool by name, nothing evaluated or built; the tarball works with plain Nix', async () => {
  const fx = await buildFixture({ name: 'pinsa', build: false });
  const folder = `${nginx.url}/sets/a`;
  const { post } = await produce(fx, ['tool'], { pins: `tool=${fx.nixFile}#tool\ntoolchain=${fx.outPaths.toolchain}`, 'pins-to': folder });
  assert.equal(post.code, 0, post.stdout + post.stderr);
  assert.equal(post.outputs['push-status'], 'pushed');
  assert.equal(post.outputs['pins-status'], 'published', post.stdout);
  assert.match(post.summary, /<h3>Pin set<\/h3>[\s\S]*published[\s\S]*<td>tool<\/td>/);
  const published = JSON.parse(readFileSync(path.join(nginx.root, 'sets/a/pins.json'), 'utf8'));
  assert.deepEqual(published, {
    version: 1,
    pins: { tool: { path: fx.outPaths.tool }, toolchain: { path: fx.outPaths.toolchain } },
    substituters: [nginx.url],
    publicKeys: [key.publicKey],
  });
  // A reader never sees a pins.json naming a tarball that is not there yet.
  const puts = (await nginx.requestsWhen((r) => r.some((x) => x.path === '/sets/a/pins.json'))).filter((r) => r.method === 'PUT' && r.path.startsWith('/sets/a/'));
  assert.deepEqual(puts.map((r) => [r.path, r.status]), [['/sets/a/pins.tar.gz', 201], ['/sets/a/pins.json', 201]]);

  await forget(fx);
  const consumer = new Job({ inputs: { ...cacheInputs(), 'pins-from': folder, install: 'tool' } });
  try {
    const main = await consumer.main();
    assert.equal(main.code, 0, main.stdout + main.stderr);
    assert.equal(main.outputs.installed, fx.outPaths.tool);
    assert.deepEqual(main.addedPath, [`${fx.outPaths.tool}/bin`]);
    // Substituted (signed by the cache's key), with its closure; no derivation came back.
    assert.deepEqual(await validPaths([fx.outPaths.tool!, fx.outPaths.toolchain!, fx.drvPaths.tool!]), [fx.outPaths.tool, fx.outPaths.toolchain]);
    assert.doesNotMatch(main.stdout + main.stderr, /building '/);
    // Rooted for the rest of the job, under RUNNER_TEMP (a garbage collection in a later step keeps it).
    const roots = readdirSync(consumer.runnerTemp, { recursive: true, withFileTypes: true }).filter((e) => e.isSymbolicLink());
    assert.deepEqual(roots.map((e) => readlinkSync(path.join(e.parentPath, e.name))), [fx.outPaths.tool]);
    const run = await consumer.exec('tool');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), `tool-${fx.salt}`);
    const post = await consumer.post();
    assert.equal(post.code, 0, post.stdout + post.stderr);
    assert.doesNotMatch(post.summary, /Built locally/);
  } finally {
    consumer.dispose();
  }

  // Plain Nix with the tarball, into an empty store: Nix 2.8's route is `nix eval --raw -f`. The
  // whole closure is in this one cache, so the tarball names it for fetchClosure.
  const url = `${folder}/pins.tar.gz`;
  const defaultNix = execFileSync('tar', ['-xzOf', path.join(nginx.root, 'sets/a/pins.tar.gz'), 'pins/default.nix'], { encoding: 'utf8' });
  assert.match(defaultNix, new RegExp(`fromStore = "${nginx.url}";`));
  const trust = { substituters: [nginx.url], trustedPublicKeys: [key.publicKey] };
  for (const [route, args] of [
    ['nix eval -f', ['eval', '--raw', '-f', url, 'tool']],
    ['flake, --impure', ['eval', '--impure', '--raw', `${url}#tool`, '--extra-experimental-features', 'flakes']],
    ['fetchClosure', ['eval', '--raw', '-f', url, 'tool', '--extra-experimental-features', 'fetch-closure']],
  ] as const) {
    const cold = coldStore();
    try {
      const r = await cold.nix(args, { ...trust, forbidBuild: true });
      assert.equal(r.code, 0, `${route}: ${r.stderr}`);
      assert.equal(r.stdout, fx.outPaths.tool, route);
      assert.deepEqual(r.built, [], route);
      assert.deepEqual((await cold.validPaths()).filter((p) => p.includes('pinsa')), [fx.outPaths.toolchain, fx.outPaths.tool].sort(), route);
    } finally {
      cold.dispose();
    }
  }
});

test('file:// pin folder: replaced whole, no temporary file left; a second run with nothing new publishes again', async () => {
  const fx = await buildFixture({ name: 'pinsf', build: false });
  const dir = mkdtempSync(path.join(tmpdir(), 'e2e-pins-folder-'));
  try {
    const folder = pathToFileURL(path.join(dir, 'set')).toString();
    const first = await produce(fx, ['tool'], { pins: `tool=${fx.outPaths.tool}`, 'pins-to': folder });
    assert.equal(first.post.outputs['pins-status'], 'published', first.post.stdout);
    assert.deepEqual(readdirSync(path.join(dir, 'set')).sort(), ['pins.json', 'pins.tar.gz']);
    rmSync(path.join(dir, 'set', 'pins.json'));
    const again = await produce(fx, [], { pins: `tool=${fx.outPaths.tool}`, 'pins-to': folder });
    assert.equal(again.post.outputs['push-status'], 'nothing-new');
    assert.equal(again.post.outputs['pins-status'], 'published', again.post.stdout);
    assert.equal(JSON.parse(readFileSync(path.join(dir, 'set', 'pins.json'), 'utf8')).pins.tool.path, fx.outPaths.tool);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('branch:NAME publishes one parentless commit to origin; the branch is a flake and its archive a pin tarball', async () => {
  const fx = await buildFixture({ name: 'pinsb', build: false });
  const dir = mkdtempSync(path.join(tmpdir(), 'e2e-pins-git-'));
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: dir } }).trim();
  try {
    const origin = path.join(dir, 'origin.git');
    git('init', '-q', '--bare', origin);
    // As actions/checkout leaves it: the workspace is a clone whose `origin` the job may push to.
    const checkout = (job: Job) => {
      git('-C', job.workspace, 'init', '-q');
      git('-C', job.workspace, 'remote', 'add', 'origin', origin);
    };
    const inputs = { pins: `tool=${fx.outPaths.tool}`, 'pins-to': 'branch:nix-pins' };
    for (let run = 1; run <= 2; run++) {
      const { post } = await produce(fx, run === 1 ? ['tool'] : [], inputs, onDefaultBranch, checkout);
      assert.equal(post.outputs['pins-status'], 'published', post.stdout + post.stderr);
    }
    assert.equal(git('--git-dir', origin, 'rev-list', '--count', 'nix-pins'), '1', 'one commit, no history kept');
    assert.deepEqual(git('--git-dir', origin, 'ls-tree', '--name-only', 'nix-pins').split('\n'), ['default.nix', 'flake.nix', 'pins.json', 'pins.tar.gz']);
    assert.equal(JSON.parse(git('--git-dir', origin, 'show', 'nix-pins:pins.json')).pins.tool.path, fx.outPaths.tool);

    await forget(fx);
    const archive = path.join(dir, 'branch.tar.gz'); // what GitHub serves as /archive/refs/heads/nix-pins.tar.gz
    git('--git-dir', origin, 'archive', '--format=tar.gz', '--prefix=repo-nix-pins/', '-o', archive, 'nix-pins');
    const trust = { substituters: [nginx.url], trustedPublicKeys: [key.publicKey], forbidBuild: true };
    for (const args of [
      ['eval', '--raw', '-f', pathToFileURL(archive).toString(), 'tool'],
      ['eval', '--impure', '--raw', `git+file://${origin}?ref=nix-pins#tool`, '--extra-experimental-features', 'flakes'],
    ]) {
      const cold = coldStore();
      try {
        const r = await cold.nix(args, trust);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, fx.outPaths.tool);
      } finally {
        cold.dispose();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('s3:// publishes with signed PUTs, tarball first; a wrong secret key fails the publish with S3\'s answer', async () => {
  const fx = await buildFixture({ name: 'pinss', build: false });
  const s3 = await startS3Double({ region: 'eu-central-1', buckets: ['pins-bucket'], keys: { AKIDPINS: 'pins-secret' } });
  try {
    const to = `s3://pins-bucket/sets/s?endpoint=${s3.endpoint}&scheme=http&region=eu-central-1`;
    const env = (secret: string) => ({ ...onDefaultBranch, env: { AWS_ACCESS_KEY_ID: 'AKIDPINS', AWS_SECRET_ACCESS_KEY: secret } });
    const good = await produce(fx, ['tool'], { pins: `tool=${fx.outPaths.tool}`, 'pins-to': to }, env('pins-secret'));
    assert.equal(good.post.outputs['pins-status'], 'published', good.post.stdout + good.post.stderr);
    assert.deepEqual(s3.requests.map((r) => [r.method, r.path, r.status]), [
      ['PUT', '/pins-bucket/sets/s/pins.tar.gz', 200],
      ['PUT', '/pins-bucket/sets/s/pins.json', 200],
    ]);
    assert.equal(JSON.parse(s3.objects.get('pins-bucket/sets/s/pins.json')!.toString()).pins.tool.path, fx.outPaths.tool);
    const bad = await produce(fx, [], { pins: `tool=${fx.outPaths.tool}`, 'pins-to': to }, env('wrong-secret'));
    assert.equal(bad.post.outputs['pins-status'], 'failed');
    assert.ok(bad.post.warnings.some((w) => w.includes('SignatureDoesNotMatch')), bad.post.warnings.join('\n'));
    assert.ok(!bad.post.stdout.includes('wrong-secret'));
    assert.equal(s3.requests.filter((r) => r.status === 200).length, 2, 'nothing stored with a bad signature');
  } finally {
    await s3.stop();
  }
});

test('not published: a pinned path no cache holds, a pull request, a branch that is not the default', async () => {
  const fx = await buildFixture({ name: 'pinsn', build: false });
  const folder = (n: string) => `${nginx.url}/sets/${n}`;
  // source is built but kept out of the push: its pin cannot be published.
  const missing = await produce(fx, ['tool', 'source'], { pins: `tool=${fx.outPaths.tool}\nsource=${fx.outPaths.source}`, 'pins-to': folder('n1'), exclude: '-source$' });
  assert.equal(missing.post.code, 0, missing.post.stderr);
  assert.equal(missing.post.outputs['pins-status'], 'failed');
  assert.ok(missing.post.warnings.some((w) => w.includes('no cache holds source')), missing.post.warnings.join('\n'));
  assert.ok(!existsSync(path.join(nginx.root, 'sets/n1')));

  const pr = await produce(fx, [], { pins: `tool=${fx.outPaths.tool}`, 'pins-to': folder('n2') }, { eventName: 'pull_request', ref: 'refs/pull/3/merge', event: { pull_request: { head: { repo: { full_name: 'o/r' } }, base: { repo: { full_name: 'o/r' } } } } });
  assert.equal(pr.post.outputs['pins-status'], 'skipped');
  assert.match(pr.post.summary, /<h3>Pin set<\/h3>[\s\S]*skipped[\s\S]*pull requests/);
  // push-branches empty, the default branch is master: main does not push or publish.
  const main = await produce(fx, [], { pins: `tool=${fx.outPaths.tool}`, 'pins-to': folder('n3') }, { ref: 'refs/heads/main', event: { repository: { default_branch: 'master' } } });
  assert.equal(main.post.outputs['push-status'], 'skipped');
  assert.match(main.post.summary, /does not match push-branches \(master\)/);
  for (const n of ['n2', 'n3']) assert.ok(!existsSync(path.join(nginx.root, 'sets', n)));
});

test('consumer errors name the pin or the URL: unknown name, a path no cache serves, an unreachable set', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'e2e-pins-bad-'));
  try {
    const fx = await buildFixture({ name: 'pinsx', build: false }); // never built: no cache has it
    mkdirSync(path.join(dir, 'set'));
    writeFileSync(path.join(dir, 'set', 'pins.json'), JSON.stringify({ version: 1, pins: { ghost: { path: fx.outPaths.tool } }, substituters: ['https://elsewhere.example'], publicKeys: [] }));
    const folder = pathToFileURL(path.join(dir, 'set')).toString();
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ 'pins-from': folder, install: 'nope' }, /install: "nope" not in the pin set .* \(it has: ghost\)/],
      [{ 'pins-from': folder, install: 'ghost' }, new RegExp(`no configured cache could serve ghost \\(${fx.outPaths.tool}\\).*https://elsewhere\\.example`)],
      [{ 'pins-from': `http://127.0.0.1:${await freePort()}/set`, install: 'ghost' }, /pins-from: cannot read the pin set at http:\/\/127\.0\.0\.1:\d+\/set\/pins\.json/],
    ];
    for (const [inputs, pattern] of cases) {
      const job = new Job({ inputs: { ...cacheInputs(), ...inputs } });
      try {
        const main = await job.main();
        assert.equal(main.code, 1, main.stdout);
        assert.match(main.errors.join('\n'), pattern);
        assert.deepEqual(main.addedPath, []);
      } finally {
        job.dispose();
      }
    }
    assert.deepEqual(await validPaths([fx.outPaths.tool!]), [], 'nothing was built');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('consumer report: a path built in the job under the name of a pinned closure member is listed', async () => {
  const fx = await buildFixture({ name: 'pinsr', build: false });
  const folder = `${nginx.url}/sets/r`;
  const { post } = await produce(fx, ['tool'], { pins: `tool=${fx.outPaths.tool}`, 'pins-to': folder });
  assert.equal(post.outputs['pins-status'], 'published', post.stdout);
  await forget(fx);
  // The consumer's own toolchain: same name, another build (its cache did not have this one).
  const local = await buildFixture({ name: 'pinsr', build: false });
  const job = new Job({ inputs: { ...cacheInputs(), 'pins-from': folder, install: 'tool' } });
  try {
    assert.equal((await job.main()).code, 0);
    assert.equal((await job.exec('nix-build', [local.nixFile, '-A', 'toolchain', '--no-out-link'])).code, 0);
    const after = await job.post();
    assert.equal(after.code, 0, after.stderr);
    assert.match(after.summary, new RegExp(`Built locally, expected from a cache[\\s\\S]*${local.outPaths.toolchain}`));
    assert.ok(after.warnings.some((w) => w.includes('pinsr-toolchain')), after.warnings.join('\n'));
    assert.doesNotMatch(after.summary, new RegExp(fx.outPaths.toolchain!));
  } finally {
    job.dispose();
  }
});
