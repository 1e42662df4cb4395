// `npm run bench`: figures for README (not timed tests). Each measurement is the median of several
// runs, with the method users would otherwise run measured alongside in the same process.
// Knobs (env): BENCH_QUICK=1 (small everything), BENCH_ONLY=main,diff,post,postmem,push,repush,memory,watch,pins,dev-shells,
// BENCH_POST_N, BENCH_MEM_SMALL_MB, BENCH_PINS_EVAL_N / BENCH_DEVSHELL_EVAL_N (evaluation work of the pins / dev-shell baselines),
// BENCH_RUNS, BENCH_STORE_ENTRIES, BENCH_SMALL_N, BENCH_SMALL_KB, BENCH_LARGE_N, BENCH_LARGE_MB,
// BENCH_REPUSH_N, BENCH_MEM_MB, BENCH_WATCH_PATHS, BENCH_WATCH_SECONDS, BENCH_XZ=0 (no default-xz
// `nix copy` rows) or =all (also for the large paths: minutes), BENCH_DIR (kept generated store;
// default /tmp/nsa-bench).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNginx, type Nginx } from '../test/harness/nginx.ts';
import { generateKey, type KeyPair } from '../test/harness/nix.ts';
import { benchDevShells } from './dev-shells.ts';
import { benchDiff } from './diff.ts';
import { fmtMs, knob, log, only, printTable, rows, run } from './lib.ts';
import { benchMain } from './main-step.ts';
import { benchPins } from './pins.ts';
import { benchPostMemory, benchPostSmall } from './post-step.ts';
import { benchMemory, benchPush, benchRepush } from './push.ts';
import { benchWatch } from './watch.ts';

const benchDir = process.env.BENCH_DIR ?? '/tmp/nsa-bench';
mkdirSync(benchDir, { recursive: true });
const scratch = mkdtempSync(join(tmpdir(), 'nsa-bench-run-'));
const started = Date.now();

const nixVersion = (await run('nix', ['--version'])).stdout.trim();
log(`${cpus().length} cores, ${nixVersion}, Node ${process.version}${process.env.BENCH_QUICK === '1' ? ' (quick run)' : ''}`);

let nginx: Nginx | null = null;
let key: KeyPair;
let upstreamKey: KeyPair;
try {
  nginx = await startNginx();
  key = await generateKey('bench-cache-1');
  upstreamKey = await generateKey('cache.nixos.org-1');
  const ctx = { nginx, key, upstreamKey, scratch, benchDir, runs: knob('BENCH_RUNS', 5, 3) };
  if (only('main')) await benchMain(ctx);
  if (only('diff')) await benchDiff(ctx);
  if (only('post')) await benchPostSmall(ctx);
  if (only('postmem')) await benchPostMemory(ctx);
  if (only('push')) await benchPush(ctx);
  if (only('repush')) await benchRepush(ctx);
  if (only('memory')) await benchMemory(ctx);
  if (only('watch')) await benchWatch(ctx);
  if (only('pins')) await benchPins(ctx);
  if (only('dev-shells')) await benchDevShells(ctx);
} finally {
  await nginx?.stop();
  rmSync(scratch, { recursive: true, force: true });
}

const table = printTable();
const out = `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${nixVersion}, Node ${process.version}; total ${fmtMs(Date.now() - started)}\n\n${table}\n`;
writeFileSync(join(benchDir, 'results.md'), out);
process.stdout.write(`\n${out}\n(also in ${join(benchDir, 'results.md')})\n`);
