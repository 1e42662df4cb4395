// The store snapshot as a moment: on a real directory and the real clock, what changed after it is
// new (made, moved in, or had its mode changed, as Nix does when it registers a half-built path),
// what did not is old, and what is never pushed (.drv, locks, dot entries) is left out.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { CLOCK_MARGIN_MS, changeCutoff, marginFor, newEntries } from '../../src/nix/snapshot.ts';

const H = (c: string) => c.repeat(32);

test('entries changed after the snapshot are new; unchanged ones and never-pushed names are not', async () => {
  const root = mkdtempSync(join(tmpdir(), 'snapshot-'));
  const store = join(root, 'store');
  mkdirSync(store);
  try {
    writeFileSync(join(store, `${H('a')}-old-file`), 'x');
    mkdirSync(join(store, `${H('b')}-old-dir`));
    mkdirSync(join(store, `${H('c')}-half-built`)); // started before the snapshot…
    mkdirSync(join(root, `${H('d')}-built-aside`)); // …or built elsewhere and moved in after it
    await sleep(CLOCK_MARGIN_MS * 5);
    const since = Date.now();
    assert.deepEqual(await newEntries(since, store), [], 'nothing changed yet');

    chmodSync(join(store, `${H('c')}-half-built`), 0o555); // canonicalised when registered
    renameSync(join(root, `${H('d')}-built-aside`), join(store, `${H('d')}-built-aside`));
    writeFileSync(join(store, `${H('e')}-new-file`), 'y');
    mkdirSync(join(store, `${H('f')}-new-dir`));
    writeFileSync(join(store, `${H('g')}-x.drv`), '');
    writeFileSync(join(store, `${H('h')}-y.lock`), '');
    writeFileSync(join(store, '.links'), '');
    const found = (await newEntries(since, store)).map((p) => p.slice(store.length + 1)).sort();
    assert.deepEqual(found, [`${H('c')}-half-built`, `${H('d')}-built-aside`, `${H('e')}-new-file`, `${H('f')}-new-dir`]);
    assert.ok((await newEntries(since, store)).every((p) => p.startsWith(`${store}/`)), 'full paths');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the margin is the clock tick on fine-grained file systems and a second on whole-second ones', () => {
  assert.equal(marginFor({ mtimeNs: 1_700_000_000_123_456_789n, ctimeNs: 1_700_000_000_000_000_000n }), CLOCK_MARGIN_MS);
  assert.equal(marginFor({ mtimeNs: 1_700_000_000_000_000_000n, ctimeNs: 1_700_000_001_000_000_000n }), 1000);
  const dir = mkdtempSync(join(tmpdir(), 'snapshot-cutoff-'));
  try {
    assert.equal(changeCutoff(10_000, dir), 10_000 - CLOCK_MARGIN_MS, 'this machine keeps sub-second times');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
