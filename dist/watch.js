import {
  parseSettings,
  planPush,
  pushToTarget,
  readRawInputs,
  selectRoots,
  withEnvFallbacks
} from "./chunks/chunk-3YMJDBQK.js";
import {
  WatchConfig,
  WatchFiles,
  appendRecord,
  configuredTargets,
  join,
  queryPathInfo,
  setPriority,
  validPaths,
  writeMarker
} from "./chunks/chunk-A7N4CZIB.js";
import "./chunks/chunk-D6XC7FMD.js";
import "./chunks/chunk-3S66FOFW.js";
import {
  changeCutoff,
  entryState,
  isCandidateEntry,
  mkdtemp,
  readFileSync,
  readdir,
  rm,
  watch
} from "./chunks/chunk-CK5QPQ2P.js";
import "./chunks/chunk-2CPB34Y7.js";

// src/watch/batcher.ts
var Batcher = class {
  pending = /* @__PURE__ */ new Set();
  idle = null;
  max = null;
  running = null;
  closed = false;
  idleMs;
  maxMs;
  flush;
  onError;
  constructor(options) {
    this.idleMs = options.idleMs;
    this.maxMs = options.maxMs;
    this.flush = options.flush;
    this.onError = options.onError;
  }
  add(items) {
    if (this.closed) return;
    let added = false;
    for (const item of items) {
      if (!this.pending.has(item)) added = true;
      this.pending.add(item);
    }
    if (!added) return;
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.fire(), this.idleMs);
    this.max ??= setTimeout(() => this.fire(), this.maxMs);
  }
  get size() {
    return this.pending.size;
  }
  /** The batch in flight, if any (resolves when it is done). */
  get busy() {
    return this.running;
  }
  /** For good: no further batch starts; items still pending are dropped (post's diff has them). */
  close() {
    this.closed = true;
    this.clearTimers();
  }
  clearTimers() {
    if (this.idle) clearTimeout(this.idle);
    if (this.max) clearTimeout(this.max);
    this.idle = this.max = null;
  }
  fire() {
    this.clearTimers();
    if (this.closed) return;
    if (this.running) {
      void this.running.then(() => this.pending.size > 0 && this.fire());
      return;
    }
    const items = [...this.pending];
    this.pending.clear();
    if (items.length === 0) return;
    this.running = this.flush(items).catch(this.onError).finally(() => {
      this.running = null;
    });
  }
};

// src/watch/store-events.ts
function watchStoreEntries(options) {
  const { storeDir, cutoff, known, onNames } = options;
  const old = /* @__PURE__ */ new Set();
  const isNew = (name) => {
    if (!isCandidateEntry(name) || known.has(name) || old.has(name)) return false;
    const state = entryState(storeDir, name, cutoff);
    if (state === "old") old.add(name);
    return state === "new";
  };
  const report = (name) => {
    if (isNew(name)) onNames([name]);
  };
  let watcher = null;
  try {
    watcher = watch(storeDir, { persistent: true }, (_event, filename) => {
      if (!filename) return;
      const name = filename.toString();
      report(name.endsWith(".lock") ? name.slice(0, -".lock".length) : name);
    });
    watcher.on("error", (error) => {
      watcher?.close();
      watcher = null;
      options.onError(error);
    });
  } catch (error) {
    watcher = null;
    options.onError(error);
  }
  const rescan = async () => {
    const fresh = (await readdir(storeDir)).filter(isNew);
    if (fresh.length > 0) onNames(fresh);
  };
  const timer = setInterval(() => void rescan().catch(options.onError), options.rescanMs);
  return {
    rescan,
    close() {
      clearInterval(timer);
      watcher?.close();
    },
    get watching() {
      return watcher !== null;
    }
  };
}

// src/watch/run.ts
var log = {
  info: (m) => process.stdout.write(`${(/* @__PURE__ */ new Date()).toISOString()} ${m}
`),
  warning: (m) => process.stdout.write(`${(/* @__PURE__ */ new Date()).toISOString()} warning: ${m}
`),
  debug: () => void 0
};
function message(error) {
  return error instanceof Error ? error.message : String(error);
}
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}
function uploadOnly(target) {
  return {
    label: target.label,
    ...target.upstreamKeyNames ? { upstreamKeyNames: target.upstreamKeyNames.bind(target) } : {},
    missing: target.missing.bind(target),
    upload: target.upload.bind(target)
  };
}
async function runWatcher(dir2) {
  const config = WatchConfig.parse(JSON.parse(readFileSync(join(dir2, WatchFiles.config), "utf8")));
  try {
    setPriority(19);
  } catch {
    log.info("could not lower the CPU priority");
  }
  const settings = parseSettings(withEnvFallbacks(readRawInputs(), process.env));
  const controller = new AbortController();
  const ctx = { signal: controller.signal, log };
  const tempRoot = await mkdtemp(join(dir2, "tmp-"));
  const slots = configuredTargets(settings, tempRoot);
  const targets = /* @__PURE__ */ new Map();
  const confirmed = /* @__PURE__ */ new Map();
  const known = /* @__PURE__ */ new Set();
  let batches = 0;
  let finishing = null;
  const finish = (kind, text) => {
    finishing ??= (async () => {
      events.close();
      batcher.close();
      log.info(kind === "error" ? `stopping after an error: ${text}` : `exiting: ${text}`);
      await writeMarker(dir2, kind === "error" ? WatchFiles.error : WatchFiles.exited, text).catch(() => void 0);
      for (const t of targets.values()) await (await t.catch(() => null))?.dispose?.().catch(() => void 0);
      await rm(tempRoot, { recursive: true, force: true }).catch(() => void 0);
      process.exit(kind === "error" ? 1 : 0);
    })();
    return finishing;
  };
  const fail = (error) => void finish("error", message(error));
  const uploadBatch = async (names) => {
    const valid = await validPaths(names.map((n2) => `${config.storeDir}/${n2}`));
    for (const p of valid) known.add(p.slice(config.storeDir.length + 1));
    const roots = selectRoots(valid, settings);
    if (roots.length === 0) return;
    const closure = await queryPathInfo(roots, { closure: true });
    const plan = planPush(closure, settings.upstreamKeys);
    const n = ++batches;
    for (const slot of slots) {
      let target = targets.get(slot.label);
      if (!target) {
        target = slot.create(controller.signal);
        targets.set(slot.label, target);
      }
      const done = confirmed.get(slot.label) ?? /* @__PURE__ */ new Set();
      confirmed.set(slot.label, done);
      const offer = plan.toPush.filter((i) => !done.has(i.path));
      if (offer.length === 0) continue;
      const report = await pushToTarget(uploadOnly(await target), offer, { jobs: settings.jobs, ctx });
      if (report.error || report.failed.length > 0 || report.blocked > 0) {
        const first = report.failed[0];
        throw new Error(`${slot.label}: ${report.error ?? `${report.failed.length} path(s) failed (first: ${first?.path}: ${first?.error})`}`);
      }
      for (const i of offer) done.add(i.path);
      await appendRecord(dir2, { target: slot.label, paths: offer.map((i) => i.path), uploaded: report.uploaded, present: report.alreadyPresent, bytes: report.bytes });
      log.info(`batch ${n}: ${roots.length} new path(s), ${offer.length} offered to ${slot.label}: ${report.uploaded} uploaded, ${report.alreadyPresent} already there`);
    }
  };
  const batcher = new Batcher({ idleMs: config.idleMs, maxMs: config.maxBatchMs, flush: uploadBatch, onError: fail });
  const events = watchStoreEntries({
    storeDir: config.storeDir,
    cutoff: changeCutoff(config.snapshotAt, config.storeDir),
    known,
    rescanMs: config.rescanMs,
    onNames: (names) => batcher.add(names),
    onError: (error) => log.warning(`store watch: ${message(error)} (periodic rescans go on)`)
  });
  process.on("SIGTERM", () => {
    log.info("stop requested");
    batcher.close();
    const busy = batcher.busy;
    if (!busy) void finish("exited", "stopped by the post step");
    else {
      const grace = setTimeout(() => {
        void finish("exited", "stopped by the post step; the upload in flight was abandoned");
        controller.abort(new Error("stopped by the post step"));
      }, config.stopGraceMs);
      void busy.then(() => {
        clearTimeout(grace);
        return finish("exited", "stopped by the post step");
      });
    }
  });
  process.on("uncaughtException", fail);
  process.on("unhandledRejection", fail);
  const started = Date.now();
  setInterval(() => {
    if (!alive(config.parentPid)) void finish("exited", `the runner process ${config.parentPid} is gone`);
    if (Date.now() - started > config.maxLifetimeMs) void finish("exited", "maximum lifetime reached");
  }, 2e3);
  await writeMarker(dir2, WatchFiles.ready, String(process.pid));
  log.info(`watching ${config.storeDir} (${events.watching ? "fs events" : "rescans only"}; batches ${config.idleMs} ms idle / ${config.maxBatchMs} ms max) for ${slots.map((s) => s.label).join(", ")}`);
  await events.rescan();
}

// src/watch.ts
var dir = process.argv[2];
if (!dir) {
  process.stderr.write("usage: watch.js <dir>\n");
  process.exit(2);
}
await runWatcher(dir);
