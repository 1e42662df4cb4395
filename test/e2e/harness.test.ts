// Tests of the e2e harness itself (test/harness/*). They need real Nix and nginx but not dist/:
// the runner is exercised with a small fake action written to a temp dir.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseActionInputs } from '../harness/action-yml.ts';
import { FileCommandError, parseFileCommands, parsePathFile, parseWorkflowCommands } from '../harness/commands.ts';
import { startNginx, type Nginx } from '../harness/nginx.ts';
import { buildFixture, coldStore, copyTo, deletePaths, generateKey, parseNixLog, pathInfo, signPaths, validPaths } from '../harness/nix.ts';
import { Job, REPO_ROOT } from '../harness/runner.ts';

describe('file commands', () => {
  test('name=value and heredoc records, later wins', () => {
    const text = [
      'A=1',
      'B<<ghadelimiter_x',
      'line one',
      'has=equals and <<',
      'ghadelimiter_x',
      'C=x<<y', // `=` first: a plain record whose value contains `<<`
      '',
      'A=2',
      'D<<EOF',
      'EOF', // empty heredoc value
    ].join('\n');
    assert.deepEqual(parseFileCommands(text), { A: '2', B: 'line one\nhas=equals and <<', C: 'x<<y', D: '' });
  });

  test('CRLF lines and a value with a trailing empty line', () => {
    assert.deepEqual(parseFileCommands('K<<E\r\nv\r\n\r\nE\r\n'), { K: 'v\n' });
  });

  test('malformed files are errors, as in the runner', () => {
    assert.throws(() => parseFileCommands('K<<E\nvalue\n'), FileCommandError);
    assert.throws(() => parseFileCommands('just text\n'), FileCommandError);
    assert.throws(() => parseFileCommands('=value\n'), FileCommandError);
  });

  test('GITHUB_PATH lines', () => {
    assert.deepEqual(parsePathFile('/a\n\n/b\r\n'), ['/a', '/b']);
  });

  test('workflow commands: properties, escapes, stop-commands', () => {
    const out = [
      'plain log line',
      '::add-mask::s3cr%25t%0Aline2',
      '  ::warning file=a%3Ab.ts,line=3::careful%2C really',
      '::error::boom',
      '::stop-commands::tok',
      '::add-mask::not-a-command',
      '::tok::',
      '::notice title=T::n',
    ].join('\n');
    const cmds = parseWorkflowCommands(out);
    assert.deepEqual(
      cmds.map((c) => [c.command, c.message]),
      [['add-mask', 's3cr%t\nline2'], ['warning', 'careful%2C really'], ['error', 'boom'], ['notice', 'n']],
    );
    assert.deepEqual(cmds[1]?.properties, { file: 'a:b.ts', line: '3' });
  });
});

describe('action.yml inputs', () => {
  test('names and defaults (plain, quoted, block, expression)', () => {
    const yml = `name: x
description: y
inputs:
  name:
    description: 'cache: name'
    required: false
  skip push:
    default: false
  "quoted-key":
    default: 'it''s'
  paths:
    description: multi
    default: |
      a
      b
  token:
    default: \${{ github.token }}
outputs:
  out:
    description: z
runs:
  using: node24
`;
    assert.deepEqual(parseActionInputs(yml), [
      { name: 'name', default: undefined },
      { name: 'skip push', default: 'false' },
      { name: 'quoted-key', default: "it's" },
      { name: 'paths', default: 'a\nb\n' },
      { name: 'token', default: '${{ github.token }}' },
    ]);
  });
});

// A fake action exercising every runner channel, so Job is tested without the real dist/.
const FAKE_MAIN = `
const fs = require('node:fs');
const rec = (file, k, v) => fs.appendFileSync(process.env[file], k + '<<EOF_1\\n' + v + '\\nEOF_1\\n');
const inputs = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('INPUT_')));
rec('GITHUB_OUTPUT', 'inputs', JSON.stringify(inputs));
rec('GITHUB_OUTPUT', 'ctx', JSON.stringify({
  ref: process.env.GITHUB_REF, event: process.env.GITHUB_EVENT_NAME, repo: process.env.GITHUB_REPOSITORY,
  actions: process.env.GITHUB_ACTIONS, temp: process.env.RUNNER_TEMP, job: process.env.JOB_LEVEL,
  payload: JSON.parse(fs.readFileSync(process.env.GITHUB_EVENT_PATH, 'utf8')),
}));
rec('GITHUB_STATE', 'started', 'yes');
rec('GITHUB_STATE', 'multi', 'a\\nb');
fs.appendFileSync(process.env.GITHUB_ENV, 'FROM_MAIN=hello\\n');
rec('GITHUB_ENV', 'NIX_CONFIG', 'extra-substituters = http://x\\nextra-trusted-public-keys = k:1');
fs.mkdirSync(process.env.RUNNER_TEMP + '/bin', { recursive: true });
fs.writeFileSync(process.env.RUNNER_TEMP + '/bin/fake-tool', '#!/bin/sh\\necho fake-tool-ran\\n', { mode: 0o755 });
fs.appendFileSync(process.env.GITHUB_PATH, process.env.RUNNER_TEMP + '/bin\\n');
fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, '## configured\\n');
console.log('::add-mask::' + (process.env.INPUT_TOKEN || 'none'));
console.log('::warning::be careful');
console.log('::error title=x::it broke');
`;
const FAKE_POST = `
const fs = require('node:fs');
const pick = (p) => Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith(p)));
fs.appendFileSync(process.env.GITHUB_OUTPUT, 'seen<<EOF_2\\n' + JSON.stringify({
  state: pick('STATE_'), inputs: pick('INPUT_'), fromMain: process.env.FROM_MAIN, nixConfig: process.env.NIX_CONFIG,
}) + '\\nEOF_2\\n');
process.exitCode = Number(process.env.INPUT_EXIT || 0);
`;
const FAKE_ACTION_YML = `name: fake
inputs:
  name:
    required: true
  skip-push:
    default: 'false'
  extra pull names:
    description: spaces become underscores
  token:
    default: \${{ github.token }}
  exit:
    default: '0'
runs:
  using: node24
  main: dist/main.js
  post: dist/post.js
`;

describe('Job (runner emulation, fake action)', () => {
  let actionDir = '';
  before(() => {
    actionDir = mkdtempSync(path.join(tmpdir(), 'e2e-fake-action-'));
    mkdirSync(path.join(actionDir, 'dist'));
    writeFileSync(path.join(actionDir, 'action.yml'), FAKE_ACTION_YML);
    writeFileSync(path.join(actionDir, 'dist', 'main.js'), FAKE_MAIN);
    writeFileSync(path.join(actionDir, 'dist', 'post.js'), FAKE_POST);
  });
  after(() => rmSync(actionDir, { recursive: true, force: true }));

  test('main → build step → post carries inputs, state, env, path, outputs, commands', async () => {
    const job = new Job({
      actionDir,
      inputs: { name: 'mycache', token: 'tok-123' },
      env: { JOB_LEVEL: 'j', GITHUB_TOKEN: 'gh-token' },
      ref: 'refs/pull/7/merge',
      eventName: 'pull_request',
      event: { pull_request: { head: { repo: { full_name: 'fork/repo' } } } },
    });
    try {
      const main = await job.main({ 'extra pull names': 'a b' });
      assert.equal(main.code, 0, main.stderr);
      assert.deepEqual(JSON.parse(main.outputs['inputs'] ?? ''), {
        INPUT_NAME: 'mycache',
        'INPUT_SKIP-PUSH': 'false', // default, hyphen kept
        'INPUT_EXTRA_PULL_NAMES': 'a b', // spaces → _
        INPUT_TOKEN: 'tok-123',
        INPUT_EXIT: '0',
      });
      const ctx = JSON.parse(main.outputs['ctx'] ?? '') as Record<string, unknown>;
      assert.deepEqual(ctx, {
        ref: 'refs/pull/7/merge',
        event: 'pull_request',
        repo: 'owner/repo',
        actions: 'true',
        temp: job.runnerTemp,
        job: 'j',
        payload: { pull_request: { head: { repo: { full_name: 'fork/repo' } } } },
      });
      assert.deepEqual(main.state, { started: 'yes', multi: 'a\nb' });
      assert.deepEqual(main.exported, { FROM_MAIN: 'hello', NIX_CONFIG: 'extra-substituters = http://x\nextra-trusted-public-keys = k:1' });
      assert.equal(main.summary, '## configured\n');
      assert.deepEqual(main.masks, ['tok-123']);
      assert.deepEqual(main.warnings, ['be careful']);
      assert.deepEqual(main.errors, ['it broke']);

      // A build step sees GITHUB_ENV exports and the GITHUB_PATH entry.
      const build = await job.shell('echo "$FROM_MAIN"; fake-tool; echo "x=1" >> "$GITHUB_OUTPUT"');
      assert.equal(build.code, 0, build.stderr);
      assert.equal(build.stdout, 'hello\nfake-tool-ran\n');
      assert.deepEqual(build.outputs, { x: '1' });
      const exec = await job.exec('printenv', ['NIX_CONFIG']);
      assert.equal(exec.stdout, 'extra-substituters = http://x\nextra-trusted-public-keys = k:1\n');

      const post = await job.post();
      assert.equal(post.code, 0, post.stderr);
      const seen = JSON.parse(post.outputs['seen'] ?? '') as { state: object; inputs: Record<string, string>; fromMain: string };
      assert.deepEqual(seen.state, { STATE_started: 'yes', STATE_multi: 'a\nb' });
      assert.equal(seen.inputs['INPUT_NAME'], 'mycache');
      assert.equal(seen.inputs['INPUT_EXTRA_PULL_NAMES'], 'a b', 'post gets the same inputs as main');
      assert.equal(seen.fromMain, 'hello');

      const failed = await job.post({ exit: '3' });
      assert.equal(failed.code, 3);
      assert.ok(job.leftoverFiles().includes(path.join(job.runnerTemp, 'bin', 'fake-tool')));
    } finally {
      job.dispose();
    }
  });

  test('the github.token default and the post-before-main guard', async () => {
    const job = new Job({ actionDir, env: { GITHUB_TOKEN: 'gh-token' } });
    try {
      await assert.rejects(job.post(), /before main/);
      const main = await job.main();
      assert.equal(JSON.parse(main.outputs['inputs'] ?? '{}').INPUT_TOKEN, 'gh-token');
      assert.equal(JSON.parse(main.outputs['inputs'] ?? '{}').INPUT_NAME, '', 'declared input without default is present and empty');
    } finally {
      job.dispose();
    }
  });

  test('a hanging step is killed at its timeout, with what it started', async () => {
    const job = new Job({ actionDir });
    try {
      const r = await job.shell('echo started; sleep 30 & sleep 30', { timeoutMs: 300 });
      assert.equal(r.timedOut, true);
      assert.equal(r.code, null);
      assert.equal(r.stdout, 'started\n');
      assert.ok(r.durationMs < 5_000, `took ${r.durationMs} ms`);
    } finally {
      job.dispose();
    }
    assert.equal(REPO_ROOT, path.resolve(import.meta.dirname, '../..'));
  });
});

describe('Nix fixtures', () => {
  test('default graph: tool refers to toolchain, source is fixed-output, salts give new paths', async () => {
    const fx = await buildFixture({ name: 'harness' });
    const { toolchain, tool, source } = fx.outPaths;
    assert.ok(toolchain && tool && source);
    assert.deepEqual(await validPaths([toolchain, tool, source]), [toolchain, tool, source]);
    assert.deepEqual(await fx.closure(), [toolchain, tool, source].sort());
    const infos = await pathInfo([tool, source]);
    assert.deepEqual(infos.find((i) => i.path === tool)?.references, [toolchain]);
    assert.match(infos.find((i) => i.path === source)?.ca ?? '', /^fixed:sha256:/);
    assert.match(fx.drvPaths['tool'] ?? '', /-harness-tool\.drv$/);

    const again = await buildFixture({ name: 'harness', salt: fx.salt, build: false });
    assert.deepEqual(again.outPaths, fx.outPaths, 'same salt, same paths');
    const fresh = await buildFixture({ name: 'harness', build: false });
    assert.notEqual(fresh.outPaths['tool'], tool);
    assert.deepEqual(await validPaths(Object.values(fresh.outPaths)), [], 'build: false builds nothing');
  });

  test('large node and failing node', async () => {
    const fx = await buildFixture({ name: 'big', graph: { blob: { bytes: 3_000_000 }, broken: { fail: true } } });
    const [info] = await pathInfo([fx.outPaths['blob'] ?? '']);
    assert.ok(info && info.narSize > 3_000_000, `narSize ${info?.narSize}`);
    assert.deepEqual(await validPaths([fx.outPaths['broken'] ?? '']), []);
  });

  test('signPaths adds a cache.nixos.org-1 signature', async () => {
    const fx = await buildFixture({ name: 'signed', graph: { one: {} } });
    const key = await generateKey('cache.nixos.org-1');
    assert.match(key.publicKey, /^cache\.nixos\.org-1:[A-Za-z0-9+/]{43}=$/);
    assert.match(key.secretKey, /^cache\.nixos\.org-1:[A-Za-z0-9+/]{86}==$/);
    await signPaths([fx.outPaths['one'] ?? ''], key.secretFile);
    const [info] = await pathInfo([fx.outPaths['one'] ?? '']);
    assert.ok(info?.sigs.some((s) => s.startsWith('cache.nixos.org-1:')), JSON.stringify(info?.sigs));
  });
});

describe('nginx binary cache + cold consumer', () => {
  let nginx: Nginx;
  before(async () => {
    nginx = await startNginx();
  });
  after(async () => {
    await nginx.stop();
  });

  test('plain HTTP PUT then GET', async () => {
    const put = await fetch(`${nginx.url}/deep/dir/file.txt`, { method: 'PUT', body: 'payload' });
    assert.equal(put.status, 201);
    const get = await fetch(`${nginx.url}/deep/dir/file.txt`);
    assert.equal(await get.text(), 'payload');
    assert.equal((await fetch(`${nginx.url}/missing.narinfo`)).status, 404);
    assert.deepEqual(
      (await nginx.requestsWhen((logged) => logged.some((r) => r.path === '/missing.narinfo'))).slice(-3).map((r) => `${r.method} ${r.path} ${r.status}`),
      ['PUT /deep/dir/file.txt 201', 'GET /deep/dir/file.txt 200', 'GET /missing.narinfo 404'],
    );
  });

  test('nix copy uploads; a cold store substitutes with the right key, rejects a wrong one', async () => {
    const fx = await buildFixture({ name: 'roundtrip' });
    const key = await generateKey('test-cache-1');
    const other = await generateKey('test-cache-1'); // same name, different key
    const tool = fx.outPaths['tool'] ?? '';
    const toolchain = fx.outPaths['toolchain'] ?? '';

    const copied = await copyTo(nginx.url, [tool], { secretKeyFile: key.secretFile });
    assert.deepEqual(copied.sort(), [tool, toolchain].sort());
    assert.ok(readFileSync(path.join(nginx.root, `${tool.slice(11, 43)}.narinfo`), 'utf8').includes('Sig: test-cache-1:'));

    const wrong = coldStore();
    try {
      const r = await wrong.realise([tool], { substituters: [nginx.url], trustedPublicKeys: [other.publicKey], forbidBuild: true });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /not signed by any of the keys/);
      assert.deepEqual(await wrong.validPaths(), []);
    } finally {
      wrong.dispose();
    }

    const cold = coldStore();
    try {
      const r = await cold.realise([tool], { substituters: [nginx.url], trustedPublicKeys: [key.publicKey], forbidBuild: true });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.fetched.sort(), [tool, toolchain].sort());
      assert.deepEqual(r.built, []);
      assert.deepEqual(r.outPaths, [tool]);
      assert.deepEqual(await cold.validPaths(), [tool, toolchain].sort());
      const [info] = await cold.pathInfo([tool]);
      assert.ok(info?.sigs.some((s) => s.startsWith('test-cache-1:')));
    } finally {
      cold.dispose();
    }
  });

  // Building into a chroot store (not substituting) works on the host's Nix 2.8 as root only: as
  // another user the builder writes the logical /nix/store path; Nix 2.26 sandboxes it and cannot
  // bind a merged-/usr /bin; 2.34 refuses a chroot store below world-writable /tmp. The matrix
  // (scripts/nix-matrix) substitutes into chroot stores everywhere, and builds through the machine.
  const chrootBuilds = process.getuid?.() === 0 && !process.env.NIX_MATRIX_MODE ? false : 'building into a chroot store: host suite (root, Nix 2.8) only';
  test('a cold build honours an exported NIX_CONFIG, and builds what is missing', { skip: chrootBuilds }, async () => {
    const fx = await buildFixture({ name: 'coldbuild' });
    const key = await generateKey('test-cache-2');
    await copyTo(nginx.url, [fx.outPaths['toolchain'] ?? ''], { secretKeyFile: key.secretFile });
    const NIX_CONFIG = `extra-substituters = ${nginx.url}\nextra-trusted-public-keys = ${key.publicKey}\n`;

    const forbidding = coldStore();
    try {
      // Only the toolchain is cached: with builds forbidden, the tool cannot be had.
      const r = await forbidding.build(fx.nixFile, 'tool', { env: { NIX_CONFIG }, forbidBuild: true });
      assert.notEqual(r.code, 0);
      assert.deepEqual(r.built, []);
      const valid = await forbidding.validPaths();
      assert.ok(valid.includes(fx.outPaths['toolchain'] ?? '') && !valid.includes(fx.outPaths['tool'] ?? ''), valid.join('\n'));
    } finally {
      forbidding.dispose();
    }

    const cold = coldStore();
    try {
      const r = await cold.build(fx.nixFile, 'tool', { env: { NIX_CONFIG } });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.fetched, [fx.outPaths['toolchain']]);
      assert.deepEqual(r.built, [fx.drvPaths['tool']]);
      assert.deepEqual(r.outPaths, [fx.outPaths['tool']]);
    } finally {
      cold.dispose();
    }

    // Without the env, the consumer sees no substituter at all (the machine's config does not leak in).
    const bare = coldStore();
    try {
      const r = await bare.build(fx.nixFile, 'toolchain', { forbidBuild: true });
      assert.notEqual(r.code, 0);
      assert.deepEqual(r.fetched, []);
    } finally {
      bare.dispose();
    }
  });

  test('a job build step substitutes through an exported NIX_CONFIG, with no machine substituters', async () => {
    const fx = await buildFixture({ name: 'jobbuild', graph: { toolchain: {}, tool: { deps: ['toolchain'] } }, build: false });
    const toolchain = fx.outPaths['toolchain'] ?? '';
    const built = await buildFixture({ name: 'jobbuild', salt: fx.salt, graph: { toolchain: {} } });
    assert.equal(built.outPaths['toolchain'], toolchain);
    const key = await generateKey('test-cache-3');
    await copyTo(nginx.url, [toolchain], { secretKeyFile: key.secretFile });
    await deletePaths([toolchain]);
    assert.deepEqual(await validPaths([toolchain]), []);

    const job = new Job({ actionDir: REPO_ROOT });
    try {
      // What a configure step would export; written here directly to keep dist/ out of this test.
      const exported = await job.shell(
        `printf 'NIX_CONFIG<<EOF\nextra-substituters = %s\nextra-trusted-public-keys = %s\nEOF\n' '${nginx.url}' '${key.publicKey}' >> "$GITHUB_ENV"`,
      );
      assert.equal(exported.code, 0, exported.stderr);
      const build = await job.exec('nix-build', [fx.nixFile, '-A', 'tool', '--no-out-link'], { timeoutMs: 30_000 });
      assert.equal(build.code, 0, build.stderr);
      const log = parseNixLog(build.stderr);
      assert.deepEqual(log.fetched, [toolchain]);
      assert.deepEqual(log.built, [fx.drvPaths['tool']]);
      assert.doesNotMatch(build.stderr, /cache\.nixos\.org/);
      assert.ok(build.durationMs < 4_000, `${build.durationMs} ms: did Nix try an unreachable substituter?`);
    } finally {
      job.dispose();
    }
  });
});

describe('startNginx', () => {
  test('stop() kills nginx and removes its files, but keeps a given root', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'e2e-root-'));
    try {
      const n = await startNginx({ root });
      await fetch(`${n.url}/x`, { method: 'PUT', body: 'y' });
      await n.stop();
      await assert.rejects(fetch(`${n.url}/x`));
      assert.equal(readFileSync(path.join(root, 'x'), 'utf8'), 'y');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
