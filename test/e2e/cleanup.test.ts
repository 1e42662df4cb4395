// Cleanup on every way out. The job reads a private cache through a netrc holding its password
// (written by main under RUNNER_TEMP) and pushes to a server that accepts connections and never
// answers. Whether the post step is cancelled by the runner (SIGINT, SIGTERM) mid-push, stops at
// push-timeout, cannot read main's record or its inputs, or main itself fails after configuring:
// no file holding the password is left, and the step ends promptly. (The nix.conf block and daemon
// restart of the same paths: test/e2e/untrusted-user.test.ts.)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNginx, type Nginx } from '../harness/nginx.ts';
import { buildFixture, generateKey, type KeyPair } from '../harness/nix.ts';
import { Job, type StepResult } from '../harness/runner.ts';

const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
let nginx: Nginx;
let key: KeyPair;
let silent: Server;
let silentUrl: string;
let connections = 0;
const sockets = new Set<Socket>();

before(async () => {
  nginx = await startNginx();
  key = await generateKey('cleanup-cache-1');
  // Accepts every connection and never answers (a hung cache).
  silent = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
});
after(async () => {
  for (const s of sockets) s.destroy();
  silent.close();
  await nginx.stop();
});

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    substituters: nginx.url.replace('http://', `http://ci:${PASSWORD}@`),
    'trusted-public-keys': key.publicKey,
    'push-to': silentUrl,
    'signing-key': key.secretKey,
    ...extra,
  };
}

/** Files of the job that hold the password (the netrc main wrote). */
function passwordFiles(job: Job): string[] {
  return job.leftoverFiles().filter((f) => {
    try {
      return readFileSync(f, 'utf8').includes(`password ${PASSWORD}`);
    } catch {
      return false;
    }
  });
}

/** A job whose main wrote the netrc, with one new path built for post to push. */
async function jobWithNetrc(extra: Record<string, string> = {}, build = true): Promise<Job> {
  const job = new Job({ inputs: inputs(extra) });
  const main = await job.main();
  assert.equal(main.code, 0, main.stdout + main.stderr);
  assert.equal(passwordFiles(job).length, 1, 'main wrote no netrc holding the password');
  if (build) {
    const fx = await buildFixture({ name: 'cleanup', build: false });
    const b = await job.exec('nix-build', [fx.nixFile, '-A', 'tool', '--no-out-link']);
    assert.equal(b.code, 0, b.stderr);
  }
  return job;
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} to the post step mid-push: netrc removed, step ends promptly`, async () => {
    const job = await jobWithNetrc();
    try {
      const before = connections;
      let pid = 0;
      const post: Promise<StepResult> = job.post(undefined, { onSpawn: (p) => (pid = p), timeoutMs: 90_000 });
      // Mid-push: the push has reached the hung server.
      for (let i = 0; i < 600 && connections === before; i++) await sleep(100);
      assert.ok(connections > before, 'the post step never reached the push target');
      const sentAt = Date.now();
      process.kill(pid, signal);
      const result = await post;
      assert.equal(result.timedOut, false);
      // The runner sends SIGKILL ~7.5 s after SIGINT: cleanup must be done well before.
      assert.ok(Date.now() - sentAt < 7_500, `post took ${Date.now() - sentAt} ms after ${signal}`);
      assert.ok(result.warnings.some((w) => w.includes(signal)), result.stdout);
      assert.deepEqual(passwordFiles(job), []);
    } finally {
      job.dispose();
    }
  });
}

test('push-timeout against a server that never answers: the step ends, netrc removed', async () => {
  const job = await jobWithNetrc({ 'push-timeout': '2' });
  try {
    const post = await job.post(undefined, { timeoutMs: 60_000 });
    assert.equal(post.code, 0, post.stdout + post.stderr);
    assert.equal(post.timedOut, false);
    assert.match(post.outputs['push-status'] ?? '', /failed/);
    assert.deepEqual(passwordFiles(job), []);
  } finally {
    job.dispose();
  }
});

test("an unreadable record from main: post warns, still removes the netrc and this job's block", async () => {
  const job = await jobWithNetrc({}, false);
  try {
    const record = JSON.parse(job.mainState!.main!) as Record<string, unknown>;
    job.mainState!.main = JSON.stringify({ ...record, snapshotAt: 'not a number' });
    const post = await job.post();
    assert.equal(post.code, 0, post.stdout + post.stderr);
    assert.ok(post.warnings.some((w) => /cannot read what the main step recorded/.test(w)), post.warnings.join('\n'));
    assert.deepEqual(passwordFiles(job), []);
  } finally {
    job.dispose();
  }
});

test('inputs that fail to parse in post: the netrc is removed all the same', async () => {
  const job = await jobWithNetrc({}, false);
  try {
    const post = await job.post({ jobs: 'many' });
    assert.equal(post.code, 0, post.stdout + post.stderr);
    assert.ok(post.warnings.some((w) => /jobs/.test(w)), post.warnings.join('\n'));
    assert.deepEqual(passwordFiles(job), []);
  } finally {
    job.dispose();
  }
});

test('main failing after configuring undoes it: netrc removed, NIX_CONFIG put back for later steps', async () => {
  const fx = await buildFixture({ name: 'cleanup-verify', build: false });
  const job = new Job({ inputs: inputs({ 'require-substituted': `${fx.nixFile}#tool` }) });
  try {
    const main = await job.main();
    assert.equal(main.code, 1, main.stdout + main.stderr);
    assert.match(main.errors.join('\n'), /would be built/);
    assert.deepEqual(passwordFiles(job), []);
    assert.equal(job.exported.NIX_CONFIG, '', 'later steps would still use the caches');
  } finally {
    job.dispose();
  }
});
