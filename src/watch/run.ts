// The background uploader (dist/watch.js), started detached by the main step with push-while-building.
// It uploads store paths as they become valid, with the post step's rules (roots filter, upstream
// filter, targets), while the build goes on; post stops it and uploads only what is left.
//
// Bounds: it runs at the lowest CPU priority; it exits when post stops it, when the runner process
// that started the job is gone, or after maxLifetimeMs; on any error it records why and exits, and
// post then pushes everything itself. Its log holds no secret: inputs are read from the
// environment without echoing (no ::add-mask:: here), and URLs in messages are redacted.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { parseSettings, readRawInputs, type Settings } from '../config.ts';
import type { Logger } from '../log.ts';
import { changeCutoff } from '../nix/snapshot.ts';
import { queryPathInfo, validPaths } from '../nix/store.ts';
import { planPush, selectRoots } from '../push/plan.ts';
import type { PushTarget } from '../push/target.ts';
import { configuredTargets } from '../push/targets.ts';
import { pushToTarget } from '../push/uploader.ts';
import { Batcher } from './batcher.ts';
import { appendRecord, WatchConfig, WatchFiles, writeMarker } from './protocol.ts';
import { watchStoreEntries } from './store-events.ts';

const log: Logger = {
  info: (m) => process.stdout.write(`${new Date().toISOString()} ${m}\n`),
  warning: (m) => process.stdout.write(`${new Date().toISOString()} warning: ${m}\n`),
  debug: () => undefined,
};

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Is the runner process that started main still there? A pid of 0 or 1 says nothing (a container
 * job: main's parent is outside the container's pid namespace, and kill(0) would test our own
 * group): then the work dir under RUNNER_TEMP, which the runner empties when the job ends, stands in.
 */
export function alive(pid: number, dir: string): boolean {
  if (pid <= 1) return existsSync(dir);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A target without `finish`: Cachix pins are made by the post step, once, after everything is up. */
function uploadOnly(target: PushTarget): PushTarget {
  return {
    label: target.label,
    ...(target.defaultJobs ? { defaultJobs: target.defaultJobs } : {}),
    ...(target.upstreamKeyNames ? { upstreamKeyNames: target.upstreamKeyNames.bind(target) } : {}),
    missing: target.missing.bind(target),
    ...(target.perPathQueries ? { perPathQueries: target.perPathQueries } : {}),
    upload: target.upload.bind(target),
  };
}

export async function runWatcher(dir: string): Promise<void> {
  const config = WatchConfig.parse(JSON.parse(readFileSync(join(dir, WatchFiles.config), 'utf8')));
  try {
    setPriority(19); // children (nix-store --dump, nix path-info) inherit it
  } catch {
    log.info('could not lower the CPU priority');
  }
  // Not loadSettings: masking prints the secrets as commands, and this log is a file, not the runner's.
  const settings: Settings = parseSettings(readRawInputs());
  const controller = new AbortController();
  const ctx = { signal: controller.signal, log };
  const tempRoot = await mkdtemp(join(dir, 'tmp-'));
  const slots = configuredTargets(settings, tempRoot);
  const targets = new Map<string, Promise<PushTarget>>();
  /** Per target label: paths it is known to have, so a later batch does not ask again. */
  const confirmed = new Map<string, Set<string>>();
  /** Entries confirmed valid and handed to the plan (whatever the targets then said). */
  const known = new Set<string>();
  let batches = 0;

  // One way out, whatever asks first (stop request, error, parent gone): markers, cleanup, exit.
  let finishing: Promise<never> | null = null;
  const finish = (kind: 'exited' | 'error', text: string): Promise<never> => {
    finishing ??= (async () => {
      events.close();
      batcher.close();
      log.info(kind === 'error' ? `stopping after an error: ${text}` : `exiting: ${text}`);
      await writeMarker(dir, kind === 'error' ? WatchFiles.error : WatchFiles.exited, text).catch(() => undefined);
      for (const t of targets.values()) await (await t.catch(() => null))?.dispose?.().catch(() => undefined);
      await rm(tempRoot, { recursive: true, force: true }).catch(() => undefined);
      process.exit(kind === 'error' ? 1 : 0);
    })();
    return finishing;
  };
  const fail = (error: unknown): void => void finish('error', message(error));

  const uploadBatch = async (names: string[]): Promise<void> => {
    const valid = await validPaths(names.map((n) => `${config.storeDir}/${n}`));
    // Not valid yet (still building): a later lock removal or rescan reports them again.
    for (const p of valid) known.add(p.slice(config.storeDir.length + 1));
    const roots = selectRoots(valid, settings);
    if (roots.length === 0) return;
    const closure = await queryPathInfo(roots, { closure: true });
    const plan = planPush(closure, settings.upstreamKeys);
    const n = ++batches;
    for (const slot of slots) {
      let target = targets.get(slot.label);
      if (!target) {
        target = slot.create(controller.signal);
        targets.set(slot.label, target);
      }
      const done = confirmed.get(slot.label) ?? new Set<string>();
      confirmed.set(slot.label, done);
      const offer = plan.toPush.filter((i) => !done.has(i.path));
      if (offer.length === 0) continue;
      const report = await pushToTarget(uploadOnly(await target), offer, { jobs: settings.jobs, ctx });
      if (report.error || report.failed.length > 0 || report.blocked > 0) {
        const first = report.failed[0];
        throw new Error(`${slot.label}: ${report.error ?? `${report.failed.length} path(s) failed (first: ${first?.path}: ${first?.error})`}`);
      }
      for (const i of offer) done.add(i.path);
      await appendRecord(dir, { target: slot.label, paths: offer.map((i) => i.path), uploaded: report.uploaded, present: report.alreadyPresent, bytes: report.bytes });
      log.info(`batch ${n}: ${roots.length} new path(s), ${offer.length} offered to ${slot.label}: ${report.uploaded} uploaded, ${report.alreadyPresent} already there`);
    }
  };

  const batcher = new Batcher<string>({ idleMs: config.idleMs, maxMs: config.maxBatchMs, flush: uploadBatch, onError: fail });
  const events = watchStoreEntries({
    storeDir: config.storeDir,
    cutoff: changeCutoff(config.snapshotAt, config.storeDir),
    known,
    rescanMs: config.rescanMs,
    onNames: (names) => batcher.add(names),
    onError: (error) => log.warning(`store watch: ${message(error)} (periodic rescans go on)`),
  });

  // Stop request from post: let an upload in flight finish (bounded), then go.
  process.on('SIGTERM', () => {
    log.info('stop requested');
    batcher.close();
    const busy = batcher.busy;
    if (!busy) void finish('exited', 'stopped by the post step');
    else {
      const grace = setTimeout(() => {
        // The record holds only finished batches, so it stays right: post uploads the rest.
        void finish('exited', 'stopped by the post step; the upload in flight was abandoned');
        controller.abort(new Error('stopped by the post step'));
      }, config.stopGraceMs);
      void busy.then(() => {
        clearTimeout(grace);
        return finish('exited', 'stopped by the post step');
      });
    }
  });
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  const started = Date.now();
  setInterval(() => {
    if (!alive(config.parentPid, dir)) void finish('exited', `the runner process ${config.parentPid} is gone`);
    if (Date.now() - started > config.maxLifetimeMs) void finish('exited', 'maximum lifetime reached');
  }, 2_000);

  await writeMarker(dir, WatchFiles.ready, String(process.pid));
  log.info(`watching ${config.storeDir} (${events.watching ? 'fs events' : 'rescans only'}; batches ${config.idleMs} ms idle / ${config.maxBatchMs} ms max) for ${slots.map((s) => s.label).join(', ')}`);
  // Paths that became valid between the snapshot and now.
  await events.rescan();
}
