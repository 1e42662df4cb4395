import { runWatcher } from './watch/run.ts';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: watch.js <dir>\n');
  process.exit(2);
}
await runWatcher(dir);
