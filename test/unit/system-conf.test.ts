// The system nix.conf mechanics: a block per job, removed to exactly the bytes that were there;
// atomic writes through sudo that keep mode and owner; a lock between jobs. On temp files (this
// runs as root, where sudo works); reading an unreadable file with sudo as a non-root runner user is
// covered by test/e2e/untrusted-user.test.ts.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { addToSystemConf, blockId, readSystemConf, restoreSystemConf, withBlock, withoutBlock } from '../../src/configure/system-conf.ts';

const BLOCK = 'extra-substituters = http://x\n';

test('a block is added once per job and removed to exactly the original bytes', () => {
  for (const original of ['trusted-users = root\nsandbox = false\n', 'no-final-newline = 1', '', '\n\n']) {
    const once = withBlock(original, BLOCK, 'job-a');
    assert.equal(withBlock(once, BLOCK, 'job-a'), once);
    assert.equal(withoutBlock(once, 'job-a'), original, JSON.stringify(original));
    const separator = original === '' || original.endsWith('\n') ? '' : '\n';
    assert.equal(withoutBlock(`${once}added-later = 1\n`, 'job-a'), `${original}${separator}added-later = 1\n`);
  }
  // A file that did not exist: removing the block removes the file.
  assert.equal(withoutBlock(withBlock(null, BLOCK, 'job-a'), 'job-a'), null);
});

test("two jobs' blocks: each removes only its own, in either order", () => {
  const original = 'sandbox = false\n';
  const both = withBlock(withBlock(original, 'a = 1\n', 'run/1/a'), 'b = 2\n', 'run/1/b');
  assert.match(both, /a = 1[\s\S]*b = 2/);
  const withoutA = withoutBlock(both, 'run/1/a')!;
  assert.doesNotMatch(withoutA, /a = 1/);
  assert.match(withoutA, /b = 2/);
  assert.equal(withoutBlock(withoutA, 'run/1/b'), original);
  assert.equal(withoutBlock(withoutBlock(both, 'run/1/b')!, 'run/1/a'), original);
  // An id that is a prefix of another's does not touch it.
  assert.equal(withoutBlock(withBlock(original, 'c = 3\n', 'run/1/ab'), 'run/1/a'), withBlock(original, 'c = 3\n', 'run/1/ab'));
});

test('the block id names runner, run, attempt, job and step, and is safe in a comment line', () => {
  assert.equal(blockId({ RUNNER_NAME: 'r 1', GITHUB_RUN_ID: '9', GITHUB_RUN_ATTEMPT: '2', GITHUB_JOB: 'build', GITHUB_ACTION: '__self' }), 'r_1/9/2/build/__self');
  assert.doesNotMatch(blockId({ GITHUB_JOB: 'x\ny' }), /\n/);
});

function tempConf(text: string | null): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sysconf-'));
  const file = join(dir, 'nix.conf');
  if (text !== null) writeFileSync(file, text);
  return { dir, file };
}

const withRestart = async (fn: () => Promise<void>) => {
  const saved = process.env.NIX_DAEMON_RESTART_COMMAND;
  process.env.NIX_DAEMON_RESTART_COMMAND = 'true';
  try {
    await fn();
  } finally {
    if (saved === undefined) delete process.env.NIX_DAEMON_RESTART_COMMAND;
    else process.env.NIX_DAEMON_RESTART_COMMAND = saved;
  }
};

test('written atomically through sudo, keeping mode and owner; restored byte for byte', { skip: process.getuid?.() !== 0 && 'needs root for sudo' }, async () => {
  const original = 'access-tokens = github.com=secret\nsandbox = false';
  const { dir, file } = tempConf(original);
  chmodSync(file, 0o640);
  chownSync(file, 0, 65534);
  try {
    await withRestart(async () => {
      await addToSystemConf(BLOCK, 'job-a', file);
      const during = readFileSync(file, 'utf8');
      assert.ok(during.startsWith(`${original}\n`), during);
      assert.match(during, /extra-substituters = http:\/\/x/);
      const st = statSync(file);
      assert.equal(st.mode & 0o7777, 0o640);
      assert.equal(st.gid, 65534);
      assert.equal(existsSync(join(dir, '.nix-substitute-action.lock')), false, 'lock left behind');
      await restoreSystemConf('job-a', file);
    });
    assert.equal(readFileSync(file, 'utf8'), original);
    assert.equal(statSync(file).mode & 0o7777, 0o640);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file that did not exist is removed again', { skip: process.getuid?.() !== 0 && 'needs root for sudo' }, async () => {
  const { dir, file } = tempConf(null);
  try {
    await withRestart(async () => {
      await addToSystemConf(BLOCK, 'job-a', file);
      assert.equal(statSync(file).mode & 0o777, 0o644);
      await restoreSystemConf('job-a', file);
    });
    assert.equal(existsSync(file), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a symlinked nix.conf (NixOS, nix-darwin) is never replaced', async () => {
  const { dir, file } = tempConf(null);
  try {
    writeFileSync(join(dir, 'real'), 'sandbox = true\n');
    symlinkSync(join(dir, 'real'), file);
    await assert.rejects(readSystemConf(file), /not a regular file/);
    await assert.rejects(addToSystemConf(BLOCK, 'job-a', file), /not a regular file/);
    assert.equal(readFileSync(join(dir, 'real'), 'utf8'), 'sandbox = true\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without sudo, a post with no block of its own to remove returns at once (no lock needed)', { timeout: 15_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'no-sudo-'));
  const savedPath = process.env.PATH;
  try {
    // A sudo that refuses, as on a self-hosted runner without it: taking the lock can never work.
    writeFileSync(join(dir, 'sudo'), '#!/bin/sh\necho "sudo: a password is required" >&2\nexit 1\n', { mode: 0o755 });
    process.env.PATH = `${dir}:${savedPath ?? ''}`;
    const file = join(dir, 'nix.conf');
    writeFileSync(file, withBlock('sandbox = false\n', BLOCK, 'another-job'));
    await restoreSystemConf('this-job', file);
    assert.equal(readFileSync(file, 'utf8'), withBlock('sandbox = false\n', BLOCK, 'another-job'));
    await restoreSystemConf('this-job', join(dir, 'absent.conf'));
  } finally {
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  }
});
