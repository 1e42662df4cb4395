// Concurrent jobs on one machine whose daemon does not trust the runner user (docs/security.md
// item 9): Nix reads one netrc-file, so every job's block names one shared netrc beside nix.conf,
// composed from the netrc Nix used before and each running job's part. Through real sudo on temp
// files (this runs as root); the daemon's use of that file is test/e2e/daemon-modes.test.ts's.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedNetrcFile } from '../../src/configure/shared-netrc.ts';
import { addToSystemConf, restoreSystemConf } from '../../src/configure/system-conf.ts';

const skip = process.getuid?.() !== 0 && 'needs root for sudo';
const A = 'runner-1/100/1/build/__self';
const B = 'runner-1/200/1/build/__self';
const entry = (host: string, token: string) => ({ machine: host, password: token });

async function withMachine(fn: (conf: string, netrc: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'shared-netrc-'));
  const saved = process.env.NIX_DAEMON_RESTART_COMMAND;
  process.env.NIX_DAEMON_RESTART_COMMAND = 'true';
  try {
    const conf = join(dir, 'nix.conf');
    writeFileSync(conf, 'sandbox = false\n');
    await fn(conf, sharedNetrcFile(conf));
  } finally {
    if (saved === undefined) delete process.env.NIX_DAEMON_RESTART_COMMAND;
    else process.env.NIX_DAEMON_RESTART_COMMAND = saved;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What a job's main step adds: its block naming the shared netrc, and its entries. */
const add = (conf: string, id: string, entries: { machine: string; password: string }[], current: string) =>
  addToSystemConf(`extra-substituters = https://${entries[0]!.machine}\nnetrc-file = ${sharedNetrcFile(conf)}\n`, id, conf, { entries, current });

test("two overlapping jobs: both jobs' entries are in the one netrc the daemon reads; each removal leaves the other's; the last removes it all", { skip }, async () => {
  for (const firstOut of [A, B]) {
    await withMachine(async (conf, netrc) => {
      await add(conf, A, [entry('a.cachix.org', 'TOKEN_A')], join(conf, '..', 'netrc'));
      // Job B sees Nix's netrc-file as job A's block set it: the shared file.
      await add(conf, B, [entry('b.cachix.org', 'TOKEN_B')], netrc);
      const both = readFileSync(netrc, 'utf8');
      assert.match(both, /^machine a\.cachix\.org password TOKEN_A$/m);
      assert.match(both, /^machine b\.cachix\.org password TOKEN_B$/m);
      // Every block names the same file: which block Nix reads last no longer matters.
      assert.deepEqual([...readFileSync(conf, 'utf8').matchAll(/^netrc-file = (.*)$/gm)].map((m) => m[1]), [netrc, netrc]);
      const st = statSync(netrc);
      assert.equal(st.mode & 0o777, 0o600);
      assert.equal(st.uid, 0);
      assert.equal(statSync(`${netrc}.d`).mode & 0o777, 0o700);

      const [gone, stays] = firstOut === A ? [['a', 'TOKEN_A'], ['b', 'TOKEN_B']] : [['b', 'TOKEN_B'], ['a', 'TOKEN_A']];
      await restoreSystemConf(firstOut, conf);
      const one = readFileSync(netrc, 'utf8');
      assert.match(one, new RegExp(`^machine ${stays[0]}\\.cachix\\.org password ${stays[1]}$`, 'm'));
      assert.ok(!one.includes(gone[1]!), `${gone[1]} outlived its job:\n${one}`);
      assert.ok(!readdirSync(`${netrc}.d`).some((n) => n.includes(encodeURIComponent(firstOut))), 'the part of the job that ended is still there');

      await restoreSystemConf(firstOut === A ? B : A, conf);
      assert.equal(existsSync(netrc), false, 'the shared netrc (tokens) outlived the last job');
      assert.equal(existsSync(`${netrc}.d`), false);
      assert.equal(readFileSync(conf, 'utf8'), 'sandbox = false\n');
    });
  }
});

test('the netrc Nix used before is carried over for every job, and never taken from another job', { skip }, async () => {
  await withMachine(async (conf, netrc) => {
    const original = join(conf, '..', 'netrc');
    writeFileSync(original, 'machine private.example.org login me password ORIGINAL_SECRET\ndefault login anon password ANON_SECRET\n', { mode: 0o600 });
    await add(conf, A, [entry('a.cachix.org', 'TOKEN_A')], original);
    await add(conf, B, [entry('b.cachix.org', 'TOKEN_B')], netrc);
    const both = readFileSync(netrc, 'utf8');
    assert.match(both, /^machine private\.example\.org login me password ORIGINAL_SECRET$/m);
    assert.match(both, /^default login anon password ANON_SECRET\n$/m, 'default stays last');

    await restoreSystemConf(A, conf);
    const onlyB = readFileSync(netrc, 'utf8');
    assert.equal(onlyB, 'machine private.example.org login me password ORIGINAL_SECRET\nmachine b.cachix.org password TOKEN_B\ndefault login anon password ANON_SECRET\n');

    // A job that starts while B runs sees the shared file as Nix's netrc-file: it still gets the
    // original's entries, and B's token leaves with B.
    await add(conf, A, [entry('a.cachix.org', 'TOKEN_A2')], netrc);
    await restoreSystemConf(B, conf);
    const onlyA = readFileSync(netrc, 'utf8');
    assert.ok(!onlyA.includes('TOKEN_B'), onlyA);
    assert.match(onlyA, /ORIGINAL_SECRET[\s\S]*TOKEN_A2[\s\S]*ANON_SECRET/);
    await restoreSystemConf(A, conf);
    assert.equal(existsSync(netrc), false);
    assert.equal(readFileSync(original, 'utf8'), 'machine private.example.org login me password ORIGINAL_SECRET\ndefault login anon password ANON_SECRET\n', 'the original netrc was changed');
  });
});

test('a job without private caches adds no part; its removal leaves the shared netrc of another job alone', { skip }, async () => {
  await withMachine(async (conf, netrc) => {
    await add(conf, A, [entry('a.cachix.org', 'TOKEN_A')], '/nonexistent/netrc');
    await addToSystemConf('extra-substituters = https://public.example.org\n', B, conf, null);
    await restoreSystemConf(B, conf);
    assert.equal(readFileSync(netrc, 'utf8'), 'machine a.cachix.org password TOKEN_A\n');
    await restoreSystemConf(A, conf);
    assert.equal(existsSync(netrc), false);
  });
});
