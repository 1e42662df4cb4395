// The job summary: what was configured, what was pushed where, and why not. Filled into
// core.summary; the phase writes it once (main-phase.ts, post-phase.ts).
import * as core from '@actions/core';
import type { TargetReport } from './push/uploader.ts';
import type { SaveReport } from './github-cache/save.ts';
import type { CacheSource } from './types.ts';

export type PushStatus = 'pushed' | 'nothing-new' | 'skipped' | 'failed';

export interface PushSummary {
  status: PushStatus;
  reason: string | null;
  newPaths: number;
  closure: number;
  upstream: number;
  targets: TargetReport[];
  durationMs: number;
  /** github-cache: what the post step saved, or null when the input is off. */
  githubCache?: SaveReport | null;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

/** Summary text is HTML: server or user text must not become markup. */
export function text(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, ' ');
}

export function addConfigureSummary(sources: readonly CacheSource[], skipped: ReadonlyArray<{ label: string; reason: string }>, appliedVia: string): void {
  core.summary.addHeading('Nix binary caches', 3).addRaw(`Applied through ${text(appliedVia)}.`, true);
  if (sources.length > 0) {
    core.summary.addTable([
      [{ data: 'cache', header: true }, { data: 'substituter', header: true }, { data: 'keys', header: true }, { data: 'how', header: true }],
      ...sources.map((s) => [text(s.label), text(s.urls.join(' ')), text(s.keys.map((k) => k.name).join(' ')), `${text(s.how)}${s.netrc.length ? ', read auth via netrc' : ''}`]),
    ]);
  }
  if (skipped.length > 0) core.summary.addList(skipped.map((s) => `:warning: ${text(s.label)} skipped: ${text(s.reason)}`));
}

export function addPushSummary(s: PushSummary): void {
  core.summary.addHeading('Nix cache push', 3).addRaw(`Status: <b>${s.status}</b>${s.reason ? ` — ${text(s.reason)}` : ''}`, true);
  if (s.status !== 'skipped') {
    core.summary.addRaw(`New paths: ${s.newPaths}; closure to consider: ${s.closure}; already upstream (skipped): ${s.upstream}; time: ${(s.durationMs / 1000).toFixed(1)} s`, true);
  }
  if (s.targets.length > 0) {
    const head = ['target', 'already present', 'uploaded', 'bytes', 'failed', 'time'].map((data) => ({ data, header: true }));
    core.summary.addTable([
      head,
      ...s.targets.map((t) => [
        text(t.label),
        String(t.alreadyPresent),
        String(t.uploaded),
        formatBytes(t.bytes),
        t.error ? `error: ${text(t.error)}` : String(t.failed.length + t.blocked),
        `${(t.durationMs / 1000).toFixed(1)} s`,
      ]),
    ]);
  }
}

/** Writes what was added, once; a summary that cannot be written (no runner file) is only noted. */
export async function writeSummary(): Promise<void> {
  try {
    await core.summary.write();
  } catch (error) {
    core.debug(`job summary not written: ${error instanceof Error ? error.message : String(error)}`);
  }
}
