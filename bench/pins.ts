// Time to a usable pinned tool: the action's main step with `pins-from` + `install` (fetch pins.json,
// realise the path from the cache, nothing evaluated) against what consumers do without pins,
// `nix-build FILE -A tool` on an expression whose evaluation costs seconds (a stand-in for a flake
// that imports nixpkgs and overlays), which then substitutes the same paths from the same cache.
// Both run on this machine's store, the tool and its toolchain deleted before every run.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderPinSet } from '../src/pins/format.ts';
import { pinTarball } from '../src/pins/nix-files.ts';
import { copyTo } from '../test/harness/nix.ts';
import type { BenchContext } from './context.ts';
import { fmtMs, knob, log, median, mustRun, rows, run, stepFiles, trustFlags } from './lib.ts';

// `work` folds over N small JSON renderings: evaluation only, no builds, so its cost is what a
// large flake's evaluation costs a consumer before the first path is fetched.
function expression(n: number, salt: string): string {
  return `let
  work = builtins.foldl' (a: i: a + builtins.stringLength (builtins.toJSON (builtins.genList (j: j * i) 50))) 0 (builtins.genList (i: i) ${n});
  common = { system = builtins.currentSystem; builder = "/bin/sh"; PATH = "/usr/bin:/bin"; SALT = "${salt}"; };
in rec {
  toolchain = derivation (common // { name = "bench-pins-toolchain"; args = [ "-c" "mkdir -p $out/lib; head -c 4000000 /dev/urandom > $out/lib/blob" ]; });
  tool = derivation (common // { name = "bench-pins-tool"; inherit toolchain; evalWork = work;
    args = [ "-c" "mkdir -p $out/bin; echo $toolchain > $out/refs; printf '#!/bin/sh\\\\necho ok\\\\n' > $out/bin/bench-pins-tool; chmod +x $out/bin/bench-pins-tool" ]; });
}
`;
}

export async function benchPins(ctx: BenchContext): Promise<void> {
  const n = knob('BENCH_PINS_EVAL_N', 150_000, 20_000);
  log(`pins: time to a usable tool, pin set vs evaluating an expression (N=${n})`);
  const dir = join(ctx.scratch, 'pins');
  mkdirSync(join(dir, 'conf'), { recursive: true });
  const file = join(dir, 'default.nix');
  writeFileSync(file, expression(n, `${Date.now()}`));
  writeFileSync(join(dir, 'conf', 'nix.conf'), 'substituters =\ntrusted-public-keys =\nsandbox = false\n');
  const nixEnv = { ...process.env, NIX_CONF_DIR: join(dir, 'conf'), XDG_CACHE_HOME: join(dir, 'cache') };

  const tool = (await mustRun('nix-build', [file, '-A', 'tool', '--no-out-link'], { env: nixEnv })).stdout.trim();
  const closure = (await mustRun('nix-store', ['-qR', tool])).stdout.split('\n').filter(Boolean);
  await copyTo(ctx.nginx.url, [tool], { secretKeyFile: ctx.key.secretFile });
  const set = { version: 1 as const, pins: { 'bench-pins-tool': { path: tool } }, substituters: [ctx.nginx.url], publicKeys: [ctx.key.publicKey] };
  mkdirSync(join(ctx.nginx.root, 'bench-pins'), { recursive: true });
  writeFileSync(join(ctx.nginx.root, 'bench-pins', 'pins.json'), renderPinSet(set));
  writeFileSync(join(ctx.nginx.root, 'bench-pins', 'pins.tar.gz'), pinTarball(set, ctx.nginx.url));
  const evalOnly = (await mustRun('nix-instantiate', ['--eval', '-E', `(import ${file}).tool.evalWork`], { env: nixEnv })).ms;

  const forget = async (temp: string) => {
    rmSync(temp, { recursive: true, force: true }); // the action's GC roots
    await mustRun('nix-store', ['--delete', ...closure], { env: nixEnv });
  };
  const trust = trustFlags(ctx.nginx.url, ctx.key.publicKey);
  const main = join(import.meta.dirname, '..', 'dist', 'main.js');
  const ours: number[] = [];
  const evaluated: number[] = [];
  for (let i = 0; i < ctx.runs; i++) {
    const temp = join(dir, `temp-${i}`);
    mkdirSync(temp, { recursive: true });
    await forget(temp);
    const files = stepFiles(dir, i);
    mkdirSync(temp, { recursive: true });
    const r = await run(process.execPath, [main], {
      env: {
        ...nixEnv, ...files, HOME: dir, RUNNER_TEMP: temp, GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_NAME: 'push',
        INPUT_SUBSTITUTERS: ctx.nginx.url, 'INPUT_TRUSTED-PUBLIC-KEYS': ctx.key.publicKey,
        'INPUT_PINS-FROM': `${ctx.nginx.url}/bench-pins`, INPUT_INSTALL: 'bench-pins-tool',
      },
    });
    if (r.code !== 0) throw new Error(`main step failed: ${r.stdout}${r.stderr}`);
    ours.push(r.ms);
    await forget(temp);
    evaluated.push((await mustRun('nix-build', [file, '-A', 'tool', '--no-out-link', '--max-jobs', '0', ...trust], { env: nixEnv })).ms);
  }
  const o = median(ours);
  const b = median(evaluated);
  rows.push({
    what: `time to a usable pinned tool (main step with pins-from + install) vs nix-build of an expression whose evaluation alone takes ${fmtMs(evalOnly)}; both fetch the same ${closure.length} paths from nginx`,
    ours: fmtMs(o),
    baseline: `${fmtMs(b)} (nix-build -A tool)`,
    ratio: `${(o / b).toFixed(2)}×`,
    target: '< 1× (no evaluation)',
    met: o < b,
  });
}
