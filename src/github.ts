// What the workflow run is: branch or pull request, and whether it comes from a fork.
import { readFileSync } from 'node:fs';

export interface RunContext {
  eventName: string;
  ref: string;
  /** Branch name for `refs/heads/<b>` refs, else null. */
  branch: string | null;
  isPullRequest: boolean;
  /** A pull request whose head repository differs from its base (secrets are empty there). */
  isFork: boolean;
}

const PR_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment']);

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const ref = env.GITHUB_REF ?? '';
  let event: { pull_request?: { head?: { repo?: { full_name?: string } | null }; base?: { repo?: { full_name?: string } } } } = {};
  try {
    if (env.GITHUB_EVENT_PATH) event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as typeof event;
  } catch {
    // No readable event (local runs): judge by name and ref alone.
  }
  const pr = event.pull_request;
  const isPullRequest = PR_EVENTS.has(eventName) || ref.startsWith('refs/pull/') || pr !== undefined;
  const head = pr?.head?.repo?.full_name;
  const base = pr?.base?.repo?.full_name;
  // A deleted fork shows up as head.repo = null: treat it as a fork.
  const isFork = isPullRequest && pr !== undefined && (pr.head?.repo === null || (head !== undefined && base !== undefined && head !== base));
  const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null;
  return { eventName, ref, branch, isPullRequest, isFork };
}
