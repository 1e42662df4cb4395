// Outputs and the job summary: what was configured, what was pushed where, and why not.
import * as runner from './runner.ts';
import { Outputs } from './constants.ts';
import type { CacheSource } from './configure/caches.ts';
import type { TargetReport } from './push/uploader.ts';

export type PushStatus = 'pushed' | 'nothing-new' | 'skipped' | 'failed';

export interface PushSummary {
  status: PushStatus;
  reason: string | null;
  newPaths: number;
  closure: number;
  upstream: number;
  targets: TargetReport[];
  durationMs: number;
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

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function configureSummaryMarkdown(sources: readonly CacheSource[], skipped: ReadonlyArray<{ label: string; reason: string }>, appliedVia: string): string {
  const rows = sources.map((s) => `| ${cell(s.label)} | ${cell(s.urls.join(' '))} | ${cell(s.keys.map((k) => k.name).join(' '))} | ${cell(s.how)}${s.netrc.length ? ', read auth via netrc' : ''} |`);
  const out = ['### Nix binary caches', '', `Applied through ${appliedVia}.`, ''];
  if (rows.length > 0) out.push('| cache | substituter | keys | how |', '|---|---|---|---|', ...rows, '');
  for (const s of skipped) out.push(`- :warning: ${cell(s.label)} skipped: ${cell(s.reason)}`);
  return `${out.join('\n')}\n`;
}

export function pushSummaryMarkdown(s: PushSummary): string {
  const out = ['### Nix cache push', '', `Status: **${s.status}**${s.reason ? ` — ${cell(s.reason)}` : ''}`, ''];
  if (s.status !== 'skipped') {
    out.push(`New paths: ${s.newPaths}; closure to consider: ${s.closure}; already upstream (skipped): ${s.upstream}; time: ${(s.durationMs / 1000).toFixed(1)} s`, '');
  }
  if (s.targets.length > 0) {
    out.push('| target | already present | uploaded | bytes | failed | time |', '|---|---|---|---|---|---|');
    for (const t of s.targets) {
      const failed = t.error ? `error: ${cell(t.error)}` : String(t.failed.length + t.blocked);
      out.push(`| ${cell(t.label)} | ${t.alreadyPresent} | ${t.uploaded} | ${formatBytes(t.bytes)} | ${failed} | ${(t.durationMs / 1000).toFixed(1)} s |`);
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

export function setPushOutputs(s: PushSummary): void {
  runner.setOutput(Outputs.Pushed, String(s.targets.reduce((n, t) => n + t.uploaded, 0)));
  runner.setOutput(Outputs.PushStatus, s.status);
}
