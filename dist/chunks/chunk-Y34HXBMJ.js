import {
  readFileSync
} from "./chunk-CK5QPQ2P.js";

// src/github.ts
var PR_EVENTS = /* @__PURE__ */ new Set(["pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment"]);
function readRunContext(env = process.env) {
  const eventName = env.GITHUB_EVENT_NAME ?? "";
  const ref = env.GITHUB_REF ?? "";
  let event = {};
  try {
    if (env.GITHUB_EVENT_PATH) event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8"));
  } catch {
  }
  const pr = event.pull_request;
  const isPullRequest = PR_EVENTS.has(eventName) || ref.startsWith("refs/pull/") || pr !== void 0;
  const head = pr?.head?.repo?.full_name;
  const base = pr?.base?.repo?.full_name;
  const isFork = isPullRequest && pr !== void 0 && (pr.head?.repo === null || head !== void 0 && base !== void 0 && head !== base);
  const branch = ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : null;
  return { eventName, ref, branch, isPullRequest, isFork };
}

// src/push/gate.ts
function branchMatches(branch, glob) {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      re += ".*";
      i++;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`).test(branch);
}
function decidePush(mode, branches, run, targetCount) {
  if (mode === "false") return { push: false, reason: "push is false" };
  if (run.isFork) return { push: false, reason: "pull requests from forks never push" };
  if (mode === "auto") {
    if (run.isPullRequest) return { push: false, reason: `pull requests do not push with push: auto (event ${run.eventName || "unknown"})` };
    if (run.branch === null) return { push: false, reason: `${run.ref || "this ref"} is not a branch; push: auto pushes only on ${branches.join(", ")}` };
    if (!branches.some((g) => branchMatches(run.branch, g))) {
      return { push: false, reason: `branch ${run.branch} does not match push-branches (${branches.join(", ")})` };
    }
  }
  if (targetCount === 0) return { push: false, reason: "no push target has credentials (set cachix-auth-token, cachix-signing-key, attic-token or push-to)" };
  return { push: true };
}

export {
  readRunContext,
  decidePush
};
