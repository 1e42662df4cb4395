// Starts the background uploader (dist/watch.js) for push-while-building. It must outlive the main
// step: detached (its own process group, which the runner's end-of-step cleanup does not reach),
// output to a log file, unref'd. Push gating is decided here with the post step's rules, so a run
// that would not push never starts one.
import * as core from '@actions/core';
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Settings } from '../config.ts';
import { readRunContext } from '../github.ts';
import { storeDir } from '../nix/store-dir.ts';
import { decidePush } from '../push/gate.ts';
import { configuredTargets } from '../push/targets.ts';
import { watchTuning, WatchFiles, type WatchConfig } from './protocol.ts';

/** How long main waits for the uploader to be watching before it lets the build start anyway. */
const READY_WAIT_MS = 5_000;

/** The uploader's entry point next to the main step's (dist/watch.js beside dist/main.js). */
export function watcherScript(): string {
  return join(dirname(process.argv[1] ?? ''), 'watch.js');
}

export async function startWatcher(settings: Settings, snapshotAt: number, workDir: string, script = watcherScript()): Promise<{ pid: number; dir: string } | null> {
  try {
    return await launch(settings, snapshotAt, workDir, script);
  } catch (error) {
    // An optimisation only: its failure never fails the step.
    core.warning(`push-while-building: could not start the background uploader (${error instanceof Error ? error.message : String(error)}); the post step pushes everything`);
    return null;
  }
}

async function launch(settings: Settings, snapshotAt: number, workDir: string, script: string): Promise<{ pid: number; dir: string } | null> {
  const gate = decidePush(settings.push, settings.pushBranches, readRunContext(), configuredTargets(settings, workDir).length);
  if (!gate.push) {
    core.info(`push-while-building: not started (${gate.reason})`);
    return null;
  }
  if (!existsSync(script)) {
    core.warning(`push-while-building: ${script} is missing; the post step pushes everything`);
    return null;
  }
  const dir = join(workDir, 'watch');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const config: WatchConfig = { storeDir: await storeDir(), snapshotAt, parentPid: process.ppid, ...watchTuning(process.env) };
  await writeFile(join(dir, WatchFiles.config), JSON.stringify(config), { mode: 0o600 });
  const logFd = openSync(join(dir, WatchFiles.log), 'a', 0o600);
  let child;
  try {
    // Inputs (secrets included) reach it through the environment, as they reach this step.
    child = spawn(process.execPath, [script, dir], { detached: true, stdio: ['ignore', logFd, logFd], env: process.env });
  } finally {
    closeSync(logFd);
  }
  const pid = child.pid;
  if (pid === undefined) {
    core.warning('push-while-building: could not start the background uploader; the post step pushes everything');
    return null;
  }
  let exited = false;
  child.on('exit', () => (exited = true));
  child.unref();
  // Wait until it watches the store, so paths of a build that starts right away are not left to rescans.
  const deadline = Date.now() + READY_WAIT_MS;
  while (!existsSync(join(dir, WatchFiles.ready)) && !exited && Date.now() < deadline) await sleep(20);
  if (exited) {
    const why = await readFile(join(dir, WatchFiles.error), 'utf8').catch(() => 'it exited at once');
    core.warning(`push-while-building: the background uploader stopped (${why}); the post step pushes everything`);
    return null;
  }
  core.info(`push-while-building: background uploader started (pid ${pid}); it uploads new store paths while the build runs`);
  return { pid, dir };
}
