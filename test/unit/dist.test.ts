// GitHub runs dist/ directly: it must be the bundle of the current src/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

test('dist/ is built from the current src/', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const r = spawnSync(process.execPath, ['scripts/build.ts', '--check'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `dist/ is stale: run npm run build and commit dist/\n${r.stderr}`);
});
