// Publishing a pin set to a branch of the job's own repository (`pins-to: branch:NAME`): no Pages
// site, no bucket, done within the build workflow. The branch holds one commit with the pin set's
// files at its root (so `github:OWNER/REPO/NAME#PIN` is a flake and GitHub's archive of the branch
// is a tarball with one top-level folder) plus pins.tar.gz. The commit is made with git's plumbing
// in the workspace's repository (actions/checkout leaves the token for `origin` there) and pushed
// in one ref update, which is atomic for readers. It has no parent: the branch never grows.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../nix/command.ts';
import { PINS_JSON, PINS_TARBALL } from './format.ts';
import { defaultNixText, FLAKE_NIX } from './nix-files.ts';
import { PLAIN_BRANCH } from './names.ts';
import type { PinFiles } from './publish.ts';

export const BRANCH_PREFIX = 'branch:';

/** `branch:NAME` → NAME when NAME is a plain branch name git accepts, else null. */
export function branchOf(folder: string): string | null {
  if (!folder.startsWith(BRANCH_PREFIX)) return null;
  const name = folder.slice(BRANCH_PREFIX.length);
  return PLAIN_BRANCH.test(name) ? name : null;
}

async function git(cwd: string, args: string[], input?: string): Promise<string> {
  // Never prompt for credentials in a CI step: fail instead.
  const env = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
  const r = await run('git', ['-C', cwd, ...args], { env, ...(input === undefined ? {} : { input }) });
  return r.stdout.trim();
}

/** Stores `content` as a blob. `run` passes only text on stdin: bytes go through a file git reads. */
async function blob(cwd: string, content: Buffer | string): Promise<string> {
  if (typeof content === 'string') return git(cwd, ['hash-object', '-w', '--stdin'], content);
  const dir = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'pins-blob-'));
  try {
    writeFileSync(join(dir, 'blob'), content);
    return await git(cwd, ['hash-object', '-w', join(dir, 'blob')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function publishToBranch(branch: string, files: PinFiles, workspace: string): Promise<void> {
  const entries: Array<[string, Buffer | string]> = [
    ['default.nix', defaultNixText(files.fromStore)],
    ['flake.nix', FLAKE_NIX],
    [PINS_JSON, files.json],
    [PINS_TARBALL, files.tarball],
  ];
  const lines: string[] = [];
  for (const [name, content] of entries) lines.push(`100644 blob ${await blob(workspace, content)}\t${name}`);
  const tree = await git(workspace, ['mktree'], `${lines.join('\n')}\n`);
  const identity = ['-c', 'user.name=nix-substitute-action', '-c', 'user.email=nix-substitute-action@users.noreply.github.com'];
  const commit = await git(workspace, [...identity, 'commit-tree', tree, '-m', `Pin set (${process.env.GITHUB_SHA ?? 'local'})`]);
  await git(workspace, ['push', '--force', '--quiet', 'origin', `${commit}:refs/heads/${branch}`]);
}
