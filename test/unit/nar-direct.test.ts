// The NAR written by src/nix/nar.ts from the file system is byte for byte what `nix-store --dump`
// writes, for every kind of entry a store path can hold.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dumpNarDirect, dumpNarWithNix } from '../../src/nix/nar.ts';

async function digest(stream: AsyncIterable<Buffer>): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of stream) h.update(chunk);
  return h.digest('hex');
}

test('directories, executables, symlinks, empty and odd-sized files, byte-ordered names', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nar-direct-'));
  const root = join(dir, 'tree');
  try {
    mkdirSync(join(root, 'bin'), { recursive: true });
    mkdirSync(join(root, 'share', 'empty-dir'), { recursive: true });
    writeFileSync(join(root, 'bin', 'tool'), '#!/bin/sh\necho hi\n');
    chmodSync(join(root, 'bin', 'tool'), 0o755);
    writeFileSync(join(root, 'empty'), '');
    writeFileSync(join(root, 'odd'), Buffer.alloc(3 * 1024 * 1024 + 13, 7));
    for (const name of ['B', 'a', 'Z-1', 'é', '_x', '.hidden']) writeFileSync(join(root, 'share', name), name);
    symlinkSync('bin/tool', join(root, 'link'));
    symlinkSync('/nonexistent/target', join(root, 'share', 'dangling'));
    const added = spawnSync('nix-store', ['--add', root], { encoding: 'utf8' });
    assert.equal(added.status, 0, added.stderr);
    const path = added.stdout.trim();
    try {
      assert.equal(await digest(dumpNarDirect(path)), await digest(dumpNarWithNix(path)));
      const single = spawnSync('nix-store', ['--add', join(root, 'odd')], { encoding: 'utf8' }).stdout.trim();
      assert.equal(await digest(dumpNarDirect(single)), await digest(dumpNarWithNix(single)));
      spawnSync('nix-store', ['--delete', single]);
    } finally {
      spawnSync('nix-store', ['--delete', path]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing path errors the stream; an aborted signal stops it', async () => {
  await assert.rejects(digest(dumpNarDirect('/nix/store/00000000000000000000000000000000-missing')), /ENOENT/);
  const controller = new AbortController();
  controller.abort(new Error('budget spent'));
  await assert.rejects(digest(dumpNarDirect('/nix/store', controller.signal)), /budget spent/);
});
