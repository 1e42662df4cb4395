// The files through which main, the background uploader and post talk (all in the watcher's dir,
// under RUNNER_TEMP). Nothing here holds a secret: the uploader reads its inputs from its
// environment, like the steps do.
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';

export const WatchFiles = {
  /** WatchConfig as JSON, written by main before the spawn. */
  config: 'config.json',
  /** Written once the store is being watched. */
  ready: 'ready',
  /** One JSON line per clean upload batch and target (RecordLine). */
  record: 'record.jsonl',
  /** Why the uploader stopped on an error; post then ignores the record and pushes everything. */
  error: 'error',
  /** Written on a clean exit (stopped, parent gone, lifetime over): the record is complete. */
  exited: 'exited',
  /** The uploader's own log (stdout and stderr). */
  log: 'log',
} as const;

export const WatchConfig = z.object({
  storeDir: z.string(),
  /** When main took the store snapshot (nix/snapshot.ts): entries unchanged since are not the job's. */
  snapshotAt: z.number(),
  /** The runner process that started main; when it is gone, the job is over. */
  parentPid: z.number().int(),
  /** Hard cap on the uploader's life, whatever happens. */
  maxLifetimeMs: z.number().int().positive(),
  /** A batch is uploaded after this long without new paths… */
  idleMs: z.number().int().positive(),
  /** …or this long after its first path, whichever comes first (attic watch-store: 2 s / 10 s). */
  maxBatchMs: z.number().int().positive(),
  /** Full readdir of the store, in case a file-system event was missed or fs.watch is unavailable. */
  rescanMs: z.number().int().positive(),
  /** How long an upload in flight may finish after post asked the uploader to stop. */
  stopGraceMs: z.number().int().positive(),
});
export type WatchConfig = z.output<typeof WatchConfig>;

/** Defaults, each overridable by an environment variable (tests and benchmarks shorten them). */
export function watchTuning(env: NodeJS.ProcessEnv): Omit<WatchConfig, 'storeDir' | 'snapshotAt' | 'parentPid'> {
  const ms = (name: string, fallback: number): number => {
    const n = Number(env[name]);
    return Number.isSafeInteger(n) && n > 0 ? n : fallback;
  };
  return {
    maxLifetimeMs: ms('NSA_WATCH_MAX_LIFETIME_MS', 6 * 3600_000),
    idleMs: ms('NSA_WATCH_IDLE_MS', 2_000),
    maxBatchMs: ms('NSA_WATCH_MAX_BATCH_MS', 10_000),
    rescanMs: ms('NSA_WATCH_RESCAN_MS', 15_000),
    stopGraceMs: ms('NSA_WATCH_STOP_GRACE_MS', 10_000),
  };
}

const RecordLine = z.object({
  /** Target label (as configuredTargets names it). */
  target: z.string(),
  /** Full store paths the target now has (uploaded, or found present). */
  paths: z.array(z.string()),
  uploaded: z.number().int(),
  present: z.number().int(),
  bytes: z.number(),
});
export type RecordLine = z.output<typeof RecordLine>;

export interface TargetRecord {
  paths: Set<string>;
  uploaded: number;
  present: number;
  bytes: number;
}

export async function appendRecord(dir: string, line: RecordLine): Promise<void> {
  // One write per line: a kill mid-write leaves at most a torn last line, which readRecord skips.
  await appendFile(join(dir, WatchFiles.record), `${JSON.stringify(line)}\n`, { mode: 0o600 });
}

/** Per target: what the uploader confirmed there, and its totals. */
export async function readRecord(dir: string): Promise<Map<string, TargetRecord>> {
  const text = await readFile(join(dir, WatchFiles.record), 'utf8').catch(() => '');
  const out = new Map<string, TargetRecord>();
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    let parsed;
    try {
      parsed = RecordLine.safeParse(JSON.parse(raw));
    } catch {
      continue;
    }
    if (!parsed.success) continue;
    const line = parsed.data;
    const t = out.get(line.target) ?? { paths: new Set<string>(), uploaded: 0, present: 0, bytes: 0 };
    for (const p of line.paths) t.paths.add(p);
    t.uploaded += line.uploaded;
    t.present += line.present;
    t.bytes += line.bytes;
    out.set(line.target, t);
  }
  return out;
}

export async function writeMarker(dir: string, name: string, text: string): Promise<void> {
  await writeFile(join(dir, name), text, { mode: 0o600 });
}
