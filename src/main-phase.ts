// The main step: validate every input, configure Nix to substitute from the caches, snapshot the
// store for the post step, and run the verify gate. Any failure here fails the step (it runs before
// the build, so a misconfiguration is seen at once), but nothing is changed before inputs are valid.
//
// This module loads almost nothing itself: the store listing starts first, in the thread pool, and
// the rest of the step (input validation, configuration) loads while it runs. Every job waits for
// this step before its build (bench/, "main step").
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listStore, writeSnapshot } from './nix/snapshot.ts';
import * as runner from './runner.ts';
import type { Settings } from './config.ts';
import type { MainState } from './state.ts';

export async function workRoot(): Promise<string> {
  const base = process.env.RUNNER_TEMP || tmpdir();
  await mkdir(base, { recursive: true });
  return mkdtemp(join(base, 'nix-substitute-action-'));
}

export async function runMain(): Promise<void> {
  // Reading only; dropped unread when `paths` makes a snapshot unnecessary or the inputs are bad.
  const listing = listStore();
  listing.catch(() => undefined);
  // One round of module loading for the whole step, not one per module.
  const [{ ConfigError }, { loadSettings }, { configure }, { saveMainState }] = await Promise.all([
    import('./config.ts'),
    import('./inputs.ts'),
    import('./configure/apply.ts'),
    import('./state.ts'),
  ]);
  let settings: Settings;
  try {
    settings = loadSettings();
  } catch (error) {
    runner.setFailed(error instanceof ConfigError ? error.message : `cannot read inputs: ${String(error)}`);
    return;
  }
  try {
    const dir = await workRoot();
    const state: MainState = { snapshotFile: null, systemConf: false, files: [], watcher: null, startedAt: Date.now() };
    try {
      await configure(settings, dir, state);
      if (settings.paths.length === 0) {
        state.snapshotFile = join(dir, 'store-snapshot');
        const count = await writeSnapshot(state.snapshotFile, listing);
        runner.info(`Store snapshot: ${count} entries`);
      }
      if (settings.pushWhileBuilding && state.snapshotFile) {
        const { startWatcher } = await import('./watch/launch.ts');
        state.watcher = await startWatcher(settings, state.snapshotFile, dir);
      }
    } finally {
      // Saved even on failure, so post can undo the system configuration.
      saveMainState(state);
    }
    if (settings.requireSubstituted.length > 0) {
      const { verifySubstituted } = await import('./verify.ts');
      const dry = await verifySubstituted(settings.requireSubstituted);
      runner.info(`require-substituted: nothing to build; ${dry.toFetch.length} path(s) will be fetched`);
    }
  } catch (error) {
    runner.setFailed(error instanceof Error ? error.message : String(error));
  }
}
