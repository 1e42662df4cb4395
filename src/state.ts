// What the main step hands to the post step. One JSON record (main writes it with JSON.stringify,
// not importing this module, so zod stays off its path), parsed with zod on the way back, so no
// string like "false" is ever mistaken for true.
import * as runner from './runner.ts';
import * as z from 'zod/mini';
import './zod-english.ts';
import { State } from './constants.ts';

const MainState = z.object({
  /** When the store snapshot was taken (ms since the epoch; nix/snapshot.ts); absent with `paths`. */
  snapshotAt: z.nullable(z.number()),
  /** Our block was added to the system nix.conf and must be taken out again. */
  systemConf: z.boolean(),
  /** Files we wrote that hold secrets or settings; removed by post. */
  files: z.array(z.string()),
  /** Background uploader started by main (push-while-building). */
  watcher: z.nullable(z.object({ pid: z.number().check(z.int()), dir: z.string() })),
});
export type MainState = z.output<typeof MainState>;

export function loadMainState(): MainState | null {
  const raw = runner.getState(State.Main);
  if (!raw) return null;
  return MainState.parse(JSON.parse(raw));
}
