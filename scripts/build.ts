// Bundles the entry points (main, post, and the push-while-building uploader) into dist/ (committed: GitHub runs dist/ directly).
// `--check` rebuilds into a temporary folder and fails when dist/ differs, which the tests use.
import { build } from 'esbuild';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const check = process.argv.includes('--check');
const outdir = check ? mkdtempSync(join(tmpdir(), 'dist-check-')) : 'dist';

await build({
  entryPoints: { main: 'src/main.ts', post: 'src/post.ts', watch: 'src/watch.ts' },
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  outdir,
  outExtension: { '.js': '.js' },
  legalComments: 'none',
  logLevel: 'warning',
  // @actions/http-client imports undici for one thing, a ProxyAgent for its own HTTP client, which
  // only @actions/core's OIDC token request uses and this action never does. Evaluating undici
  // costs ~25 ms of every step's start (bench/), so a stub stands in that fails loudly if ever used.
  plugins: [
    {
      name: 'undici-stub',
      setup(b) {
        b.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', namespace: 'undici-stub' }));
        b.onLoad({ filter: /.*/, namespace: 'undici-stub' }, () => ({
          contents: "export class ProxyAgent { constructor() { throw new Error('undici is not bundled (only @actions/http-client proxies need it)'); } }",
          loader: 'js',
        }));
      },
    },
  ],
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
