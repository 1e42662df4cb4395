// Dev-shell environments without Nix: the JSON Nix's get-env.sh writes is validated where it
// enters (it comes from another machine), the rc script runs it the way `nix develop` does (real
// bash), and only what later steps may see is exported.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, parseSettings, type RawInputs } from '../../src/config.ts';
import { DevShellError, pickDevShell, useDevShell } from '../../src/devshell/consume.ts';
import { enterDevShell } from '../../src/devshell/enter.ts';
import { NotADevShellError, outputPaths, parseBuildEnvironment, type BuildEnvironment } from '../../src/devshell/environment.ts';
import { shellExports } from '../../src/devshell/exports.ts';
import { enterScript, parseDump, shellQuote } from '../../src/devshell/rc-script.ts';

const OUT = '/nix/store/00000000000000000000000000000000-x-env';
const env = (variables: BuildEnvironment['variables'], bashFunctions: Record<string, string> = {}): BuildEnvironment => ({
  variables: { outputs: { type: 'exported', value: 'out' }, out: { type: 'exported', value: OUT }, ...variables },
  bashFunctions,
});

test('the env JSON is refused unless it is a dev-shell environment with plain names', () => {
  const ok = JSON.stringify({ variables: { outputs: { type: 'exported', value: 'out' }, BASHPID: { type: 'unknown' } }, bashFunctions: { 'run-hook': ' echo; ' } });
  assert.equal(parseBuildEnvironment(ok, 'E').variables.outputs?.type, 'exported');
  const bad = [
    ['not json', /not JSON/],
    [JSON.stringify({ variables: {}, bashFunctions: {} }), /no 'outputs' variable/],
    [JSON.stringify({ variables: { outputs: { type: 'exported', value: 'out' }, 'x;rm -rf /': { type: 'var', value: '' } }, bashFunctions: {} }), /not a bash variable name/],
    [JSON.stringify({ variables: { outputs: { type: 'exported', value: 'out' } }, bashFunctions: { 'f() { x; }; g': '' } }), /not a plain bash function name/],
    [JSON.stringify({ variables: { outputs: { type: 'array', value: 'out' } }, bashFunctions: {} }), /variables/],
  ] as const;
  for (const [text, message] of bad) {
    assert.throws(() => parseBuildEnvironment(text, 'E'), (e: Error) => e instanceof NotADevShellError && message.test(e.message) && e.message.startsWith('E is not a dev-shell environment'));
  }
});

test('outputs are found for plain and structured-attrs environments; odd output names are skipped', () => {
  assert.deepEqual([...outputPaths(env({}))], [['out', OUT]]);
  const structured = env({ outputs: { type: 'associative', value: { out: '/nix/store/a-o', '../x': '/nix/store/b-o' } } });
  assert.deepEqual([...outputPaths(structured)], [['out', '/nix/store/a-o']]);
});

test('shellQuote survives every byte bash cares about', () => {
  const nasty = `a'b"c$d\`e\\f\ng h*`;
  assert.equal(execFileSync('bash', ['-c', `printf %s ${shellQuote(nasty)}`], { encoding: 'utf8' }), nasty);
});

/** Runs the script with real bash in `cwd` and returns what it dumped. */
function runScript(e: BuildEnvironment, start: Record<string, string>): Map<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'rc-'));
  try {
    const dumpFile = join(dir, 'dump');
    const { script } = enterScript(e, { cwd: dir, buildTop: dir, attrsDir: dir, dumpFile });
    writeFileSync(join(dir, 'rc'), script);
    execFileSync('bash', [join(dir, 'rc')], { env: start, cwd: dir, stdio: 'ignore' });
    return parseDump(readFileSync(dumpFile, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the rc script: exported only, caller PATH kept behind, builder values ignored, hook last, odd values intact', () => {
  const after = runScript(
    env(
      {
        PATH: { type: 'exported', value: '/nix/store/t/bin' },
        HOME: { type: 'exported', value: '/homeless-shelter' },
        NOT_EXPORTED: { type: 'var', value: 'x' },
        MULTI: { type: 'exported', value: 'line one\nline two = \'"$x"' },
        arr: { type: 'array', value: ['a b', 'c'] },
        assoc: { type: 'associative', value: { k: 'v' } },
        shellHook: { type: 'var', value: 'read -r line; export READ="$line"; export FROM_HOOK="${arr[0]}|$(greet)|$MULTI"; readonly RO=1; echo out; echo err >&2' },
      },
      { greet: ' echo hi\n' },
    ),
    { PATH: '/usr/bin:/bin', HOME: '/home/runner', shellHook: 'echo caller hook must not run; exit 9' },
  );
  assert.equal(after.get('PATH'), '/nix/store/t/bin:/usr/bin:/bin');
  assert.equal(after.get('HOME'), '/home/runner', 'HOME is one of the variables Nix never takes from the environment');
  assert.equal(after.has('NOT_EXPORTED'), false);
  assert.equal(after.get('MULTI'), 'line one\nline two = \'"$x"');
  assert.equal(after.get('FROM_HOOK'), 'a b|hi|line one\nline two = \'"$x"');
  assert.equal(after.get('READ'), '', 'stdin is empty, the hook does not wait');
  assert.equal(after.get('out'), `${after.get('PWD')}/outputs/out`, 'the output is redirected below the working directory');
  assert.equal(after.get('NIX_BUILD_TOP'), after.get('TMPDIR'));
});

test('the dump survives a hook that redefines the commands it uses and sets -eu', () => {
  const after = runScript(env({ shellHook: { type: 'var', value: 'set -eu; read() { exit 1; }; printf() { exit 1; }; compgen() { exit 1; }; export X=1' } }), { PATH: '/usr/bin:/bin' });
  assert.equal(after.get('X'), '1');
});

test('a hook that reads stdin gets end of file instead of waiting for ever', { timeout: 20_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stdin-'));
  try {
    const e = env({ shellHook: { type: 'var', value: 'read -r line; export READ="done:$line"' } });
    const entered = await enterDevShell(e, { envPath: OUT, cwd: dir, jobDir: dir, env: { PATH: process.env.PATH ?? '' } });
    assert.equal(entered.exports.variables.get('READ'), 'done:');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bash that cannot list exported variables is named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nocompgen-'));
  try {
    const e = env({ shellHook: { type: 'var', value: 'enable -n compgen' } });
    await assert.rejects(enterDevShell(e, { envPath: OUT, cwd: dir, jobDir: dir, env: { PATH: process.env.PATH ?? '' } }), /exited \(code 97\).*\(bash [0-9.]+.*\) cannot list exported variables \(no compgen\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('exports: changed and new variables, PATH as new entries in order; temporaries, runner-owned and no-cert left out', () => {
  const before = { PATH: '/usr/bin:/bin', HOME: '/home/runner', SAME: 's', GONE: 'g', GITHUB_ENV: '/f' };
  const after = new Map([
    ['PATH', '/nix/store/a/bin:/nix/store/b/bin:/usr/bin:/nix/store/a/bin:/bin::/odd\ndir'],
    ['HOME', '/homeless-shelter'], ['SAME', 's'], ['NEW', 'n'], ['TMPDIR', '/tmp/x'], ['NIX_BUILD_TOP', '/tmp/x'],
    ['GITHUB_ENV', '/elsewhere'], ['NIX_SSL_CERT_FILE', '/no-cert-file.crt'], ['NODE_OPTIONS', '--require x'],
  ]);
  const r = shellExports(before, after);
  assert.deepEqual([...r.variables], [['NEW', 'n']]);
  assert.deepEqual(r.path, ['/nix/store/a/bin', '/nix/store/b/bin']);
  assert.deepEqual([...r.leftOut.keys()].sort(), ['GITHUB_ENV', 'HOME', 'NIX_BUILD_TOP', 'NIX_SSL_CERT_FILE', 'NODE_OPTIONS', 'PATH entry "/odd\\ndir"', 'TMPDIR']);
  assert.deepEqual(r.unset, ['GONE']);
});

test('enterDevShell refuses nothing it can run and reports a hook that ends the shell', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'enter-'));
  try {
    const e = env({ shellHook: { type: 'var', value: 'echo "bye" >&2; exit 4' } });
    await assert.rejects(enterDevShell(e, { envPath: OUT, cwd: dir, jobDir: dir, env: { PATH: process.env.PATH ?? '' } }), /exited \(code 4\) before its environment could be read: bye/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('useDevShell checks the realised environment\'s own system and names the shell', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'use-'));
  try {
    const file = join(dir, 'x-env');
    writeFileSync(file, JSON.stringify({ variables: { outputs: { type: 'exported', value: 'out' }, system: { type: 'exported', value: 'aarch64-linux' } }, bashFunctions: {} }));
    const realised: string[] = [];
    const use = useDevShell({
      shell: 'web', pin: { path: file, devShell: true }, system: 'x86_64-linux', realise: async (p) => void realised.push(p),
      workspace: dir, jobDir: dir, job: { exportVariable: () => assert.fail('nothing exported'), addPath: () => assert.fail('nothing exported') },
      log: { info: () => undefined, warning: () => undefined, debug: () => undefined }, printOutput: () => undefined,
    });
    await assert.rejects(use, /^DevShellError: dev-shell web: it was built for aarch64-linux; this runner's Nix is x86_64-linux$/);
    assert.deepEqual(realised, [file]);
    const missing = useDevShell({
      shell: 'web', pin: { path: file, devShell: true }, system: 'x86_64-linux', realise: async () => { throw new Error('no substituter'); },
      workspace: dir, jobDir: dir, job: { exportVariable: () => undefined, addPath: () => undefined },
      log: { info: () => undefined, warning: () => undefined, debug: () => undefined }, printOutput: () => undefined,
    });
    await assert.rejects(missing, new RegExp(`dev-shell web: ${file} is not in any configured cache \\(no substituter\\)`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('structured attrs: the files are written for the job and the variables point at them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attrs-'));
  try {
    const e: BuildEnvironment = {
      variables: {
        outputs: { type: 'associative', value: { out: OUT } },
        NIX_ATTRS_SH_FILE: { type: 'exported', value: '/build/.attrs.sh' },
        NIX_ATTRS_JSON_FILE: { type: 'exported', value: '/build/.attrs.json' },
        shellHook: { type: 'var', value: 'source "$NIX_ATTRS_SH_FILE"; export FROM_ATTRS="$attrValue"' },
      },
      bashFunctions: {},
      structuredAttrs: { '.attrs.sh': "declare attrValue='from attrs'\n", '.attrs.json': '{"attrValue":"from attrs"}' },
    };
    const entered = await enterDevShell(e, { envPath: OUT, cwd: dir, jobDir: dir, env: { PATH: process.env.PATH ?? '' } });
    const vars = entered.exports.variables;
    assert.equal(vars.get('NIX_ATTRS_SH_FILE'), join(dir, '.attrs.sh'));
    assert.equal(readFileSync(join(dir, '.attrs.json'), 'utf8'), '{"attrValue":"from attrs"}', 'kept for later steps');
    assert.equal(vars.get('FROM_ATTRS'), 'from attrs');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pickDevShell names the shell: unknown, a plain pin, another system', () => {
  const pins = {
    web: { path: '/nix/store/a-web-env', devShell: true, system: 'x86_64-linux' },
    arm: { path: '/nix/store/b-arm-env', devShell: true, system: 'aarch64-linux' },
    tool: { path: '/nix/store/c-tool' },
  };
  assert.equal(pickDevShell('web', pins, 'U', 'x86_64-linux').path, '/nix/store/a-web-env');
  const fails = (name: string, message: RegExp) =>
    assert.throws(() => pickDevShell(name, pins, 'U', 'x86_64-linux'), (e: Error) => e instanceof DevShellError && e.message.startsWith(`dev-shell ${name}: `) && message.test(e.message));
  fails('nope', /no pin of that name in U \(dev shells there: web, arm\)/);
  fails('tool', /plain pin .*not a dev shell/);
  fails('arm', /built for aarch64-linux; this runner's Nix is x86_64-linux/);
  fails('__proto__', /no pin of that name/);
});

test('inputs: dev-shells lines and dev-shell name, each needing its pin-set side', () => {
  const problems = (raw: RawInputs): string[] => {
    try {
      parseSettings(raw);
      return [];
    } catch (error) {
      assert.ok(error instanceof ConfigError, String(error));
      return error.problems;
    }
  };
  const s = parseSettings({ 'pins-to': 'file:///p', 'dev-shells': 'web = .#devShells.x86_64-linux.web\n# a comment\nwasm=.#wasm' });
  assert.deepEqual(s.devShells, [{ name: 'web', installable: '.#devShells.x86_64-linux.web' }, { name: 'wasm', installable: '.#wasm' }]);
  assert.equal(parseSettings({ 'pins-from': 'file:///p', 'dev-shell': 'web' }).devShell, 'web', 'pins-from needs no install with a dev-shell');
  assert.equal(parseSettings({}).devShell, null);
  const bad: Array<[RawInputs, RegExp]> = [
    [{ 'dev-shells': 'web=.#web' }, /^dev-shells: needs pins-to/],
    [{ 'pins-to': 'file:///p', 'dev-shells': 'web .#web' }, /^dev-shells: "web \.#web" is not "NAME=INSTALLABLE"/],
    [{ 'pins-to': 'file:///p', 'dev-shells': '1web=.#web' }, /^dev-shells: dev shell name "1web" is not a Nix attribute name/],
    [{ 'pins-to': 'file:///p', 'dev-shells': 'web=.#a\nweb=.#b' }, /^dev-shells: dev shell "web" is listed twice/],
    [{ 'pins-to': 'file:///p', pins: 'web=.#web', 'dev-shells': 'web=.#web' }, /^dev-shells: "web" is also in pins/],
    [{ 'dev-shell': 'web' }, /^dev-shell: needs pins-from/],
    [{ 'pins-from': 'file:///p', 'dev-shell': 'a b' }, /^dev-shell: "a b" is not a dev shell name/],
  ];
  for (const [raw, message] of bad) assert.ok(problems(raw).some((p) => message.test(p)), `${JSON.stringify(raw)}: ${problems(raw).join(' | ')}`);
});
