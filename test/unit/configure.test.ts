// Rendering of what the configure step writes: nix.conf lines, NIX_CONFIG merging, netrc, the
// system nix.conf block, trust decisions and the verify gate's dry-run parsing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTrusted, usesDaemon } from '../../src/configure/access.ts';
import { mergeNixConfig, renderNixConf } from '../../src/configure/nix-conf.ts';
import { mergeNetrc, parseNetrc, renderNetrc } from '../../src/configure/netrc.ts';
import { parsePublicKey } from '../../src/nix/keys.ts';
import { parseDryRun } from '../../src/verify.ts';

const PK = parsePublicKey('unit-1:kEBgl7rsyXt4pNWdLpSZAjCSPO3dmLxVruB2WyldR2s=');

test('nix.conf uses extra- settings so existing caches stay', () => {
  const text = renderNixConf({ substituters: ['https://a', 'http://b/c'], keys: [PK, PK], fallback: true, netrcFile: '/tmp/n' });
  assert.match(text, /^extra-substituters = https:\/\/a http:\/\/b\/c$/m);
  assert.match(text, /^extra-trusted-public-keys = unit-1:kEBgl7rsyXt4pNWdLpSZAjCSPO3dmLxVruB2WyldR2s=$/m);
  assert.match(text, /^fallback = true$/m);
  assert.match(text, /^connect-timeout = \d+$/m);
  assert.match(text, /^netrc-file = \/tmp\/n$/m);
  assert.doesNotMatch(text, /^substituters =/m);
  assert.doesNotMatch(renderNixConf({ substituters: [], keys: [], fallback: false, netrcFile: null }), /fallback|netrc|substituters/);
});

test('NIX_CONFIG keeps what the job had', () => {
  assert.equal(mergeNixConfig(undefined, 'a = 1\n'), 'a = 1\n');
  assert.equal(mergeNixConfig('x = 2', 'a = 1\n'), 'x = 2\na = 1\n');
  assert.equal(mergeNixConfig('x = 2\n\n', 'a = 1\n'), 'x = 2\na = 1\n');
});

test('netrc parse, merge and render', () => {
  const existing = parseNetrc('machine a.example\n  login u\n  password p1\nmachine b.example password p2\n');
  assert.deepEqual(existing, [
    { machine: 'a.example', login: 'u', password: 'p1' },
    { machine: 'b.example', password: 'p2' },
  ]);
  const merged = mergeNetrc(existing, [{ machine: 'b.example', password: 'new' }, { machine: 'c', password: 't' }]);
  assert.equal(renderNetrc(merged), 'machine a.example login u password p1\nmachine b.example password new\nmachine c password t\n');
});

test('trust: users, groups and *', () => {
  assert.ok(isTrusted('runner', [], ['root', 'runner']));
  assert.ok(isTrusted('runner', ['wheel'], ['root', '@wheel']));
  assert.ok(isTrusted('runner', [], ['*']));
  assert.ok(!isTrusted('runner', ['users'], ['root', '@wheel']));
});

test('daemon detection', () => {
  assert.equal(usesDaemon({}, true, true), false);
  assert.equal(usesDaemon({}, false, true), true);
  assert.equal(usesDaemon({}, false, false), false);
  assert.equal(usesDaemon({ NIX_REMOTE: 'daemon' }, true, false), true);
  assert.equal(usesDaemon({ NIX_REMOTE: 'local' }, false, true), false);
});

test('dry-run parsing (Nix 2.8 wording, singular and plural)', () => {
  const stderr = [
    'these 2 derivations will be built:',
    '  /nix/store/aaa-tool.drv',
    '  /nix/store/bbb-app.drv',
    'these 3 paths will be fetched (0.01 MiB download, 0.02 MiB unpacked):',
    '  /nix/store/ccc-toolchain',
    '  /nix/store/ddd-src',
    '  /nix/store/eee-lib',
    'warning: something',
  ].join('\n');
  assert.deepEqual(parseDryRun(stderr), {
    toBuild: ['/nix/store/aaa-tool.drv', '/nix/store/bbb-app.drv'],
    toFetch: ['/nix/store/ccc-toolchain', '/nix/store/ddd-src', '/nix/store/eee-lib'],
  });
  assert.deepEqual(parseDryRun('this derivation will be built:\n  /nix/store/x.drv\n').toBuild, ['/nix/store/x.drv']);
  assert.deepEqual(parseDryRun('this path will be fetched (0 MiB download):\n  /nix/store/y\n').toFetch, ['/nix/store/y']);
});
