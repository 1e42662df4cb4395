// Runs inside the bench's private mount namespace (bench/main-step.ts): times programs started from
// here, as a runner starts a step, so the sudo, unshare and setpriv it took to get into the
// namespace are paid once and not counted. Plain JavaScript: nothing to compile at its start.
// argv[2]: a JSON file of [{ args, env }]; prints the wall time (ms) of each run as a JSON array.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const runs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const times = [];
for (const { args, env } of runs) {
  const started = performance.now();
  const code = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}`);
  times.push(performance.now() - started);
}
process.stdout.write(JSON.stringify(times));
