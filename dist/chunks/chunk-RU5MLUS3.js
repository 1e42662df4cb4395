import {
  getState,
  saveState
} from "./chunk-Z7IFXG4U.js";
import {
  State
} from "./chunk-JISXD36P.js";
import {
  array,
  boolean,
  int,
  nullable,
  number,
  object,
  string
} from "./chunk-PVTLSGZJ.js";

// src/state.ts
var MainState = object({
  /** Store snapshot taken before the build (absent with `paths`). */
  snapshotFile: nullable(string()),
  /** Our block was added to the system nix.conf and must be taken out again. */
  systemConf: boolean(),
  /** Files we wrote that hold secrets or settings; removed by post. */
  files: array(string()),
  /** Background uploader started by main (push-while-building). */
  watcher: nullable(object({ pid: number().check(int()), dir: string() })),
  startedAt: number()
});
function saveMainState(state) {
  saveState(State.Main, JSON.stringify(state));
}
function loadMainState() {
  const raw = getState(State.Main);
  if (!raw) return null;
  return MainState.parse(JSON.parse(raw));
}

export {
  saveMainState,
  loadMainState
};
