// Stops the background uploader and reads what it did. Post asks it to stop (SIGTERM), waits for
// it (bounded), and kills its whole process group if it lingers. The record is used only when the
// uploader ended cleanly; after an error, a kill, or a crash, post pushes everything itself (its
// missing-paths query still skips what was uploaded).
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.ts';
import { readRecord, WatchConfig, WatchFiles, type TargetRecord } from './protocol.ts';

export interface WatchOutcome {
  /** Per target label: what the uploader confirmed there. Empty when it must not be trusted. */
  byTarget: Map<string, TargetRecord>;
  /** Why the record is not used, or null. */
  fallback: string | null;
  /** Totals of what it uploaded (for the report, also in fallback). */
  uploaded: number;
  bytes: number;
}

/** Is `pid` our uploader, still running? A zombie, or a pid reused by another program, is not. */
export function running(pid: number, dir: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/^\d+ \(.*\) Z/s.test(stat)) return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(dir);
  } catch {
    // No /proc (macOS): trust the signal check.
    return true;
  }
}

function signal(pid: number, sig: NodeJS.Signals, group: boolean): void {
  try {
    process.kill(group ? -pid : pid, sig);
  } catch {
    // gone already
  }
}

async function waitGone(pid: number, dir: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (running(pid, dir)) {
    if (Date.now() > deadline) return false;
    await sleep(25);
  }
  return true;
}

function stopGrace(dir: string): number {
  try {
    return WatchConfig.parse(JSON.parse(readFileSync(join(dir, WatchFiles.config), 'utf8'))).stopGraceMs;
  } catch {
    return 10_000;
  }
}

export async function stopWatcher(watcher: { pid: number; dir: string }, log: Logger): Promise<WatchOutcome> {
  const { pid, dir } = watcher;
  let fallback: string | null = null;
  // Only a group we saw led by our uploader is ever signalled (pids are reused).
  const wasRunning = running(pid, dir);
  if (wasRunning) {
    signal(pid, 'SIGTERM', false);
    if (!(await waitGone(pid, dir, stopGrace(dir) + 3_000))) {
      signal(pid, 'SIGKILL', true);
      await waitGone(pid, dir, 2_000);
      fallback = 'it did not stop in time and was killed';
    }
  }
  const error = await readFile(join(dir, WatchFiles.error), 'utf8').catch(() => null);
  const exited = await readFile(join(dir, WatchFiles.exited), 'utf8').catch(() => null);
  if (error !== null) fallback = `it stopped after an error: ${error}`;
  else if (exited === null) fallback ??= 'it ended without finishing (killed or crashed)';
  const record = await readRecord(dir);
  // Whatever happened, nothing of it may linger: its process group (nix-store --dump children) too.
  if (wasRunning) signal(pid, 'SIGKILL', true);
  let uploaded = 0;
  let bytes = 0;
  for (const t of record.values()) {
    uploaded += t.uploaded;
    bytes += t.bytes;
  }
  if (fallback) {
    const tail = (await readFile(join(dir, WatchFiles.log), 'utf8').catch(() => '')).trim().split('\n').slice(-10).join('\n');
    log.warning(`push-while-building: the background uploader is not trusted (${fallback}); pushing everything now.${tail ? `\nIts last log lines:\n${tail}` : ''}`);
  } else {
    log.info(`push-while-building: the background uploader uploaded ${uploaded} path(s) while the build ran`);
  }
  await rm(dir, { recursive: true, force: true });
  return { byTarget: fallback ? new Map() : record, fallback, uploaded, bytes };
}
