// Dev shells through the action, run like GitHub's runner runs it: a producer job enters its flake's
// shell, and its post step pushes the shell's environment and publishes it in the pin set; then,
// with every path of the shell (and its .drv files) gone from the store, a cold consumer job with
// only `pins-from` + `dev-shell` gets the shell from the cache — nothing evaluated, nothing built —
// and its later steps run the shell's tool and see its variables, the shellHook's included.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { devShellFixture, type DevShellFixture } from '../harness/dev-shell.ts';
import { startNginx, type Nginx } from '../harness/nginx.ts';
import { deletePaths, generateKey, validPaths, type KeyPair } from '../harness/nix.ts';
import { runProcess } from '../harness/process.ts';
import { Job } from '../harness/runner.ts';

let nginx: Nginx;
let key: KeyPair;
let fx: DevShellFixture;
let pinsDir: string;
let envPath: string;
let drvs: string[];

const FLAKES = ['--extra-experimental-features', 'nix-command flakes'];

before(async () => {
  nginx = await startNginx();
  key = await generateKey('e2e-devshell-1');
  // The hook's output is the producer's text: a workflow command in it must stay text.
  fx = devShellFixture({ name: 'shellpub', shellHook: 'export HOOK_VAR="hook in $PWD"; echo "entering the shell"; echo "::error::from the hook"' });
  pinsDir = mkdtempSync(path.join(tmpdir(), 'e2e-pins-'));
});
after(async () => {
  await nginx.stop();
  fx.dispose();
  rmSync(pinsDir, { recursive: true, force: true });
});

const cacheInputs = () => ({ substituters: nginx.url, 'trusted-public-keys': key.publicKey });

test('a producer job publishes its dev shell: the environment it built, pushed, marked as a shell with its system', async () => {
  const job = new Job({
    inputs: { ...cacheInputs(), 'push-to': nginx.url, 'signing-key': key.secretKey, 'pins-to': pathToFileURL(pinsDir).href, 'dev-shells': `dev=${fx.installable}` },
  });
  try {
    const main = await job.main();
    assert.equal(main.code, 0, main.stdout + main.stderr);
    // The producer's own build step: its dev shell, the way its workflow enters it.
    const built = await job.exec('nix', [...FLAKES, 'develop', '--option', 'flake-registry', '', fx.installable, '-c', fx.tool]);
    assert.equal(built.code, 0, built.stderr);
    const post = await job.post();
    assert.equal(post.code, 0, post.stdout + post.stderr);
    assert.equal(post.outputs['pins-status'], 'published', post.stdout);

    const set = JSON.parse(readFileSync(path.join(pinsDir, 'pins.json'), 'utf8'));
    const pin = set.pins.dev;
    assert.match(pin.path, /^\/nix\/store\/[a-z0-9]{32}-shellpub-shell-env$/);
    assert.equal(pin.devShell, true);
    assert.equal(pin.system, fx.system);
    envPath = pin.path;
    // The closure is in the cache: the environment, the tool and the setup it refers to.
    const closure = (await runProcess('nix-store', ['-qR', envPath], { env: process.env })).stdout.split('\n').filter(Boolean);
    for (const p of closure) assert.ok(nginx.requests().some((r) => r.method === 'PUT' && r.path === `/${p.slice(11, 43)}.narinfo`), `${p} pushed`);
    // Every .drv of the shell (the shell's own, its -env one, their inputs): evaluating it again would make them.
    const derivers = (await runProcess('nix-store', ['-qd', ...closure], { env: process.env })).stdout.split('\n').filter((d) => d.endsWith('.drv'));
    const referrers = await runProcess('nix-store', ['-q', '--referrers-closure', ...derivers], { env: process.env });
    drvs = [...new Set(referrers.stdout.split('\n').filter((d) => d.endsWith('.drv')))];
    assert.ok(drvs.some((d) => d.endsWith('-shellpub-shell.drv')) && drvs.some((d) => d.endsWith('-shellpub-shell-env.drv')), drvs.join(' '));
    await deletePaths([...closure, ...drvs]);
    assert.deepEqual(await validPaths([envPath, ...drvs]), [], 'the consumer starts without the shell');
  } finally {
    job.dispose();
  }
});

test('a cold consumer with pins-from + dev-shell runs the shell\'s tool and sees its variables in later steps, nothing evaluated or built', async () => {
  assert.ok(envPath, 'needs the producer test');
  const job = new Job({ inputs: { ...cacheInputs(), 'pins-from': pathToFileURL(pinsDir).href, 'dev-shell': 'dev' } });
  try {
    const main = await job.main();
    assert.equal(main.code, 0, main.stdout + main.stderr);
    assert.equal(main.outputs['dev-shell'], envPath);
    assert.match(main.stdout, /entering the shell/, "the shellHook's output is in the log");
    assert.match(main.stdout, /::error::from the hook/);
    assert.deepEqual(main.errors, [], 'printed between stop-commands: not an annotation');

    const later = await job.shell(`${fx.tool}; echo "hook=$HOOK_VAR"; echo "var=$FIXTURE_VAR"; declare -F fixtureFunction || echo "no function"; echo "tmp=\${NIX_BUILD_TOP:-unset}"`);
    assert.equal(later.code, 0, later.stderr);
    assert.match(later.stdout, new RegExp(`^${fx.tool}-${fx.salt}$`, 'm'), "the shell's tool runs by name");
    assert.match(later.stdout, new RegExp(`^hook=hook in ${job.workspace}$`, 'm'), 'the shellHook ran in the workspace');
    assert.match(later.stdout, /^var=a value with spaces, 'quotes' and \$dollars$/m);
    assert.match(later.stdout, /^no function$/m, 'bash functions cannot cross steps');
    assert.match(later.stdout, /^tmp=unset$/m, "the builder's temporaries are left out");

    assert.deepEqual(await validPaths(drvs), [], 'no .drv: nothing was evaluated or built');
    assert.deepEqual(await validPaths([envPath]), [envPath]);
  } finally {
    job.dispose();
  }
});

test('a consumer whose caches do not have the shell fails naming it', async () => {
  assert.ok(envPath, 'needs the producer test');
  await deletePaths([envPath]).catch(() => undefined);
  const empty = await startNginx();
  const job = new Job({ inputs: { substituters: empty.url, 'trusted-public-keys': key.publicKey, 'pins-from': pathToFileURL(pinsDir).href, 'dev-shell': 'dev' } });
  try {
    const main = await job.main();
    assert.equal(main.code, 1);
    assert.match(main.errors.join('\n'), new RegExp(`dev-shell dev: ${envPath} is not in any configured cache`));
    const unknown = await job.main({ 'dev-shell': 'web' });
    assert.match(unknown.errors.join('\n'), /dev-shell web: no pin of that name in the pin set at file:.* \(dev shells there: dev\)/);
  } finally {
    job.dispose();
    await empty.stop();
  }
});
