// Every input rule, good and bad values: bad ones must fail with a message naming the input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseSettings, withEnvFallbacks, type RawInputs } from '../../src/config.ts';
import { words } from '../../src/inputs.ts';

// A real key pair made by `nix-store --generate-binary-cache-key unit-1`.
const PK = 'unit-1:kEBgl7rsyXt4pNWdLpSZAjCSPO3dmLxVruB2WyldR2s=';
const SK = 'unit-1:FyXyeWGjRXGI4rhNndr5eiSvFG958aNzfoxaY0bH42+QQGCXuuzJe3ik1Z0ulJkCMJI87d2YvFWu4HZbKV1Haw==';
const SK_BODY = SK.slice('unit-1:'.length);

function problems(raw: RawInputs): string[] {
  try {
    parseSettings(raw);
    return [];
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.problems;
  }
}

test('defaults', () => {
  const s = parseSettings({});
  assert.deepEqual(
    { push: s.push, branches: s.pushBranches, upstream: s.upstreamKeys, jobs: s.jobs, timeout: s.pushTimeoutSeconds, strict: s.strict, fallback: s.fallback },
    // jobs unset: each target's own default (attic 5, the others 8).
    { push: 'auto', branches: [], upstream: ['cache.nixos.org-1'], jobs: null, timeout: 600, strict: false, fallback: true },
  );
  assert.equal(s.cachix, null);
  assert.equal(s.attic, null);
});

const good: Array<[string, RawInputs, (s: ReturnType<typeof parseSettings>) => unknown, unknown]> = [
  ['lists split on spaces and newlines', { substituters: 'http://a.example  https://b.example\nfile:///tmp/c' }, (s) => s.substituters, ['http://a.example', 'https://b.example', 'file:///tmp/c']],
  ['keys parse', { 'trusted-public-keys': PK }, (s) => s.trustedPublicKeys.map((k) => k.name), ['unit-1']],
  ['cachix with key', { cachix: 'my-cache', 'cachix-public-key': PK }, (s) => s.cachix?.publicKey?.name, 'unit-1'],
  ['cachix signing key without name', { cachix: 'c', 'cachix-signing-key': SK_BODY }, (s) => s.cachix?.signingKey?.publicKey.raw.length, 32],
  // The forms the cachix client's lenient base64 reads: no padding, pasted across lines, spaces around.
  ['cachix signing key without padding', { cachix: 'c', 'cachix-signing-key': SK_BODY.replace(/=+$/, '') }, (s) => s.cachix?.signingKey?.publicKey.text.slice(7), PK.slice(7)],
  ['cachix signing key across lines', { cachix: 'c', 'cachix-signing-key': `  ${SK_BODY.slice(0, 40)}\n${SK_BODY.slice(40)}\n` }, (s) => s.cachix?.signingKey?.publicKey.text.slice(7), PK.slice(7)],
  ['cachix chunk size at S3 minimum', { cachix: 'c', 'cachix-chunk-size': String(5 * 1024 * 1024) }, (s) => s.cachix?.chunkSize, 5 * 1024 * 1024],
  ['attic', { 'attic-endpoint': 'https://attic.example/', 'attic-cache': 'ci_1+x' }, (s) => [s.attic?.endpoint, s.attic?.cache], ['https://attic.example', 'ci_1+x']],
  ['push-to schemes', { 'push-to': 's3://b?region=x ssh-ng://h file:///c http://h/p' }, (s) => s.pushTo.length, 4],
  ['signing key', { 'push-to': 'file:///c', 'signing-key': SK }, (s) => s.signingKey?.name, 'unit-1'],
  ['push modes', { push: 'TRUE' }, (s) => s.push, 'true'],
  ['branch globs', { 'push-branches': 'main release/*' }, (s) => s.pushBranches, ['main', 'release/*']],
  ['regexes one per line', { include: 'wasm-bindgen\n^/nix/store/[a-z0-9]+-rust' }, (s) => s.include.length, 2],
  ['numbers', { jobs: '16', 'push-timeout': '30' }, (s) => [s.jobs, s.pushTimeoutSeconds], [16, 30]],
  ['booleans', { strict: 'true', fallback: 'False' }, (s) => [s.strict, s.fallback], [true, false]],
  ['pins', { cachix: 'c', 'cachix-auth-token': 't', 'cachix-pins': 'rel=.#default keep=days:30\nnightly=/nix/store/abc keep=forever\nplain=.#x' }, (s) => s.cachix?.pins.map((p) => p.keep), [{ tag: 'Days', contents: 30 }, { tag: 'Forever' }, null]],
  ['pins published to a folder', { pins: "wasm-bindgen-cli=.#wasm-bindgen-cli\nrust_toolchain'=/nix/store/abc", 'pins-to': 'file:///srv/pins/' }, (s) => [s.pins.map((p) => p.name), s.pinsTo], [['wasm-bindgen-cli', "rust_toolchain'"], 'file:///srv/pins']],
  ['pins are Cachix pins too, cachix-pins an alias', { cachix: 'c', pins: 'a=.#a', 'cachix-pins': 'b=.#b\na=.#other' }, (s) => s.cachix?.pins.map((p) => `${p.name}=${p.target}`), ['a=.#a', 'b=.#b']],
  ['pins published to S3', { pins: 'a=.#a', 'pins-to': 's3://bucket/pins?region=eu-west-1' }, (s) => s.pinsTo, 's3://bucket/pins?region=eu-west-1'],
  ['pins published to a branch', { pins: 'a=.#a', 'pins-to': 'branch:nix-pins/v1' }, (s) => s.pinsTo, 'branch:nix-pins/v1'],
  ['install from a pin set', { 'pins-from': 'https://example.org/pins', install: 'tool\nother' }, (s) => [s.pinsFrom, s.install], ['https://example.org/pins', ['tool', 'other']]],
  ['comments in lists', { paths: '.#a # the tool\n.#b' }, (s) => s.paths, ['.#a', '.#b']],
];
for (const [name, raw, pick, expected] of good) {
  test(`accepts: ${name}`, () => assert.deepEqual(pick(parseSettings(raw)), expected));
}

const bad: Array<[string, RawInputs, string, RegExp]> = [
  ['secret key as public key', { 'trusted-public-keys': SK }, 'trusted-public-keys', /secret key/],
  ['public key as signing key', { 'push-to': 'file:///c', 'signing-key': PK }, 'signing-key', /public key/],
  ['key without name', { 'trusted-public-keys': 'kEBgl7rsyXt4pNWdLpSZAjCSPO3dmLxVruB2WyldR2s=' }, 'trusted-public-keys', /name/],
  ['key of wrong length', { 'trusted-public-keys': 'x-1:AAAA' }, 'trusted-public-keys', /32 bytes/],
  ['key not base64', { 'attic-endpoint': 'https://a', 'attic-cache': 'c', 'attic-public-key': 'x-1:@@@' }, 'attic-public-key', /base64/],
  ['cachix key with name', { cachix: 'c', 'cachix-signing-key': SK }, 'cachix-signing-key', /no "name:" prefix/],
  ['substituter not a URL', { substituters: 'not-a-url' }, 'substituters', /not a supported store URL/],
  ['substituter scheme', { substituters: 'ftp://x' }, 'substituters', /not a supported store URL/],
  ['push-to scheme', { 'push-to': 'daemon' }, 'push-to', /not a supported store URL/],
  ['attic endpoint scheme', { 'attic-endpoint': 'ftp://x', 'attic-cache': 'c' }, 'attic-endpoint', /http/],
  ['attic cache name', { 'attic-endpoint': 'https://a', 'attic-cache': '-bad' }, 'attic-cache', /attic cache name/],
  ['attic cache name too long', { 'attic-endpoint': 'https://a', 'attic-cache': 'a'.repeat(51) }, 'attic-cache', /attic cache name/],
  ['attic endpoint without cache', { 'attic-endpoint': 'https://a' }, 'attic-cache', /required/],
  ['attic cache without endpoint', { 'attic-cache': 'c' }, 'attic-endpoint', /required/],
  ['cachix name', { cachix: 'My_Cache' }, 'cachix', /Cachix cache name/],
  ['cachix token without cache', { 'cachix-auth-token': 't' }, 'cachix-auth-token', /cachix/],
  ['attic token without cache', { 'attic-token': 't' }, 'attic-token', /attic-endpoint/],
  ['signing key without push-to', { 'signing-key': SK }, 'signing-key', /push-to/],
  ['push mode', { push: 'yes' }, 'push', /auto, true or false/],
  ['jobs not a number', { jobs: 'many' }, 'jobs', /whole number/],
  ['jobs zero', { jobs: '0' }, 'jobs', /whole number/],
  ['timeout fraction', { 'push-timeout': '1.5' }, 'push-timeout', /whole number/],
  ['strict', { strict: 'maybe' }, 'strict', /true or false/],
  ['fallback', { fallback: '1' }, 'fallback', /true or false/],
  ['invalid regex', { exclude: '(unclosed' }, 'exclude', /regular expression/],
  ['branch glob', { 'push-branches': 'a..b' }, 'push-branches', /branch/],
  ['upstream key name', { 'upstream-keys': 'has:colon' }, 'upstream-keys', /key name/],
  ['pin syntax', { cachix: 'c', 'cachix-pins': 'no-equals-sign' }, 'cachix-pins', /name=/],
  ['pin keep', { cachix: 'c', 'cachix-pins': 'a=.#b keep=weeks:2' }, 'cachix-pins', /keep/],
  ['pin name not a Nix attribute', { pins: '1tool=.#x', 'pins-to': 'file:///p' }, 'pins', /Nix attribute name/],
  ['pins with nowhere to go', { pins: 'tool=.#x' }, 'pins', /pins-to/],
  ['pins-to without pins', { 'pins-to': 'file:///p' }, 'pins-to', /nothing to publish/],
  ['pins-to scheme', { pins: 'a=.#a', 'pins-to': 'ftp://host/p' }, 'pins-to', /file:\/\/ or http/],
  ['pins-to s3 scheme parameter', { pins: 'a=.#a', 'pins-to': 's3://bucket/p?scheme=ftp' }, 'pins-to', /scheme must be http or https/],
  ['pins-to branch name', { pins: 'a=.#a', 'pins-to': 'branch:../main' }, 'pins-to', /branch:NAME/],
  ['cachix-pins name published', { cachix: 'c', 'cachix-pins': '1.0=.#a', 'pins-to': 'file:///p' }, 'cachix-pins', /attribute names/],
  ['install without pins-from', { install: 'tool' }, 'install', /pins-from/],
  ['pins-from without install', { 'pins-from': 'https://x/p' }, 'pins-from', /install/],
  ['install name', { 'pins-from': 'https://x/p', install: 'a.b' }, 'install', /pin name/],
  ['chunk size', { cachix: 'c', 'cachix-chunk-size': 'big' }, 'cachix-chunk-size', /whole number/],
  ['chunk size under S3 minimum part', { cachix: 'c', 'cachix-chunk-size': String(5 * 1024 * 1024 - 1) }, 'cachix-chunk-size', /below S3's minimum part size .*EntityTooSmall/],
  ['chunk size over 5 GiB', { cachix: 'c', 'cachix-chunk-size': String(5 * 1024 ** 3 + 1) }, 'cachix-chunk-size', /whole number/],
];
for (const [name, raw, input, pattern] of bad) {
  test(`rejects: ${name}`, () => {
    const found = problems(raw);
    assert.ok(found.length > 0, 'expected a problem');
    const named = found.filter((p) => p.startsWith(`${input}: `));
    assert.ok(named.length > 0, `no problem names ${input}: ${found.join(' | ')}`);
    assert.match(named.join('\n'), pattern);
  });
}

test('all problems are reported at once', () => {
  assert.equal(problems({ jobs: 'x', push: 'y', strict: 'z' }).length, 3);
});

test('secrets come from the environment when the input is empty', () => {
  const raw = withEnvFallbacks({ cachix: 'c', 'attic-endpoint': 'http://a', 'cachix-auth-token': '' }, { CACHIX_AUTH_TOKEN: 'from-env', ATTIC_TOKEN: 'a' });
  assert.equal(raw['cachix-auth-token'], 'from-env');
  assert.equal(raw['attic-token'], 'a');
  assert.equal(withEnvFallbacks({ cachix: 'c', 'cachix-auth-token': 'input' }, { CACHIX_AUTH_TOKEN: 'env' })['cachix-auth-token'], 'input');
});

test('token variables in the job env without their backend configured do not fail the inputs', () => {
  const env = { CACHIX_AUTH_TOKEN: 'tok', CACHIX_SIGNING_KEY: 'c2lnbmluZw==', ATTIC_TOKEN: 'a' };
  const settings = parseSettings(withEnvFallbacks({ substituters: 'https://example.org' }, env));
  assert.equal(settings.cachix, null);
  assert.equal(settings.attic, null);
});

test('no error message contains a secret', () => {
  const found = problems({ 'trusted-public-keys': SK, 'push-to': 'file:///c', 'signing-key': `${SK}x` });
  for (const p of found) assert.ok(!p.includes(SK_BODY.slice(0, 20)), p);
});

test('words() drops comments', () => {
  assert.deepEqual(words('a b # c d\n# e\nf'), ['a', 'b', 'f']);
});

test('URL inputs with a line break or control character are refused (they would become nix.conf lines)', () => {
  for (const [input, value] of [
    ['attic-endpoint', 'http://a.example\npost-build-hook = /tmp/x'],
    ['cachix-api-url', 'https://app.cachix.org/api/v1\u0001'],
    ['substituters', 'https://a.example/\u0001x'],
  ] as const) {
    const found = problems({ [input]: value, ...(input === 'attic-endpoint' ? { 'attic-cache': 'c' } : {}) });
    assert.ok(found.some((p) => p.startsWith(`${input}:`)), `${input}: ${found.join('; ')}`);
  }
});

test('a token that is not one netrc word is refused without printing it', () => {
  const found = problems({ cachix: 'c', 'cachix-auth-token': 'abc def\nmachine evil password x' });
  assert.ok(found.some((p) => p.startsWith('cachix-auth-token:') && !p.includes('abc def')), found.join('; '));
});
