// Secret hygiene of the bundled action with every kind of secret at once: the attic token, the
// Cachix token and signing key, a push-to signing key and a password in a cache URL. Each one (and
// the forms derived from it) is masked before anything else is printed, never appears in logs,
// outputs, summary, state, exported variables or files left behind, and any file holding one while
// the job runs is 0600. Pull requests from forks never push.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startAtticDouble, type AtticDouble } from '../doubles/attic.ts';
import { startCachixDouble, type CachixDouble } from '../doubles/cachix.ts';
import { startNginx, type Nginx } from '../harness/nginx.ts';
import { buildFixture, generateKey, type KeyPair } from '../harness/nix.ts';
import { Job, type StepResult } from '../harness/runner.ts';

let nginx: Nginx;
let attic: AtticDouble;
let cachix: CachixDouble;
let key: KeyPair;
const atticToken = `eyJhbGciOiJIUzI1NiJ9.${randomBytes(24).toString('base64url')}.${randomBytes(16).toString('base64url')}`;
const cachixToken = randomBytes(30).toString('hex');
const urlPassword = `pw-${randomBytes(9).toString('hex')}`;

before(async () => {
  nginx = await startNginx();
  key = await generateKey('secret-cache-1');
  attic = await startAtticDouble({ caches: { priv: { public: false } }, tokens: { [atticToken]: { pull: ['priv'], push: ['priv'] } } });
  cachix = await startCachixDouble({ caches: { mine: { public: false, selfSigned: true } }, tokens: { [cachixToken]: { read: ['mine'], write: ['mine'] } } });
});
after(async () => {
  await nginx.stop();
  await attic.stop();
  await cachix.stop();
});

/** Every form a secret could leak as, by name (for messages). */
function secretForms(): Map<string, string> {
  const cachixKey = cachix.signingKeyBase64('mine');
  const signingBody = key.secretKey.slice(key.secretKey.indexOf(':') + 1);
  const forms = new Map<string, string>([
    ['attic token', atticToken],
    ['cachix token', cachixToken],
    ['cachix signing key', cachixKey],
    ['signing-key', key.secretKey],
    ['signing-key body', signingBody],
    ['URL password', urlPassword],
    ['basic auth (attic token)', Buffer.from(`:${atticToken}`).toString('base64')],
    ['basic auth (cachix token)', Buffer.from(`:${cachixToken}`).toString('base64')],
    ['basic auth (URL)', Buffer.from(`ci:${urlPassword}`).toString('base64')],
  ]);
  // Never printed, not even masked: the ed25519 seeds (first 32 bytes) and hex spellings.
  const leakOnly = new Map<string, string>();
  for (const [name, b64] of [['cachix signing key', cachixKey], ['signing-key', signingBody]] as const) {
    const bytes = Buffer.from(b64, 'base64');
    leakOnly.set(`${name} seed`, bytes.subarray(0, 32).toString('base64').replace(/=+$/, ''));
    leakOnly.set(`${name} hex`, bytes.toString('hex'));
  }
  return new Map([...forms, ...[...leakOnly].map(([k, v]) => [`${k} (unmasked form)`, v] as [string, string])]);
}
const mustBeMasked = (name: string): boolean => !name.endsWith('(unmasked form)');

function leaks(text: string, where: string): string[] {
  return [...secretForms()].filter(([, v]) => text.includes(v)).map(([name]) => `${name} in ${where}`);
}

/** Masks must be the first thing a step prints, and cover every secret form. */
function checkMaskedFirst(step: StepResult, which: string): void {
  const lines = step.stdout.split('\n').filter((l) => l !== '');
  const firstOther = lines.findIndex((l) => !l.startsWith('::add-mask::'));
  const masksFirst = lines.slice(0, firstOther < 0 ? lines.length : firstOther).map((l) => l.slice('::add-mask::'.length));
  for (const [name, value] of secretForms()) {
    if (mustBeMasked(name)) assert.ok(masksFirst.includes(value), `${which}: ${name} not masked before other output`);
  }
}

/** Everything a step leaves for humans and later steps, minus the mask commands themselves. */
function stepLeaks(step: StepResult, which: string): string[] {
  const unmasked = (s: string) => s.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
  return [
    ...leaks(unmasked(step.stdout), `${which} stdout`),
    ...leaks(unmasked(step.stderr), `${which} stderr`),
    ...leaks(JSON.stringify(step.outputs), `${which} outputs`),
    ...leaks(step.summary, `${which} summary`),
    ...leaks(JSON.stringify(step.state), `${which} state`),
    ...leaks(JSON.stringify(step.exported), `${which} exported variables`),
  ];
}

/** Files of the job holding a secret form: [path, mode]. */
function secretFiles(job: Job): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const f of job.leftoverFiles()) {
    try {
      if (leaks(readFileSync(f, 'utf8'), f).length > 0) out.push([f, statSync(f).mode & 0o777]);
    } catch {
      // removed while we looked
    }
  }
  return out;
}

function allSecretInputs(extra: Record<string, string> = {}): { inputs: Record<string, string>; env: Record<string, string> } {
  const nginxWithPassword = nginx.url.replace('http://', `http://ci:${urlPassword}@`);
  return {
    inputs: {
      substituters: nginxWithPassword,
      'trusted-public-keys': key.publicKey,
      'push-to': `${nginxWithPassword}/pushed file://${nginx.root}/xz?compression=xz`,
      'signing-key': key.secretKey,
      'attic-endpoint': attic.url,
      'attic-cache': 'priv',
      cachix: 'mine',
      'cachix-api-url': cachix.apiUrl,
      'cachix-signing-key': cachix.signingKeyBase64('mine'),
      ...extra,
    },
    // The tokens come the way most workflows pass them: job env from secrets.
    env: { ATTIC_TOKEN: atticToken, CACHIX_AUTH_TOKEN: cachixToken },
  };
}

test('every secret is masked first and never leaks: logs, outputs, summary, state, env, files; files holding one are 0600 and removed', async () => {
  const fixture = await buildFixture({ name: 'secrets' });
  const paths = Object.values(fixture.outPaths);
  const job = new Job(allSecretInputs({ paths: paths.join(' ') }));
  try {
    const main = await job.main();
    assert.equal(main.code, 0, main.stdout + main.stderr);
    checkMaskedFirst(main, 'main');
    assert.deepEqual(stepLeaks(main, 'main'), []);
    const during = secretFiles(job);
    assert.ok(during.some(([f]) => path.basename(f) === 'netrc'), 'the netrc for the private caches was not written');
    for (const [f, mode] of during) assert.equal(mode, 0o600, `${f} holds a secret with mode ${mode.toString(8)}`);

    // Watch the job dir while post runs: key files written for `nix copy` must be 0600 too.
    const seen = new Map<string, number>();
    let running = true;
    const watcher = (async () => {
      while (running) {
        for (const [f, mode] of secretFiles(job)) seen.set(f, mode);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const post = await job.post();
    running = false;
    await watcher;
    assert.equal(post.code, 0, post.stdout + post.stderr);
    assert.equal(post.outputs['push-status'], 'pushed', post.stdout);
    assert.equal(post.warnings.length, 0, post.warnings.join('\n'));
    // 3 paths to each of 4 targets: nginx (native), file:// xz (nix copy), attic, Cachix.
    assert.equal(post.outputs.pushed, String(3 * 4), post.stdout);
    checkMaskedFirst(post, 'post');
    assert.deepEqual(stepLeaks(post, 'post'), []);
    console.log(`secrets: files holding a secret during post: ${[...seen.keys()].map((f) => path.relative(job.dir, f)).join(", ")}`);
    for (const [f, mode] of seen) assert.equal(mode, 0o600, `${f} held a secret with mode ${mode.toString(8)} during post`);

    const left = secretFiles(job);
    assert.deepEqual(left, [], `files still holding secrets after post: ${left.map(([f]) => f).join(', ')}`);
    assert.ok(!job.leftoverFiles().some((f) => path.basename(f) === 'netrc'), 'netrc not removed');
    assert.deepEqual(job.leftoverFiles().filter((f) => f.startsWith(job.runnerTemp)), [], 'files left in RUNNER_TEMP');
    console.log(`secrets: ${[...secretForms().keys()].length} secret forms checked; masked first in main and post; 0 leaks; ${new Set([...seen.keys(), ...during.map(([f]) => f)]).size} files held a secret while the job ran, all 0600; 0 left after post`);
  } finally {
    job.dispose();
  }
});

test('a pull request from a fork never pushes and sends no token to a push endpoint', async () => {
  const fixture = await buildFixture({ name: 'fork' });
  const { inputs, env } = allSecretInputs({ paths: Object.values(fixture.outPaths).join(' '), push: 'true' });
  const job = new Job({
    inputs,
    env,
    eventName: 'pull_request',
    ref: 'refs/pull/9/merge',
    event: { pull_request: { head: { repo: { full_name: 'evil/fork' } }, base: { repo: { full_name: 'owner/repo' } } } },
  });
  try {
    const main = await job.main();
    assert.equal(main.code, 0, main.stdout + main.stderr);
    const [nginxBefore, atticBefore, cachixBefore] = [nginx.requests().length, attic.requests.length, cachix.requests.length];
    const post = await job.post();
    assert.equal(post.code, 0, post.stdout + post.stderr);
    assert.equal(post.outputs['push-status'], 'skipped');
    assert.match(post.stdout, /forks never push/);
    // The post step did not talk to any push endpoint at all (not even a token-bearing query).
    assert.deepEqual(nginx.requests().slice(nginxBefore), []);
    assert.deepEqual(attic.requests.slice(atticBefore), []);
    assert.deepEqual(cachix.requests.slice(cachixBefore), []);
    assert.deepEqual(stepLeaks(post, 'post'), []);
  } finally {
    job.dispose();
  }
});
