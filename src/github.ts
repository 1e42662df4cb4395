// What the workflow run is: branch or pull request, whether it comes from a fork, and the
// repository's default branch. The event payload is outside input: only the fields used are read,
// through a schema; a payload that does not fit is treated as saying nothing.
import { readFileSync } from 'node:fs';
import * as z from 'zod';

export interface RunContext {
  eventName: string;
  ref: string;
  /** Branch name for `refs/heads/<b>` refs, else null. */
  branch: string | null;
  isPullRequest: boolean;
  /** A pull request whose head repository differs from its base (secrets are empty there). */
  isFork: boolean;
  /** `repository.default_branch` from the event payload, or null when it does not say. */
  defaultBranch: string | null;
}

const PR_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment']);

const Repo = z.object({ full_name: z.string().optional() }).nullable();
const EventPayload = z.object({
  pull_request: z.object({ head: z.object({ repo: Repo.optional() }).optional(), base: z.object({ repo: Repo.optional() }).optional() }).optional(),
  // Git refuses branch names with spaces, control characters, `..`, `~^:?*[\`; so does this.
  repository: z.object({ default_branch: z.string().regex(/^(?!.*\.\.)[^\s~^:?*[\\\x00-\x1f\x7f]{1,255}$/).optional() }).optional(),
});
type EventPayload = z.output<typeof EventPayload>;

function readEvent(file: string | undefined): EventPayload {
  if (!file) return {};
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return {}; // no readable event (local runs): judge by name and ref alone
  }
  const parsed = EventPayload.safeParse(json);
  if (parsed.success) return parsed.data;
  // Keep the fields that do fit: a strange pull_request must not hide the default branch or vice
  // versa. A pull_request that does not fit counts as one from a fork (head.repo null): it never pushes.
  const parts = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  const pr = EventPayload.pick({ pull_request: true }).safeParse({ pull_request: parts.pull_request });
  const repo = EventPayload.pick({ repository: true }).safeParse({ repository: parts.repository });
  return { pull_request: pr.success ? pr.data.pull_request : { head: { repo: null } }, ...(repo.success ? repo.data : {}) };
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const ref = env.GITHUB_REF ?? '';
  const event = readEvent(env.GITHUB_EVENT_PATH);
  const pr = event.pull_request;
  const isPullRequest = PR_EVENTS.has(eventName) || ref.startsWith('refs/pull/') || pr !== undefined;
  const head = pr?.head?.repo?.full_name;
  const base = pr?.base?.repo?.full_name;
  // A deleted fork shows up as head.repo = null: treat it as a fork.
  const isFork = isPullRequest && pr !== undefined && (pr.head?.repo === null || (head !== undefined && base !== undefined && head !== base));
  const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null;
  return { eventName, ref, branch, isPullRequest, isFork, defaultBranch: event.repository?.default_branch ?? null };
}
