// The main step's hand-over to post goes through @actions/core's state file and back through the
// schema: run as a step would, with GITHUB_STATE pointing at a file.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { State } from '../../src/constants.ts';
import { loadMainState, saveMainState, type MainState } from '../../src/state.ts';
import { parseFileCommands } from '../harness/commands.ts';

function withEnv<T>(vars: Record<string, string | undefined>, body: () => T): T {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  try {
    return body();
  } finally {
    for (const [k, v] of Object.entries(before)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
}

test('saved by main, read back by post', () => {
  const dir = mkdtempSync(join(tmpdir(), 'state-'));
  try {
    const file = join(dir, 'state');
    writeFileSync(file, '');
    const state: MainState = { snapshotAt: 1_700_000_000_000, systemConf: true, files: ['/tmp/x/netrc'], watcher: { pid: 42, dir: '/tmp/x/watch' } };
    withEnv({ GITHUB_STATE: file }, () => saveMainState(state));
    const saved = parseFileCommands(readFileSync(file, 'utf8'));
    assert.deepEqual(Object.keys(saved), [State.Main]);
    const back = withEnv({ [`STATE_${State.Main}`]: saved[State.Main] }, () => loadMainState());
    assert.deepEqual(back, state);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no state: post has nothing to do', () => {
  assert.equal(withEnv({ [`STATE_${State.Main}`]: undefined }, () => loadMainState()), null);
});

test('a state of the wrong shape is refused, never read as true', () => {
  const bad = JSON.stringify({ snapshotAt: null, systemConf: 'false', files: [], watcher: null });
  assert.throws(() => withEnv({ [`STATE_${State.Main}`]: bad }, () => loadMainState()), /systemConf/);
});
