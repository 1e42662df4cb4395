// The main step: validate every input, configure Nix to substitute from the caches, snapshot the
// store for the post step, run the verify gate, install pins and enter a dev shell (pins-from + install / dev-shell). Any failure here fails the step (it runs before
// the build, so a misconfiguration is seen at once), but nothing is changed before inputs are valid.
//
// The snapshot is the moment the step started (nix/snapshot.ts), not a listing of the store, so
// the step costs the same on any store size.
import * as core from '@actions/core';
import { loadSettings, type Settings } from './config.ts';
import { undo } from './cleanup.ts';
import { applyCaches } from './configure/apply.ts';
import { enterDevShellStep } from './devshell/step.ts';
import { fetchPinSet } from './pins/consumer.ts';
import { installFromSettings } from './pins/install-step.ts';
import { resolveCaches } from './configure/caches.ts';
import { Outputs } from './constants.ts';
import { addConfigureSummary, writeSummary } from './report.ts';
import { saveMainState, type MainState } from './state.ts';
import { verifySubstituted } from './verify.ts';
import { startWatcher } from './watch/launch.ts';
import { workRoot } from './work-dir.ts';
import type { Logger } from './log.ts';

const log: Logger = { info: core.info, warning: core.warning, debug: core.debug };

/**
 * github-cache: restores the entry. Imported only when the input is on: @actions/cache and the
 * Azure SDK under it take ~130 ms to initialise, more than the rest of this step.
 */
async function restoreFromGitHubCache(settings: Settings, dir: string) {
  const [{ restoreGitHubCache }, summary] = await Promise.all([import('./github-cache/restore.ts'), import('./github-cache/summary.ts')]);
  const restored = await restoreGitHubCache(dir, settings.trustedPublicKeys, log);
  for (const [name, value] of Object.entries(summary.restoreOutputs(restored))) core.setOutput(name, value);
  return { ...restored, addSummary: () => summary.addRestoreSummary(restored) };
}

async function configureAndSnapshot(settings: Settings, snapshotAt: number, state: MainState): Promise<void> {
  const dir = workRoot();
  const expected = (names: readonly string[]) => state.expectedNames?.push(...names);
  try {
    const resolved = await resolveCaches(settings);
    for (const s of resolved.skipped) {
      if (settings.strict) throw new Error(`${s.label}: ${s.reason}`);
      core.warning(`${s.label} is not used for substitution: ${s.reason}`);
    }
    // Server answers refused for a cache that is still used (an attic endpoint, the token's host).
    for (const w of resolved.sources.flatMap((s) => s.warnings ?? [])) core.warning(w);
    // github-cache: the restored entry is one more substituter, applied like the others.
    const restored = settings.githubCache ? await restoreFromGitHubCache(settings, dir) : null;
    if (restored) {
      state.githubCache = restored.state;
      if (restored.source) resolved.sources.push(restored.source);
    }
    const appliedVia = await applyCaches(settings, resolved, dir, state);
    core.setOutput(Outputs.Substituters, resolved.sources.flatMap((s) => s.urls).join(' '));
    addConfigureSummary(resolved.sources, resolved.skipped, appliedVia);
    restored?.addSummary();
    await writeSummary();
    if (state.snapshotAt !== null) core.info(`Store snapshot: paths that become valid from ${new Date(snapshotAt).toISOString()} on are this job's`);
    if (settings.pushWhileBuilding && state.snapshotAt !== null) state.watcher = await startWatcher(settings, state.snapshotAt, dir);
    // What the caches are expected to serve: post reports any of it this job built itself.
    if (settings.requireSubstituted.length > 0) {
      const dry = await verifySubstituted(settings.requireSubstituted);
      core.info(`require-substituted: nothing to build; ${dry.toFetch.length} path(s) will be fetched`);
      expected(dry.toFetch.map((p) => p.slice(p.lastIndexOf('/') + 34)));
    }
    if (settings.pinsFrom !== null) {
      const set = await fetchPinSet(settings.pinsFrom);
      if (settings.install.length > 0) expected(await installFromSettings(settings, set, resolved.sources.flatMap((s) => s.urls), dir));
      if (settings.devShell !== null) expected(await enterDevShellStep(settings.devShell, set, settings.pinsFrom, dir));
    }
  } finally {
    // Saved even on failure, so post can undo the system configuration.
    saveMainState(state);
  }
}

export async function runMain(): Promise<void> {
  // Before anything else: a path that becomes valid from here on is the job's.
  const snapshotAt = Date.now();
  let settings: Settings;
  try {
    // Throws ConfigError naming every bad input, before anything is changed.
    settings = loadSettings();
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
    return;
  }
  const state: MainState = { snapshotAt: settings.paths.length === 0 ? snapshotAt : null, systemConf: false, files: [], watcher: null, githubCache: null, expectedNames: [] };
  const nixConfigBefore = process.env.NIX_CONFIG;
  try {
    await configureAndSnapshot(settings, snapshotAt, state);
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
    await undoMain(state, nixConfigBefore);
  }
}

/**
 * A failed main step takes back what it changed (the job stops here; only post and always()
 * steps follow): the nix.conf block, token files, the uploader, and NIX_CONFIG for later steps.
 */
async function undoMain(state: MainState, nixConfigBefore: string | undefined): Promise<void> {
  try {
    if (process.env.NIX_CONFIG !== nixConfigBefore) core.exportVariable('NIX_CONFIG', nixConfigBefore ?? '');
    await undo(state, { killWatcher: true });
    saveMainState({ ...state, systemConf: false, files: [], watcher: null });
  } catch (error) {
    core.warning(`undoing the main step's changes: ${error instanceof Error ? error.message : String(error)} (the post step tries again)`);
  }
}
