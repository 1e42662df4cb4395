// Dev-shell environments on real Nix, below the action's steps: the producer's `…-env` path is the
// one `nix print-dev-env --profile` built, and what the consumer exports is what a command run by
// `nix develop ENV -c` sees (checked against nix develop itself), minus the builder's temporaries.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { enterDevShell, readBuildEnvironment } from '../../src/devshell/enter.ts';
import { commandEnv } from '../../src/nix/command.ts';
import { devShellPins } from '../../src/devshell/produce.ts';
import { devShellFixture, type DevShellFixture } from '../harness/dev-shell.ts';
import { JOB_NIX_CONF } from '../harness/runner.ts';
import { runProcess } from '../harness/process.ts';

let fx: DevShellFixture;
let scratch: string;
let envPath: string;
const system = `${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux`;

before(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'dev-shell-env-'));
  // The step's Nix sees no unreachable cache (each would cost seconds of retries).
  writeFileSync(path.join(scratch, 'nix.conf'), JOB_NIX_CONF);
  process.env.NIX_CONF_DIR = scratch;
  process.env.XDG_CACHE_HOME = path.join(scratch, 'cache');
  fx = devShellFixture({ name: 'envtest' });
  const [pin] = await devShellPins([{ name: 'dev', installable: fx.installable }], scratch);
  assert.ok(pin);
  envPath = pin.path;
});
after(() => {
  fx.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

test('the producer records the …-env path print-dev-env built, with its system', async () => {
  assert.match(envPath, /^\/nix\/store\/[a-z0-9]{32}-envtest-shell-env$/);
  const env = readBuildEnvironment(envPath);
  assert.equal(env.variables.system?.type, 'exported');
  const [again] = await devShellPins([{ name: 'dev', installable: fx.installable }], scratch);
  assert.deepEqual(again, { name: 'dev', path: envPath, system }, 'the path built before, with the system the environment names');
});

test('a producer shell that is not a dev shell fails naming it', async () => {
  await assert.rejects(devShellPins([{ name: 'broken', installable: `path:${fx.dir}#packages.${system}.tool` }], scratch), /dev-shells: broken/);
});

test('later steps get what a command run by `nix develop ENV -c` sees, minus per-process values', async () => {
  const workspace = path.join(fx.dir, 'workspace');
  const start = { ...commandEnv(), PATH: '/usr/local/bin:/usr/bin:/bin', INPUT_SECRET: 'must-not-reach-the-shell' };
  const jobDir = mkdtempSync(path.join(scratch, 'job-'));
  const entered = await enterDevShell(readBuildEnvironment(envPath), { envPath, cwd: workspace, jobDir, env: commandEnv(start) });

  // The hook prints to stdout too: the command writes what it sees to a file.
  const seenFile = path.join(jobDir, 'seen');
  const develop = await runProcess(
    'nix',
    ['--extra-experimental-features', 'nix-command flakes', 'develop', '--option', 'flake-registry', '', envPath, '-c', 'sh', '-c', 'env -0 > "$0"', seenFile],
    { env: start, cwd: workspace },
  );
  assert.equal(develop.code, 0, develop.stderr);
  const seen = new Map(readFileSync(seenFile, 'utf8').split('\0').filter(Boolean).map((r) => [r.slice(0, r.indexOf('=')), r.slice(r.indexOf('=') + 1)] as const));
  const expected = new Map<string, string>();
  for (const [name, value] of seen) if (start[name as keyof typeof start] !== value && name !== 'PATH') expected.set(name, value);
  for (const name of [...expected.keys()]) if (entered.exports.leftOut.has(name) || name === 'NIX_GCROOT' || name === 'SHELL') expected.delete(name);

  assert.deepEqual(Object.fromEntries(entered.exports.variables), Object.fromEntries(expected));
  assert.equal(entered.exports.variables.get('HOOK_VAR'), `hook in ${workspace}`, "the shellHook ran in the workspace");
  assert.equal(entered.exports.variables.get('FIXTURE_VAR'), "a value with spaces, 'quotes' and $dollars");
  assert.equal(entered.exports.variables.get('out'), `${workspace}/outputs/out`, 'outputs point into the workspace');
  assert.equal(entered.exports.variables.has('INPUT_SECRET'), false);
  for (const name of ['NIX_BUILD_TOP', 'TMPDIR', 'HOME', 'PWD']) assert.equal(entered.exports.variables.has(name), false, name);
  assert.ok(entered.exports.leftOut.has('NIX_BUILD_TOP'), 'said at debug');

  // PATH: the entries nix develop adds, in its order (those the caller had stay where they were).
  const had = new Set(start.PATH.split(':'));
  assert.deepEqual(entered.exports.path, (seen.get('PATH') ?? '').split(':').filter((e) => e && !had.has(e)));
  assert.match(entered.exports.path[0] ?? '', new RegExp(`-${fx.tool}/bin$`));
  assert.equal(entered.functions, 1);
  assert.equal(entered.arrays, 1);
  assert.match(entered.output, /entering the shell/);
});

test('a shellHook that exits stops the shell with its message', async () => {
  const bad = devShellFixture({ name: 'exits', shellHook: 'echo "hook gave up" >&2; exit 3' });
  try {
    const [pin] = await devShellPins([{ name: 'dev', installable: bad.installable }], scratch);
    assert.ok(pin);
    await assert.rejects(
      enterDevShell(readBuildEnvironment(pin.path), { envPath: pin.path, cwd: scratch, jobDir: scratch, env: commandEnv() }),
      /exited \(code 3\) before its environment could be read: hook gave up/,
    );
  } finally {
    bad.dispose();
  }
});
