import {
  loadMainState
} from "./chunks/chunk-RU5MLUS3.js";
import {
  decidePush,
  readRunContext
} from "./chunks/chunk-PRBCZI4S.js";
import {
  workRoot
} from "./chunks/chunk-6SY3QSVQ.js";
import {
  planPush,
  pushToTarget,
  selectRoots
} from "./chunks/chunk-ORGMTIBE.js";
import {
  WatchConfig,
  WatchFiles,
  configuredTargets,
  queryPathInfo,
  readRecord,
  resolveInstallables,
  validPaths
} from "./chunks/chunk-QRFOBBWD.js";
import "./chunks/chunk-TQSTTJIX.js";
import {
  loadSettings
} from "./chunks/chunk-HKUUXVLD.js";
import "./chunks/chunk-XK4LID6B.js";
import "./chunks/chunk-POEJJ6U5.js";
import "./chunks/chunk-2B4ACATO.js";
import "./chunks/chunk-YARB4JS2.js";
import {
  newEntries
} from "./chunks/chunk-GXO3SPPF.js";
import {
  pushSummaryMarkdown,
  restoreSystemConf,
  setPushOutputs
} from "./chunks/chunk-YLXKZHUV.js";
import "./chunks/chunk-RYJLRJHH.js";
import {
  appendSummary,
  debug,
  info,
  setFailed,
  warning
} from "./chunks/chunk-Z7IFXG4U.js";
import "./chunks/chunk-JISXD36P.js";
import "./chunks/chunk-HZFF3K6I.js";
import "./chunks/chunk-PVTLSGZJ.js";

// src/post-phase.ts
import { rm as rm2 } from "node:fs/promises";

// src/watch/stop.ts
import { readFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
function running(pid, dir) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (error.code !== "EPERM") return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    if (/^\d+ \(.*\) Z/s.test(stat)) return false;
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes(dir);
  } catch {
    return true;
  }
}
function signal(pid, sig, group) {
  try {
    process.kill(group ? -pid : pid, sig);
  } catch {
  }
}
async function waitGone(pid, dir, ms) {
  const deadline = Date.now() + ms;
  while (running(pid, dir)) {
    if (Date.now() > deadline) return false;
    await sleep(25);
  }
  return true;
}
function stopGrace(dir) {
  try {
    return WatchConfig.parse(JSON.parse(readFileSync(join(dir, WatchFiles.config), "utf8"))).stopGraceMs;
  } catch {
    return 1e4;
  }
}
async function stopWatcher(watcher, log2) {
  const { pid, dir } = watcher;
  let fallback = null;
  const wasRunning = running(pid, dir);
  if (wasRunning) {
    signal(pid, "SIGTERM", false);
    if (!await waitGone(pid, dir, stopGrace(dir) + 3e3)) {
      signal(pid, "SIGKILL", true);
      await waitGone(pid, dir, 2e3);
      fallback = "it did not stop in time and was killed";
    }
  }
  const error = await readFile(join(dir, WatchFiles.error), "utf8").catch(() => null);
  const exited = await readFile(join(dir, WatchFiles.exited), "utf8").catch(() => null);
  if (error !== null) fallback = `it stopped after an error: ${error}`;
  else if (exited === null) fallback ??= "it ended without finishing (killed or crashed)";
  const record = await readRecord(dir);
  if (wasRunning) signal(pid, "SIGKILL", true);
  let uploaded = 0;
  let bytes = 0;
  for (const t of record.values()) {
    uploaded += t.uploaded;
    bytes += t.bytes;
  }
  if (fallback) {
    const tail = (await readFile(join(dir, WatchFiles.log), "utf8").catch(() => "")).trim().split("\n").slice(-10).join("\n");
    log2.warning(`push-while-building: the background uploader is not trusted (${fallback}); pushing everything now.${tail ? `
Its last log lines:
${tail}` : ""}`);
  } else {
    log2.info(`push-while-building: the background uploader uploaded ${uploaded} path(s) while the build ran`);
  }
  await rm(dir, { recursive: true, force: true });
  return { byTarget: fallback ? /* @__PURE__ */ new Map() : record, fallback, uploaded, bytes };
}

// src/post-phase.ts
var log = { info, warning, debug };
var GRACE_MS = 5e3;
async function candidatePaths(settings, state) {
  if (settings.paths.length > 0) return resolveInstallables(settings.paths);
  if (!state.snapshotFile) return [];
  return validPaths(await newEntries(state.snapshotFile));
}
async function closureOf(roots) {
  try {
    return await queryPathInfo(roots, { closure: true });
  } catch {
    return queryPathInfo(await validPaths(roots), { closure: true });
  }
}
async function push(settings, state, signal2, watched) {
  const started = Date.now();
  const summary = (s) => ({
    reason: null,
    newPaths: 0,
    closure: 0,
    upstream: 0,
    targets: [],
    durationMs: Date.now() - started,
    ...s
  });
  const tempRoot = await workRoot();
  try {
    return await pushWith(settings, state, signal2, watched, configuredTargets(settings, tempRoot), summary);
  } finally {
    await rm2(tempRoot, { recursive: true, force: true });
  }
}
async function pushWith(settings, state, signal2, watched, slots, summary) {
  const gate = decidePush(settings.push, settings.pushBranches, readRunContext(), slots.length);
  if (!gate.push) return summary({ status: "skipped", reason: gate.reason });
  const roots = selectRoots(await candidatePaths(settings, state), settings);
  if (roots.length === 0) return summary({ status: "nothing-new", reason: "the job added no store paths to push" });
  const closure = await closureOf(roots);
  const plan = planPush(closure, settings.upstreamKeys);
  info(`${roots.length} new path(s); closure ${closure.length}; ${plan.upstream.length} already upstream; ${plan.toPush.length} to offer to ${slots.length} target(s)`);
  const ctx = { signal: signal2, log };
  const reports = await Promise.all(
    slots.map(async (slot) => {
      let target;
      try {
        target = await slot.create(signal2);
      } catch (error) {
        return { label: slot.label, planned: plan.toPush.length, alreadyPresent: 0, uploaded: 0, bytes: 0, failed: [], blocked: 0, error: error instanceof Error ? error.message : String(error), durationMs: 0, pushed: [] };
      }
      try {
        const done = watched?.byTarget.get(slot.label);
        const offer = done ? plan.toPush.filter((i) => !done.paths.has(i.path)) : plan.toPush;
        const report2 = await pushToTarget(target, offer, { jobs: settings.jobs, ctx });
        if (done) {
          report2.planned = plan.toPush.length;
          report2.uploaded += done.uploaded;
          report2.bytes += done.bytes;
          report2.alreadyPresent += Math.max(0, plan.toPush.length - offer.length - done.uploaded);
        }
        return report2;
      } finally {
        await target.dispose?.();
      }
    })
  );
  const broken = reports.filter((r) => r.error || r.failed.length > 0 || r.blocked > 0);
  const uploaded = reports.reduce((n, r) => n + r.uploaded, 0);
  return summary({
    status: broken.length > 0 ? "failed" : uploaded > 0 ? "pushed" : "nothing-new",
    reason: broken.length > 0 ? describeFailures(broken, signal2) : uploaded === 0 ? "every target already has these paths" : null,
    newPaths: roots.length,
    closure: closure.length,
    upstream: plan.upstream.length,
    targets: reports
  });
}
function describeFailures(reports, signal2) {
  const parts = reports.map((r) => {
    if (r.error) return `${r.label}: ${r.error}`;
    const first = r.failed[0];
    return `${r.label}: ${r.failed.length} path(s) failed${r.blocked ? `, ${r.blocked} not tried because a dependency failed` : ""}${first ? ` (first: ${first.path}: ${first.error})` : ""}`;
  });
  return `${signal2.aborted ? "push-timeout reached; " : ""}${parts.join("; ")}`;
}
async function cleanUp(state) {
  if (state.systemConf) await restoreSystemConf();
  await Promise.all(state.files.map((f) => rm2(f, { force: true })));
  if (state.snapshotFile) await rm2(state.snapshotFile, { force: true });
}
async function runPost() {
  let strict = false;
  try {
    const state = loadMainState();
    if (!state) {
      info("The main step did not configure anything: nothing to push or restore.");
      return;
    }
    const settings = loadSettings();
    strict = settings.strict;
    try {
      const watched = state.watcher ? await stopWatcher(state.watcher, log) : null;
      const budget = settings.pushTimeoutSeconds * 1e3;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error(`push-timeout (${settings.pushTimeoutSeconds} s) reached`)), budget);
      const hardStop = setTimeout(() => {
        warning(`push did not stop within push-timeout (${settings.pushTimeoutSeconds} s); giving up`);
        process.exit(strict ? 1 : 0);
      }, budget + GRACE_MS);
      hardStop.unref();
      let result;
      try {
        result = await push(settings, state, controller.signal, watched);
      } finally {
        clearTimeout(timer);
        clearTimeout(hardStop);
      }
      await report(result, strict);
    } finally {
      await cleanUp(state);
    }
  } catch (error) {
    const message = `push step: ${error instanceof Error ? error.message : String(error)}`;
    if (strict) setFailed(message);
    else warning(message);
    setPushOutputs({ status: "failed", reason: message, newPaths: 0, closure: 0, upstream: 0, targets: [], durationMs: 0 });
  }
}
async function report(result, strict) {
  setPushOutputs(result);
  if (result.status === "skipped") info(`Not pushing: ${result.reason}`);
  for (const t of result.targets) {
    info(`${t.label}: ${t.uploaded} uploaded, ${t.alreadyPresent} already present${t.error ? `, error: ${t.error}` : ""}`);
  }
  if (result.status === "failed") {
    const message = `cache push incomplete: ${result.reason}`;
    if (strict) setFailed(message);
    else warning(message);
  }
  appendSummary(pushSummaryMarkdown(result));
}

// src/post.ts
await runPost();
