import {
  listStore,
  writeSnapshot
} from "./chunk-GXO3SPPF.js";
import {
  info,
  setFailed
} from "./chunk-Z7IFXG4U.js";

// src/main-phase.ts
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
async function workRoot() {
  const base = process.env.RUNNER_TEMP || tmpdir();
  await mkdir(base, { recursive: true });
  return mkdtemp(join(base, "nix-substitute-action-"));
}
async function runMain() {
  const listing = listStore();
  listing.catch(() => void 0);
  const [{ ConfigError }, { loadSettings }, { configure }, { saveMainState }] = await Promise.all([
    import("./config-6YJLYMOH.js"),
    import("./inputs-2LLHAFEV.js"),
    import("./apply-4ARQGQA3.js"),
    import("./state-EE4Y6EJY.js")
  ]);
  let settings;
  try {
    settings = loadSettings();
  } catch (error) {
    setFailed(error instanceof ConfigError ? error.message : `cannot read inputs: ${String(error)}`);
    return;
  }
  try {
    const dir = await workRoot();
    const state = { snapshotFile: null, systemConf: false, files: [], watcher: null, startedAt: Date.now() };
    try {
      await configure(settings, dir, state);
      if (settings.paths.length === 0) {
        state.snapshotFile = join(dir, "store-snapshot");
        const count = await writeSnapshot(state.snapshotFile, listing);
        info(`Store snapshot: ${count} entries`);
      }
      if (settings.pushWhileBuilding && state.snapshotFile) {
        const { startWatcher } = await import("./launch-Y6JVYLN3.js");
        state.watcher = await startWatcher(settings, state.snapshotFile, dir);
      }
    } finally {
      saveMainState(state);
    }
    if (settings.requireSubstituted.length > 0) {
      const { verifySubstituted } = await import("./verify-TXYGARMI.js");
      const dry = await verifySubstituted(settings.requireSubstituted);
      info(`require-substituted: nothing to build; ${dry.toFetch.length} path(s) will be fetched`);
    }
  } catch (error) {
    setFailed(error instanceof Error ? error.message : String(error));
  }
}

export {
  workRoot,
  runMain
};
