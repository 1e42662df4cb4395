// Pin sets without Nix: the pins.json schema, the tarball's bytes, what the summary says, the
// rebuild check and the event payload's default branch.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readRunContext } from '../../src/github.ts';
import type { PathInfo } from '../../src/nix/path-info.ts';
import { parsePinSet, renderPinSet, type PinSet } from '../../src/pins/format.ts';
import { selectPins } from '../../src/pins/consumer.ts';
import { pinTarball } from '../../src/pins/nix-files.ts';
import { publicUrl } from '../../src/pins/producer.ts';
import { packageName, unexpectedBuilds } from '../../src/pins/report.ts';

const TOOL = '/nix/store/4nynlfppdwn3acrfwhw5nlz9slz8agj7-wasm-bindgen-cli-0.2.92';
const SET: PinSet = {
  version: 1,
  pins: { 'wasm-bindgen-cli': { path: TOOL }, shell: { path: '/nix/store/gdy6s1hgjxdsvhmhac2h7mnffr7sa021-shell-env', devShell: true, system: 'x86_64-linux' } },
  substituters: ['https://example.cachix.org'],
  publicKeys: ['example.cachix.org-1:kEBgl7rsyXt4pNWdLpSZAjCSPO3dmLxVruB2WyldR2s='],
};

test('pins.json: what is rendered parses back to the same set', () => {
  assert.deepEqual(parsePinSet(renderPinSet(SET), 'x'), SET);
});

const badSets: Array<[string, unknown, RegExp]> = [
  ['a path outside the store', { ...SET, pins: { a: { path: '/etc/passwd' } } }, /store path/],
  ['a path below a store path', { ...SET, pins: { a: { path: `${TOOL}/bin/x` } } }, /store path/],
  ['a name Nix cannot use as an attribute', { ...SET, pins: { 'a b': { path: TOOL } } }, /attribute names/],
  ['a substituter with credentials', { ...SET, substituters: ['https://u:p@example.org'] }, /credentials/],
  ['a substituter of another scheme', { ...SET, substituters: ['ssh://example.org'] }, /substituters/],
  ['a key without a name', { ...SET, publicKeys: ['kEBg'] }, /name:base64/],
  ['another version', { ...SET, version: 2 }, /version/],
];
for (const [name, json, pattern] of badSets) {
  test(`pins.json refused: ${name}`, () => {
    assert.throws(() => parsePinSet(JSON.stringify(json), 'pins-from http://x/pins.json'), (e: Error) => /pins-from http:\/\/x\/pins\.json/.test(e.message) && pattern.test(e.message));
  });
}
test('pins.json refused: not JSON, named', () => {
  assert.throws(() => parsePinSet('<html>', 'pins-from http://x'), /pins-from http:\/\/x is not JSON/);
});

test('install: an unknown name fails naming it and what the set has', () => {
  assert.throws(() => selectPins(SET, ['wasm-bindgen-cli', 'cargo'], 'http://u:secret@x/pins'), (e: Error) => /"cargo" not in the pin set at http:\/\/x\/pins/.test(e.message) && /shell, wasm-bindgen-cli/.test(e.message) && !e.message.includes('secret'));
  assert.deepEqual(selectPins(SET, ['wasm-bindgen-cli'], 'x'), [{ name: 'wasm-bindgen-cli', path: TOOL }]);
});

test('tarball: one top-level folder with default.nix, flake.nix, pins.json; same set, same bytes', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pins-tar-'));
  try {
    const bytes = pinTarball(SET, 'https://example.cachix.org');
    assert.deepEqual(bytes, pinTarball(SET, 'https://example.cachix.org'));
    writeFileSync(path.join(dir, 'p.tar.gz'), bytes);
    const listing = execFileSync('tar', ['-tzvf', path.join(dir, 'p.tar.gz')], { encoding: 'utf8' });
    assert.deepEqual(listing.split('\n').filter(Boolean).map((l) => l.split(/\s+/).pop()), ['pins/', 'pins/default.nix', 'pins/flake.nix', 'pins/pins.json']);
    execFileSync('tar', ['-xzf', path.join(dir, 'p.tar.gz'), '-C', dir]);
    assert.deepEqual(parsePinSet(readFileSync(path.join(dir, 'pins/pins.json'), 'utf8'), 'x'), SET);
    const flake = readFileSync(path.join(dir, 'pins/flake.nix'), 'utf8');
    assert.doesNotMatch(flake, /inputs/);
    assert.match(readFileSync(path.join(dir, 'pins/default.nix'), 'utf8'), /fromStore = "https:\/\/example\.cachix\.org";/);
    assert.match(readFileSync(path.join(dir, 'pins/default.nix'), 'utf8'), /builtins\.storePath/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tarball: a store URL that could break out of its Nix string is refused', () => {
  assert.throws(() => pinTarball(SET, 'https://x/"; builtins.exec'), /cannot embed/);
  assert.throws(() => pinTarball(SET, 'https://x/${builtins.currentTime}'), /cannot embed/);
});

test('published cache URLs carry no credentials or query', () => {
  assert.equal(publicUrl('https://user:pw@cache.example.org/c/?priority=10'), 'https://cache.example.org/c');
  assert.equal(publicUrl('s3://bucket/prefix?region=eu-west-1&secret-key=/k'), 's3://bucket/prefix');
  assert.equal(publicUrl('file:///srv/cache?secret-key=/tmp/k'), 'file:///srv/cache');
});

const info = (p: string, sigs: string[] = []): PathInfo => ({ path: p, narHash: 'sha256:x' as unknown as PathInfo['narHash'], narSize: 1, references: [], deriver: null, sigs, ca: null });

test('rebuild report: built here (no signature) with the name of a served path, another version included', () => {
  assert.equal(packageName('wasm-bindgen-cli-0.2.92'), 'wasm-bindgen-cli');
  const built = [
    info('/nix/store/0000000000000000000000000000000a-wasm-bindgen-cli-0.2.93'),
    info('/nix/store/0000000000000000000000000000000b-wasm-bindgen-cli-0.2.92', ['cache-1:sig']), // substituted
    info('/nix/store/0000000000000000000000000000000c-my-app-1.0'), // the job's own build
    info('/nix/store/0000000000000000000000000000000d-wasm-bindgen-cli-0.2.93.drv'),
  ];
  assert.deepEqual(unexpectedBuilds(built, ['wasm-bindgen-cli-0.2.92', 'rust-1.80']), ['/nix/store/0000000000000000000000000000000a-wasm-bindgen-cli-0.2.93']);
});

function context(event: unknown) {
  const dir = mkdtempSync(path.join(tmpdir(), 'event-'));
  try {
    writeFileSync(path.join(dir, 'e.json'), typeof event === 'string' ? event : JSON.stringify(event));
    return readRunContext({ GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/master', GITHUB_EVENT_PATH: path.join(dir, 'e.json') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('default branch from the event payload, validated', () => {
  assert.equal(context({ repository: { default_branch: 'master' } }).defaultBranch, 'master');
  assert.equal(context({}).defaultBranch, null);
  assert.equal(context('not json').defaultBranch, null);
  assert.equal(context({ repository: { default_branch: 'a..b' } }).defaultBranch, null);
  assert.equal(context({ repository: { default_branch: 7 } }).defaultBranch, null);
  // A pull_request field of the wrong shape does not hide the default branch.
  const c = context({ pull_request: 'odd', repository: { default_branch: 'trunk' } });
  assert.equal(c.defaultBranch, 'trunk');
  // ...and a pull_request of the wrong shape counts as one from a fork: it never pushes.
  assert.deepEqual([c.isPullRequest, c.isFork], [true, true]);
  assert.deepEqual([context({ repository: 7 }).isPullRequest, context({ repository: 7 }).isFork], [false, false]);
});

test('pins-from: a set over the size cap is refused without being read whole, naming the URL', async () => {
  const { fetchPinSet } = await import('../../src/pins/consumer.ts');
  const { createServer } = await import('node:http');
  const dir = mkdtempSync(path.join(tmpdir(), 'pins-big-'));
  // Answers with no Content-Length (chunked) and keeps sending: the cap must stop the read.
  const server = createServer((_req, res) => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const more = () => {
      while (sent < 4 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
      if (sent < 4 * 1024 * 1024) res.once('drain', more);
      else res.end();
    };
    more();
  });
  try {
    writeFileSync(path.join(dir, 'pins.json'), Buffer.alloc(2 * 1024 * 1024, 0x20));
    await assert.rejects(fetchPinSet(`file://${dir}`), /pins-from: cannot read the pin set at file:\/\/.*pins\.json: over 1048576 bytes/);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await assert.rejects(fetchPinSet(`http://127.0.0.1:${port}/set`), /pins-from: cannot read the pin set at http:\/\/127\.0\.0\.1:\d+\/set\/pins\.json: .*over 1048576 bytes/);
  } finally {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('S3 signature: the example of AWS S3 documentation (GET Object with Range) signs to its published value', async () => {
  const { sigV4Authorization } = await import('../../src/pins/s3.ts');
  const authorization = sigV4Authorization({
    method: 'GET', host: 'examplebucket.s3.amazonaws.com', path: '/test.txt', headers: { range: 'bytes=0-9' },
    payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', region: 'us-east-1', amzDate: '20130524T000000Z',
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  });
  assert.equal(
    authorization,
    'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
  );
});

test('S3 URLs: Nix-style parameters give path-style requests to an endpoint, virtual-hosted ones to AWS', async () => {
  const { parseS3Url, encodeKeyPath } = await import('../../src/pins/s3.ts');
  assert.deepEqual(parseS3Url('s3://b/sets/a/?endpoint=127.0.0.1:9000&scheme=http&region=eu-west-1'), { bucket: 'b', prefix: 'sets/a', region: 'eu-west-1', origin: 'http://127.0.0.1:9000', pathStyle: true });
  assert.deepEqual(parseS3Url('s3://b'), { bucket: 'b', prefix: '', region: 'us-east-1', origin: 'https://b.s3.us-east-1.amazonaws.com', pathStyle: false });
  assert.equal(encodeKeyPath("/b/a b/x(1)'.json"), '/b/a%20b/x%281%29%27.json');
});
