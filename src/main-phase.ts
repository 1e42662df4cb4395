// The main step: validate every input, configure Nix to substitute from the caches, snapshot the
// store for the post step, and run the verify gate. Any failure here fails the step (it runs before
// the build, so a misconfiguration is seen at once), but nothing is changed before inputs are valid.
//
// Every job waits for this step before its build, so it does only what the build needs first
// (bench/, "main step"): the snapshot is the moment the step started (nix/snapshot.ts), not a
// listing of the store, and what only some jobs need loads only for them.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, type Settings } from './config.ts';
import { configure } from './configure/apply.ts';
import { loadSettings } from './inputs.ts';
import { State } from './constants.ts';
import * as runner from './runner.ts';
import type { MainState } from './state.ts';

/** A fresh private directory under RUNNER_TEMP (removed by the runner when the job ends). */
export function workRoot(): string {
  const base = process.env.RUNNER_TEMP || tmpdir();
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, 'nix-substitute-action-'));
}

export async function runMain(): Promise<void> {
  // Before anything else: a path that becomes valid from here on is the job's.
  const snapshotAt = Date.now();
  let settings: Settings;
  try {
    settings = loadSettings();
  } catch (error) {
    runner.setFailed(error instanceof ConfigError ? error.message : `cannot read inputs: ${String(error)}`);
    return;
  }
  try {
    const dir = workRoot();
    const state: MainState = { snapshotAt: settings.paths.length === 0 ? snapshotAt : null, systemConf: false, files: [], watcher: null };
    try {
      await configure(settings, dir, state);
      if (state.snapshotAt !== null) runner.info(`Store snapshot: paths that become valid from ${new Date(snapshotAt).toISOString()} on are this job's`);
      if (settings.pushWhileBuilding && state.snapshotAt !== null) {
        const { startWatcher } = await import('./watch/launch.ts');
        state.watcher = await startWatcher(settings, state.snapshotAt, dir);
      }
    } finally {
      // Saved even on failure, so post can undo the system configuration.
      runner.saveState(State.Main, JSON.stringify(state));
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
