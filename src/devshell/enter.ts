// Enters a realised dev-shell environment once, the way `nix develop ENV -c COMMAND` would run
// COMMAND (shellHook included, in the workspace), and works out what later steps of the job must
// see: the exported variables and PATH entries. Bash functions and arrays live only in a shell
// process, so they cannot cross steps; they are counted for the log.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../nix/command.ts';
import { NotADevShellError, parseBuildEnvironment, type BuildEnvironment } from './environment.ts';
import { shellExports, type ShellExports } from './exports.ts';
import { enterScript, parseDump } from './rc-script.ts';

export interface EnterOptions {
  /** The `…-env` store path (valid in the local store). */
  envPath: string;
  /** Where the shell runs (the workspace). */
  cwd: string;
  /** A directory that lasts for the job (under RUNNER_TEMP): structured-attrs files go there. */
  jobDir: string;
  /** The step's environment the shell starts from (nix/command.ts `commandEnv`: no inputs, so no secrets). */
  env: Record<string, string>;
}

export interface EnteredShell {
  exports: ShellExports;
  /** Bash functions and arrays the shell defines: they stay in it. */
  functions: number;
  arrays: number;
  /** What the shellHook printed (stdout, then stderr): the producer's text, print it as data. */
  output: string;
}

export function readBuildEnvironment(envPath: string): BuildEnvironment {
  let text: string;
  try {
    text = readFileSync(envPath, 'utf8');
  } catch (error) {
    throw new NotADevShellError(envPath, `cannot read it as a file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseBuildEnvironment(text, envPath);
}

export async function enterDevShell(env: BuildEnvironment, options: EnterOptions): Promise<EnteredShell> {
  const scratch = mkdtempSync(join(options.jobDir, 'enter-'));
  try {
    const buildTop = join(scratch, 'build');
    mkdirSync(buildTop);
    const dumpFile = join(scratch, 'env');
    const { script, files } = enterScript(env, { cwd: options.cwd, buildTop, attrsDir: options.jobDir, dumpFile });
    for (const [file, content] of files) writeFileSync(file, content, { mode: 0o600 });
    const scriptFile = join(scratch, 'rc');
    writeFileSync(scriptFile, script, { mode: 0o600 });
    // Like `nix develop`: bash from the caller's PATH, the rc file as its script.
    const result = await run('bash', [scriptFile], { env: options.env, cwd: options.cwd, allowFailure: true });
    let dump: string;
    try {
      dump = readFileSync(dumpFile, 'utf8');
    } catch {
      const said = result.stderr.trim().split('\n').slice(-5).join('\n');
      throw new Error(`the shell exited (code ${result.code ?? 'signal'}) before its environment could be read${said ? `: ${said}` : ''}`);
    }
    const values = Object.values(env.variables);
    return {
      exports: shellExports(options.env, parseDump(dump)),
      functions: Object.keys(env.bashFunctions).length,
      arrays: values.filter((v) => v.type === 'array' || v.type === 'associative').length,
      output: `${result.stdout}${result.stderr}`,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
