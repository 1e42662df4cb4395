import {
  decidePush,
  readRunContext
} from "./chunk-PRBCZI4S.js";
import {
  WatchFiles,
  configuredTargets,
  watchTuning
} from "./chunk-QRFOBBWD.js";
import "./chunk-TQSTTJIX.js";
import "./chunk-POEJJ6U5.js";
import "./chunk-2B4ACATO.js";
import "./chunk-YARB4JS2.js";
import {
  STORE_DIR
} from "./chunk-GXO3SPPF.js";
import "./chunk-RYJLRJHH.js";
import {
  info,
  warning
} from "./chunk-Z7IFXG4U.js";
import "./chunk-HZFF3K6I.js";
import "./chunk-PVTLSGZJ.js";

// src/watch/launch.ts
import { spawn } from "node:child_process";
import { existsSync, openSync, closeSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
var READY_WAIT_MS = 5e3;
function watcherScript() {
  return join(dirname(process.argv[1] ?? ""), "watch.js");
}
async function startWatcher(settings, snapshotFile, workDir, script = watcherScript()) {
  try {
    return await launch(settings, snapshotFile, workDir, script);
  } catch (error) {
    warning(`push-while-building: could not start the background uploader (${error instanceof Error ? error.message : String(error)}); the post step pushes everything`);
    return null;
  }
}
async function launch(settings, snapshotFile, workDir, script) {
  const gate = decidePush(settings.push, settings.pushBranches, readRunContext(), configuredTargets(settings, workDir).length);
  if (!gate.push) {
    info(`push-while-building: not started (${gate.reason})`);
    return null;
  }
  if (!existsSync(script)) {
    warning(`push-while-building: ${script} is missing; the post step pushes everything`);
    return null;
  }
  const dir = join(workDir, "watch");
  await mkdir(dir, { recursive: true, mode: 448 });
  const config = { storeDir: STORE_DIR, snapshotFile, parentPid: process.ppid, ...watchTuning(process.env) };
  await writeFile(join(dir, WatchFiles.config), JSON.stringify(config), { mode: 384 });
  const logFd = openSync(join(dir, WatchFiles.log), "a", 384);
  let child;
  try {
    child = spawn(process.execPath, [script, dir], { detached: true, stdio: ["ignore", logFd, logFd], env: process.env });
  } finally {
    closeSync(logFd);
  }
  const pid = child.pid;
  if (pid === void 0) {
    warning("push-while-building: could not start the background uploader; the post step pushes everything");
    return null;
  }
  let exited = false;
  child.on("exit", () => exited = true);
  child.unref();
  const deadline = Date.now() + READY_WAIT_MS;
  while (!existsSync(join(dir, WatchFiles.ready)) && !exited && Date.now() < deadline) await sleep(20);
  if (exited) {
    const why = await readFile(join(dir, WatchFiles.error), "utf8").catch(() => "it exited at once");
    warning(`push-while-building: the background uploader stopped (${why}); the post step pushes everything`);
    return null;
  }
  info(`push-while-building: background uploader started (pid ${pid}); it uploads new store paths while the build runs`);
  return { pid, dir };
}
export {
  startWatcher,
  watcherScript
};
