// The one interface every push backend implements (Nix store URL, attic, Cachix), so the
// uploader can plan once and push to several targets in one step.
import type { PathInfo } from '../nix/path-info.ts';
import type { Logger } from '../log.ts';

export interface UploadResult {
  /** Bytes sent over the wire for this path (compressed size where the backend compresses). */
  readonly bytes: number;
}

export interface PushContext {
  /** Aborted when the post step's `push-timeout` budget runs out. */
  readonly signal: AbortSignal;
  readonly log: Logger;
}

export interface PushTarget {
  /** Shown in logs and the job summary, e.g. `attic:ci`, `cachix:rainix`, `file:///tmp/c`. */
  readonly label: string;
  /** Uploads at once when the `jobs` input is not set (attic's client uses 5). */
  readonly defaultJobs?: number;
  /** Extra key names whose signatures mean "already upstream" for this target (attic's cache config). */
  upstreamKeyNames?(ctx: PushContext): Promise<readonly string[]>;
  /** Asks the target once, in batches, which of these paths it lacks; returns their full store paths. */
  missing(paths: readonly PathInfo[], ctx: PushContext): Promise<ReadonlySet<string>>;
  /**
   * Set when `missing` costs one request per path (a plain binary cache has no batch query): how
   * many such questions may be in flight. The uploader then asks about one path at a time, this
   * many at once beside the uploads, and uploads each as soon as its answer and its references
   * are in, instead of asking about every path first.
   */
  readonly perPathQueries?: number;
  /** Uploads one path; its references are uploaded before it by the caller. */
  upload(path: PathInfo, ctx: PushContext): Promise<UploadResult>;
  /** After every upload succeeded (Cachix pins, for example). */
  finish?(pushed: readonly PathInfo[], ctx: PushContext): Promise<void>;
  /** Removes anything the target wrote (key files); called after the push whatever happened. */
  dispose?(): Promise<void>;
}
