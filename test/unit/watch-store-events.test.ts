// Store change detection on a real directory: lock removal, lock-free writers, rescans, filtering.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { changeCutoff } from '../../src/nix/snapshot.ts';
import { watchStoreEntries } from '../../src/watch/store-events.ts';
import { appendRecord, readRecord } from '../../src/watch/protocol.ts';

const H = (c: string) => c.repeat(32);

/** A store with one entry from before the snapshot, watched from the snapshot on. */
async function setup(rescanMs = 60_000) {
  const dir = mkdtempSync(join(tmpdir(), 'watch-store-'));
  const seen: string[] = [];
  const known = new Set<string>();
  writeFileSync(join(dir, `${H('a')}-old`), '');
  await sleep(100); // past the clock margin
  const cutoff = changeCutoff(Date.now(), dir);
  const events = watchStoreEntries({ storeDir: dir, cutoff, known, rescanMs, onNames: (n) => seen.push(...n), onError: (e) => assert.fail(String(e)) });
  return { dir, seen, known, events, dispose: () => (events.close(), rmSync(dir, { recursive: true, force: true })) };
}

test('a path whose lock goes away is reported; .drv, .lock names and entries from before the snapshot are not', async () => {
  const s = await setup();
  try {
    assert.ok(s.events.watching);
    const name = `${H('b')}-hello`;
    writeFileSync(join(s.dir, `${name}.lock`), '');
    await sleep(100); // Nix takes the lock before the path exists: that event finds nothing yet
    mkdirSync(join(s.dir, name));
    writeFileSync(join(s.dir, `${H('c')}-x.drv`), '');
    writeFileSync(join(s.dir, `${H('a')}-old.lock`), ''); // events for the old entry's name
    rmSync(join(s.dir, `${H('a')}-old.lock`));
    rmSync(join(s.dir, `${name}.lock`));
    await sleep(100);
    assert.ok(s.seen.length > 0);
    assert.deepEqual(new Set(s.seen), new Set([name]));
  } finally {
    s.dispose();
  }
});

test('a rescan finds entries made without events, once; never the ones from before the snapshot', async () => {
  const s = await setup();
  try {
    s.events.close(); // no fs events from here: only rescans
    writeFileSync(join(s.dir, `${H('d')}-quiet`), '');
    await s.events.rescan();
    assert.deepEqual(s.seen, [`${H('d')}-quiet`]);
    s.known.add(`${H('d')}-quiet`);
    await s.events.rescan();
    assert.equal(s.seen.length, 1, 'known entries are not reported again');
  } finally {
    s.dispose();
  }
});

test('the record adds up per target and skips a torn last line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'watch-record-'));
  try {
    await appendRecord(dir, { target: 'http://c', paths: ['/nix/store/a', '/nix/store/b'], uploaded: 2, present: 0, bytes: 10 });
    await appendRecord(dir, { target: 'http://c', paths: ['/nix/store/c'], uploaded: 0, present: 1, bytes: 0 });
    await appendRecord(dir, { target: 'attic:x', paths: ['/nix/store/a'], uploaded: 1, present: 0, bytes: 5 });
    appendFileSync(join(dir, 'record.jsonl'), '{"target":"http://c","paths":["/nix/sto');
    const r = await readRecord(dir);
    assert.deepEqual([...(r.get('http://c')?.paths ?? [])], ['/nix/store/a', '/nix/store/b', '/nix/store/c']);
    assert.equal(r.get('http://c')?.uploaded, 2);
    assert.equal(r.get('http://c')?.present, 1);
    assert.equal(r.get('attic:x')?.bytes, 5);
    assert.equal((await readRecord(join(dir, 'missing'))).size, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
