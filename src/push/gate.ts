// Whether this run pushes at all: by default (push: auto) only for trusted events on the
// repository's default branch, never for pull requests, never for forks, never for tags, and only
// with credentials for some target.
import type { PushMode } from '../config.ts';
import type { RunContext } from '../github.ts';

/**
 * Events whose code and inputs come from people with write access: the only ones `push: auto`
 * pushes for. pull_request*, workflow_run, issue_comment & co. run code or text a fork or any
 * commenter influences, with the base repository's secrets. merge_group is left out as well: it
 * runs on a temporary gh-readonly-queue/* branch with code not yet on the target branch (opt in
 * with `push: true`).
 */
export const TRUSTED_EVENTS: ReadonlySet<string> = new Set(['push', 'workflow_dispatch', 'schedule']);

export type GateDecision = { push: true } | { push: false; reason: string };

/** Glob match for branch names: `*` within a path segment, `**` across `/`. */
export function branchMatches(branch: string, glob: string): boolean {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(branch);
}

/**
 * The branches `push: auto` pushes on: `push-branches` exactly as given, else the default branch the
 * event payload names (`master` stays `master`), else `main`.
 */
export function autoPushBranches(given: readonly string[], run: Pick<RunContext, 'defaultBranch'>): string[] {
  if (given.length > 0) return [...given];
  return [run.defaultBranch ?? 'main'];
}

export function decidePush(mode: PushMode, given: readonly string[], run: RunContext, targetCount: number): GateDecision {
  const branches = autoPushBranches(given, run);
  if (mode === 'false') return { push: false, reason: 'push is false' };
  if (run.isFork) return { push: false, reason: 'pull requests from forks never push' };
  if (mode === 'auto') {
    if (run.isPullRequest) return { push: false, reason: `pull requests do not push with push: auto (event ${run.eventName || 'unknown'})` };
    if (!TRUSTED_EVENTS.has(run.eventName)) {
      return { push: false, reason: `event ${run.eventName || 'unknown'} does not push with push: auto (only ${[...TRUSTED_EVENTS].join(', ')}; push: true opts in)` };
    }
    if (run.branch === null) return { push: false, reason: `${run.ref || 'this ref'} is not a branch; push: auto pushes only on ${branches.join(', ')}` };
    if (!branches.some((g) => branchMatches(run.branch as string, g))) {
      return { push: false, reason: `branch ${run.branch} does not match push-branches (${branches.join(', ')})` };
    }
  }
  if (targetCount === 0) return { push: false, reason: 'no push target has credentials (set cachix-auth-token, cachix-signing-key, attic-token or push-to)' };
  return { push: true };
}
