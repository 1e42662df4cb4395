// The action on the machine it runs on, in each way Nix is set up on runners: root without a daemon,
// a user the nix-daemon trusts, a user it does not trust with passwordless sudo, and one without
// sudo. scripts/nix-matrix runs this file on Nix 2.26 and 2.34 in every mode (NIX_MATRIX_MODE); on
// the host (Nix 2.8, root, no daemon) it runs the root mode.
//
// Each mode: a producer job pushes what it built; the paths leave the machine's store; a consumer
// job on the same machine substitutes all of them through the action's configuration and builds
// nothing; the machine's nix.conf is as before after each job. Untrusted with sudo also runs two
// overlapping jobs with private caches: the daemon reads both jobs' credentials from one netrc.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startNginx, type Nginx } from '../harness/nginx.ts';
import { buildFixture, deletePaths, generateKey, parseNixLog, validPaths, type KeyPair } from '../harness/nix.ts';
import { runProcess } from '../harness/process.ts';
import { Job, type JobOptions } from '../harness/runner.ts';

type Mode = 'root' | 'trusted' | 'untrusted-sudo' | 'untrusted-nosudo';
const SOCKET = '/nix/var/nix/daemon-socket/socket';

function machineMode(): Mode | null {
  const given = process.env.NIX_MATRIX_MODE;
  if (given) return given as Mode;
  return process.getuid?.() === 0 && !existsSync(SOCKET) ? 'root' : null;
}
const mode = machineMode();
const skip = mode === null ? 'not a matrix machine (scripts/nix-matrix) and not root without a daemon' : false;
const untrusted = mode === 'untrusted-sudo' || mode === 'untrusted-nosudo';
const SYSTEM_CONF = '/etc/nix/nix.conf';
const SHARED_NETRC = '/etc/nix/nix-substitute-action.netrc';
const CUSTOM_CONF = '/etc/nix/nix.custom.conf';

let nginx: Nginx;
let key: KeyPair;
before(async () => {
  if (skip) return;
  nginx = await startNginx();
  key = await generateKey('daemon-modes-1');
});
after(async () => {
  await nginx?.stop();
});

function jobOptions(inputs: Record<string, string>, env: Record<string, string> = {}): JobOptions {
  return {
    inputs,
    // The daemon reads the machine's nix.conf: an untrusted user's settings go there, so the job
    // must see that file too. Elsewhere the job keeps the harness's own (which lists no
    // trusted-users: the action must ask the daemon, not that file).
    ...(untrusted ? { nixConf: false as const } : {}),
    // A job env claiming trust changes the client's view only: the action must ask the daemon.
    env: { ...(untrusted ? { NIX_CONFIG: `trusted-users = root ${userInfo().username}\n` } : {}), ...env },
  };
}

const APPLIED_VIA: Record<Mode, RegExp> = {
  root: /NIX_CONFIG \(single-user store\)/,
  trusted: /NIX_CONFIG \(the daemon trusts this user\)/,
  'untrusted-sudo': /\/etc\/nix\/nix(\.custom)?\.conf with sudo/,
  'untrusted-nosudo': /never/,
};

const readConf = async (file: string): Promise<string> => (existsSync(file) ? readFileSync(file, 'utf8') : '');

async function sudoWrite(file: string, text: string): Promise<void> {
  const r = await runProcess('sudo', ['-n', 'tee', file], { env: process.env, input: text });
  assert.equal(r.code, 0, r.stderr);
}

/** Producer pushes, the paths leave the store, a consumer job substitutes them all. */
async function producerThenConsumer(conf: string) {
  const confBefore = await readConf(conf);
  const fixture = await buildFixture({ name: `modes-${mode}`, build: false });
  const closure = [fixture.outPaths.tool!, fixture.outPaths.toolchain!];

  // The producer does not substitute from the cache it pushes to: the daemon would remember that
  // the paths were missing there (narinfo-cache-negative-ttl) and the consumer would build them.
  const producer = new Job(jobOptions({ 'push-to': nginx.url, 'signing-key': key.secretKey }));
  try {
    const main = await producer.main();
    assert.equal(main.code, 0, main.stdout + main.stderr);
    assert.match(main.stdout, APPLIED_VIA[mode!]);
    const build = await producer.exec('nix-build', [fixture.nixFile, '-A', 'tool', '--no-out-link']);
    assert.equal(build.code, 0, build.stderr);
    const post = await producer.post();
    assert.equal(post.code, 0, post.stdout + post.stderr);
    assert.equal(post.outputs['push-status'], 'pushed', post.stdout);
    assert.equal(await readConf(conf), confBefore, `the producer's post step did not restore ${conf}`);
  } finally {
    producer.dispose();
  }

  await deletePaths(closure);
  assert.deepEqual(await validPaths(closure), [], 'the machine still holds the paths: the consumer would not be cold');

  const consumer = new Job(jobOptions({ substituters: nginx.url, 'trusted-public-keys': key.publicKey }));
  try {
    const main = await consumer.main();
    assert.equal(main.code, 0, main.stdout + main.stderr);
    const build = await consumer.exec('nix-build', [fixture.nixFile, '-A', 'tool', '--no-out-link', '--max-jobs', '0']);
    assert.equal(build.code, 0, build.stderr);
    const log = parseNixLog(build.stderr);
    assert.deepEqual(log.built, []);
    assert.deepEqual([...log.fetched].sort(), [...closure].sort());
    const post = await consumer.post();
    assert.equal(post.code, 0, post.stdout + post.stderr);
    assert.equal(await readConf(conf), confBefore, `the consumer's post step did not restore ${conf}`);
  } finally {
    consumer.dispose();
  }
  return { closure };
}

test(`${mode ?? 'no mode'}: a producer pushes, a cold consumer on the same machine substitutes everything and builds nothing, nix.conf restored`, { skip: skip || (mode === 'untrusted-nosudo' && 'no sudo: see the next test') }, async () => {
  const { closure } = await producerThenConsumer(SYSTEM_CONF);
  console.log(`daemon-modes ${mode}: producer pushed, consumer substituted ${closure.length}/${closure.length} paths, built nothing; ${SYSTEM_CONF} restored`);
});

test('untrusted-sudo, Determinate layout: the settings go to the nix.custom.conf that nix.conf includes', { skip: skip || (mode !== 'untrusted-sudo' && 'untrusted-sudo mode only') }, async () => {
  const original = await readConf(SYSTEM_CONF);
  const withInclude = `${original.replace(/\n*$/, '\n')}!include ${path.basename(CUSTOM_CONF)}\n`;
  await sudoWrite(SYSTEM_CONF, withInclude);
  await sudoWrite(CUSTOM_CONF, '# the user\'s own settings\n');
  try {
    await producerThenConsumer(CUSTOM_CONF);
    assert.equal(await readConf(SYSTEM_CONF), withInclude, 'nix.conf (generated by Determinate) was changed');
  } finally {
    await sudoWrite(SYSTEM_CONF, original);
  }
});

test('untrusted-nosudo: the main step fails, saying what to change, and changes nothing', { skip: skip || (mode !== 'untrusted-nosudo' && 'untrusted-nosudo mode only') }, async () => {
  const before = await readConf(SYSTEM_CONF);
  const job = new Job(jobOptions({ substituters: nginx.url, 'trusted-public-keys': key.publicKey }));
  try {
    const main = await job.main();
    assert.equal(main.code, 1, main.stdout + main.stderr);
    const error = main.errors.join('\n');
    const user = userInfo().username;
    assert.ok(error.includes(`does not trust user "${user}"`), error);
    assert.ok(error.includes(`trusted-users = root ${user}`) && error.includes(SYSTEM_CONF), error);
    assert.match(error, /sudo/);
    assert.deepEqual(job.exported, {});
    assert.equal(await readConf(SYSTEM_CONF), before);
  } finally {
    job.dispose();
  }
});

test('untrusted-sudo, two overlapping jobs with private caches: the daemon reads their credentials from one shared netrc; a job\'s token leaves with it, the file with the last job', { skip: skip || (mode !== 'untrusted-sudo' && 'untrusted-sudo mode only') }, async () => {
  const confBefore = await readConf(SYSTEM_CONF);
  // Two private caches on two hosts (netrc entries are per host); only P holds the paths.
  const cacheP = await startNginx({ readAuth: { user: 'reader-p', password: 'secret-p' } });
  const cacheE = await startNginx({ host: '127.0.0.2', readAuth: { user: 'reader-e', password: 'secret-e' } });
  const withCredentials = (url: string, user: string, password: string) => url.replace('://', `://${user}:${password}@`);
  const sharedNetrc = async () => (existsSync(SHARED_NETRC) ? (await runProcess('sudo', ['-n', 'cat', SHARED_NETRC], { env: process.env })).stdout : '');
  const jobs: Job[] = [];
  try {
    const fixture = await buildFixture({ name: 'modes-shared-netrc', build: false });
    const closure = [fixture.outPaths.tool!, fixture.outPaths.toolchain!];
    const producer = new Job(jobOptions({ 'push-to': withCredentials(cacheP.url, 'reader-p', 'secret-p'), 'signing-key': key.secretKey }));
    jobs.push(producer);
    const produced = await producer.main();
    assert.equal(produced.code, 0, produced.stdout + produced.stderr);
    assert.equal((await producer.exec('nix-build', [fixture.nixFile, '-A', 'tool', '--no-out-link'])).code, 0);
    const pushed = await producer.post();
    assert.equal(pushed.outputs['push-status'], 'pushed', pushed.stdout);
    await deletePaths(closure);

    const e = new Job(jobOptions({ substituters: withCredentials(cacheE.url, 'reader-e', 'secret-e'), 'trusted-public-keys': key.publicKey }, { GITHUB_RUN_ID: '2' }));
    const p = new Job(jobOptions({ substituters: withCredentials(cacheP.url, 'reader-p', 'secret-p'), 'trusted-public-keys': key.publicKey }));
    jobs.push(e, p);
    const mains = [await e.main(), await p.main()];
    for (const main of mains) assert.equal(main.code, 0, main.stdout + main.stderr);
    const whileBoth = await sharedNetrc();

    // E ends while P runs: E's token is in no file any more, neither P's nor the machine's.
    assert.equal((await e.post()).code, 0);
    const holdingE = p.leftoverFiles().filter((f) => readFileSync(f, 'utf8').includes('secret-e'));
    assert.deepEqual(holdingE, [], "the other job's token is in this job's files");
    const afterE = await sharedNetrc();
    assert.ok(!afterE.includes('secret-e'), afterE);
    // The daemon reads P's credentials from the shared file: P's private cache serves everything.
    const build = await p.exec('nix-build', [fixture.nixFile, '-A', 'tool', '--no-out-link', '--max-jobs', '0']);
    assert.equal(build.code, 0, build.stderr);
    assert.deepEqual([...parseNixLog(build.stderr).fetched].sort(), [...closure].sort());

    for (const main of mains) assert.ok(main.stdout.includes(`netrc-file = ${SHARED_NETRC}`), main.stdout);
    assert.match(whileBoth, /^machine 127\.0\.0\.1 login reader-p password secret-p$/m);
    assert.match(whileBoth, /^machine 127\.0\.0\.2 login reader-e password secret-e$/m);
    assert.match(afterE, /^machine 127\.0\.0\.1 login reader-p password secret-p$/m);
    const st = statSync(SHARED_NETRC);
    assert.equal(st.uid, 0);
    assert.equal(st.mode & 0o777, 0o600);

    assert.equal((await p.post()).code, 0);
    assert.equal(existsSync(SHARED_NETRC), false, 'the shared netrc (tokens) outlived the last job');
    assert.equal(await readConf(SYSTEM_CONF), confBefore);
  } finally {
    for (const job of jobs) job.dispose();
    await cacheP.stop();
    await cacheE.stop();
  }
});
