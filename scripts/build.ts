// Bundles the entry points (main, post, and the push-while-building uploader) into dist/ (committed:
// GitHub runs dist/ directly): one self-contained ESM file per entry, no chunks. `--check` rebuilds
// into a temporary folder and fails when dist/ differs in any file, or has a file too many or too
// few, which the tests use.
import { build } from 'esbuild';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const check = process.argv.includes('--check');
const outdir = check ? mkdtempSync(join(tmpdir(), 'dist-check-')) : 'dist';
if (!check) rmSync(outdir, { recursive: true, force: true }); // no file of an earlier build stays behind

await build({
  entryPoints: { main: 'src/main.ts', post: 'src/post.ts', watch: 'src/watch.ts' },
  bundle: true,
  splitting: false,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  outdir,
  legalComments: 'none',
  logLevel: 'warning',
  // @actions/http-client (under @actions/core) pulls in CommonJS `tunnel`, whose require("net")
  // an ESM bundle cannot serve unless `require` is defined.
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
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
