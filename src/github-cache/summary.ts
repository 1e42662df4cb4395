// What the job summary and the step outputs say about the GitHub cache: the entry restored (key,
// paths, size) and the entry saved, or why none.
import * as core from '@actions/core';
import { Outputs } from '../constants.ts';
import { formatBytes } from '../report.ts';
import type { RestoreReport } from './restore.ts';
import type { SaveReport } from './save.ts';

/** Summary text is HTML: keys and reasons must not become markup. */
function text(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, ' ');
}

export function restoreOutputs(r: RestoreReport): Record<string, string> {
  return {
    [Outputs.GitHubCacheRestored]: r.source ? (r.key ?? '') : '',
    [Outputs.GitHubCacheRestoredPaths]: String(r.source ? r.paths : 0),
    [Outputs.GitHubCacheRestoredSize]: String(r.source ? r.bytes : 0),
  };
}

export function saveOutputs(s: SaveReport): Record<string, string> {
  const saved = s.status === 'saved';
  return {
    [Outputs.GitHubCacheSaved]: saved ? (s.key ?? '') : '',
    [Outputs.GitHubCacheSavedPaths]: String(saved ? s.paths : 0),
    [Outputs.GitHubCacheSavedSize]: String(saved ? s.bytes : 0),
  };
}

export function restoreSentence(r: RestoreReport): string {
  return r.source
    ? `Restored entry ${r.key ?? ''}: ${r.paths} store path(s), ${formatBytes(r.bytes)}, used as a substituter.`
    : `Nothing restored${r.key ? ` from entry ${r.key}` : ''}: ${r.reason ?? 'no entry'}.`;
}

export function saveSentence(s: SaveReport): string {
  const head = s.status === 'saved' ? `Saved entry ${s.key ?? ''}` : `Not saved (${s.status})${s.reason ? `: ${s.reason}` : ''}`;
  const detail = s.status === 'saved' || s.status === 'nothing-new'
    ? ` — ${s.paths} store path(s), ${s.added} new, ${formatBytes(s.bytes)}${s.dropped ? `; ${s.dropped} closure(s) dropped by github-cache-size` : ''}`
    : '';
  return `${head}${detail}.`;
}

export function addRestoreSummary(r: RestoreReport): void {
  core.summary.addHeading('GitHub Actions cache', 3).addRaw(text(restoreSentence(r)), true);
}

export function addSaveSummary(s: SaveReport): void {
  core.summary.addHeading('GitHub Actions cache save', 3).addRaw(text(saveSentence(s)), true);
}
