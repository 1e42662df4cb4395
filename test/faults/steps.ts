// Helpers for the fault suite: find a running step's process (to SIGKILL it mid-push) and read the
// binary cache nginx serves (to check no narinfo is visible without its NAR).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The pid of the node process running `script` (e.g. post.js) with RUNNER_TEMP=runnerTemp, or null. */
export function findStepPid(runnerTemp: string, script: string): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!cmdline.some((a) => a.endsWith(`/${script}`))) continue;
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (environ.includes(`RUNNER_TEMP=${runnerTemp}`)) return Number(entry);
    } catch {
      // gone or not ours
    }
  }
  return null;
}

export interface CachedNarInfo {
  file: string;
  storePath: string;
  url: string;
  narHash: string;
  references: string[];
}

/** Every `<hash>.narinfo` in a binary cache directory, parsed just enough for the checks. */
export function narInfosIn(dir: string): CachedNarInfo[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.narinfo'))
    .map((f) => {
      const text = readFileSync(path.join(dir, f), 'utf8');
      const field = (name: string): string => new RegExp(`^${name}: (.*)$`, 'm').exec(text)?.[1] ?? '';
      return { file: f, storePath: field('StorePath'), url: field('URL'), narHash: field('NarHash'), references: field('References').split(' ').filter(Boolean) };
    });
}

/**
 * Problems with a cache directory: narinfos whose NAR file is missing, or whose references have no
 * narinfo (a consumer would find the path but not its closure). Empty when the cache is consistent.
 */
export function cacheProblems(dir: string): string[] {
  const infos = narInfosIn(dir);
  const present = new Set(infos.map((i) => i.file.slice(0, 32)));
  const problems: string[] = [];
  for (const i of infos) {
    if (!existsSync(path.join(dir, i.url))) problems.push(`${i.file}: NAR ${i.url} missing`);
    for (const r of i.references) if (!present.has(r.slice(0, 32))) problems.push(`${i.file}: reference ${r} has no narinfo`);
  }
  return problems;
}
