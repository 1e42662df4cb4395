// Pushing to a real nginx binary cache: this action's engine (bench/push-child.ts: closure query,
// plan, missing query, native zstd writer) against `nix copy --to` of the same paths.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from './context.ts';
import { fmtMs, knob, log, median, mustRun, rows, runMeasured } from './lib.ts';
import { randomHash, realPaths, removeRealPaths, signUpstream, type RealPathSpec } from './store-gen.ts';

const NIX = ['--extra-experimental-features', 'nix-command'];
const PUSH_SOURCE = join(import.meta.dirname, 'push-child.ts');
let bundled: string | null = null;

/** push-child bundled like dist/post.js (one file, no TypeScript to strip at start), as the action runs. */
async function pushChild(ctx: BenchContext): Promise<string> {
  if (bundled) return bundled;
  const { build } = await import('esbuild');
  const outfile = join(ctx.scratch, 'push-child.mjs');
  await build({
    entryPoints: [PUSH_SOURCE],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    outfile,
    logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  bundled = outfile;
  return outfile;
}
const NO_SUBST = ['--option', 'substituters', ''];

interface PushResult {
  ms: number;
  uploaded: number;
  present: number;
  maxRssKiB: number;
}

async function ourPush(ctx: BenchContext, paths: readonly string[], url: string): Promise<PushResult & { wallMs: number; measuredRssKiB: number }> {
  const file = join(ctx.scratch, `push-${randomHash()}.json`);
  writeFileSync(file, JSON.stringify({ paths, url, secretKey: ctx.key.secretKey, jobs: 8 }));
  const r = await runMeasured(process.execPath, [await pushChild(ctx), file]);
  const result = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as PushResult;
  return { ...result, wallMs: r.ms, measuredRssKiB: r.maxRssKiB };
}

async function nixCopy(ctx: BenchContext, paths: readonly string[], url: string, compression: 'xz' | 'zstd') {
  const to = `${url}?secret-key=${ctx.key.secretFile}${compression === 'zstd' ? '&compression=zstd' : ''}`;
  return runMeasured('nix', [...NIX, 'copy', '--to', to, ...NO_SUBST, ...paths]);
}

let prefixes = 0;
function freshCache(ctx: BenchContext): string {
  return `${ctx.nginx.url}/c${++prefixes}`;
}
async function dropCache(ctx: BenchContext, url: string): Promise<void> {
  await mustRun('rm', ['-rf', join(ctx.nginx.root, new URL(url).pathname)]);
}

async function compare(ctx: BenchContext, label: string, paths: readonly string[], runs: number, slowXz: boolean): Promise<void> {
  const ours: number[] = [];
  const zstd: number[] = [];
  const xz: number[] = [];
  // Default xz on large paths runs at a few MB/s (a 1 GB set takes 6 min here): opt-in.
  const withXz = process.env.BENCH_XZ === 'all' || (process.env.BENCH_XZ !== '0' && !slowXz);
  for (let i = 0; i < runs; i++) {
    let url = freshCache(ctx);
    const o = await ourPush(ctx, paths, url);
    if (o.uploaded !== paths.length) throw new Error(`uploaded ${o.uploaded} of ${paths.length}`);
    ours.push(o.wallMs);
    await dropCache(ctx, url);
    url = freshCache(ctx);
    zstd.push((await nixCopy(ctx, paths, url, 'zstd')).ms);
    await dropCache(ctx, url);
    // xz is slow (the point of the comparison): one run of it is enough to show the gap.
    if (withXz && i === 0) {
      url = freshCache(ctx);
      xz.push((await nixCopy(ctx, paths, url, 'xz')).ms);
      await dropCache(ctx, url);
    }
  }
  const o = median(ours);
  const z = median(zstd);
  rows.push({ what: `push ${label} vs \`nix copy --to\` (compression=zstd)`, ours: fmtMs(o), baseline: fmtMs(z), ratio: `${(o / z).toFixed(2)}×`, target: '≤ 0.7×', met: o / z <= 0.7 });
  if (xz.length > 0) {
    const x = median(xz);
    rows.push({ what: `push ${label} vs \`nix copy --to\` (default: xz; 1 run)`, ours: fmtMs(o), baseline: fmtMs(x), ratio: `${(o / x).toFixed(2)}×`, target: '≤ 0.7×', met: o / x <= 0.7 });
  }
}

export async function benchPush(ctx: BenchContext): Promise<void> {
  const smallN = knob('BENCH_SMALL_N', 1000, 200);
  const smallKb = knob('BENCH_SMALL_KB', 10, 10);
  const largeN = knob('BENCH_LARGE_N', 20, 4);
  const largeMb = knob('BENCH_LARGE_MB', 50, 20);
  const runs = Math.min(ctx.runs, 3);
  log(`push ${smallN} × ${smallKb} KB`);
  const small = await realPaths(Array.from({ length: smallN }, (_, i) => ({ name: `bench-small-${i}`, bytes: smallKb * 1024 })));
  try {
    await compare(ctx, `${smallN.toLocaleString('en')} × ${smallKb} KB`, small, runs, false);
  } finally {
    await removeRealPaths(small);
  }
  log(`push ${largeN} × ${largeMb} MB`);
  const large = await realPaths(Array.from({ length: largeN }, (_, i) => ({ name: `bench-large-${i}`, bytes: largeMb * 1024 * 1024 })));
  try {
    await compare(ctx, `${largeN} × ${largeMb} MB`, large, runs, true);
  } finally {
    await removeRealPaths(large);
  }
}

/**
 * A closure of `n` paths with references (each refers to up to 3 earlier ones) on top of n/2
 * upstream paths signed with a cache.nixos.org-1 key, already in the cache: the second push
 * should only ask and find everything there.
 */
export async function benchRepush(ctx: BenchContext): Promise<void> {
  const n = knob('BENCH_REPUSH_N', 1000, 300);
  log(`re-push of a ${n}-path closure that is already present`);
  const up = Math.floor(n / 2);
  const specs: RealPathSpec[] = [];
  for (let i = 0; i < up; i++) specs.push({ name: `bench-upstream-${i}`, bytes: 2048 });
  for (let i = 0; i < n; i++) {
    const refs = new Set<number>([Math.floor(Math.random() * up)]);
    for (let k = 0; k < 3 && i > 0; k++) refs.add(up + Math.floor(Math.random() * i));
    specs.push({ name: `bench-closure-${i}`, bytes: 4096, refs: [...refs] });
  }
  const paths = await realPaths(specs);
  try {
    await signUpstream(paths.slice(0, up), ctx.upstreamKey.secretFile);
    const url = freshCache(ctx);
    const roots = paths.slice(up);
    const first = await ourPush(ctx, roots, url);
    if (first.uploaded !== n) throw new Error(`first push uploaded ${first.uploaded} of ${n}`);
    // nix copy has no upstream filter: its first run would upload the upstream deps too.
    await nixCopy(ctx, roots, url, 'zstd');
    const ours: number[] = [];
    const copy: number[] = [];
    for (let i = 0; i < ctx.runs; i++) {
      const again = await ourPush(ctx, roots, url);
      if (again.uploaded !== 0 || again.present !== n) throw new Error(`re-push uploaded ${again.uploaded}`);
      ours.push(again.wallMs);
      copy.push((await nixCopy(ctx, roots, url, 'zstd')).ms);
    }
    await dropCache(ctx, url);
    const o = median(ours);
    const c = median(copy);
    rows.push({ what: `re-push of a ${n.toLocaleString('en')}-path closure already present (+${up} upstream-signed deps)`, ours: fmtMs(o), baseline: `${fmtMs(c)} (nix copy)`, ratio: `${(o / c).toFixed(2)}×`, target: '≤ 1 s', met: o <= 1000 });
  } finally {
    await removeRealPaths(paths);
  }
}

export async function benchMemory(ctx: BenchContext): Promise<void> {
  const mb = knob('BENCH_MEM_MB', 2048, 256);
  log(`peak memory pushing one ${mb} MB path`);
  const [big] = await realPaths([{ name: 'bench-big', bytes: mb * 1024 * 1024 }]);
  if (!big) return;
  try {
    let url = freshCache(ctx);
    const o = await ourPush(ctx, [big], url);
    await dropCache(ctx, url);
    url = freshCache(ctx);
    const c = await nixCopy(ctx, [big], url, 'zstd');
    await dropCache(ctx, url);
    const mib = (k: number) => `${(k / 1024).toFixed(0)} MiB`;
    rows.push({ what: `peak RSS pushing a ${mb >= 1024 ? `${(mb / 1024).toFixed(0)} GB` : `${mb} MB`} path (${fmtMs(o.wallMs)} vs ${fmtMs(c.ms)})`, ours: mib(o.measuredRssKiB), baseline: `${mib(c.maxRssKiB)} (nix copy, zstd)`, ratio: `${(o.measuredRssKiB / c.maxRssKiB).toFixed(2)}×`, target: '≤ 150 MB', met: o.measuredRssKiB * 1024 <= 150e6 });
  } finally {
    await removeRealPaths([big]);
  }
}
