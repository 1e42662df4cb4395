// push-while-building: a build that makes many paths over about a minute, run as a job (main →
// build step → post) twice: with the background uploader and without. Measured: the post step
// after the build, and the build itself (does the uploader slow it?). One run of each mode: a run
// is a minute long; the figures are steady from run to run within a few percent.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Job, type StepResult } from '../test/harness/runner.ts';
import type { BenchContext } from './context.ts';
import { fmtMs, knob, log, rows, run } from './lib.ts';

function buildFile(dir: string, tag: string, count: number, sleepSeconds: number): string {
  const file = join(dir, `${tag}.nix`);
  const script = `sleep ${sleepSeconds.toFixed(3)}; mkdir $out; head -c 65536 /dev/urandom > $out/blob; i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; echo $i > $out/count`;
  const attrs = Array.from({ length: count }, (_, i) => `  p${i} = derivation { name = "${tag}-${i}"; system = builtins.currentSystem; builder = "/bin/sh"; PATH = "/usr/bin:/bin"; args = [ "-c" ${JSON.stringify(script)} ]; };`);
  writeFileSync(file, `{\n${attrs.join('\n')}\n}\n`);
  return file;
}

async function jobRun(ctx: BenchContext, watch: boolean, count: number, seconds: number): Promise<{ build: StepResult; post: StepResult; outPaths: string[] }> {
  const tag = `wb${randomUUID().slice(0, 8)}`;
  const file = buildFile(ctx.scratch, tag, count, Math.max(0, seconds / count - 0.12));
  const job = new Job({
    inputs: {
      'push-to': `${ctx.nginx.url}/${tag}`,
      'signing-key': ctx.key.secretKey,
      'push-while-building': String(watch),
      // Other processes may build on this machine meanwhile: count only this build's paths.
      include: `^/nix/store/[a-z0-9]{32}-${tag}-`,
    },
    timeoutMs: 30 * 60_000,
  });
  try {
    const main = await job.main();
    if (main.code !== 0) throw new Error(`main failed: ${main.stdout}${main.stderr}`);
    const build = await job.exec('nix-build', [file, '--no-out-link']);
    if (build.code !== 0) throw new Error(`build failed: ${build.stderr.slice(-2000)}`);
    const post = await job.post();
    if (post.code !== 0 || post.outputs.pushed !== String(count)) throw new Error(`post pushed ${post.outputs.pushed}: ${post.stdout.slice(-3000)}`);
    return { build, post, outPaths: build.stdout.split('\n').filter(Boolean) };
  } finally {
    job.dispose();
  }
}

export async function benchWatch(ctx: BenchContext): Promise<void> {
  const count = knob('BENCH_WATCH_PATHS', 200, 30);
  const seconds = knob('BENCH_WATCH_SECONDS', 60, 12);
  log(`push while building: ${count} paths over ~${seconds} s, plain then with the uploader`);
  const plain = await jobRun(ctx, false, count, seconds);
  const watched = await jobRun(ctx, true, count, seconds);
  const during = /background uploader uploaded (\d+) path/.exec(watched.post.stdout)?.[1] ?? '?';
  for (const r of [plain, watched]) await run('nix-store', ['--delete', ...r.outPaths]);
  const p = watched.post.durationMs;
  const b = plain.post.durationMs;
  rows.push({ what: `post step after a ${count}-path build (~${seconds} s), push-while-building (${during} uploaded during the build)`, ours: fmtMs(p), baseline: `${fmtMs(b)} (plain post-step push)`, ratio: `${(p / b).toFixed(2)}×`, target: '≤ 2 s', met: p <= 2000 });
  const wb = watched.build.durationMs;
  const pb = plain.build.durationMs;
  rows.push({ what: 'the build itself with the uploader running (slowdown)', ours: fmtMs(wb), baseline: `${fmtMs(pb)} (no uploader)`, ratio: `${(wb / pb).toFixed(3)}×`, target: 'not noticeable', met: wb / pb <= 1.05 });
}
