// The real post step (dist/post.js, run as the runner runs it: test/harness/runner.ts) against
// `nix copy --to` of the same paths to the same nginx binary cache, in one run:
//   - 1,000 new tiny paths: wall time, with the post step's own stage timings (its debug lines);
//   - one incompressible path at two sizes: peak RSS of the whole process tree (sampled from
//     /proc: the step and every nix it starts) and wall time.
import { randomUUID } from 'node:crypto';
import { Job, type StepResult } from '../test/harness/runner.ts';
import type { BenchContext } from './context.ts';
import { fmtMs, knob, log, median, run, rows } from './lib.ts';
import { realPaths, removeRealPaths, type RealPathSpec } from './store-gen.ts';
import { bareRequestsMs } from './request-floor.ts';
import { withPeakTreeRss } from './tree-rss.ts';

const NIX = ['--extra-experimental-features', 'nix-command', '--option', 'substituters', ''];

interface Measured {
  ms: number;
  peakKiB: number;
  /** CPU time (user + system) of the whole process tree. */
  cpuMs: number;
}

/** main → make the paths (after the snapshot, as a build would) → post; the post step measured. */
async function postStep(ctx: BenchContext, specs: (tag: string) => RealPathSpec[], url: string): Promise<Measured & { step: StepResult; paths: string[] }> {
  const tag = `bp${randomUUID().slice(0, 8)}`;
  const job = new Job({
    inputs: { 'push-to': url, 'signing-key': ctx.key.secretKey, include: `^/nix/store/[a-z0-9]{32}-${tag}-`, ...(process.env.BENCH_POST_JOBS ? { jobs: process.env.BENCH_POST_JOBS } : {}) },
    timeoutMs: 30 * 60_000,
  });
  try {
    const main = await job.main();
    if (main.code !== 0) throw new Error(`main failed: ${main.stdout}${main.stderr}`);
    const list = specs(tag);
    const paths = await realPaths(list);
    const { value: step, peakKiB, cpuMs } = await withPeakTreeRss(() => job.post());
    if (step.code !== 0 || step.outputs.pushed !== String(list.length)) throw new Error(`post pushed ${step.outputs.pushed} of ${list.length}: ${step.stdout.slice(-3000)}`);
    return { ms: step.durationMs, peakKiB, cpuMs, step, paths };
  } finally {
    job.dispose();
  }
}

async function nixCopy(ctx: BenchContext, paths: readonly string[], url: string, compression: 'xz' | 'zstd'): Promise<Measured> {
  const to = `${url}?secret-key=${ctx.key.secretFile}${compression === 'zstd' ? '&compression=zstd' : ''}`;
  const { value: r, peakKiB, cpuMs } = await withPeakTreeRss(() => run('nix', [...NIX, 'copy', '--to', to, ...paths]));
  if (r.code !== 0) throw new Error(`nix copy failed: ${r.stderr.slice(-2000)}`);
  return { ms: r.ms, peakKiB, cpuMs };
}

let caches = 0;
function freshCache(ctx: BenchContext): string {
  return `${ctx.nginx.url}/post${++caches}-${randomUUID().slice(0, 6)}`;
}

/** The post step's `timing:` debug lines: stage → ms. */
function stages(step: StepResult): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of step.stdout.matchAll(/^::debug::timing: (.+): (\d+) ms$/gm)) out.set((m[1] ?? '').replace(/^http:\/\/[^:]+:\d+\/\S+: /, ''), Number(m[2]));
  return out;
}

export async function benchPostSmall(ctx: BenchContext): Promise<void> {
  const n = knob('BENCH_POST_N', 1000, 200);
  const runs = Math.min(ctx.runs, 3);
  log(`post step pushing ${n} new tiny paths vs nix copy --to`);
  const ours: Measured[] = [];
  // `nix copy --to http://…` compresses with xz unless told otherwise; zstd is the fair comparison
  // (this action compresses with zstd), the default is what a user gets from the command as is.
  const zstd: Measured[] = [];
  const xz: Measured[] = [];
  const breakdown = new Map<string, number[]>();
  const floor = { pathInfo: [] as number[], requests: [] as number[] };
  for (let i = 0; i < runs; i++) {
    const o = await postStep(ctx, (tag) => Array.from({ length: n }, (_, k) => ({ name: `${tag}-${k}`, bytes: 512 })), freshCache(ctx));
    try {
      ours.push(o);
      for (const [stage, ms] of stages(o.step)) breakdown.set(stage, [...(breakdown.get(stage) ?? []), ms]);
      zstd.push(await nixCopy(ctx, o.paths, freshCache(ctx), 'zstd'));
      xz.push(await nixCopy(ctx, o.paths, freshCache(ctx), 'xz'));
      floor.pathInfo.push((await run('nix', [...NIX, 'path-info', '--json', '--recursive', ...o.paths])).ms);
      floor.requests.push(await bareRequestsMs(ctx.nginx.url, n));
    } finally {
      await removeRealPaths(o.paths);
    }
  }
  const bare = median(await Promise.all([0, 1, 2].map(async () => (await run(process.execPath, ['-e', ''])).ms)));
  const what = `post step: ${n.toLocaleString('en')} new tiny paths`;
  for (const [baseline, label] of [
    [zstd, '`nix copy --to http://…?compression=zstd`'],
    [xz, '`nix copy --to http://…` (its default, xz)'],
  ] as const) {
    const o = median(ours.map((m) => m.ms));
    const b = median(baseline.map((m) => m.ms));
    rows.push({ what: `${what}, wall time vs ${label}`, ours: fmtMs(o), baseline: fmtMs(b), ratio: `${(o / b).toFixed(2)}×`, target: '≤ 0.5×', met: o / b <= 0.5 });
    const oc = median(ours.map((m) => m.cpuMs));
    const bc = median(baseline.map((m) => m.cpuMs));
    rows.push({ what: `${what}, CPU time (user + sys) of the process tree vs ${label}`, ours: fmtMs(oc), baseline: fmtMs(bc), ratio: `${(oc / bc).toFixed(2)}×`, target: '—', met: null });
  }
  // The floor: what any implementation pays here before doing any work of its own (bench/request-floor.ts).
  const least = bare + median(floor.pathInfo) + median(floor.requests);
  const copyZstd = median(zstd.map((m) => m.ms));
  rows.push({
    what: `${what}: the floor on this machine (Node start ${fmtMs(bare)} + one nix path-info ${fmtMs(median(floor.pathInfo))} + ${(3 * n).toLocaleString('en')} bare requests, no NAR work, ${fmtMs(median(floor.requests))}) vs \`nix copy --to http://…?compression=zstd\``,
    ours: fmtMs(least),
    baseline: fmtMs(copyZstd),
    ratio: `${(least / copyZstd).toFixed(2)}×`,
    target: '—',
    met: null,
  });
  const parts = [...breakdown].map(([stage, ms]) => `${stage} ${fmtMs(median(ms))}`);
  rows.push({ what: `where the post step's time goes (medians of ${runs}): Node start ${fmtMs(bare)}; ${parts.join('; ')}`, ours: fmtMs(median(ours.map((m) => m.ms))), baseline: '—', ratio: '—', target: '—', met: null });
}

export async function benchPostMemory(ctx: BenchContext): Promise<void> {
  const sizes = [knob('BENCH_MEM_SMALL_MB', 256, 64), knob('BENCH_MEM_MB', 1024, 256)];
  const peaks: number[] = [];
  for (const mb of sizes) {
    log(`post step pushing one incompressible ${mb} MiB path vs nix copy --to (zstd)`);
    const o = await postStep(ctx, (tag) => [{ name: `${tag}-big`, bytes: mb * 1024 * 1024, incompressible: true }], freshCache(ctx));
    try {
      const c = await nixCopy(ctx, o.paths, freshCache(ctx), 'zstd');
      const mib = (k: number) => `${(k / 1024).toFixed(0)} MiB`;
      peaks.push(o.peakKiB);
      rows.push({ what: `post step: one incompressible ${mb} MiB path, peak RSS of its process tree`, ours: mib(o.peakKiB), baseline: `${mib(c.peakKiB)} (nix copy, zstd)`, ratio: `${(o.peakKiB / c.peakKiB).toFixed(2)}×`, target: '≤ 200 MB', met: o.peakKiB * 1024 <= 200e6 });
      rows.push({ what: `post step: one incompressible ${mb} MiB path, wall time`, ours: fmtMs(o.ms), baseline: `${fmtMs(c.ms)} (nix copy, zstd)`, ratio: `${(o.ms / c.ms).toFixed(2)}×`, target: '≤ 0.3×', met: o.ms / c.ms <= 0.3 });
      rows.push({ what: `post step: one incompressible ${mb} MiB path, CPU time (user + sys) of the process tree`, ours: fmtMs(o.cpuMs), baseline: `${fmtMs(c.cpuMs)} (nix copy, zstd)`, ratio: `${(o.cpuMs / c.cpuMs).toFixed(2)}×`, target: '—', met: null });
    } finally {
      await removeRealPaths(o.paths);
    }
  }
  const [small = 0, large = 0] = peaks;
  rows.push({ what: `peak RSS flat in the path's size: ${sizes[1]} MiB path vs ${sizes[0]} MiB path`, ours: `${(large / 1024).toFixed(0)} MiB`, baseline: `${(small / 1024).toFixed(0)} MiB`, ratio: `${(large / small).toFixed(2)}×`, target: '≤ 1.1×', met: large / small <= 1.1 });
}
