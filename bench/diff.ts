// Finding what a job added to a 100k-entry store: the action's snapshot + diff (the snapshot is a
// moment; the diff is one readdir, the ctime of each candidate entry, then one validity query for
// the new ones) against two `nix path-info --all --json` (the attic
// action's method) and a shell glob + `comm` (cachix-action's list-nix-store.sh method).
import { join } from 'node:path';
import { newEntries } from '../src/nix/snapshot.ts';
import type { BenchContext } from './context.ts';
import { fmtMs, knob, log, median, mustRun, rows, timed } from './lib.ts';
import { chrootStore } from './store-gen.ts';

const NIX = ['--extra-experimental-features', 'nix-command'];

export async function benchDiff(ctx: BenchContext): Promise<void> {
  const entries = knob('BENCH_STORE_ENTRIES', 100_000, 20_000);
  const batch = knob('BENCH_DIFF_NEW', 200, 100);
  const store = await chrootStore(ctx.benchDir, entries);
  log(`diff of a ${entries}-entry store (${batch} new paths per run)`);
  const ours: number[] = [];
  const attic: number[] = [];
  const cachix: number[] = [];
  const listScript = `for f in ${store.storeDir}/*; do case "$f" in *.drv|*.lock) ;; *) echo "$f" ;; esac; done`;
  for (let i = 0; i < ctx.runs; i++) {
    // This action: main's snapshot, post's diff + validity of the new entries.
    const before = await timed(async () => Date.now());
    const added = await store.addBatch(batch, `ours${i}`);
    const after = await timed(async () => {
      const fresh = (await newEntries(before.value, store.storeDir)).map((p) => `/nix/store/${p.slice(store.storeDir.length + 1)}`);
      const invalid = (await mustRun('nix-store', ['--store', store.root, '--check-validity', '--print-invalid', ...fresh])).stdout;
      return fresh.filter((p) => !invalid.includes(p));
    });
    if (after.value.length !== added.length) throw new Error(`diff found ${after.value.length} new paths, expected ${added.length}`);
    ours.push(before.ms + after.ms);

    // attic action: path-info --all --json before and after, diffed.
    const pathInfoAll = () => mustRun('nix', [...NIX, 'path-info', '--all', '--json', '--store', store.root]);
    const a0 = await timed(async () => (JSON.parse((await pathInfoAll()).stdout) as Array<{ path: string }>).map((x) => x.path));
    await store.addBatch(batch, `attic${i}`);
    const a1 = await timed(async () => {
      const old = new Set(a0.value);
      return (JSON.parse((await pathInfoAll()).stdout) as Array<{ path: string }>).map((x) => x.path).filter((p) => !old.has(p));
    });
    if (a1.value.length !== batch) throw new Error(`path-info diff found ${a1.value.length}`);
    attic.push(a0.ms + a1.ms);

    // cachix-action: glob the store dir before and after, comm of the sorted lists.
    const pre = join(ctx.scratch, 'pre');
    const c0 = await timed(() => mustRun('bash', ['-c', `${listScript} > ${pre}`]));
    await store.addBatch(batch, `cachix${i}`);
    const c1 = await timed(() => mustRun('bash', ['-c', `comm -13 <(sort ${pre}) <(${listScript} | sort)`]));
    if (c1.value.stdout.trim().split('\n').length !== batch) throw new Error('comm diff miscounted');
    cachix.push(c0.ms + c1.ms);
  }
  const o = median(ours);
  const a = median(attic);
  const c = median(cachix);
  rows.push({ what: `diff of a ${entries.toLocaleString('en')}-entry store vs 2× \`nix path-info --all --json\` (attic action)`, ours: fmtMs(o), baseline: fmtMs(a), ratio: `${(o / a).toFixed(3)}× (${(a / o).toFixed(0)}× faster)`, target: '≤ 300 ms and ≥ 5× faster', met: o <= 300 && a / o >= 5 });
  rows.push({ what: `diff of a ${entries.toLocaleString('en')}-entry store vs shell glob + \`comm\` (cachix-action)`, ours: fmtMs(o), baseline: fmtMs(c), ratio: `${(o / c).toFixed(3)}× (${(c / o).toFixed(1)}× faster)`, target: '≤ 300 ms', met: o <= 300 });
}
