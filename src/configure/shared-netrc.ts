// For a daemon that does not trust the runner user: the read credentials of every job of ours on
// the machine go into ONE netrc beside the system nix.conf. Nix has a single `netrc-file` setting,
// so per-job files would let the block written last decide whose credentials the daemon sends, and
// the other jobs' private caches would be read without any.
//
// Each job's entries are a part file (`job.<id>`) in a root-only directory beside the shared file;
// the shared file (root, 0600) is composed from the netrc Nix used before any job of ours and every
// part, always under the nix.conf lock (the caller holds it). That original netrc is named by a path
// recorded by the first job (while a job of ours is there, Nix's own `netrc-file` is ours): its
// entries are read from it at every composition, never from another job's part, so a job's token
// leaves the file with the job's part. The last part removed takes file and directory with it.
import { dirname, join } from 'node:path';
import * as core from '@actions/core';
import { mergeNetrc, parseNetrc, renderNetrc, type NetrcEntry } from './netrc.ts';
import { listAsRoot, readAsRoot, removeAsRoot, writeAsRoot } from './root-files.ts';
import { run } from '../nix/command.ts';

const NAME = 'nix-substitute-action.netrc';
/** Holds the path of the netrc Nix used before any job of ours ('' for none). */
const ORIGINAL = 'original-netrc-file';
const PART = 'job.';

/** The one netrc every job's block names, beside the machine's nix.conf `confFile`. */
export function sharedNetrcFile(confFile: string): string {
  return join(dirname(confFile), NAME);
}

const partsDir = (confFile: string) => `${sharedNetrcFile(confFile)}.d`;
/** Block ids hold `/`: one file name each, and never `ORIGINAL`. */
const partName = (id: string) => `${PART}${encodeURIComponent(id)}`;

/** The entries of the original netrc; unreadable: none, with a warning (as for a per-job netrc). */
async function originalEntries(dir: string): Promise<NetrcEntry[]> {
  const file = (await readAsRoot(join(dir, ORIGINAL)))?.trim();
  if (!file) return [];
  let text: string | null;
  try {
    text = await readAsRoot(file);
  } catch (error) {
    core.warning(`cannot read the netrc Nix used before this action (${file}: ${(error as Error).message}): its entries do not carry over to ${NAME}`);
    return [];
  }
  const entries = parseNetrc(text ?? '');
  // They now sit in a file we wrote: masked like our own tokens.
  for (const e of entries) if (e.password.length >= 4) core.setSecret(e.password);
  return entries;
}

/** Writes the shared file from the original netrc and the parts there are now; none: removes it all. */
async function compose(confFile: string): Promise<void> {
  const dir = partsDir(confFile);
  const shared = sharedNetrcFile(confFile);
  const parts = (await listAsRoot(dir)).filter((n) => n.startsWith(PART)).sort();
  if (parts.length === 0) {
    // The file first: should removing the directory fail, no token stays behind.
    await removeAsRoot(shared);
    await removeAsRoot(dir);
    return;
  }
  const ours: NetrcEntry[] = [];
  for (const p of parts) {
    // A host two jobs both have an entry for: the first part's (curl stops at the first match).
    for (const e of parseNetrc((await readAsRoot(join(dir, p))) ?? '')) if (!ours.some((o) => o.machine === e.machine)) ours.push(e);
  }
  await writeAsRoot(shared, renderNetrc(mergeNetrc(await originalEntries(dir), ours)), '600', '0:0');
}

/**
 * Adds (or replaces) job `id`'s entries and recomposes the shared file. `current` is Nix's
 * `netrc-file` as the job sees it: the original netrc unless a job of ours pointed Nix at ours.
 * Call with the nix.conf lock held, after the job's block is in nix.conf (a part never exists
 * without the block whose removal takes it out).
 */
export async function addNetrcPart(confFile: string, id: string, entries: readonly NetrcEntry[], current: unknown): Promise<void> {
  const dir = partsDir(confFile);
  await run('sudo', ['-n', 'sh', '-c', 'umask 077; mkdir -p -- "$1"; chown 0:0 -- "$1"; chmod 700 -- "$1"', 'sh', dir]);
  if (!(await listAsRoot(dir)).includes(ORIGINAL)) {
    const original = typeof current === 'string' && current !== sharedNetrcFile(confFile) ? current : '';
    await writeAsRoot(join(dir, ORIGINAL), `${original}\n`, '600', '0:0');
  }
  await writeAsRoot(join(dir, partName(id)), renderNetrc(entries), '600', '0:0');
  await compose(confFile);
}

/** Takes job `id`'s entries out and recomposes (the last one out removes it all). Call with the lock held. */
export async function removeNetrcPart(confFile: string, id: string): Promise<void> {
  const dir = partsDir(confFile);
  const names = await listAsRoot(dir);
  if (!names.includes(partName(id))) return;
  await removeAsRoot(join(dir, partName(id)));
  await compose(confFile);
}
