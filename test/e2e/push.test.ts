// The push engine end to end on real Nix: a producer job on main pushes what it built to a real
// nginx binary cache; a cold consumer substitutes all of it; the gate, the upstream filter, a dead
// or hanging target and the verify gate behave as documented.
import assert from 'node:assert/strict';
import { accessSync, constants, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { freePort, startNginx, type Nginx } from '../harness/nginx.ts';
import { buildFixture, coldStore, deletePaths, generateKey, signPaths, type Fixture, type KeyPair } from '../harness/nix.ts';
import { Job, type JobOptions } from '../harness/runner.ts';

let nginx: Nginx;
let key: KeyPair;
let upstreamKey: KeyPair;

before(async () => {
  nginx = await startNginx();
  key = await generateKey('producer-cache-1');
  upstreamKey = await generateKey('cache.nixos.org-1');
});
after(async () => {
  await nginx.stop();
});

const hashOf = (p: string) => p.slice('/nix/store/'.length, '/nix/store/'.length + 32);
const inCache = (p: string) => existsSync(`${nginx.root}/${hashOf(p)}.narinfo`);

function producerInputs(extra: Record<string, string> = {}): Record<string, string> {
  return { substituters: nginx.url, 'trusted-public-keys': key.publicKey, 'push-to': nginx.url, 'signing-key': key.secretKey, ...extra };
}

/** main → build the fixture's attributes in a job step → post, like a workflow would. */
async function producerRun(fixture: Fixture, attrs: string[], options: JobOptions = {}, postTimeoutMs?: number) {
  const job = new Job({ inputs: producerInputs(), ...options });
  try {
    const main = await job.main();
    assert.equal(main.code, 0, main.stderr + main.stdout);
    const build = await job.exec('nix-build', [fixture.nixFile, ...attrs.flatMap((a) => ['-A', a]), '--no-out-link']);
    assert.equal(build.code, 0, build.stderr);
    const post = await job.post(undefined, postTimeoutMs ? { timeoutMs: postTimeoutMs } : {});
    return { main, build, post, leftovers: job.leftoverFiles() };
  } finally {
    job.dispose();
  }
}

test('producer on main pushes toolchain, tool and source; a cold consumer substitutes them all; a second run uploads nothing', async () => {
  const fixture = await buildFixture({ name: 'prod', build: false });
  // Only this test's paths: other processes on the machine may add store paths meanwhile.
  const only = { inputs: producerInputs({ include: '^/nix/store/[a-z0-9]{32}-prod-' }) };
  const { post } = await producerRun(fixture, ['tool', 'source'], only);
  assert.equal(post.code, 0, post.stderr);
  assert.equal(post.outputs['push-status'], 'pushed', post.stdout);
  assert.equal(post.outputs.pushed, '3');
  for (const p of Object.values(fixture.outPaths)) assert.ok(inCache(p), `${p} not in the cache`);
  assert.match(post.summary, /\| 127\.0\.0\.1:\d+|http:\/\/127\.0\.0\.1/);
  assert.match(post.summary, /uploaded/);

  const consumer = coldStore();
  try {
    const r = await consumer.build(fixture.nixFile, 'tool', { substituters: [nginx.url], trustedPublicKeys: [key.publicKey], forbidBuild: true });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.built, []);
    assert.deepEqual(new Set(r.fetched), new Set([fixture.outPaths.tool, fixture.outPaths.toolchain]));
    const [info] = await consumer.pathInfo([fixture.outPaths.tool!]);
    assert.ok(info?.sigs.some((s) => s.startsWith('producer-cache-1:')), 'signed with signing-key');
  } finally {
    consumer.dispose();
  }

  // A fresh runner: the paths are gone locally, the job substitutes them from the cache, so they are
  // new in the store diff — and the target already has every one of them.
  await deletePaths([fixture.outPaths.tool!, fixture.outPaths.toolchain!, fixture.outPaths.source!]);
  const before = nginx.requests().filter((r) => r.method === 'PUT').length;
  const second = await producerRun(fixture, ['tool', 'source'], only);
  assert.equal(second.post.code, 0, second.post.stderr);
  assert.equal(second.post.outputs.pushed, '0');
  assert.equal(second.post.outputs['push-status'], 'nothing-new');
  assert.equal(nginx.requests().filter((r) => r.method === 'PUT').length, before, 'no uploads on the second run');
});

test('the snapshot: a path built before the main step is not pushed; one built after it is', async () => {
  const fixture = await buildFixture({ name: 'snap', build: false, graph: { earlier: {}, later: {} } });
  const job = new Job({ inputs: producerInputs({ include: '^/nix/store/[a-z0-9]{32}-snap-' }) });
  try {
    assert.equal((await job.exec('nix-build', [fixture.nixFile, '-A', 'earlier', '--no-out-link'])).code, 0);
    const main = await job.main();
    assert.equal(main.code, 0, main.stderr + main.stdout);
    assert.equal((await job.exec('nix-build', [fixture.nixFile, '-A', 'later', '--no-out-link'])).code, 0);
    const post = await job.post();
    assert.equal(post.code, 0, post.stderr);
    assert.equal(post.outputs.pushed, '1', post.stdout);
    assert.ok(inCache(fixture.outPaths.later ?? ''), 'the path built after the snapshot is in the cache');
    assert.ok(!inCache(fixture.outPaths.earlier ?? ''), 'the path built before the snapshot was pushed');
  } finally {
    job.dispose();
  }
});

/** Only root (or the daemon) writes into the store: the trusted-user matrix mode cannot make the entry. */
const storeWritable = (() => {
  try {
    accessSync('/nix/store', constants.W_OK);
    return true;
  } catch {
    return false;
  }
})();

test('an entry in the store that is not a valid path (a build still writing it) is left out; the rest is pushed', { skip: !storeWritable && 'the store is not writable by this user' }, async () => {
  const fixture = await buildFixture({ name: 'partial', build: false, graph: { done: {} } });
  const job = new Job({ inputs: producerInputs({ include: '^/nix/store/[a-z0-9]{32}-partial-' }) });
  // A name Nix would give an output, written after the snapshot but never registered.
  const unregistered = `/nix/store/${'0'.repeat(31)}1-partial-unfinished`;
  try {
    const main = await job.main();
    assert.equal(main.code, 0, main.stderr + main.stdout);
    mkdirSync(unregistered);
    assert.equal((await job.exec('nix-build', [fixture.nixFile, '-A', 'done', '--no-out-link'])).code, 0);
    const post = await job.post();
    assert.equal(post.code, 0, post.stderr);
    assert.equal(post.outputs['push-status'], 'pushed', post.stdout);
    assert.equal(post.outputs.pushed, '1', post.stdout);
    assert.ok(inCache(fixture.outPaths.done ?? ''));
    assert.ok(!inCache(unregistered));
  } finally {
    rmSync(unregistered, { recursive: true, force: true });
    job.dispose();
  }
});

test('a dependency signed by cache.nixos.org-1 is not uploaded; the path that refers to it is', async () => {
  const fixture = await buildFixture({ name: 'upstream', build: false });
  // Only this test's paths: other processes on the machine may add store paths meanwhile.
  const job = new Job({ inputs: producerInputs({ include: '^/nix/store/[a-z0-9]{32}-upstream-' }) });
  try {
    assert.equal((await job.main()).code, 0);
    // The toolchain "comes from cache.nixos.org": built, then signed with a key of that name.
    assert.equal((await job.exec('nix-build', [fixture.nixFile, '-A', 'toolchain', '--no-out-link'])).code, 0);
    await signPaths([fixture.outPaths.toolchain!], upstreamKey.secretFile);
    assert.equal((await job.exec('nix-build', [fixture.nixFile, '-A', 'tool', '--no-out-link'])).code, 0);
    const post = await job.post();
    assert.equal(post.code, 0, post.stderr);
    assert.equal(post.outputs.pushed, '1');
    assert.ok(inCache(fixture.outPaths.tool!));
    assert.ok(!inCache(fixture.outPaths.toolchain!), 'upstream path was uploaded');
    assert.match(post.summary, /already upstream \(skipped\): 1/);
  } finally {
    job.dispose();
  }
});

const skipCases: Array<[string, () => JobOptions, RegExp]> = [
  ['a pull request', () => ({ eventName: 'pull_request', ref: 'refs/pull/7/merge', event: { pull_request: { head: { repo: { full_name: 'o/r' } }, base: { repo: { full_name: 'o/r' } } } } }), /pull requests/],
  ['a fork pull request with push: true', () => ({ eventName: 'pull_request', ref: 'refs/pull/8/merge', inputs: producerInputs({ push: 'true' }), event: { pull_request: { head: { repo: { full_name: 'fork/r' } }, base: { repo: { full_name: 'o/r' } } } } }), /forks/],
  ['another branch', () => ({ ref: 'refs/heads/feature' }), /does not match push-branches/],
  ['push: false', () => ({ inputs: producerInputs({ push: 'false' }) }), /push is false/],
  // These run on the default branch's ref with its secrets, triggered from outside.
  ['workflow_run (after a fork\'s run)', () => ({ eventName: 'workflow_run', event: { workflow_run: { head_repository: { fork: true } } } }), /event workflow_run does not push/],
  ['issue_comment', () => ({ eventName: 'issue_comment', event: { issue: { number: 7 }, comment: { body: 'hi' } } }), /event issue_comment does not push/],
  ['pull_request_target', () => ({ eventName: 'pull_request_target', event: { pull_request: { head: { repo: { full_name: 'fork/r' } }, base: { repo: { full_name: 'o/r' } } } } }), /forks|pull requests/],
];
for (const [name, options, reason] of skipCases) {
  test(`nothing is uploaded on ${name}, and the job stays green`, async () => {
    const fixture = await buildFixture({ name: 'skip', build: false });
    const { post } = await producerRun(fixture, ['tool'], options());
    assert.equal(post.code, 0, post.stderr);
    assert.equal(post.outputs['push-status'], 'skipped');
    assert.equal(post.outputs.pushed, '0');
    assert.match(post.stdout, reason);
    assert.match(post.summary, reason);
    assert.ok(!inCache(fixture.outPaths.tool!));
  });
}

test('a listed extra branch pushes', async () => {
  const fixture = await buildFixture({ name: 'branch', build: false });
  const { post } = await producerRun(fixture, ['tool'], { ref: 'refs/heads/release/2.0', inputs: producerInputs({ 'push-branches': 'main release/*' }) });
  assert.equal(post.outputs['push-status'], 'pushed', post.stdout);
  assert.ok(inCache(fixture.outPaths.tool!));
});

test('paths pushes exactly the named installable and its closure; include/exclude choose roots', async () => {
  const fixture = await buildFixture({ name: 'explicit', build: false });
  const { post } = await producerRun(fixture, ['tool', 'source'], { inputs: producerInputs({ paths: `${fixture.nixFile}#tool` }) });
  assert.equal(post.outputs.pushed, '2', post.stdout);
  assert.ok(inCache(fixture.outPaths.tool!) && inCache(fixture.outPaths.toolchain!));
  assert.ok(!inCache(fixture.outPaths.source!));

  const filtered = await buildFixture({ name: 'filtered', build: false });
  // include keeps the roots to this fixture's paths: other processes on the machine add store paths meanwhile.
  const r = await producerRun(filtered, ['tool', 'source'], { inputs: producerInputs({ include: '^/nix/store/[a-z0-9]{32}-filtered-', exclude: '-source$\n-tool$' }) });
  // The toolchain is a root of its own (new in the store) and not excluded.
  assert.equal(r.post.outputs.pushed, '1', r.post.stdout);
  assert.ok(inCache(filtered.outPaths.toolchain!) && !inCache(filtered.outPaths.tool!) && !inCache(filtered.outPaths.source!));
});

test('any other store URL goes through nix copy (xz file:// cache), signed', async () => {
  const fixture = await buildFixture({ name: 'nixcopy', build: false });
  const dir = `${nginx.root}/xz-cache`;
  const { post } = await producerRun(fixture, ['tool'], { inputs: producerInputs({ 'push-to': `file://${dir}?compression=xz` }) });
  assert.equal(post.outputs['push-status'], 'pushed', post.stdout + post.stderr);
  const consumer = coldStore();
  try {
    const r = await consumer.realise([fixture.outPaths.tool!], { substituters: [`${nginx.url}/xz-cache`], trustedPublicKeys: [key.publicKey], forbidBuild: true });
    assert.equal(r.code, 0, r.stderr);
  } finally {
    consumer.dispose();
  }
});

async function listen(onSocket: (s: Socket) => void): Promise<{ server: Server; url: string; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    onSocket(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { server, url: `http://127.0.0.1:${address.port}`, sockets };
}

test('a target refusing connections: green job, one clear warning', async () => {
  const fixture = await buildFixture({ name: 'refused', build: false });
  const down = `http://127.0.0.1:${await freePort()}/cache`;
  const { post } = await producerRun(fixture, ['tool'], { inputs: producerInputs({ 'push-to': down, 'push-timeout': '20' }) });
  assert.equal(post.code, 0, post.stderr);
  assert.equal(post.outputs['push-status'], 'failed');
  assert.equal(post.warnings.length, 1, post.warnings.join('\n'));
  assert.ok(post.warnings[0]!.includes(down.replace('/cache', '')), post.warnings[0]);
  assert.match(post.warnings[0]!, /ECONNREFUSED|refused/i);
  const strictFixture = await buildFixture({ name: 'refused-strict', build: false });
  const strict = await producerRun(strictFixture, ['tool'], { inputs: producerInputs({ 'push-to': down, 'push-timeout': '20', strict: 'true' }) });
  assert.equal(strict.post.code, 1);
  assert.ok(strict.post.errors.join('\n').includes(down.replace('/cache', '')));
});

test('a target that accepts and never answers: green job, post step within push-timeout', async () => {
  const hang = await listen(() => {});
  try {
    const fixture = await buildFixture({ name: 'hang', build: false });
    const { post } = await producerRun(fixture, ['tool'], { inputs: producerInputs({ 'push-to': hang.url, 'push-timeout': '4' }) }, 30_000);
    assert.equal(post.code, 0, post.stderr);
    assert.equal(post.outputs['push-status'], 'failed');
    assert.ok(post.durationMs < 4_000 + 5_000, `post took ${post.durationMs} ms`);
    assert.ok(post.warnings.some((w) => /push-timeout/.test(w)), post.warnings.join('\n'));
  } finally {
    for (const s of hang.sockets) s.destroy();
    hang.server.close();
  }
});

test('require-substituted passes when the cache holds the closure, and names the derivation when not', async () => {
  const fixture = await buildFixture({ name: 'gate' });
  await producerRun(fixture, [], { inputs: producerInputs({ paths: fixture.outPaths.tool! }) }).catch(() => undefined);
  assert.ok(inCache(fixture.outPaths.tool!));
  await deletePaths([fixture.outPaths.tool!, fixture.outPaths.toolchain!]);

  const ok = new Job({ inputs: { substituters: nginx.url, 'trusted-public-keys': key.publicKey, 'require-substituted': `${fixture.nixFile}#tool` } });
  try {
    const main = await ok.main();
    assert.equal(main.code, 0, main.stdout + main.stderr);
    assert.match(main.stdout, /require-substituted: nothing to build; 2 path\(s\) will be fetched/);
  } finally {
    ok.dispose();
  }

  const other = await buildFixture({ name: 'gate-miss', build: false });
  const miss = new Job({ inputs: { substituters: nginx.url, 'trusted-public-keys': key.publicKey, 'require-substituted': `${other.nixFile}#tool` } });
  try {
    const main = await miss.main();
    assert.equal(main.code, 1);
    const text = main.errors.join('\n');
    assert.match(text, /would be built/);
    assert.ok(text.includes(other.drvPaths.tool!), text);
    assert.ok(text.includes(other.drvPaths.toolchain!), text);
  } finally {
    miss.dispose();
  }
});
