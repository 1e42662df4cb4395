// The post step: push what the job built, then undo what main changed outside RUNNER_TEMP. It
// runs after failed and cancelled jobs too. A cache that is down, slow or refusing never turns a
// green job red: every error becomes a warning unless `strict`, and the push stops at `push-timeout`.
import * as core from '@actions/core';
import { rm } from 'node:fs/promises';
import { loadSettings, type Settings } from './config.ts';
import { salvage, undo, type Cleanup } from './cleanup.ts';
import { readRunContext } from './github.ts';
import type { Logger } from './log.ts';
import type { PathInfo } from './nix/path-info.ts';
import { newEntries } from './nix/snapshot.ts';
import { storeDir } from './nix/store-dir.ts';
import { nixVersion, queryPathInfo, resolveInstallables, validPaths } from './nix/store.ts';
import { decidePush } from './push/gate.ts';
import { planPush, selectRoots } from './push/plan.ts';
import { configuredTargets } from './push/targets.ts';
import { pushToTarget, type TargetReport } from './push/uploader.ts';
import { addPushSummary, writeSummary, type PushSummary } from './report.ts';
import { Outputs, State } from './constants.ts';
import { ExitGuard } from './post-guard.ts';
import { loadMainState, type MainState } from './state.ts';
import { workRoot } from './work-dir.ts';
import { stopWatcher, type WatchOutcome } from './watch/stop.ts';
import { gitHubCacheSaver, notSaved, type SaveReport } from './github-cache/save.ts';
import { addSaveSummary, saveOutputs, saveSentence } from './github-cache/summary.ts';
import { addPinPublishSummary, addRebuildSummary } from './pins/report.ts';
import { findRebuilds } from './pins/rebuilds.ts';
import { publishPins, type PinPublishReport } from './pins/producer.ts';
import { produceDevShells, type ProducedShells } from './devshell/produce.ts';

const log: Logger = { info: core.info, warning: core.warning, debug: core.debug };

/** New paths a saved GitHub cache entry holds (they count as pushed). */
function githubAdded(save: SaveReport | null | undefined): number {
  return save?.status === 'saved' ? save.added : 0;
}

function setPushOutputs(s: Pick<PushSummary, 'status' | 'targets' | 'githubCache'>): void {
  core.setOutput(Outputs.Pushed, String(s.targets.reduce((n, t) => n + t.uploaded, 0) + githubAdded(s.githubCache)));
  core.setOutput(Outputs.PushStatus, s.status);
}

/** Runs one stage and notes its time at debug level (bench/post-step.ts reads it for docs/performance.md). */
async function timed<T>(stage: string, body: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await body();
  } finally {
    core.debug(`timing: ${stage}: ${(performance.now() - started).toFixed(0)} ms`);
  }
}

/** Grace after the budget for reporting; past it the process exits whatever still hangs. */
const GRACE_MS = 5_000;

async function candidatePaths(settings: Settings, state: MainState): Promise<string[]> {
  if (settings.paths.length > 0) return resolveInstallables(settings.paths);
  if (state.snapshotAt === null) return [];
  // Not checked for validity here: closureOf leaves invalid entries out.
  return newEntries(state.snapshotAt, await storeDir());
}

/**
 * The valid candidates and their closure, in one Nix call when it can be. New store entries are
 * nearly always valid (outputs and .drv files a build registered), so path-info is asked at once;
 * Nix up to 2.18 refuses the whole query for one invalid path (a failed or running build, a path
 * a garbage collection took meanwhile), newer Nix leaves it out: either way the roots are the
 * candidates that came back valid.
 */
async function closureOf(candidates: string[]): Promise<{ roots: string[]; closure: PathInfo[] }> {
  let closure: PathInfo[];
  try {
    closure = await queryPathInfo(candidates, { closure: true });
  } catch {
    closure = await queryPathInfo(await validPaths(candidates), { closure: true });
  }
  const valid = new Set(closure.map((info) => info.path));
  return { roots: candidates.filter((p) => valid.has(p)), closure };
}

async function push(settings: Settings, state: MainState, signal: AbortSignal, watched: WatchOutcome | null, shells: ProducedShells): Promise<PushSummary> {
  const started = Date.now();
  const summary = (s: Partial<PushSummary> & Pick<PushSummary, 'status'>): PushSummary => ({
    reason: null, newPaths: 0, closure: 0, upstream: 0, targets: [], durationMs: Date.now() - started, ...s,
  });
  // Key files for `nix copy` live here for the push only.
  const tempRoot = workRoot();
  try {
    return await pushWith(settings, state, signal, watched, configuredTargets(settings, tempRoot), summary, { dir: tempRoot, into: shells });
  } finally {
    await rm(tempRoot, { recursive: true, force: true });
  }
}

async function pushWith(
  settings: Settings,
  state: MainState,
  signal: AbortSignal,
  watched: WatchOutcome | null,
  slots: ReturnType<typeof configuredTargets>,
  summary: (s: Partial<PushSummary> & Pick<PushSummary, 'status'>) => PushSummary,
  shells: { dir: string; into: ProducedShells },
): Promise<PushSummary> {
  // The GitHub cache counts as a target when it can sign what it saves.
  const github = gitHubCacheSaver(settings, state.githubCache, workRoot);
  const githubNot = (status: 'skipped' | 'nothing-new', reason: string) => github && notSaved(status, github.ready ? reason : github.reason);
  const gate = decidePush(settings.push, settings.pushBranches, readRunContext(), slots.length + (github?.ready ? 1 : 0));
  if (!gate.push) return summary({ status: 'skipped', reason: gate.reason, githubCache: githubNot('skipped', gate.reason) });

  const { roots, closure, plan } = await core.group('Plan the push', async () => {
    // Dev-shell environments are pushed whether or not this job built them (include/exclude aside).
    const shellRoots = await timed('dev-shell environments', () => produceDevShells(settings.devShells, shells.dir, shells.into));
    // Asked now, answered while the store is read: path-info's flags depend on the Nix version.
    nixVersion().catch(() => undefined);
    const newPaths = selectRoots(await timed('new paths (store diff)', () => candidatePaths(settings, state)), settings);
    const candidates = [...new Set([...newPaths, ...shellRoots])];
    if (candidates.length === 0) return { roots: candidates, closure: [], plan: planPush([], settings.upstreamKeys) };
    const { roots, closure } = await timed('valid paths and closure (path-info)', () => closureOf(candidates));
    const plan = planPush(closure, settings.upstreamKeys);
    core.info(`${roots.length} new path(s); closure ${closure.length}; ${plan.upstream.length} already upstream; ${plan.toPush.length} to offer to ${slots.length} target(s)`);
    return { roots, closure, plan };
  });
  if (roots.length === 0) return summary({ status: 'nothing-new', reason: 'the job added no store paths to push', githubCache: githubNot('nothing-new', 'the job added no store paths') });

  const ctx = { signal, log };
  const reports: TargetReport[] = await Promise.all(
    slots.map(async (slot) => {
      let target;
      try {
        target = await slot.create(signal);
      } catch (error) {
        return { label: slot.label, planned: plan.toPush.length, alreadyPresent: 0, uploaded: 0, bytes: 0, failed: [], blocked: 0, error: error instanceof Error ? error.message : String(error), durationMs: 0, pushed: [] };
      }
      try {
        // What the background uploader confirmed on this target is neither asked about nor sent again.
        const done = watched?.byTarget.get(slot.label);
        const offer = done ? plan.toPush.filter((i) => !done.paths.has(i.path)) : plan.toPush;
        const report = await core.group(`Push to ${slot.label}`, () => pushToTarget(target, offer, { jobs: settings.jobs, ctx }));
        if (done) {
          report.planned = plan.toPush.length;
          report.uploaded += done.uploaded;
          report.bytes += done.bytes;
          report.alreadyPresent += Math.max(0, plan.toPush.length - offer.length - done.uploaded);
        }
        return report;
      } finally {
        await target.dispose?.();
      }
    }),
  );
  // After the other targets: saving moves the working directory (github-cache/service.ts).
  const githubCache = github?.ready ? await core.group('Save to the GitHub Actions cache', () => github.save(plan.toPush, ctx)) : githubNot('skipped', '');
  const broken = reports.filter((r) => r.error || r.failed.length > 0 || r.blocked > 0);
  const uploaded = reports.reduce((n, r) => n + r.uploaded, 0) + githubAdded(githubCache);
  return summary({
    githubCache,
    status: broken.length > 0 ? 'failed' : uploaded > 0 ? 'pushed' : 'nothing-new',
    reason: broken.length > 0 ? describeFailures(broken, signal) : uploaded === 0 ? 'every target already has these paths' : null,
    newPaths: roots.length,
    closure: closure.length,
    upstream: plan.upstream.length,
    targets: reports,
  });
}

function describeFailures(reports: readonly TargetReport[], signal: AbortSignal): string {
  const parts = reports.map((r) => {
    if (r.error) return `${r.label}: ${r.error}`;
    const first = r.failed[0];
    return `${r.label}: ${r.failed.length} path(s) failed${r.blocked ? `, ${r.blocked} not tried because a dependency failed` : ''}${first ? ` (first: ${first.path}: ${first.error})` : ''}`;
  });
  return `${signal.aborted ? 'push-timeout reached; ' : ''}${parts.join('; ')}`;
}

/**
 * What main left to undo: its parsed record, or what can be salvaged from an unparsable one (then
 * this job's nix.conf block is removed anyway). Null when main left nothing.
 */
function readMainState(): { state: MainState | null; plan: Cleanup } | null {
  const raw = core.getState(State.Main);
  if (!raw) return null;
  try {
    const state = loadMainState();
    if (state) return { state, plan: state };
  } catch (error) {
    core.warning(`cannot read what the main step recorded (${error instanceof Error ? error.message : String(error)}): removing this job's nix.conf block and files anyway, not pushing`);
  }
  return { state: null, plan: salvage(raw) };
}

export async function runPost(): Promise<void> {
  let strict = false;
  const main = readMainState();
  if (!main) {
    core.info('The main step did not configure anything: nothing to push or restore.');
    return;
  }
  // From here on, every way out (return, throw, hard stop, SIGINT/SIGTERM) runs the cleanup once.
  const guard = new ExitGuard(() => undo(main.plan, { killWatcher: true }), log, () => (strict ? 1 : 0));
  try {
    if (!main.state) throw new Error("the main step's record is unreadable");
    const state = main.state;
    const settings = loadSettings();
    strict = settings.strict;
    const shells: ProducedShells = { pins: [], error: null };
    const result = await withinBudget(settings, guard, async (signal) => {
      // Stopping the uploader counts against the budget too.
      const watched = state.watcher ? await stopWatcher(state.watcher, log) : null;
      return push(settings, state, signal, watched, shells);
    });
    const pins = settings.pinsTo === null ? null : await pinsAfterPush(settings, result, shells);
    await report(result, pins, await rebuildsSeen(state));
    if (result.status === 'failed') throw new Error(`cache push incomplete: ${result.reason}`);
    if (pins?.status === 'failed') throw new Error(`pin set not published: ${pins.reason ?? ''}`);
  } catch (error) {
    // The one error policy of this step: a cache problem never turns a green job red unless strict.
    const message = `push step: ${error instanceof Error ? error.message : String(error)}`;
    if (strict) core.setFailed(message);
    else core.warning(message);
    setPushOutputs({ status: 'failed', targets: [] });
  } finally {
    await guard.cleanUp();
    guard.dispose();
  }
}

/**
 * Runs the push within `push-timeout`: aborted at the budget; past budget + grace the guard cleans
 * up and ends the process whatever still hangs (at most push-timeout + 12 s, docs/security.md).
 */
async function withinBudget<T>(settings: Settings, guard: ExitGuard, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const budget = settings.pushTimeoutSeconds * 1000;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`push-timeout (${settings.pushTimeoutSeconds} s) reached`)), budget);
  guard.stopAfter(budget + GRACE_MS, `push did not stop within push-timeout (${settings.pushTimeoutSeconds} s); giving up`);
  try {
    return await body(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

/** The GitHub cache is best effort (docs/github-cache.md): its failures warn, even with `strict`. */
function reportGitHubCache(save: SaveReport): void {
  for (const [name, value] of Object.entries(saveOutputs(save))) core.setOutput(name, value);
  if (save.status === 'failed') core.warning(`github-cache: not saved: ${save.reason}`);
  else core.info(`github-cache: ${saveSentence(save)}`);
  addSaveSummary(save);
}

/** Publishes the pin set after a push run that left every target complete; says why not otherwise. */
async function pinsAfterPush(settings: Settings, result: PushSummary, shells: ProducedShells): Promise<PinPublishReport> {
  const url = settings.pinsTo as string;
  const skipped = (reason: string): PinPublishReport => ({ status: 'skipped', reason, url, pins: {} });
  if (result.status === 'skipped') return skipped(`not a push run: ${result.reason ?? ''}`);
  if (result.status === 'failed') return skipped('the push did not complete');
  if (shells.error !== null) return { status: 'failed', reason: shells.error, url, pins: {} };
  try {
    const extra = Object.fromEntries(shells.pins.map((s) => [s.name, { path: s.path, devShell: true, system: s.system }]));
    return await publishPins(settings, AbortSignal.timeout(120_000), extra);
  } catch (error) {
    return { status: 'failed', reason: error instanceof Error ? error.message : String(error), url, pins: {} };
  }
}

/** Paths built here under names the caches serve (a silent cache miss); a failed scan is only noted. */
async function rebuildsSeen(state: MainState): Promise<string[]> {
  try {
    return await findRebuilds(state);
  } catch (error) {
    core.debug(`rebuild report: ${String(error)}`);
    return [];
  }
}

async function report(result: PushSummary, pins: PinPublishReport | null, rebuilt: readonly string[]): Promise<void> {
  setPushOutputs(result);
  if (result.status === 'skipped') core.info(`Not pushing: ${result.reason}`);
  for (const t of result.targets) {
    core.info(`${t.label}: ${t.uploaded} uploaded, ${t.alreadyPresent} already present${t.error ? `, error: ${t.error}` : ''}`);
  }
  addPushSummary(result);
  if (result.githubCache) reportGitHubCache(result.githubCache);
  if (pins) {
    core.setOutput(Outputs.PinsStatus, pins.status);
    if (pins.status === 'published') core.info(`Pin set published to ${pins.url}: ${Object.keys(pins.pins).join(', ')}`);
    else if (pins.status === 'skipped') core.info(`Pin set not published: ${pins.reason ?? ''}`);
    addPinPublishSummary(pins);
  }
  if (rebuilt.length > 0) {
    core.warning(`${rebuilt.length} path(s) were built in this job although the configured caches serve paths of the same name (a cache miss): ${rebuilt.map((p) => p.slice(p.lastIndexOf('/') + 34)).join(', ')}`);
    addRebuildSummary(rebuilt);
  }
  await writeSummary();
}
