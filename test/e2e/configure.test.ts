// The configure step end to end on real Nix: a cold consumer that only has what the action
// configured substitutes everything from a real nginx binary cache and builds nothing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freePort, startNginx, type Nginx } from '../harness/nginx.ts';
import { buildFixture, coldStore, copyTo, generateKey, type Fixture, type KeyPair } from '../harness/nix.ts';
import { Job } from '../harness/runner.ts';

let nginx: Nginx;
let key: KeyPair;
let fixture: Fixture;

before(async () => {
  nginx = await startNginx();
  key = await generateKey('e2e-cache-1');
  fixture = await buildFixture({ name: 'cfg' });
  await copyTo(nginx.url, [fixture.outPaths.tool!, fixture.outPaths.source!], { secretKeyFile: key.secretFile, compression: 'zstd' });
});
after(async () => {
  await nginx.stop();
});

async function configured(inputs: Record<string, string>, env: Record<string, string> = {}) {
  const job = new Job({ inputs, env });
  const main = await job.main();
  job.dispose();
  return main;
}

test('a cold consumer substitutes every path through the configured cache and builds nothing', async () => {
  const main = await configured({ substituters: nginx.url, 'trusted-public-keys': key.publicKey });
  assert.equal(main.code, 0, main.stderr + main.stdout);
  assert.equal(main.outputs.substituters, nginx.url);
  const nixConfig = main.exported.NIX_CONFIG ?? '';
  assert.match(nixConfig, new RegExp(`^extra-substituters = ${nginx.url}$`, 'm'));
  assert.doesNotMatch(nixConfig, /^substituters =/m, 'must not replace existing substituters');
  assert.match(main.summary, /Nix binary caches/);

  const consumer = coldStore();
  try {
    const r = await consumer.build(fixture.nixFile, 'tool', { env: { NIX_CONFIG: nixConfig }, forbidBuild: true });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.built, []);
    assert.deepEqual(new Set(r.fetched), new Set([fixture.outPaths.tool, fixture.outPaths.toolchain]));
  } finally {
    consumer.dispose();
  }
});

test('with a wrong key the consumer refuses the paths', async () => {
  const other = await generateKey('e2e-cache-1');
  const main = await configured({ substituters: nginx.url, 'trusted-public-keys': other.publicKey });
  assert.equal(main.code, 0, main.stderr);
  const consumer = coldStore();
  try {
    const r = await consumer.realise([fixture.outPaths.tool!], { env: { NIX_CONFIG: main.exported.NIX_CONFIG ?? '' }, forbidBuild: true });
    assert.notEqual(r.code, 0);
    assert.deepEqual(r.fetched, []);
    assert.equal((await consumer.validPaths()).includes(fixture.outPaths.tool!), false);
  } finally {
    consumer.dispose();
  }
});

test('an existing NIX_CONFIG survives and both apply', async () => {
  const job = new Job({ inputs: { substituters: nginx.url, 'trusted-public-keys': key.publicKey }, env: { NIX_CONFIG: 'keep-outputs = true\nextra-substituters = file:///tmp/earlier-cache' } });
  try {
    const main = await job.main();
    assert.equal(main.code, 0, main.stderr);
    const shown = await job.shell('nix --extra-experimental-features nix-command show-config');
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^keep-outputs = true$/m);
    const subs = /^substituters = (.*)$/m.exec(shown.stdout)?.[1]?.split(' ') ?? [];
    assert.ok(subs.includes('file:///tmp/earlier-cache'), subs.join(' '));
    assert.ok(subs.includes(nginx.url), subs.join(' '));
    assert.match(shown.stdout, /^fallback = true$/m);
  } finally {
    job.dispose();
  }
});

test('fallback: false leaves fallback alone', async () => {
  const main = await configured({ substituters: nginx.url, 'trusted-public-keys': key.publicKey, fallback: 'false' });
  assert.equal(main.code, 0, main.stderr);
  assert.doesNotMatch(main.exported.NIX_CONFIG ?? '', /fallback/);
});

test('bad input fails the main step naming the input, and changes nothing', async () => {
  const job = new Job({ inputs: { substituters: 'ftp://nope', jobs: 'lots', 'trusted-public-keys': key.secretKey } });
  try {
    const main = await job.main();
    assert.equal(main.code, 1);
    const text = main.errors.join('\n');
    for (const input of ['substituters', 'jobs', 'trusted-public-keys']) assert.match(text, new RegExp(`${input}: `));
    assert.deepEqual(main.exported, {});
    assert.deepEqual(main.state, {});
    assert.deepEqual(job.leftoverFiles().filter((f) => f.includes('nix-substitute-action')), []);
    assert.ok(!text.includes(key.secretKey.split(':')[1]!), 'secret in error');
    // No configuration means the post step has nothing to do and says so.
    const post = await job.post();
    assert.equal(post.code, 0, post.stderr);
    assert.match(post.stdout, /nothing to push or restore/);
  } finally {
    job.dispose();
  }
});

test('a key lookup that fails skips that cache with a warning; strict fails', async () => {
  // A port nothing listens on: the Cachix API is "down".
  const inputs = { cachix: 'downcache', 'cachix-api-url': `http://127.0.0.1:${await freePort()}/api/v1`, substituters: nginx.url, 'trusted-public-keys': key.publicKey };
  const main = await configured(inputs);
  assert.equal(main.code, 0, main.stderr);
  assert.ok(main.warnings.some((w) => /cachix:downcache/.test(w)), main.warnings.join('\n'));
  assert.equal(main.outputs.substituters, nginx.url);
  const strict = await configured({ ...inputs, strict: 'true' });
  assert.equal(strict.code, 1);
  assert.match(strict.errors.join('\n'), /cachix:downcache/);
});
