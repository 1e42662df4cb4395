// Pushes a plan to one target: asks once which paths it lacks (or, where that costs a request per
// path, asks about each path while earlier ones upload), then uploads those `jobs` at a time, each
// only after the paths it refers to have landed, so a consumer never sees a path whose references
// are missing. A failed path takes its dependents with it; everything else goes on.
import { DEFAULT_JOBS } from '../config.ts';
import type { PathInfo } from '../nix/path-info.ts';
import { isUpstream } from './plan.ts';
import type { PushContext, PushTarget } from './target.ts';

export interface TargetReport {
  label: string;
  planned: number;
  alreadyPresent: number;
  uploaded: number;
  bytes: number;
  failed: Array<{ path: string; error: string }>;
  /** Paths not tried because a path they refer to failed. */
  blocked: number;
  /** A failure of the target as a whole (missing query, upstream lookup, pins). */
  error: string | null;
  durationMs: number;
  pushed: PathInfo[];
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A counting semaphore: at most `limit` holders at once. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(limit: number) {
    this.free = limit;
  }
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
  async run<T>(body: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await body();
    } finally {
      this.release();
    }
  }
}

export async function pushToTarget(
  target: PushTarget,
  plan: readonly PathInfo[],
  options: { jobs: number | null; ctx: PushContext },
): Promise<TargetReport> {
  const started = Date.now();
  const report: TargetReport = {
    label: target.label,
    planned: plan.length,
    alreadyPresent: 0,
    uploaded: 0,
    bytes: 0,
    failed: [],
    blocked: 0,
    error: null,
    durationMs: 0,
    pushed: [],
  };
  try {
    let paths = plan;
    if (target.upstreamKeyNames) {
      // Some targets (attic) name extra upstream caches of their own.
      const extra = new Set(await target.upstreamKeyNames(options.ctx));
      paths = plan.filter((i) => !isUpstream(i, extra));
    }
    let todo = paths;
    if (!target.perPathQueries) {
      const asked = Date.now();
      const missing = paths.length === 0 ? new Set<string>() : await target.missing(paths, options.ctx);
      todo = paths.filter((i) => missing.has(i.path));
      report.alreadyPresent = paths.length - todo.length;
      options.ctx.log.debug(`timing: ${target.label}: missing query: ${Date.now() - asked} ms`);
    }
    const uploading = Date.now();
    const jobs = options.jobs ?? target.defaultJobs ?? DEFAULT_JOBS;
    await uploadInOrder(target, todo, jobs, options.ctx, report);
    const what = target.perPathQueries ? `${todo.length} path(s) asked about and uploaded if missing` : `${todo.length} upload(s)`;
    options.ctx.log.debug(`timing: ${target.label}: ${what}, ${jobs} at a time: ${Date.now() - uploading} ms`);
    if (target.finish && report.error === null && report.failed.length === 0 && report.blocked === 0) await target.finish(report.pushed, options.ctx);
  } catch (error) {
    report.error = message(error);
  }
  report.durationMs = Date.now() - started;
  return report;
}

async function uploadInOrder(target: PushTarget, todo: readonly PathInfo[], jobs: number, ctx: PushContext, report: TargetReport): Promise<void> {
  const uploads = new Slots(jobs);
  // A target asked per path is asked about every path from the start, beside the uploads: a
  // question needs no reference to have landed, only an upload does.
  const queries = new Slots(target.perPathQueries ?? 1);
  const outcome = new Map<string, Promise<boolean>>();
  // `todo` is in dependency order, so every reference's promise exists before its dependents'.
  for (const info of todo) {
    const deps = info.references.filter((r) => r !== info.path).map((r) => outcome.get(r)).filter((p) => p !== undefined);
    const needed = target.perPathQueries ? queries.run(() => isMissing(target, info, ctx, report)) : Promise.resolve(true);
    outcome.set(
      info.path,
      (async () => {
        const depsOk = (await Promise.all(deps)).every(Boolean);
        const missing = await needed;
        // A target that cannot answer (after retries) is down: stop there, as a failed batch query does.
        if (report.error !== null) return false;
        if (!missing) return true;
        if (!depsOk) {
          report.blocked++;
          return false;
        }
        return uploads.run(async () => {
          try {
            ctx.signal.throwIfAborted();
            if (report.error !== null) return false;
            const { bytes } = await target.upload(info, ctx);
            report.uploaded++;
            report.bytes += bytes;
            report.pushed.push(info);
            return true;
          } catch (error) {
            report.failed.push({ path: info.path, error: message(error) });
            return false;
          }
        });
      })(),
    );
  }
  await Promise.all(outcome.values());
}

/** Whether the target lacks one path; a failure is the target's (`report.error`), like a failed batch query. */
async function isMissing(target: PushTarget, info: PathInfo, ctx: PushContext, report: TargetReport): Promise<boolean> {
  if (report.error !== null) return false;
  try {
    if ((await target.missing([info], ctx)).has(info.path)) return true;
    report.alreadyPresent++;
  } catch (error) {
    report.error ??= message(error);
  }
  return false;
}
