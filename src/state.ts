// What the main step hands to the post step: one key, one JSON record, one zod schema, so no
// string like "false" is ever mistaken for true. Writer and reader live here together.
import * as core from '@actions/core';
import * as z from 'zod';
import { State } from './constants.ts';

const MainState = z.object({
  /** When the store snapshot was taken (ms since the epoch; nix/snapshot.ts); absent with `paths`. */
  snapshotAt: z.number().nullable(),
  /** Our block was added to the system nix.conf and must be taken out again. */
  systemConf: z.boolean(),
  /** Files we wrote that hold secrets or settings; removed by post. */
  files: z.array(z.string()),
  /** Background uploader started by main (push-while-building). */
  watcher: z.object({ pid: z.number().int(), dir: z.string() }).nullable(),
  /** github-cache: the folder's root and the entry main restored into it. */
  githubCache: z.object({ root: z.string(), restoredKey: z.string().nullable() }).nullable().optional(),
  /** Names of paths the caches were expected to serve (pins, require-substituted): post reports rebuilds. */
  expectedNames: z.array(z.string()).optional(),
});
export type MainState = z.infer<typeof MainState>;

export function saveMainState(state: MainState): void {
  core.saveState(State.Main, JSON.stringify(state));
}

/** The main step's record, or null when main saved none (it failed on its inputs, or never ran). */
export function loadMainState(): MainState | null {
  const raw = core.getState(State.Main);
  if (!raw) return null;
  return MainState.parse(JSON.parse(raw));
}
