// Time to a usable dev shell: the action's main step with `pins-from` + `dev-shell` (fetch
// pins.json, realise the shell's environment and closure from the cache, enter it once and export
// it; nothing evaluated) against what consumers run without it, `nix develop FLAKE#SHELL -c true` on
// a flake whose evaluation costs seconds (a stand-in for one that imports nixpkgs and overlays),
// which substitutes the same paths from the same cache. `--option flake-registry ''` spares the
// baseline the registry lookup of nixpkgs#bashInteractive (unreachable here), so it is not slowed
// by this machine having no network. Both run on this machine's store with the shell's paths and
// .drv files deleted before every run.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderPinSet } from '../src/pins/format.ts';
import { devShellFixture } from '../test/harness/dev-shell.ts';
import { copyTo } from '../test/harness/nix.ts';
import type { BenchContext } from './context.ts';
import { fmtMs, knob, log, median, mustRun, rows, run, stepFiles, trustFlags } from './lib.ts';

const FLAKES = ['--extra-experimental-features', 'nix-command flakes'];

export async function benchDevShells(ctx: BenchContext): Promise<void> {
  const n = knob('BENCH_DEVSHELL_EVAL_N', 10_000, 500);
  log(`dev shells: time to a usable shell, pin set vs nix develop FLAKE#SHELL (eval N=${n})`);
  const dir = join(ctx.scratch, 'dev-shells');
  mkdirSync(join(dir, 'conf'), { recursive: true });
  writeFileSync(join(dir, 'conf', 'nix.conf'), `substituters =\ntrusted-public-keys =\nsandbox = false\n`);
  const nixEnv = { ...process.env, NIX_CONF_DIR: join(dir, 'conf'), XDG_CACHE_HOME: join(dir, 'cache') };
  const fx = devShellFixture({ name: 'bench-shell', evalCost: n });
  try {
    const profile = join(dir, 'profile', 'shell');
    mkdirSync(join(dir, 'profile'));
    await mustRun('nix', [...FLAKES, 'print-dev-env', '--profile', profile, fx.installable], { env: nixEnv });
    const envPath = (await mustRun('readlink', ['-f', profile])).stdout.trim();
    rmSync(join(dir, 'profile'), { recursive: true, force: true }); // the profile and its generation: GC roots
    const closure = (await mustRun('nix-store', ['-qR', envPath])).stdout.split('\n').filter(Boolean);
    await copyTo(ctx.nginx.url, [envPath], { secretKeyFile: ctx.key.secretFile });
    const set = { version: 1 as const, pins: { shell: { path: envPath, devShell: true, system: fx.system } }, substituters: [ctx.nginx.url], publicKeys: [ctx.key.publicKey] };
    mkdirSync(join(ctx.nginx.root, 'bench-shell'), { recursive: true });
    writeFileSync(join(ctx.nginx.root, 'bench-shell', 'pins.json'), renderPinSet(set));
    const evalOnly = (await mustRun('nix', [...FLAKES, 'eval', '--raw', `${fx.installable}.name`], { env: nixEnv })).ms;

    // Outputs and every .drv of the shell: each run starts as a cold consumer would.
    // Like a fresh runner: no narinfo or evaluation cache either.
    const forget = async (temp: string) => {
      rmSync(temp, { recursive: true, force: true }); // the action's GC roots
      rmSync(join(dir, 'cache'), { recursive: true, force: true });
      const derivers = (await mustRun('nix-store', ['-qd', ...closure])).stdout.split('\n').filter((d) => d.endsWith('.drv'));
      const drvs = (await mustRun('nix-store', ['-q', '--referrers-closure', ...derivers])).stdout.split('\n').filter((d) => d.endsWith('.drv'));
      await mustRun('nix-store', ['--delete', ...closure, ...drvs], { env: nixEnv });
    };
    const trust = trustFlags(ctx.nginx.url, ctx.key.publicKey);
    const main = join(import.meta.dirname, '..', 'dist', 'main.js');
    const ours: number[] = [];
    const develop: number[] = [];
    for (let i = 0; i < ctx.runs; i++) {
      const temp = join(dir, `temp-${i}`);
      await forget(temp);
      mkdirSync(temp, { recursive: true });
      const files = stepFiles(dir, i);
      const r = await run(process.execPath, [main], {
        env: {
          ...nixEnv, ...files, HOME: dir, RUNNER_TEMP: temp, GITHUB_WORKSPACE: join(fx.dir, 'workspace'), GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_NAME: 'push',
          INPUT_SUBSTITUTERS: ctx.nginx.url, 'INPUT_TRUSTED-PUBLIC-KEYS': ctx.key.publicKey,
          'INPUT_PINS-FROM': `${ctx.nginx.url}/bench-shell`, 'INPUT_DEV-SHELL': 'shell',
        },
        cwd: join(fx.dir, 'workspace'),
      });
      if (r.code !== 0) throw new Error(`main step failed: ${r.stdout}${r.stderr}`);
      ours.push(r.ms);
      await forget(temp);
      const d = await mustRun('nix', [...FLAKES, 'develop', '--option', 'flake-registry', '', ...trust, fx.installable, '-c', 'true'], { env: nixEnv, cwd: join(fx.dir, 'workspace') });
      develop.push(d.ms);
    }
    await forget(join(dir, 'temp-last'));
    const o = median(ours);
    const b = median(develop);
    rows.push({
      what: `time to a usable dev shell (main step with pins-from + dev-shell: realise, enter, export) vs nix develop FLAKE#SHELL -c true on a flake whose evaluation alone takes ${fmtMs(evalOnly)}; both fetch the same ${closure.length} paths from nginx`,
      ours: fmtMs(o),
      baseline: `${fmtMs(b)} (nix develop)`,
      ratio: `${(o / b).toFixed(2)}×`,
      target: '< 1× (no evaluation)',
      met: o < b,
    });
  } finally {
    fx.dispose();
  }
}
