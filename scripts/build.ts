// Bundles the entry points (main, post, and the push-while-building uploader) into dist/ (committed:
// GitHub runs dist/ directly). `--check` rebuilds into a temporary folder and fails when dist/
// differs in any file, or has a file too many or too few, which the tests use.
//
// Code splitting: what a step only sometimes needs (the Cachix and attic clients, the uploaders,
// the verify gate) sits in dist/chunks/ and is loaded by `import()` when used. Node's built-in
// modules it imports (zlib, streams, http) are then loaded only with it: with keys given, the main
// step loads neither (bench/: its start is what users wait for before every build).
import { build } from 'esbuild';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const check = process.argv.includes('--check');
const outdir = check ? mkdtempSync(join(tmpdir(), 'dist-check-')) : 'dist';
if (!check) rmSync(outdir, { recursive: true, force: true }); // no chunk of an earlier build stays behind

await build({
  entryPoints: { main: 'src/main.ts', post: 'src/post.ts', watch: 'src/watch.ts' },
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  target: 'node24',
  format: 'esm',
  outdir,
  outExtension: { '.js': '.js' },
  legalComments: 'none',
  logLevel: 'warning',
});

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

if (check) {
  const built = files(outdir);
  const committed = files('dist');
  const stale = [...new Set([...built, ...committed])].filter(
    (f) => !built.includes(f) || !committed.includes(f) || readFileSync(join(outdir, f), 'utf8') !== readFileSync(join('dist', f), 'utf8'),
  );
  rmSync(outdir, { recursive: true, force: true });
  if (stale.length > 0) {
    console.error(`dist/ is stale (${stale.join(', ')}): run npm run build and commit dist/`);
    process.exit(1);
  }
}
