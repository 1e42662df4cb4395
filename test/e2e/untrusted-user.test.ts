// A multi-user Nix on this machine: a real nix-daemon (root) with `trusted-users = root`, and the job
// run as a non-root user the daemon does not trust. The daemon would silently ignore the caches the
// job passes; with passwordless sudo the action adds them to /etc/nix/nix.conf, restarts the daemon
// (NIX_DAEMON_RESTART_COMMAND), the user's build substitutes, and the post step restores the file
// byte for byte. Without sudo the main step fails and says what to change.
//
// Changes the machine (a user, a sudoers file, /etc/nix/nix.conf, the daemon socket) and undoes all
// of it in `finally`; skips when it cannot (not root, a daemon already running, tools missing).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { READ, WRITE, startGitHubCache } from '../doubles/github-cache.ts';
import { startNginx } from '../harness/nginx.ts';
import { buildFixture, copyTo, deletePaths, generateKey, validPaths } from '../harness/nix.ts';
import { runProcess } from '../harness/process.ts';
import { Job } from '../harness/runner.ts';

const USER = 'nsa-untrusted-ci';
const SYSTEM_CONF = '/etc/nix/nix.conf';
/** The one netrc every job's block names for an untrusted daemon (root, 0600; docs/security.md item 9). */
const SHARED_NETRC = '/etc/nix/nix-substitute-action.netrc';
const SOCKET = '/nix/var/nix/daemon-socket/socket';
const SUDOERS = `/etc/sudoers.d/${USER}`;
const TOOLS = ['/usr/bin/nix-daemon', '/usr/sbin/useradd', '/usr/sbin/userdel', '/usr/bin/sudo', '/usr/bin/setpriv'];

function whyNot(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (creates a user, edits /etc/nix/nix.conf, runs nix-daemon)';
  const missing = TOOLS.filter((t) => !existsSync(t));
  if (missing.length > 0) return `missing ${missing.join(', ')}`;
  if (existsSync(SOCKET)) return `a Nix daemon socket already exists (${SOCKET}): not taking over a running daemon`;
  if (!existsSync(SYSTEM_CONF)) return `no ${SYSTEM_CONF}`;
  return null;
}

const sh = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** The restart script the action runs through sudo: stops the test's daemon, starts a new one. */
function restartScript(dir: string): string {
  return `#!/bin/sh
# Restarts the nix-daemon of test/e2e/untrusted-user.test.ts (the runner has no systemd here).
pidfile=${dir}/daemon.pid
if [ -f "$pidfile" ]; then
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null
  i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
fi
rm -f ${SOCKET}
# Its own session: the step's process group is killed when the step ends, the daemon must live on.
setsid /usr/bin/nix-daemon >>${dir}/daemon.log 2>&1 </dev/null &
echo $! >"$pidfile"
i=0; while [ ! -S ${SOCKET} ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
[ -S ${SOCKET} ]
`;
}

/**
 * Machines differ in who may reach the daemon socket: Debian's set-up limits its directory to a
 * group (`nix-users`), upstream's installer leaves it open to all. The test user joins the
 * directory's group when others cannot enter it.
 */
function socketGroupArgs(): string[] {
  const dir = path.dirname(SOCKET);
  if (!existsSync(dir) || (statSync(dir).mode & 0o001) !== 0) return [];
  const group = sh('getent', ['group', String(statSync(dir).gid)]).split(':')[0] ?? '';
  return ['--groups', group];
}

const LOCK = path.join(tmpdir(), 'untrusted-user-test.lock');
interface Lock {
  pid: number;
  /** /etc/nix/nix.conf as found, base64. */
  conf: string;
  dir: string;
}

/**
 * One run at a time on a machine (other suites may run in parallel); a lock left by a killed run
 * carries the original /etc/nix/nix.conf, which is put back before anything else.
 */
function takeLock(): string | null {
  if (existsSync(LOCK)) {
    const stale = JSON.parse(readFileSync(LOCK, 'utf8')) as Lock;
    if (existsSync(`/proc/${stale.pid}`)) return `another run (pid ${stale.pid}) holds ${LOCK}`;
    restoreMachine(stale);
  }
  const reason = whyNot();
  if (reason) return reason;
  try {
    writeFileSync(LOCK, JSON.stringify({ pid: process.pid, conf: readFileSync(SYSTEM_CONF).toString('base64'), dir: '' } satisfies Lock), { flag: 'wx' });
  } catch {
    return `another run took ${LOCK} just now`;
  }
  return null;
}

function restoreMachine(lock: Lock): void {
  try {
    const pid = Number(readFileSync(path.join(lock.dir, 'daemon.pid'), 'utf8').trim());
    process.kill(pid, 'SIGTERM');
    execFileSync('/bin/sh', ['-c', `i=0; while kill -0 ${pid} 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done`]);
  } catch {
    // never started, or gone
  }
  rmSync(SOCKET, { force: true });
  writeFileSync(SYSTEM_CONF, Buffer.from(lock.conf, 'base64'));
  chmodSync(SYSTEM_CONF, 0o644);
  rmSync(SUDOERS, { force: true });
  rmSync(SHARED_NETRC, { force: true });
  rmSync(`${SHARED_NETRC}.d`, { recursive: true, force: true });
  try {
    sh('/usr/sbin/userdel', [USER]);
  } catch {
    // never created
  }
  if (lock.dir) rmSync(lock.dir, { recursive: true, force: true });
  rmSync(LOCK, { force: true });
}

let ran = false;

test('untrusted runner user: sudo puts the cache into the daemon config, the build substitutes, post restores; without sudo a clear error', async (t) => {
  const reason = takeLock();
  if (reason) {
    t.skip(`cannot set up a multi-user Nix here: ${reason}`);
    return;
  }
  ran = true;
  const original = readFileSync(SYSTEM_CONF);
  const dir = mkdtempSync(path.join(tmpdir(), 'untrusted-'));
  chmodSync(dir, 0o755);
  const lock = JSON.parse(readFileSync(LOCK, 'utf8')) as Lock;
  lock.dir = dir;
  writeFileSync(LOCK, JSON.stringify(lock));
  const script = path.join(dir, 'restart-nix-daemon');
  writeFileSync(script, restartScript(dir), { mode: 0o755 });
  const nginx = await startNginx();
  const gha = await startGitHubCache();
  const readPid = () => Number(readFileSync(path.join(dir, 'daemon.pid'), 'utf8').trim());
  try {
    // The machine: a daemon that trusts only root, no substituters of its own, and a runner user.
    // Unreadable by the runner user (it could hold access-tokens), and without a final newline: the
    // action reads it with sudo, keeps its mode, and gives back exactly these bytes.
    const testConf = `${original.toString().replace(/\n*$/, '\n')}trusted-users = root\nsubstituters =\ntrusted-public-keys =`;
    writeFileSync(SYSTEM_CONF, testConf);
    chmodSync(SYSTEM_CONF, 0o600);
    try {
      sh('/usr/sbin/userdel', [USER]);
    } catch {
      // not left over from an earlier run
    }
    sh('/usr/sbin/useradd', ['--system', '--no-create-home', '--user-group', ...socketGroupArgs(), '--shell', '/bin/sh', USER]);
    writeFileSync(SUDOERS, `${USER} ALL=(ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
    sh('/bin/sh', [script]);
    const firstPid = readPid();

    // A signed cache on nginx holding a tool and its toolchain, absent from the store.
    const key = await generateKey('untrusted-cache-1');
    const fixture = await buildFixture({ name: 'untrusted' });
    const cacheDir = path.join(nginx.root, 'cache');
    await copyTo(`file://${cacheDir}`, [fixture.outPaths.tool!], { secretKeyFile: key.secretFile });
    await deletePaths([fixture.outPaths.tool!, fixture.outPaths.toolchain!]);
    const cacheUrl = `${nginx.url}/cache`;
    const realise = ['--realise', fixture.drvPaths.tool!, '--max-jobs', '0'];

    // github-cache: an entry saved on main (by root, as any producer), its paths absent here; the
    // restored folder goes into the daemon's config the same way (file://).
    const onMain = [{ scope: 'refs/heads/main', permission: READ | WRITE }];
    const saved = await buildFixture({ name: 'untrusted-gha' });
    const producer = new Job({ inputs: { 'github-cache': 'true', 'signing-key': key.secretKey, 'trusted-public-keys': key.publicKey, paths: saved.outPaths.tool! }, env: gha.env(onMain) });
    try {
      assert.equal((await producer.main()).code, 0);
      const post = await producer.post();
      assert.match(post.outputs['github-cache-saved'] ?? '', /^nix-binary-cache-v1-/, post.stdout);
    } finally {
      producer.dispose();
    }
    await deletePaths([saved.outPaths.tool!, saved.outPaths.toolchain!]);

    const job = new Job({
      user: USER,
      nixConf: false,
      inputs: { substituters: cacheUrl, 'trusted-public-keys': key.publicKey, 'github-cache': 'true' },
      env: { NIX_DAEMON_RESTART_COMMAND: script, ...gha.env(onMain) },
    });
    try {
      // The problem is real: passed by the client, the cache is ignored by the daemon.
      const ignored = await job.exec('nix-store', [...realise, '--option', 'extra-substituters', cacheUrl, '--option', 'extra-trusted-public-keys', key.publicKey]);
      assert.notEqual(ignored.code, 0, 'the untrusted user substituted without the action');
      assert.match(ignored.stderr, /not a trusted user|ignoring untrusted substituter|ignoring the client-specified setting/);

      const main = await job.main();
      assert.equal(main.code, 0, main.stdout + main.stderr);
      assert.match(main.stdout, /\/etc\/nix\/nix\.conf with sudo/);
      const during = readFileSync(SYSTEM_CONF, 'utf8');
      assert.ok(during.startsWith(`${testConf}\n`), 'the action changed the existing lines');
      assert.equal(statSync(SYSTEM_CONF).mode & 0o777, 0o600, 'the mode of /etc/nix/nix.conf changed');
      assert.ok(during.includes(cacheUrl) && during.includes(key.publicKey), during);
      assert.notEqual(readPid(), firstPid, 'the daemon was not restarted');
      assert.equal(main.exported.NIX_CONFIG, undefined, 'NIX_CONFIG is useless to an untrusted user');
      assert.match(main.summary, /sudo/);

      const build = await job.exec('nix-store', realise);
      assert.equal(build.code, 0, build.stderr);
      assert.match(build.stderr, new RegExp(`copying path '${fixture.outPaths.tool!}' from '${cacheUrl}'`));
      assert.deepEqual(await validPaths([fixture.outPaths.tool!, fixture.outPaths.toolchain!]), [fixture.outPaths.tool, fixture.outPaths.toolchain]);
      assert.match(during, /file:\/\/\S+\/nix-binary-cache/);
      const fromGha = await job.exec('nix-store', ['--realise', saved.drvPaths.tool!, '--max-jobs', '0']);
      assert.equal(fromGha.code, 0, fromGha.stderr);
      assert.match(fromGha.stderr, new RegExp(`copying path '${saved.outPaths.tool!}' from 'file://`));

      const secondPid = readPid();
      const post = await job.post();
      assert.equal(post.code, 0, post.stdout + post.stderr);
      assert.equal(post.warnings.length, 0, post.warnings.join('\n'));
      assert.equal(readFileSync(SYSTEM_CONF, 'utf8'), testConf, 'post did not restore /etc/nix/nix.conf exactly');
      assert.equal(statSync(SYSTEM_CONF).mode & 0o777, 0o600, 'the mode of /etc/nix/nix.conf changed');
      assert.notEqual(readPid(), secondPid, 'the daemon was not restarted after the restore');
    } finally {
      job.dispose();
    }

    // Cancelled mid-push: the runner's SIGTERM to the post step removes the block and the netrc
    // holding the password, restarts the daemon, and the step ends well before the runner's SIGKILL.
    const hung = createServer((socket) => socket.on('error', () => undefined));
    let hungConnections = 0;
    hung.on('connection', () => hungConnections++);
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const password = `pw-${process.pid}-${Date.now()}`;
    const cancelled = new Job({
      user: USER,
      nixConf: false,
      inputs: {
        substituters: cacheUrl.replace('http://', `http://ci:${password}@`),
        'trusted-public-keys': key.publicKey,
        'push-to': `http://127.0.0.1:${(hung.address() as { port: number }).port}`,
        'signing-key': key.secretKey,
      },
      env: { NIX_DAEMON_RESTART_COMMAND: script },
    });
    try {
      const main = await cancelled.main();
      assert.equal(main.code, 0, main.stdout + main.stderr);
      assert.match(readFileSync(SYSTEM_CONF, 'utf8'), new RegExp(`^netrc-file = ${SHARED_NETRC}$`, 'm'));
      assert.ok(readFileSync(SHARED_NETRC, 'utf8').includes(password), 'the password is not in the shared netrc');
      assert.equal(statSync(SHARED_NETRC).mode & 0o777, 0o600);
      const fresh = await buildFixture({ name: 'untrusted-cancel', build: false });
      // Built by the daemon for the runner user (the fixture's .drv is in the store; its file is not readable).
      const built = await cancelled.exec('nix-store', ['--realise', fresh.drvPaths.tool!]);
      assert.equal(built.code, 0, built.stderr);
      const pidBefore = readPid();
      let postPid = 0;
      const post = cancelled.post(undefined, { onSpawn: (p) => (postPid = p), timeoutMs: 90_000 });
      for (let i = 0; i < 600 && hungConnections === 0; i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(hungConnections > 0, 'the post step never reached the push target');
      const sentAt = Date.now();
      process.kill(postPid, 'SIGTERM');
      const result = await post;
      assert.ok(Date.now() - sentAt < 7_500, `post took ${Date.now() - sentAt} ms after SIGTERM`);
      assert.ok(result.warnings.some((w) => w.includes('SIGTERM')), result.stdout);
      assert.equal(readFileSync(SYSTEM_CONF, 'utf8'), testConf, 'the nix.conf block outlived the cancelled post step');
      assert.notEqual(readPid(), pidBefore, 'the daemon was not restarted after the cancel');
      const withPassword = cancelled.leftoverFiles().filter((f) => readFileSync(f, 'utf8').includes(password));
      assert.deepEqual(withPassword, [], 'a file holding the password outlived the cancelled post step');
      assert.ok(!existsSync(SHARED_NETRC) && !existsSync(`${SHARED_NETRC}.d`), 'the shared netrc (the password) outlived the cancelled post step');
    } finally {
      cancelled.dispose();
      hung.close();
    }

    // Without sudo: a clear error, nothing changed.
    rmSync(SUDOERS, { force: true });
    const nosudo = new Job({ user: USER, nixConf: false, inputs: { substituters: cacheUrl, 'trusted-public-keys': key.publicKey }, env: { NIX_DAEMON_RESTART_COMMAND: script } });
    try {
      const main = await nosudo.main();
      assert.equal(main.code, 1, main.stdout + main.stderr);
      const error = main.errors.join('\n');
      assert.match(error, new RegExp(`does not trust user "${USER}"`));
      assert.ok(error.includes(`trusted-users = root ${USER}`), error);
      assert.match(error, /\/etc\/nix\/nix\.conf/);
      assert.match(error, /restart the daemon/);
      assert.equal(readFileSync(SYSTEM_CONF, 'utf8'), testConf);
      assert.deepEqual(nosudo.exported, {});
    } finally {
      nosudo.dispose();
    }
    console.log('untrusted-user: daemon trusts root only; with sudo: cache added to /etc/nix/nix.conf, daemon restarted, 2/2 paths substituted, file restored byte for byte; without sudo: exit 1 naming trusted-users');
  } finally {
    restoreMachine(lock);
    await nginx.stop();
    await gha.stop();
  }
});

test('the machine is as before: no daemon socket, no test user, no sudoers file, no lock', async (t) => {
  // Only where the test above set the machine up (a matrix machine in a daemon mode has a socket).
  if (!ran) return t.skip('the test above did not run here');
  if (existsSync(LOCK)) return; // another run is going on
  assert.ok(!existsSync(SOCKET));
  assert.ok(!existsSync(SUDOERS));
  const r = await runProcess('id', [USER], { env: process.env });
  assert.notEqual(r.code, 0);
});
