// npm 11 skips dependency install scripts not listed in package.json's `allowScripts`; the `node`
// package (Node 24 for the tests) and esbuild (the bundler) need theirs on a fresh machine.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const root = new URL('../../', import.meta.url);
const json = (file: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(file, root), 'utf8')) as Record<string, unknown>;

test('every locked dependency with an install script is allowed to run it', () => {
  const allowed = (json('package.json').allowScripts ?? {}) as Record<string, unknown>;
  const locked = json('package-lock.json').packages as Record<string, { hasInstallScript?: boolean }>;
  const withScripts = Object.entries(locked)
    .filter(([, p]) => p.hasInstallScript)
    .map(([where]) => where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length));
  assert.ok(withScripts.includes('node') && withScripts.includes('esbuild'), withScripts.join(' '));
  assert.deepEqual(withScripts.filter((name) => allowed[name] !== true), []);
});
