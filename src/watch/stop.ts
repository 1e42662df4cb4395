// Stops the background uploader (issue 7). Until it lands there is none to stop.
import type { Logger } from '../log.ts';

export async function stopWatcher(_watcher: { pid: number; dir: string }, _log: Logger): Promise<void> {}
