// Bundles the entry points (main, post, and the push-while-building uploader) into dist/ (committed:
// GitHub runs dist/ directly). `--check` rebuilds into a temporary folder and fails when dist/
// differs in any file, or has a file too many or too few, which the tests use.
//
// Code splitting: what a step only sometimes needs (the Cachix and attic clients, the uploaders,
// the verify gate) sits in dist/chunks/ and is loaded by `import()` when used. Node's built-in
// modules it imports (zlib, streams, http) are then loaded only with it: with keys given, the main
// step loads neither (bench/: its start is what users wait for before every build).
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const check = process.argv.includes('--check');
const outdir = check ? mkdtempSync(join(tmpdir(), 'dist-check-')) : 'dist';
if (!check) rmSync(outdir, { recursive: true, force: true }); // no chunk of an earlier build stays behind

// Node's built-in modules are taken with process.getBuiltinModule, not `import`: an ESM import of a
// built-in copies every export into a module namespace, which runs lazy getters. For node:fs that
// loads the whole streams stack (fs.ReadStream, ~4 ms) in a step that never streams (bench/ "main
// step"). Each export is read by a pure call, so only the names the code imports are kept, and the
// output does not depend on which Node 24 ran the build.
const builtins: Plugin = {
  name: 'builtins-without-esm-facade',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (a) => ({ path: a.path, namespace: 'builtin' }));
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (a) => {
      const mod = process.getBuiltinModule(a.path) as Record<string, unknown>;
      const names = Object.keys(mod).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');
      const id = JSON.stringify(a.path);
      const lines = [`const m = process.getBuiltinModule(${id});`, 'const get = (name) => m[name];', 'export default m;'];
      for (const n of names) lines.push(`export const ${n} = /* @__PURE__ */ get(${JSON.stringify(n)});`);
      return { contents: lines.join('\n'), loader: 'js' };
    });
  },
};

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  outdir,
  outExtension: { '.js': '.js' },
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [builtins],
};
// The main step is one file: every further module file would cost it a resolve and a load.
await build({ ...common, entryPoints: { main: 'src/main.ts' }, splitting: false });
await build({ ...common, entryPoints: { post: 'src/post.ts', watch: 'src/watch.ts' }, splitting: true, chunkNames: 'chunks/[name]-[hash]' });

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
