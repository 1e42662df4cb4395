// Runs Nix's command-line tools. Output is captured in memory only for small answers (path-info of a
// batch); NARs are streamed (see nar.ts).

export interface CommandResult {
  stdout: string;
  stderr: string;
}

export class CommandError extends Error {
  readonly code: number | null;
  readonly stderr: string;
  constructor(command: string, code: number | null, stderr: string) {
    super(`${command} failed (exit ${code ?? 'signal'}): ${stderr.trim().split('\n').slice(-5).join('\n')}`);
    this.name = 'CommandError';
    this.code = code;
    this.stderr = stderr;
  }
}

/** Nix 2.8–2.3x need this for `nix path-info` & co.; harmless where already enabled. */
export const NIX_COMMAND = ['--extra-experimental-features', 'nix-command'];

export function run(
  command: string,
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal; allowFailure?: boolean } = {},
): Promise<CommandResult & { code: number | null }> {
  return new Promise((resolve, reject) => {
    // Loaded on first use: a main step with nothing to ask Nix never pays for it.
    const child = process.getBuiltinModule('node:child_process').spawn(command, args, {
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const result = { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code };
      if (code !== 0 && !options.allowFailure) reject(new CommandError(`${command} ${args.slice(0, 3).join(' ')}`, code, result.stderr));
      else resolve(result);
    });
    // A child that exits without reading its input makes the write fail with EPIPE; its exit code
    // already tells the caller what happened, so that error must not crash the process.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}
