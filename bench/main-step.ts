// The main step (configure with keys given + store snapshot) against a bare `node -e ''`, with,
// for reference, the least any main step could do here (bench/main-floor.mjs).
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { evaluateDefault, readActionInputs } from '../test/harness/action-yml.ts';
import type { BenchContext } from './context.ts';
import { fmtMs, knob, log, median, mustRun, rows, run, type RunResult } from './lib.ts';
import { chrootStore } from './store-gen.ts';

export async function benchMain(ctx: BenchContext): Promise<void> {
  log('main step vs node -e ""');
  const dir = join(ctx.scratch, 'main');
  mkdirSync(join(dir, 'conf'), { recursive: true });
  mkdirSync(join(dir, 'temp'), { recursive: true });
  writeFileSync(join(dir, 'conf', 'nix.conf'), 'substituters =\ntrusted-public-keys =\nsandbox = false\n');
  const env = (i: number): NodeJS.ProcessEnv => {
    const files: Record<string, string> = {};
    for (const f of ['GITHUB_ENV', 'GITHUB_STATE', 'GITHUB_OUTPUT']) {
      files[f] = join(dir, `${f}-${i}`);
      writeFileSync(files[f], '');
    }
    // Every declared input, as the runner sets them: the value given, else action.yml's default.
    const given: Record<string, string> = {
      substituters: `${ctx.nginx.url} https://example.cachix.org`,
      'trusted-public-keys': `${ctx.key.publicKey} ${ctx.upstreamKey.publicKey}`,
    };
    const inputs: Record<string, string> = {};
    for (const input of readActionInputs(join(import.meta.dirname, '..')) ?? []) {
      inputs[`INPUT_${input.name.replace(/ /g, '_').toUpperCase()}`] = given[input.name] ?? evaluateDefault(input.default ?? '', {});
    }
    return {
      ...inputs,
      PATH: process.env.PATH,
      HOME: dir,
      NIX_CONF_DIR: join(dir, 'conf'),
      RUNNER_TEMP: join(dir, 'temp'),
      GITHUB_REF: 'refs/heads/main',
      GITHUB_EVENT_NAME: 'push',
      ...files,
    };
  };
  const main = join(import.meta.dirname, '..', 'dist', 'main.js');
  const floor = join(import.meta.dirname, 'main-floor.mjs');
  const ours: number[] = [];
  const bare: number[] = [];
  const least: number[] = [];
  // Warm the page cache for both, then alternate them so drift hits both alike.
  await mustRun(process.execPath, [main], { env: env(0) });
  await mustRun(process.execPath, ['-e', '']);
  for (let i = 1; i <= Math.max(ctx.runs, 7); i++) {
    bare.push((await mustRun(process.execPath, ['-e', ''])).ms);
    const r = await run(process.execPath, [main], { env: env(i) });
    if (r.code !== 0) throw new Error(`main step failed: ${r.stdout}${r.stderr}`);
    ours.push(r.ms);
    least.push((await mustRun(process.execPath, [floor], { env: env(i) })).ms);
  }
  const o = median(ours);
  const b = median(bare);
  const f = median(least);
  const entries = readdirSync('/nix/store').length;
  rows.push({ what: `main step (configure with keys given + store snapshot; inputs as the runner sets them; ${entries.toLocaleString('en')}-entry store)`, ours: fmtMs(o), baseline: `${fmtMs(b)} (node -e '')`, ratio: `${(o / b).toFixed(2)}×`, target: '≤ 0.5 s', met: o <= 500 });
  rows.push({ what: 'for reference: the least a main step can do (bench/main-floor.mjs: no validation, no logs, same files)', ours: fmtMs(f), baseline: `${fmtMs(b)} (node -e '')`, ratio: `${(f / b).toFixed(2)}×`, target: '—', met: null });
  if ((await run('sudo', ['-n', 'true'])).code === 0) await onLargeStore(ctx, main, env);
  else log('no passwordless sudo: the main step on a large store is left out');
}

/**
 * The main step with a generated store of BENCH_STORE_ENTRIES (100,000) entries mounted on
 * /nix/store, in a private mount namespace (nothing outside it sees the mount): the same step on
 * a store the size a long-lived runner reaches, against a bare Node started the same way. Both are
 * started and timed from inside the namespace (bench/spawn-timer.mjs), so the sudo, unshare and
 * setpriv it takes to get in (150–250 ms here) count for neither.
 */
async function onLargeStore(ctx: BenchContext, main: string, env: (i: number) => NodeJS.ProcessEnv): Promise<void> {
  const entries = knob('BENCH_STORE_ENTRIES', 100_000, 20_000);
  const store = await chrootStore(ctx.benchDir, entries);
  const { uid, gid } = userInfo();
  const inStore = (args: string[]): Promise<RunResult> => {
    const script = 'mount --bind "$0" /nix/store && uid=$1 gid=$2 && shift 2 && exec setpriv --reuid="$uid" --regid="$gid" --clear-groups -- "$@"';
    return mustRun('sudo', ['-n', 'unshare', '--mount', 'sh', '-c', script, store.storeDir, String(uid), String(gid), 'env', '-i', `PATH=${process.env.PATH}`, process.execPath, ...args]);
  };
  const seen = Number((await inStore(['-e', "console.log(require('node:fs').readdirSync('/nix/store').length)"])).stdout.trim());
  if (seen < entries) throw new Error(`the mounted store shows ${seen} entries, not ${entries}`);
  log(`main step on a ${seen.toLocaleString('en')}-entry /nix/store (private mount namespace)`);
  // Bare Node and the step in turn, after one of each to warm the page cache.
  const plan: Array<{ args: string[]; env: NodeJS.ProcessEnv }> = [];
  for (let i = 100; i < 101 + Math.max(ctx.runs, 7); i++) plan.push({ args: ['-e', ''], env: {} }, { args: [main], env: env(i) });
  const planFile = join(ctx.scratch, 'main-in-store.json');
  writeFileSync(planFile, JSON.stringify(plan));
  const times = JSON.parse((await inStore([join(import.meta.dirname, 'spawn-timer.mjs'), planFile])).stdout) as number[];
  const b = median(times.filter((_, i) => i % 2 === 0).slice(1));
  const o = median(times.filter((_, i) => i % 2 === 1).slice(1));
  rows.push({ what: `main step (as above) with a ${seen.toLocaleString('en')}-entry store mounted on /nix/store (both started inside the namespace)`, ours: fmtMs(o), baseline: `${fmtMs(b)} (node -e '')`, ratio: `${(o / b).toFixed(2)}×`, target: '≤ 0.5 s', met: o <= 500 });
}
