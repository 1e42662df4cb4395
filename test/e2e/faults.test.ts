// The fault suite: the bundled action against caches behind a fault-injecting proxy (test/faults/).
// Figures are printed as `fault-suite: …` lines (they go into docs/reliability.md).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { startAtticDouble, type AtticDouble } from '../doubles/attic.ts';
import { startCachixDouble, type CachixDouble } from '../doubles/cachix.ts';
import { randomStatuses, startFaultProxy, type FaultProxy, type Rule } from '../faults/proxy.ts';
import { cacheProblems, findStepPid, narInfosIn } from '../faults/steps.ts';
import { startNginx, type Nginx } from '../harness/nginx.ts';
import { buildFixture, coldStore, copyTo, deletePaths, generateKey, validPaths, type FixtureGraph, type KeyPair } from '../harness/nix.ts';
import { runProcess } from '../harness/process.ts';
import { Job } from '../harness/runner.ts';

let nginx: Nginx;
let key: KeyPair;
let attic: AtticDouble;
let cachix: CachixDouble;
const proxies: FaultProxy[] = [];

before(async () => {
  nginx = await startNginx();
  key = await generateKey('fault-cache-1');
  attic = await startAtticDouble({ caches: { main: { public: true } }, tokens: { 'attic-secret': { pull: ['*'], push: ['*'] } } });
  cachix = await startCachixDouble({ caches: { pub: { public: true } }, tokens: { 'cachix-secret': { read: [], write: ['pub'] } } });
});
after(async () => {
  for (const p of proxies) await p.stop();
  await nginx.stop();
  await attic.stop();
  await cachix.stop();
});

async function proxy(upstream: string, rule?: Rule): Promise<FaultProxy> {
  const p = await startFaultProxy(upstream, rule);
  proxies.push(p);
  return p;
}

/** A tree of `count` small paths: node i refers to node (i-1)/2, so closures are non-trivial. */
function treeGraph(count: number, bytes?: number): FixtureGraph {
  const graph: FixtureGraph = {};
  for (let i = 0; i < count; i++) graph[`n${i}`] = { ...(i > 0 ? { deps: [`n${Math.floor((i - 1) / 2)}`] } : {}), ...(bytes ? { bytes } : {}) };
  return graph;
}

/** `nix store verify` of a cold store: content hashes and a trusted signature on every path. */
async function verifyStore(storeDir: string, publicKey: string): Promise<{ code: number | null; corrupt: number; untrusted: number; output: string }> {
  const conf = mkdtempSync(path.join(tmpdir(), 'fault-verify-'));
  try {
    writeFileSync(path.join(conf, 'nix.conf'), `substituters =\ntrusted-public-keys = ${publicKey}\nexperimental-features = nix-command\n`);
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', NIX_CONF_DIR: conf, NIX_USER_CONF_FILES: '', HOME: conf, XDG_CACHE_HOME: conf };
    const r = await runProcess('nix', ['--extra-experimental-features', 'nix-command', 'store', 'verify', '--store', storeDir, '--all', '--sigs-needed', '1'], { env, timeoutMs: 60_000 });
    const output = r.stdout + r.stderr;
    return { code: r.code, corrupt: (output.match(/was modified!/g) ?? []).length, untrusted: (output.match(/is untrusted/g) ?? []).length, output };
  } finally {
    rmSync(conf, { recursive: true, force: true });
  }
}

test('30% random 500/503/429 on every push path (nginx, attic, Cachix): every path lands; a cold consumer verifies all of them', async () => {
  const count = 24;
  // A fixed salt: the same store paths, hence the same seeded faults, on every run.
  const fixture = await buildFixture({ name: 'flaky', salt: 'fault-suite-flaky-v1', graph: treeGraph(count) });
  const paths = Object.values(fixture.outPaths);
  const flaky = randomStatuses({ seed: 42, share: 0.3, statuses: [500, 503, 429] });
  const [toNginx, toAttic, toCachix] = [await proxy(nginx.url, flaky), await proxy(attic.url, flaky), await proxy(cachix.apiUrl.replace(/\/api\/v1$/, ''), flaky)];

  const job = new Job({ inputs: allBackends({ pushTo: `${toNginx.url}/flaky`, attic: toAttic.url, cachix: toCachix.url }, paths, 60) });
  try {
    const main = await job.main();
    assert.equal(main.code, 0, main.stdout + main.stderr);
    const post = await job.post();
    assert.equal(post.code, 0, post.stdout + post.stderr);
    assert.equal(post.outputs['push-status'], 'pushed', post.stdout);
    // Every target got every path: 24 paths × 3 targets.
    assert.equal(post.outputs.pushed, String(count * 3), post.stdout);
    assert.equal(narInfosIn(path.join(nginx.root, 'flaky')).length, count);
    assert.equal(attic.stored('main').size, count);
    assert.equal(cachix.stored('pub').length, count);
    assert.deepEqual(cacheProblems(path.join(nginx.root, 'flaky')), []);

    // A cold consumer, straight from nginx (no proxy): substitutes all, builds nothing, verifies all.
    const consumer = coldStore();
    try {
      const r = await consumer.realise(paths, { substituters: [`${nginx.url}/flaky`], trustedPublicKeys: [key.publicKey], forbidBuild: true });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(new Set(r.fetched).size, count);
      const v = await verifyStore(consumer.dir, key.publicKey);
      assert.equal(v.code, 0, v.output);
      assert.equal(v.corrupt + v.untrusted, 0, v.output);

      const all = [toNginx, toAttic, toCachix];
      const injected = all.reduce((n, p) => n + p.injected(), 0);
      const requests = all.reduce((n, p) => n + p.events.length, 0);
      assert.ok(injected > 0.15 * requests, `only ${injected} of ${requests} requests were faulted`);
      console.log(
        `fault-suite: 30% 5xx/429 (seed 42) on nginx+attic+Cachix: ${count}/${count} paths landed on each of 3 targets, ` +
          `${requests} requests, ${injected} injected faults (each absorbed by a retry), ${post.warnings.length} warnings, ${v.corrupt} corrupt / ${v.untrusted} unsigned in the cold consumer, ` +
          `post step ${(post.durationMs / 1000).toFixed(1)} s`,
      );
    } finally {
      consumer.dispose();
    }
  } finally {
    job.dispose();
  }
});

/** Inputs pushing `paths` to all three backends, each at the given base URL (a proxy in front of it). */
function allBackends(at: { pushTo: string; attic: string; cachix: string }, paths: string[], pushTimeout: number): Record<string, string> {
  return {
    'push-to': at.pushTo,
    'signing-key': key.secretKey,
    'attic-endpoint': at.attic,
    'attic-cache': 'main',
    'attic-token': 'attic-secret',
    'attic-public-key': attic.publicKey('main'),
    cachix: 'pub',
    'cachix-auth-token': 'cachix-secret',
    'cachix-public-key': cachix.publicKey('pub'),
    'cachix-api-url': `${at.cachix}/api/v1`,
    paths: paths.join(' '),
    'push-timeout': String(pushTimeout),
  };
}

for (const mode of ['refused', 'hanging'] as const) {
  test(`every target ${mode}: the job is green, exactly one clear warning, post within push-timeout`, async () => {
    const fixture = await buildFixture({ name: `down-${mode}`, graph: treeGraph(3) });
    const p = await proxy(nginx.url, () => ({ kind: 'hang' }));
    if (mode === 'refused') await p.refuse();
    const pushTimeout = mode === 'refused' ? 15 : 4;
    const job = new Job({ inputs: allBackends({ pushTo: `${p.url}/cache`, attic: p.url, cachix: p.url }, Object.values(fixture.outPaths), pushTimeout) });
    try {
      const main = await job.main();
      assert.equal(main.code, 0, main.stdout + main.stderr);
      const post = await job.post(undefined, { timeoutMs: 60_000 });
      assert.equal(post.code, 0, post.stdout + post.stderr);
      assert.equal(post.outputs['push-status'], 'failed');
      assert.equal(post.warnings.length, 1, post.warnings.join('\n---\n'));
      const warning = post.warnings[0]!;
      for (const label of [`127.0.0.1:${p.port}/cache`, 'attic:main', 'cachix:pub']) assert.ok(warning.includes(label), `${label} not named in: ${warning}`);
      if (mode === 'hanging') assert.match(warning, /push-timeout/);
      assert.equal(post.errors.length, 0);
      // 5 s is the post step's own grace; 3 s more for node start-up and Nix calls on a busy machine.
      assert.ok(post.durationMs < (pushTimeout + 5 + 3) * 1000, `post took ${post.durationMs} ms`);
      console.log(`fault-suite: all targets ${mode}: job green, ${post.warnings.length} warning, post step ${(post.durationMs / 1000).toFixed(1)} s (push-timeout ${pushTimeout} s)`);
    } finally {
      job.dispose();
    }
  });
}

test('SIGKILL of the post step mid-upload, then a re-run: only the missing paths are uploaded, never a narinfo before its NAR', async () => {
  const count = 10;
  const fixture = await buildFixture({ name: 'killed', graph: treeGraph(count, 48 * 1024) });
  const paths = Object.values(fixture.outPaths);
  // NAR uploads drip at ~64 KiB/s, so a 48 KiB NAR takes ~0.75 s: the kill lands mid-upload.
  const p = await proxy(nginx.url, (r) => (r.method === 'PUT' && r.path.includes('/nar/') ? { kind: 'drip', chunkBytes: 4096, intervalMs: 60 } : { kind: 'pass' }));
  const dir = path.join(nginx.root, 'killed');
  const inputs = { 'push-to': `${p.url}/killed`, 'signing-key': key.secretKey, paths: paths.join(' '), jobs: '3' };

  const first = new Job({ inputs });
  let landedBeforeKill = 0;
  try {
    assert.equal((await first.main()).code, 0);
    const running = first.post(undefined, { timeoutMs: 60_000 });
    const deadline = Date.now() + 30_000;
    let killed = false;
    while (Date.now() < deadline) {
      const narUploads = p.inFlight().filter((e) => e.method === 'PUT' && e.path.includes('/nar/'));
      if (narInfosIn(dir).length >= 3 && narUploads.length > 0) {
        const pid = findStepPid(first.runnerTemp, 'post.js');
        assert.ok(pid, 'post step process not found');
        process.kill(-pid, 'SIGKILL'); // the whole step: node and its nix-store --dump children
        killed = true;
        break;
      }
      await sleep(20);
    }
    const post = await running;
    assert.ok(killed, `never saw uploads in flight with 3 narinfos landed: ${post.stdout}`);
    assert.equal(post.code, null, 'the post step was killed');
    await sleep(300); // let nginx log the aborted requests
    landedBeforeKill = narInfosIn(dir).length;
    assert.ok(landedBeforeKill < count, 'everything landed before the kill');
    assert.deepEqual(cacheProblems(dir), [], 'a narinfo is visible without its NAR or its references');
  } finally {
    first.dispose();
  }

  const already = new Set(narInfosIn(dir).map((i) => i.file));
  const logBefore = nginx.requests().length;
  const second = new Job({ inputs });
  try {
    assert.equal((await second.main()).code, 0);
    const post = await second.post();
    assert.equal(post.code, 0, post.stdout + post.stderr);
    assert.equal(post.outputs.pushed, String(count - landedBeforeKill), post.stdout);
    const narinfoPuts = nginx.requests().slice(logBefore).filter((r) => r.method === 'PUT' && r.path.endsWith('.narinfo'));
    assert.equal(narinfoPuts.length, count - landedBeforeKill);
    for (const r of narinfoPuts) assert.ok(!already.has(path.basename(r.path)), `${r.path} was uploaded again`);
  } finally {
    second.dispose();
  }
  assert.equal(narInfosIn(dir).length, count);
  assert.deepEqual(cacheProblems(dir), []);

  // Order over both runs, from nginx's log (written as each request completes): every narinfo
  // PUT comes after a successful PUT of its NAR.
  const log = nginx.requests().filter((r) => r.path.startsWith('/killed/'));
  const urlOf = new Map(narInfosIn(dir).map((i) => [`/killed/${i.file}`, `/killed/${i.url}`]));
  for (const [i, r] of log.entries()) {
    if (r.method !== 'PUT' || !r.path.endsWith('.narinfo') || r.status >= 300) continue;
    const nar = urlOf.get(r.path);
    assert.ok(
      log.slice(0, i).some((e) => e.method === 'PUT' && e.path === nar && e.status < 300),
      `${r.path} was stored before its NAR ${nar}`,
    );
  }
  const consumer = coldStore();
  try {
    const r = await consumer.realise(paths, { substituters: [`${nginx.url}/killed`], trustedPublicKeys: [key.publicKey], forbidBuild: true });
    assert.equal(r.code, 0, r.stderr);
  } finally {
    consumer.dispose();
  }
  console.log(`fault-suite: post step SIGKILLed mid-upload: ${landedBeforeKill}/${count} paths had landed, 0 narinfos without their NAR; re-run uploaded exactly the ${count - landedBeforeKill} missing`);
});

test('a NAR that differs from its narinfo: Nix rejects it; with fallback it builds from source, without it fails cleanly', async () => {
  const fixture = await buildFixture({ name: 'swapped', graph: { toolchain: {}, tool: { deps: ['toolchain'] }, decoy: {} } });
  const dir = path.join(nginx.root, 'swapped');
  await copyTo(`file://${dir}`, Object.values(fixture.outPaths), { secretKeyFile: key.secretFile });
  const infos = narInfosIn(dir);
  const info = (p: string) => infos.find((i) => i.storePath === p)!;
  const tool = info(fixture.outPaths.tool!);
  const decoyNar = readFileSync(path.join(dir, info(fixture.outPaths.decoy!).url));
  // Serve the decoy's (valid, well-compressed) NAR where the tool's NAR should be.
  const p = await proxy(nginx.url, (r) => (r.method === 'GET' && r.path === `/swapped/${tool.url}` ? { kind: 'replace', body: decoyNar } : { kind: 'pass' }));
  await deletePaths([fixture.outPaths.tool!, fixture.outPaths.toolchain!]);
  const substituter = `${p.url}/swapped`;

  const consumer = coldStore();
  try {
    const r = await consumer.realise([fixture.outPaths.tool!], { substituters: [substituter], trustedPublicKeys: [key.publicKey], forbidBuild: true });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /hash mismatch/);
    assert.ok(!(await consumer.validPaths()).includes(fixture.outPaths.tool!), 'the corrupt path was installed');
  } finally {
    consumer.dispose();
  }

  // In the main store, through what the action configured (the job's own NIX_CONFIG).
  for (const fallback of ['false', 'true']) {
    const job = new Job({ inputs: { substituters: substituter, 'trusted-public-keys': key.publicKey, fallback } });
    try {
      assert.equal((await job.main()).code, 0);
      const build = await job.exec('nix-build', [fixture.nixFile, '-A', 'tool', '--no-out-link']);
      assert.match(build.stderr, /hash mismatch/);
      if (fallback === 'false') {
        assert.notEqual(build.code, 0);
        assert.deepEqual(await validPaths([fixture.outPaths.tool!]), [], 'the corrupt path was installed');
      } else {
        assert.equal(build.code, 0, build.stderr);
        assert.match(build.stderr, new RegExp(`building '${fixture.drvPaths.tool!.replace(/[.+]/g, '\\$&')}'`));
        // What got installed is the honest build: its NAR hash is the one the narinfo promised.
        const verify = await job.exec('nix-store', ['--verify-path', fixture.outPaths.tool!]);
        assert.equal(verify.code, 0, verify.stderr);
        const local = await job.exec('nix-store', ['-q', '--hash', fixture.outPaths.tool!]);
        assert.equal(local.stdout.trim(), tool.narHash);
      }
    } finally {
      job.dispose();
    }
  }
  console.log('fault-suite: NAR differing from its narinfo: rejected (hash mismatch), nothing installed; fallback = true built it from source');
});

test('truncated NAR downloads: Nix retries and the consumer gets intact paths', async () => {
  const fixture = await buildFixture({ name: 'truncated', graph: treeGraph(4, 16 * 1024) });
  const dir = path.join(nginx.root, 'truncated');
  await copyTo(`file://${dir}`, Object.values(fixture.outPaths), { secretKeyFile: key.secretFile, compression: 'none' });
  const p = await proxy(nginx.url, (r) => (r.method === 'GET' && r.path.includes('/nar/') && r.attempt === 1 ? { kind: 'truncate', keepBytes: 1000 } : { kind: 'pass' }));
  const consumer = coldStore();
  try {
    const r = await consumer.realise(Object.values(fixture.outPaths), { substituters: [`${p.url}/truncated`], trustedPublicKeys: [key.publicKey], forbidBuild: true });
    assert.equal(r.code, 0, r.stderr);
    const truncated = p.events.filter((e) => e.fault === 'truncate').length;
    assert.equal(truncated, 4);
    const v = await verifyStore(consumer.dir, key.publicKey);
    assert.equal(v.code, 0, v.output);
    console.log(`fault-suite: ${truncated} truncated NAR downloads: Nix retried each, 4/4 paths intact (0 corrupt)`);
  } finally {
    consumer.dispose();
  }
});

test('a truncated cache-config answer from attic: the main step skips that cache with one warning (strict: fails)', async () => {
  const p = await proxy(attic.url, (r) => (r.path.includes('cache-config') ? { kind: 'truncate', keepBytes: 10 } : { kind: 'pass' }));
  const inputs = { 'attic-endpoint': p.url, 'attic-cache': 'main', 'attic-token': 'attic-secret', substituters: nginx.url, 'trusted-public-keys': key.publicKey };
  const job = new Job({ inputs });
  try {
    const main = await job.main();
    assert.equal(main.code, 0, main.stdout + main.stderr);
    assert.equal(main.warnings.length, 1, main.warnings.join('\n'));
    assert.match(main.warnings[0]!, /attic:main/);
    assert.equal(main.outputs.substituters, nginx.url);
  } finally {
    job.dispose();
  }
  const strict = new Job({ inputs: { ...inputs, strict: 'true' } });
  try {
    const main = await strict.main();
    assert.equal(main.code, 1);
    assert.match(main.errors.join('\n'), /attic:main/);
  } finally {
    strict.dispose();
  }
});

test('a slow-drip answer from attic (cache-config at ~300 B/s): the main step waits for it and uses the key', async () => {
  const p = await proxy(attic.url, (r) => (r.path.includes('cache-config') ? { kind: 'drip', chunkBytes: 16, intervalMs: 50 } : { kind: 'pass' }));
  const job = new Job({ inputs: { 'attic-endpoint': p.url, 'attic-cache': 'main', 'attic-token': 'attic-secret' } });
  try {
    const main = await job.main();
    assert.equal(main.code, 0, main.stdout + main.stderr);
    // The only warning: the double behind the proxy advertises its own address as the substituter,
    // as a misconfigured attic behind a proxy does (its api_endpoint is the post step's to report).
    assert.equal(main.warnings.length, 1, main.warnings.join('\n'));
    assert.match(main.warnings[0]!, /attic:main: the server advertises substituter_endpoint/);
    assert.ok(main.exported.NIX_CONFIG?.includes(attic.publicKey('main')), main.exported.NIX_CONFIG);
    const dripped = p.events.find((e) => e.fault === 'drip');
    assert.ok(dripped?.endedAt && dripped.endedAt - dripped.startedAt > 500, 'the answer was not slow');
  } finally {
    job.dispose();
  }
});
