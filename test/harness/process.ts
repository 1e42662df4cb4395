// Runs a child process in its own process group with a hard timeout, so a hanging step (or the
// nix / curl it started) is killed as a whole and cannot hang the test suite.
import { spawn } from 'node:child_process';

export interface ProcessResult {
  /** Exit code; null when killed by a signal (e.g. after a timeout). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the harness killed the process because timeoutMs elapsed. */
  timedOut: boolean;
  durationMs: number;
}

export interface ProcessOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the whole process group (SIGKILL) after this long. Default 120 s. */
  timeoutMs?: number;
  /** Written to stdin, which is then closed. */
  input?: string;
  /** Called with the child's pid once it started. */
  onSpawn?: (pid: number) => void;
}

export const DEFAULT_TIMEOUT_MS = 120_000;

// Process groups still running; killed if the test process exits early (failed assertion, crash).
const live = new Set<number>();
process.on('exit', () => {
  for (const pid of live) killGroup(pid);
});

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export function runProcess(file: string, args: readonly string[], options: ProcessOptions): Promise<ProcessResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: options.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true, // own process group: one kill reaches grandchildren too
    });
    const pid = child.pid;
    if (pid !== undefined) live.add(pid);
    if (pid !== undefined) options.onSpawn?.(pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (pid !== undefined) killGroup(pid);
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let finished = false;
    const finish = (): void => {
      if (finished || exit === null) return;
      finished = true;
      clearTimeout(timer);
      if (pid !== undefined) live.delete(pid);
      resolve({
        code: exit.code,
        signal: exit.signal,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        timedOut,
        durationMs: Math.round(performance.now() - started),
      });
    };
    child.on('error', (e) => {
      clearTimeout(timer);
      if (pid !== undefined) live.delete(pid);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Reap what the step left running in its group (a backgrounded `sleep` holding our pipes);
      // the runner does this at job end, doing it per step keeps tests independent.
      if (pid !== undefined) killGroup(pid);
      // A grandchild that escaped the group may hold the pipes open: don't wait for it forever.
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish();
      }, 2_000).unref();
    });
    child.on('close', () => finish());
    child.stdin.on('error', () => {}); // EPIPE if the child never reads stdin
    child.stdin.end(options.input ?? '');
  });
}
