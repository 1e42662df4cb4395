// Runs the commands the action waits on (nix, nix-store, sudo, id) through one wrapper around
// @actions/exec's getExecOutput, as actions/checkout sends every git call through `execGit`:
// silent (Nix's stderr can carry server text, which must not reach the log as commands), our own
// CommandError carrying stderr, and an explicit environment without the step's INPUT_* variables
// (they hold the inputs' secrets), STATE_* or tokens (env.ts). NARs are streamed by nar.ts and the background uploader is
// started by watch/launch.ts; both spawn directly because they are not "run and wait" commands.
import { spawn } from 'node:child_process';
import { getExecOutput } from '@actions/exec';
import { CommandError } from '../errors.ts';
import { nixEnv } from './env.ts';

export { CommandError };

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

export interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  /** Working directory (default: the step's). */
  cwd?: string;
  /** Resolve with the exit code instead of throwing CommandError on a non-zero exit. */
  allowFailure?: boolean;
}

/** Nix 2.8–2.3x need this for `nix path-info` & co.; harmless where already enabled. */
export const NIX_COMMAND = ['--extra-experimental-features', 'nix-command'];

/**
 * The step's environment without what an evaluation must not see: INPUT_*, STATE_*, cache tokens
 * and the runner's tokens (env.ts). `builtins.getEnv` could otherwise write them into the store.
 */
export function commandEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(nixEnv(env))) if (v !== undefined) out[k] = v;
  return out;
}

function label(command: string, args: readonly string[]): string {
  return `${command} ${args.filter((a) => !NIX_COMMAND.includes(a)).slice(0, 3).join(' ')}`.trim();
}

export async function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  const r = await getExecOutput(command, [...args], {
    silent: true,
    ignoreReturnCode: true,
    env: commandEnv(options.env),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    // Only when there is one: exec writes it whether or not the child reads, and a child that
    // exits first would fail the call with EPIPE. No command here reads stdin otherwise.
    ...(options.input === undefined ? {} : { input: Buffer.from(options.input) }),
  });
  if (r.exitCode !== 0 && !options.allowFailure) throw new CommandError(label(command, args), r.exitCode, r.stderr);
  return { stdout: r.stdout, stderr: r.stderr, code: r.exitCode };
}

/**
 * Like run, but stopped when `signal` aborts. Raw spawn because @actions/exec has no way to stop
 * a command: `nix copy` to a store URL must end at `push-timeout` (push/nix-copy.ts).
 */
export function runAbortable(command: string, args: readonly string[], signal: AbortSignal): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: commandEnv(), stdio: ['ignore', 'pipe', 'pipe'], signal });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code }));
  });
}
