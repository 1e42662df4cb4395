// Every bad input fails the real main step (dist/main.js) before anything is changed: exit code 1,
// an error that names the input, nothing exported, no state, no file written (in the job, in /tmp,
// in RUNNER_TEMP), /etc/nix/nix.conf untouched.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { before, test } from 'node:test';
import { generateKey, type KeyPair } from '../harness/nix.ts';
import { readActionInputs } from '../harness/action-yml.ts';
import { Job, REPO_ROOT } from '../harness/runner.ts';

let key: KeyPair;
before(async () => {
  key = await generateKey('bad-input-1');
});

const URL_OK = 'http://127.0.0.1:9/cache';
const nixConfHash = (): string => {
  try {
    return createHash('sha256').update(readFileSync('/etc/nix/nix.conf')).digest('hex');
  } catch {
    return 'absent';
  }
};
const ours = (): string[] => readdirSync(tmpdir()).filter((f) => f.startsWith('nix-substitute-action'));

/** [input the error must name, what is wrong, the inputs]; keys are filled in once generated. */
type Case = [string, string, (k: KeyPair) => Record<string, string>];
const cases: Case[] = [
  ['substituters', 'not a URL', () => ({ substituters: 'not-a-url' })],
  ['substituters', 'unsupported scheme', () => ({ substituters: 'ftp://example.org/cache' })],
  ['trusted-public-keys', 'no key name', () => ({ 'trusted-public-keys': 'AAAAC3NzaC1lZDI1NTE5AAAAIB' })],
  ['trusted-public-keys', 'a secret key given as a public key', (k) => ({ 'trusted-public-keys': k.secretKey })],
  ['trusted-public-keys', 'wrong length', () => ({ 'trusted-public-keys': 'cache-1:AAAA' })],
  ['cachix', 'a name Cachix would reject', () => ({ cachix: 'My_Cache' })],
  ['cachix-auth-token', 'a token without a cache name', () => ({ 'cachix-auth-token': 'tok' })],
  ['cachix-signing-key', 'a "name:" prefix', (k) => ({ cachix: 'mycache', 'cachix-signing-key': k.secretKey })],
  ['cachix-signing-key', 'not base64', () => ({ cachix: 'mycache', 'cachix-signing-key': 'not base64!' })],
  ['cachix-public-key', 'a secret key given as the public key', (k) => ({ cachix: 'mycache', 'cachix-public-key': k.secretKey })],
  ['cachix-api-url', 'not http(s)', () => ({ cachix: 'mycache', 'cachix-api-url': 'ftp://app.cachix.org/api/v1' })],
  ['cachix-pins', 'a malformed pin', () => ({ cachix: 'mycache', 'cachix-pins': 'just-a-name' })],
  ['cachix-chunk-size', 'below the minimum', () => ({ cachix: 'mycache', 'cachix-chunk-size': '12' })],
  ['attic-cache', 'attic-endpoint without attic-cache', () => ({ 'attic-endpoint': URL_OK })],
  ['attic-endpoint', 'attic-cache without attic-endpoint', () => ({ 'attic-cache': 'main' })],
  ['attic-cache', 'a name attic would reject', () => ({ 'attic-endpoint': URL_OK, 'attic-cache': 'bad name!' })],
  ['attic-endpoint', 'not a URL', () => ({ 'attic-endpoint': 'attic.example.org', 'attic-cache': 'main' })],
  ['attic-token', 'a token without a cache', () => ({ 'attic-token': 'jwt' })],
  ['attic-public-key', 'not a key', () => ({ 'attic-endpoint': URL_OK, 'attic-cache': 'main', 'attic-public-key': 'garbage' })],
  ['push-to', 'unsupported scheme', () => ({ 'push-to': 'gopher://example.org/' })],
  ['push-to', 'a relative path', () => ({ 'push-to': 'relative/dir' })],
  ['signing-key', 'a public key given as the signing key', (k) => ({ 'push-to': URL_OK, 'signing-key': k.publicKey })],
  ['signing-key', 'a signing key without push-to', (k) => ({ 'signing-key': k.secretKey })],
  ['push', 'unknown mode', () => ({ push: 'maybe' })],
  ['push-branches', 'not a branch glob', () => ({ 'push-branches': 'main release..x' })],
  ['include', 'invalid regex', () => ({ include: '(unclosed' })],
  ['exclude', 'invalid regex', () => ({ exclude: '[a-' })],
  ['upstream-keys', 'not a key name', () => ({ 'upstream-keys': 'cache.nixos.org-1:abc' })],
  ['jobs', 'not a number', () => ({ jobs: 'eight' })],
  ['jobs', 'zero', () => ({ jobs: '0' })],
  ['push-timeout', 'negative', () => ({ 'push-timeout': '-5' })],
  ['push-timeout', 'fractional', () => ({ 'push-timeout': '1.5' })],
  ['strict', 'not a boolean', () => ({ strict: 'yes' })],
  ['fallback', 'not a boolean', () => ({ fallback: 'maybe' })],
  ['push-while-building', 'not a boolean', () => ({ 'push-while-building': 'on' })],
  ['github-cache', 'not a boolean', () => ({ 'github-cache': 'yes' })],
  ['github-cache-size', 'over the repository\'s 10 GB', () => ({ 'github-cache': 'true', 'github-cache-size': '20G' })],
  ['github-cache-size', 'not a size', () => ({ 'github-cache-size': 'lots' })],
  // Pin sets
  ['pins', 'a name Nix cannot use as an attribute', () => ({ pins: '1tool=.#tool', 'pins-to': 'file:///tmp/pins' })],
  ['pins', 'nowhere to publish', () => ({ pins: 'tool=.#tool' })],
  ['pins-to', 'unsupported scheme', () => ({ pins: 'tool=.#tool', 'pins-to': 'ftp://example.org/pins' })],
  ['pins-to', 'not a plain branch', () => ({ pins: 'tool=.#tool', 'pins-to': 'branch:../main' })],
  ['pins-from', 'unsupported scheme', () => ({ 'pins-from': 's3://bucket/pins', install: 'tool' })],
  ['install', 'without pins-from', () => ({ install: 'tool' })],
  ['install', 'not a pin name', () => ({ 'pins-from': URL_OK, install: 'a.b' })],
  ['dev-shells', 'nowhere to publish', () => ({ 'dev-shells': 'web=.#web' })],
  ['dev-shells', 'not NAME=INSTALLABLE', () => ({ 'dev-shells': '.#web', 'pins-to': 'file:///tmp/pins' })],
  ['dev-shell', 'without pins-from', () => ({ 'dev-shell': 'web' })],
  ['dev-shell', 'not a shell name', () => ({ 'pins-from': URL_OK, 'dev-shell': 'a b' })],
];

for (const [input, what, inputs] of cases) {
  test(`${input}: ${what} fails the main step and changes nothing`, async () => {
    const job = new Job({ inputs: inputs(key) });
    try {
      const confBefore = nixConfHash();
      const tmpBefore = ours();
      const filesBefore = new Set(job.leftoverFiles());
      const main = await job.main();
      assert.equal(main.code, 1, main.stdout + main.stderr);
      assert.equal(main.errors.length, 1, main.errors.join('\n'));
      const escaped = input.replace(/[-]/g, '\\-');
      assert.match(main.errors[0]!, new RegExp(`(^|\\s)${escaped}: `), `error does not name ${input}: ${main.errors[0]}`);
      assert.deepEqual(main.exported, {});
      assert.deepEqual(main.addedPath, []);
      assert.deepEqual(main.state, {});
      assert.deepEqual(main.outputs, {});
      assert.equal(main.summary, '');
      // New files: only the runner's own per-step file-command files (empty, checked above).
      const added = job.leftoverFiles().filter((f) => !filesBefore.has(f) && !f.includes('/_runner_file_commands/'));
      assert.deepEqual(added, []);
      assert.deepEqual(readdirSync(job.runnerTemp), []);
      assert.deepEqual(ours(), tmpBefore);
      assert.equal(nixConfHash(), confBefore, '/etc/nix/nix.conf changed');
    } finally {
      job.dispose();
    }
  });
}

test('there are at least 25 cases and every input with a rule has one', () => {
  assert.ok(cases.length >= 25);
  const declared = (readActionInputs(REPO_ROOT) ?? []).map((d) => d.name);
  assert.ok(declared.length > 20, 'action.yml inputs not found');
  // Free-form lists of installables: any word is a valid installable until Nix evaluates it.
  const freeForm = new Set(['paths', 'require-substituted']);
  const missing = declared.filter((d) => !freeForm.has(d) && !cases.some(([input]) => input === d));
  assert.deepEqual(missing, [], `inputs without a bad-input case: ${missing.join(', ')}`);
});
