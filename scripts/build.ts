// Bundles the two entry points into dist/ (committed: GitHub runs dist/ directly).
// `--check` rebuilds into a temporary folder and fails when dist/ differs, which the tests use.
import { build } from 'esbuild';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const check = process.argv.includes('--check');
const outdir = check ? mkdtempSync(join(tmpdir(), 'dist-check-')) : 'dist';

await build({
  entryPoints: { main: 'src/main.ts', post: 'src/post.ts' },
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  outdir,
  outExtension: { '.js': '.js' },
  legalComments: 'none',
  logLevel: 'warning',
  // Bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});

if (check) {
  const stale = readdirSync(outdir).filter(
    (f) => readFileSync(join(outdir, f), 'utf8') !== readFileSync(join('dist', f), 'utf8').toString(),
  );
  rmSync(outdir, { recursive: true, force: true });
  if (stale.length > 0) {
    console.error(`dist/ is stale (${stale.join(', ')}): run npm run build and commit dist/`);
    process.exit(1);
  }
}
