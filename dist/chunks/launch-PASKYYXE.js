import {
  decidePush,
  readRunContext
} from "./chunk-Y34HXBMJ.js";
import {
  WatchFiles,
  configuredTargets,
  dirname,
  info,
  join,
  warning,
  watchTuning
} from "./chunk-A7N4CZIB.js";
import "./chunk-D6XC7FMD.js";
import {
  spawn
} from "./chunk-3S66FOFW.js";
import {
  STORE_DIR,
  closeSync,
  existsSync,
  mkdir,
  openSync,
  readFile,
  setTimeout,
  writeFile
} from "./chunk-CK5QPQ2P.js";
import "./chunk-2CPB34Y7.js";

// src/watch/launch.ts
var READY_WAIT_MS = 5e3;
function watcherScript() {
  return join(dirname(process.argv[1] ?? ""), "watch.js");
}
async function startWatcher(settings, snapshotAt, workDir, script = watcherScript()) {
  try {
    return await launch(settings, snapshotAt, workDir, script);
  } catch (error) {
    warning(`push-while-building: could not start the background uploader (${error instanceof Error ? error.message : String(error)}); the post step pushes everything`);
    return null;
  }
}
async function launch(settings, snapshotAt, workDir, script) {
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
  const config = { storeDir: STORE_DIR, snapshotAt, parentPid: process.ppid, ...watchTuning(process.env) };
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
  while (!existsSync(join(dir, WatchFiles.ready)) && !exited && Date.now() < deadline) await setTimeout(20);
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
