// Hostile Cachix and attic servers: what their answers name (cache URL, API endpoint) is data. A
// line break in it must never reach nix.conf (a `post-build-hook` line would run as root), a URL on
// another host must never receive the token, and what is refused is said in a warning naming the cache.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSettings } from '../../src/config.ts';
import { resolveCaches, sameSite } from '../../src/configure/caches.ts';
import { renderNixConf } from '../../src/configure/nix-conf.ts';
import type { Logger } from '../../src/log.ts';
import { AtticTarget } from '../../src/push/attic.ts';
import { startAtticDouble } from '../doubles/attic.ts';
import { startCachixDouble } from '../doubles/cachix.ts';
import { buildFixture } from './attic-nix.fixture.ts';

const HOOK = 'post-build-hook = /tmp/pwned';

function confOf(sources: Awaited<ReturnType<typeof resolveCaches>>['sources']): string {
  return renderNixConf({ substituters: sources.flatMap((s) => s.urls), keys: sources.flatMap((s) => s.keys), fallback: true, netrcFile: null });
}

test('attic: a substituter_endpoint with a line break is refused, named in a warning, and the own URL used', async () => {
  const attic = await startAtticDouble({ caches: { pub: { public: true } }, substituterEndpoint: `http://x.example/pub\n${HOOK}` });
  try {
    const { sources, skipped } = await resolveCaches(parseSettings({ 'attic-endpoint': attic.url, 'attic-cache': 'pub' }));
    assert.deepEqual(skipped, []);
    assert.deepEqual(sources[0]!.urls, [`${attic.url}/pub`]);
    assert.match((sources[0]!.warnings ?? []).join('\n'), /^attic:pub: .*substituter_endpoint/);
    assert.doesNotMatch(confOf(sources), /post-build-hook/);
  } finally {
    await attic.stop();
  }
});

test('attic: a substituter_endpoint on another host never gets the token', async () => {
  const attic = await startAtticDouble({ caches: { priv: { public: false } }, tokens: { tok: { pull: ['priv'], push: [] } }, substituterEndpoint: 'http://evil.example/priv' });
  try {
    const { sources } = await resolveCaches(parseSettings({ 'attic-endpoint': attic.url, 'attic-cache': 'priv', 'attic-token': 'tok' }));
    assert.deepEqual(sources[0]!.urls, [`${attic.url}/priv`]);
    assert.deepEqual(sources[0]!.netrc.map((e) => e.machine), ['127.0.0.1']);
    assert.match((sources[0]!.warnings ?? []).join('\n'), /attic:priv: .*evil\.example.*token is not sent there/);
  } finally {
    await attic.stop();
  }
});

test('attic: api_endpoint on another server is reported and never called; calls stay on attic-endpoint', async () => {
  const other = await startAtticDouble({ caches: { ci: { public: false } }, tokens: { rw: { pull: ['*'], push: ['*'] } } });
  const attic = await startAtticDouble({ caches: { ci: { public: false } }, tokens: { rw: { pull: ['*'], push: ['*'] } }, apiEndpoint: `${other.url}/` });
  try {
    const fx = await buildFixture();
    const lines: string[] = [];
    const log: Logger = { info: () => undefined, debug: () => undefined, warning: (m) => lines.push(m) };
    const target = new AtticTarget({ endpoint: attic.url, cache: 'ci', token: 'rw' });
    const ctx = { signal: AbortSignal.timeout(30_000), log };
    const missing = await target.missing([fx.dep], ctx);
    assert.equal(missing.size, 1);
    assert.deepEqual(other.requests, []);
    assert.equal(lines.filter((l) => /advertises api_endpoint/.test(l)).length, 1, lines.join('\n'));
  } finally {
    await attic.stop();
    await other.stop();
  }
});

test('Cachix: a uri with a line break leaves the cache out with a warning naming it', async () => {
  const cachix = await startCachixDouble({ caches: { mine: { public: true } }, tokens: {}, uri: `https://mine.cachix.org\n${HOOK}` });
  try {
    const { sources, skipped } = await resolveCaches(parseSettings({ cachix: 'mine', 'cachix-api-url': cachix.apiUrl }));
    assert.deepEqual(sources, []);
    assert.equal(skipped[0]!.label, 'cachix:mine');
    assert.match(skipped[0]!.reason, /uri/);
    assert.doesNotMatch(skipped[0]!.reason, /\n/);
  } finally {
    await cachix.stop();
  }
});

test('Cachix: a private cache whose uri is on another host never gets the token', async () => {
  const cachix = await startCachixDouble({ caches: { mine: { public: false } }, tokens: { tok: { read: ['mine'], write: [] } }, uri: 'https://evil.example/mine' });
  try {
    const { sources, skipped } = await resolveCaches(parseSettings({ cachix: 'mine', 'cachix-api-url': cachix.apiUrl, 'cachix-auth-token': 'tok' }));
    assert.deepEqual(sources, []);
    assert.match(skipped[0]!.reason, /token is not sent there/);
  } finally {
    await cachix.stop();
  }
});

test('sameSite: the API host or a sibling under its parent domain, never a bare IP neighbour', () => {
  assert.equal(sameSite('mine.cachix.org', 'app.cachix.org'), true);
  assert.equal(sameSite('evil.example', 'app.cachix.org'), false);
  assert.equal(sameSite('cachix.org.evil.example', 'app.cachix.org'), false);
  assert.equal(sameSite('127.0.0.1', '127.0.0.1'), true);
  assert.equal(sameSite('1.0.0.1', '127.0.0.1'), false);
});
