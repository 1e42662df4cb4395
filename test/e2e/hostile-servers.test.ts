// The bundled main step against hostile attic and Cachix servers whose cache URL holds a line break
// and a `post-build-hook` line: each is named in one warning, its URL is not used, and neither
// NIX_CONFIG (GITHUB_ENV), outputs, state nor the summary carry the injected line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startAtticDouble } from '../doubles/attic.ts';
import { startCachixDouble } from '../doubles/cachix.ts';
import { Job } from '../harness/runner.ts';

const HOOK = 'post-build-hook = /tmp/pwned-by-cache';

test('server URLs with a line break never reach nix.conf or GITHUB_ENV', async () => {
  const attic = await startAtticDouble({ caches: { pub: { public: true } }, substituterEndpoint: `http://127.0.0.1:1/pub\n${HOOK}` });
  const cachix = await startCachixDouble({ caches: { mine: { public: true } }, tokens: {}, uri: `http://127.0.0.1:1/mine\n${HOOK}` });
  const job = new Job({ inputs: { 'attic-endpoint': attic.url, 'attic-cache': 'pub', cachix: 'mine', 'cachix-api-url': cachix.apiUrl } });
  try {
    const main = await job.main();
    assert.equal(main.code, 0, main.stdout + main.stderr);
    assert.ok(main.warnings.some((w) => w.startsWith('attic:pub') && /substituter_endpoint/.test(w)), main.warnings.join('\n'));
    assert.ok(main.warnings.some((w) => w.startsWith('cachix:mine') && /uri/.test(w)), main.warnings.join('\n'));
    const nixConfig = main.exported.NIX_CONFIG ?? '';
    assert.match(nixConfig, new RegExp(`^extra-substituters = ${attic.url}/pub$`, 'm'));
    assert.doesNotMatch(nixConfig, /post-build-hook/);
    assert.doesNotMatch(JSON.stringify(main.outputs), /post-build-hook/);
    assert.doesNotMatch(JSON.stringify(main.state), /post-build-hook/);
    // The warning quotes the refused value (on one line, shortened) so the user sees what was refused.
    assert.doesNotMatch(main.summary, /^post-build-hook/m);
  } finally {
    job.dispose();
    await attic.stop();
    await cachix.stop();
  }
});
