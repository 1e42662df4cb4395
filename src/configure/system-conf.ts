// For a daemon that does not trust the runner user: add our settings to the system nix.conf with
// sudo, restart the daemon, and undo both in the post step (self-hosted runners are left as found).
//
// The file is the machine's, so: it is read with sudo when the runner user cannot read it (it may
// hold access-tokens) and never replaced by our block alone; it is written atomically (temp file +
// rename) keeping its mode and owner; each job's block carries the job's id, so two jobs on one
// machine add and remove only their own; a lock keeps their read-modify-write cycles apart (also of
// the shared netrc, shared-netrc.ts); and removing the block gives back exactly the bytes that were
// there (also a missing final newline, also a file that did not exist).
import { lstatSync } from 'node:fs';
import { platform } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from '../nix/command.ts';
import { systemConfFile } from '../nix/system-conf-file.ts';
import type { NetrcEntry } from './netrc.ts';
import { denied, readAsRoot, removeAsRoot, writeAsRoot } from './root-files.ts';
import { addNetrcPart, removeNetrcPart } from './shared-netrc.ts';

const MARK = 'nix-substitute-action';
const END = `# END ${MARK}`;
/** What adding the block changed besides the block: undone with it. */
type Added = 'none' | 'newline' | 'file';

/**
 * This job's block id: the runner instance, run, attempt, job and step (the action may be used twice
 * in a job). The same in main and post, so post finds its block without parsing state.
 */
export function blockId(env: NodeJS.ProcessEnv = process.env): string {
  const parts = [env.RUNNER_NAME, env.GITHUB_RUN_ID, env.GITHUB_RUN_ATTEMPT, env.GITHUB_JOB, env.GITHUB_ACTION].map((p) => p || '-');
  return parts.join('/').replace(/[^A-Za-z0-9._/-]/g, '_');
}

function begin(id: string, added: Added): string {
  return `# BEGIN ${MARK} ${id} added=${added} (removed by its post step)`;
}

/** `conf` with our block for `id` appended (any earlier block of the same id replaced). */
export function withBlock(conf: string | null, block: string, id: string): string {
  const base = conf === null ? '' : withoutBlock(conf, id) ?? '';
  const added: Added = conf === null ? 'file' : base !== '' && !base.endsWith('\n') ? 'newline' : 'none';
  return `${base}${added === 'newline' ? '\n' : ''}${begin(id, added)}\n${block.replace(/\n*$/, '\n')}${END} ${id}\n`;
}

/**
 * `conf` without the block of `id`, exactly as it was before withBlock (null: the file did not
 * exist and nothing else was added since: remove it). Blocks of other ids stay.
 */
export function withoutBlock(conf: string, id: string): string | null {
  const head = `# BEGIN ${MARK} ${id} added=`;
  const at = conf.startsWith(head) ? 0 : conf.indexOf(`\n${head}`) + 1;
  if (at === 0 && !conf.startsWith(head)) return conf;
  const added = /^added=(\w+)/.exec(conf.slice(at + head.length - 'added='.length))?.[1] as Added | undefined;
  const endLine = `${END} ${id}\n`;
  const end = conf.indexOf(endLine, at);
  const before = conf.slice(0, at);
  const after = end < 0 ? '' : conf.slice(end + endLine.length);
  // The line break we added goes too, unless lines were added after our block (they need it).
  const rest = (added === 'newline' && after === '' ? before.replace(/\n$/, '') : before) + after;
  return added === 'file' && rest === '' ? null : rest;
}

export function hasBlock(conf: string, id: string): boolean {
  return withoutBlock(conf, id) !== conf;
}

/**
 * The file's text; null when it does not exist. Read directly, or with sudo when the runner user
 * may not read it. Throws when it exists but cannot be read at all: it is then never written.
 */
export async function readSystemConf(file = systemConfFile()): Promise<string | null> {
  try {
    if (!lstatSync(file).isFile()) throw new Error(`${file} is not a regular file (a symlink managed by NixOS, nix-darwin or home-manager?): add the caches to its source instead`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (!denied(error)) throw error;
  }
  try {
    return await readAsRoot(file);
  } catch (error) {
    throw new Error(`${(error as Error).message}: it is left unchanged`);
  }
}

/**
 * Replaces `file` with `text` atomically through sudo, keeping the original's mode and owner (0644
 * root for a new file). `text` null removes the file.
 */
async function writeSystemConf(file: string, text: string | null): Promise<void> {
  if (text === null) return removeAsRoot(file);
  let mode = '644';
  let owner = '0:0';
  try {
    const st = lstatSync(file);
    mode = (st.mode & 0o7777).toString(8);
    owner = `${st.uid}:${st.gid}`;
  } catch {
    // a new file
  }
  await writeAsRoot(file, text, mode, owner);
}

const LOCK_WAIT_MS = 30_000;
/** A lock older than this was left by a job that died between taking and giving it back. */
const LOCK_STALE_MS = 120_000;

/** Runs `fn` holding a machine-wide lock beside `file` (mkdir is atomic; works with sudo everywhere). */
async function withLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${dirname(file)}/.${MARK}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    const { code, stderr } = await run('sudo', ['-n', 'mkdir', '--', lock], { allowFailure: true });
    if (code === 0) break;
    let age = 0;
    try {
      age = Date.now() - lstatSync(lock).mtimeMs;
    } catch {
      // No lock there: given back just now, or mkdir itself cannot work (no sudo, read-only /etc).
      if (Date.now() > deadline) throw new Error(`cannot take ${lock}: ${stderr.trim() || `sudo mkdir exited ${code}`}`);
      await sleep(100);
      continue;
    }
    if (age > LOCK_STALE_MS) await run('sudo', ['-n', 'rmdir', '--', lock], { allowFailure: true });
    else if (Date.now() > deadline) throw new Error(`another job has held ${lock} for ${Math.round(age / 1000)} s`);
    else await sleep(100);
  }
  try {
    return await fn();
  } finally {
    await run('sudo', ['-n', 'rmdir', '--', lock], { allowFailure: true });
  }
}

export async function restartDaemon(): Promise<void> {
  const attempts: string[][] =
    platform() === 'darwin'
      ? [['launchctl', 'kickstart', '-k', 'system/org.nixos.nix-daemon'], ['launchctl', 'kickstart', '-k', 'system/systems.determinate.nix-daemon']]
      : [['systemctl', 'restart', 'nix-daemon.service']];
  // Runners without systemd or launchd (containers, this project's tests) name their own command.
  const custom = process.env.NIX_DAEMON_RESTART_COMMAND;
  if (custom) attempts.unshift(['sh', '-c', custom]);
  const errors: string[] = [];
  for (const cmd of attempts) {
    const { code, stderr } = await run('sudo', ['-n', ...cmd], { allowFailure: true });
    if (code === 0) return;
    errors.push(`${cmd.join(' ')}: ${stderr.trim()}`);
  }
  throw new Error(`could not restart the Nix daemon so it reads ${systemConfFile()}: ${errors.join('; ')}`);
}

/** This job's read credentials for the shared netrc; `current` is Nix's `netrc-file` as the job sees it. */
export interface JobNetrc {
  entries: readonly NetrcEntry[];
  current: unknown;
}

/**
 * Adds this job's block to the machine's nix.conf (nix/system-conf-file.ts says which file) and,
 * with `netrc`, its part of the shared netrc the block names; restarts the daemon; returns that
 * file. The caller records the change before calling.
 */
export async function addToSystemConf(block: string, id = blockId(), file = systemConfFile(), netrc: JobNetrc | null = null): Promise<string> {
  await withLock(file, async () => {
    // The block first: a netrc part never exists without the block whose removal takes it out.
    await writeSystemConf(file, withBlock(await readSystemConf(file), block, id));
    if (netrc) await addNetrcPart(file, id, netrc.entries, netrc.current);
    else await removeNetrcPart(file, id);
  });
  await restartDaemon();
  return file;
}

/** Takes this job's block (and netrc part) out again and restarts the daemon; lines others added since stay. */
export async function restoreSystemConf(id = blockId(), file = systemConfFile()): Promise<void> {
  // Most posts have nothing to remove (a trusted user, or main never got this far): a look without
  // the lock, which needs sudo, settles that; the look under the lock decides the write.
  const before = await readSystemConf(file);
  if (before === null || !hasBlock(before, id)) return;
  const changed = await withLock(file, async () => {
    const now = await readSystemConf(file);
    if (now === null || !hasBlock(now, id)) return false;
    // The part first: should the block's removal fail, the block stays to take the part out later.
    await removeNetrcPart(file, id);
    await writeSystemConf(file, withoutBlock(now, id));
    return true;
  });
  if (changed) await restartDaemon();
}
