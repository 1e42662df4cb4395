// What the main step hands to the post step. One JSON record, parsed with zod on the way back, so
// no string like "false" is ever mistaken for true.
import * as runner from './runner.ts';
import * as z from 'zod/mini';
import './zod-english.ts';
import { State } from './constants.ts';

const MainState = z.object({
  /** Store snapshot taken before the build (absent with `paths`). */
  snapshotFile: z.nullable(z.string()),
  /** Our block was added to the system nix.conf and must be taken out again. */
  systemConf: z.boolean(),
  /** Files we wrote that hold secrets or settings; removed by post. */
  files: z.array(z.string()),
  /** Background uploader started by main (push-while-building). */
  watcher: z.nullable(z.object({ pid: z.number().check(z.int()), dir: z.string() })),
  startedAt: z.number(),
});
export type MainState = z.output<typeof MainState>;

export function saveMainState(state: MainState): void {
  runner.saveState(State.Main, JSON.stringify(state));
}

export function loadMainState(): MainState | null {
  const raw = runner.getState(State.Main);
  if (!raw) return null;
  return MainState.parse(JSON.parse(raw));
}
