import {
  Outputs,
  State,
  loadSettings,
  planPush,
  pushToTarget,
  selectRoots
} from "./chunks/chunk-3YMJDBQK.js";
import {
  decidePush,
  readRunContext
} from "./chunks/chunk-Y34HXBMJ.js";
import {
  WatchConfig,
  WatchFiles,
  appendSummary,
  configuredTargets,
  debug,
  getState,
  info,
  join,
  platform,
  queryPathInfo,
  readRecord,
  resolveInstallables,
  setFailed,
  setOutput,
  tmpdir,
  validPaths,
  warning
} from "./chunks/chunk-A7N4CZIB.js";
import "./chunks/chunk-D6XC7FMD.js";
import "./chunks/chunk-3S66FOFW.js";
import {
  array,
  boolean,
  int,
  mkdirSync,
  mkdtempSync,
  newEntries,
  nullable,
  number,
  object,
  readFile,
  readFileSync,
  rm,
  setTimeout as setTimeout2,
  string
} from "./chunks/chunk-CK5QPQ2P.js";
import {
  run
} from "./chunks/chunk-2CPB34Y7.js";

// src/text-file.ts
function readTextIfPresent(file) {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

// src/configure/system-conf.ts
var SYSTEM_CONF = "/etc/nix/nix.conf";
var BEGIN = "# BEGIN nix-substitute-action (removed by its post step)";
var END = "# END nix-substitute-action";
function withoutBlock(conf) {
  const start = conf.indexOf(BEGIN);
  if (start < 0) return conf;
  const end = conf.indexOf(END, start);
  return conf.slice(0, start) + (end < 0 ? "" : conf.slice(end + END.length + 1));
}
async function sudoWrite(file, text) {
  await run("sudo", ["-n", "tee", file], { input: text });
}
async function restartDaemon() {
  const attempts = platform() === "darwin" ? [["launchctl", "kickstart", "-k", "system/org.nixos.nix-daemon"], ["launchctl", "kickstart", "-k", "system/systems.determinate.nix-daemon"]] : [["systemctl", "restart", "nix-daemon.service"]];
  const custom = process.env.NIX_DAEMON_RESTART_COMMAND;
  if (custom) attempts.unshift(["sh", "-c", custom]);
  const errors = [];
  for (const cmd of attempts) {
    const { code, stderr } = await run("sudo", ["-n", ...cmd], { allowFailure: true });
    if (code === 0) return;
    errors.push(`${cmd.join(" ")}: ${stderr.trim()}`);
  }
  throw new Error(`could not restart the Nix daemon so it reads ${SYSTEM_CONF}: ${errors.join("; ")}`);
}
async function restoreSystemConf() {
  const now = readTextIfPresent(SYSTEM_CONF);
  if (withoutBlock(now) === now) return;
  await sudoWrite(SYSTEM_CONF, withoutBlock(now));
  await restartDaemon();
}

// src/report.ts
function formatBytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}
function cell(text) {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
function pushSummaryMarkdown(s) {
  const out = ["### Nix cache push", "", `Status: **${s.status}**${s.reason ? ` \u2014 ${cell(s.reason)}` : ""}`, ""];
  if (s.status !== "skipped") {
    out.push(`New paths: ${s.newPaths}; closure to consider: ${s.closure}; already upstream (skipped): ${s.upstream}; time: ${(s.durationMs / 1e3).toFixed(1)} s`, "");
  }
  if (s.targets.length > 0) {
    out.push("| target | already present | uploaded | bytes | failed | time |", "|---|---|---|---|---|---|");
    for (const t of s.targets) {
      const failed = t.error ? `error: ${cell(t.error)}` : String(t.failed.length + t.blocked);
      out.push(`| ${cell(t.label)} | ${t.alreadyPresent} | ${t.uploaded} | ${formatBytes(t.bytes)} | ${failed} | ${(t.durationMs / 1e3).toFixed(1)} s |`);
    }
    out.push("");
  }
  return `${out.join("\n")}
`;
}
function setPushOutputs(s) {
  setOutput(Outputs.Pushed, String(s.targets.reduce((n, t) => n + t.uploaded, 0)));
  setOutput(Outputs.PushStatus, s.status);
}

// src/state.ts
var MainState = object({
  /** When the store snapshot was taken (ms since the epoch; nix/snapshot.ts); absent with `paths`. */
  snapshotAt: nullable(number()),
  /** Our block was added to the system nix.conf and must be taken out again. */
  systemConf: boolean(),
  /** Files we wrote that hold secrets or settings; removed by post. */
  files: array(string()),
  /** Background uploader started by main (push-while-building). */
  watcher: nullable(object({ pid: number().check(int()), dir: string() }))
});
function loadMainState() {
  const raw = getState(State.Main);
  if (!raw) return null;
  return MainState.parse(JSON.parse(raw));
}

// src/main-phase.ts
function workRoot() {
  const base = process.env.RUNNER_TEMP || tmpdir();
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, "nix-substitute-action-"));
}

// src/watch/stop.ts
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
    await setTimeout2(25);
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
  if (state.snapshotAt === null) return [];
  return validPaths(await newEntries(state.snapshotAt, void 0, (error) => log.debug(`store scan thread: ${String(error)}`)));
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
  const tempRoot = workRoot();
  try {
    return await pushWith(settings, state, signal2, watched, configuredTargets(settings, tempRoot), summary);
  } finally {
    await rm(tempRoot, { recursive: true, force: true });
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
  await Promise.all(state.files.map((f) => rm(f, { force: true })));
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
