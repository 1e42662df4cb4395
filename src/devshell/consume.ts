// The consumer's side of `dev-shell: NAME`: find NAME among the published pins, check it is a dev
// shell for this runner's platform, realise its environment by substitution only (no .drv, nothing
// evaluated or built), enter it once and hand its variables and PATH to the job's later steps.
import type { Logger } from '../log.ts';
import { commandEnv } from '../nix/command.ts';
import { enterDevShell, readBuildEnvironment, type EnteredShell } from './enter.ts';
import { environmentSystem } from './environment.ts';

/** A pin as the published pin set lists it (validated there). */
export interface PublishedPin {
  path: string;
  devShell?: boolean;
  system?: string;
}

/** Where later steps get what the shell exports (GITHUB_ENV, GITHUB_PATH). */
export interface JobEnvironment {
  exportVariable(name: string, value: string): void;
  addPath(directory: string): void;
}

export class DevShellError extends Error {
  constructor(shell: string, message: string) {
    super(`dev-shell ${shell}: ${message}`);
    this.name = 'DevShellError';
  }
}

/** The pin named `shell`, checked to be a dev shell built for `system`. */
export function pickDevShell(shell: string, pins: Readonly<Record<string, PublishedPin>>, source: string, system: string): PublishedPin {
  const pin = Object.hasOwn(pins, shell) ? pins[shell] : undefined;
  if (!pin) {
    const shells = Object.keys(pins).filter((n) => pins[n]?.devShell);
    throw new DevShellError(shell, `no pin of that name in ${source} (dev shells there: ${shells.length > 0 ? shells.join(', ') : 'none'})`);
  }
  if (!pin.devShell) throw new DevShellError(shell, `${source} has it as a plain pin (${pin.path}), not a dev shell: publish it with the producer's dev-shells input`);
  if (pin.system !== undefined && pin.system !== system) throw new DevShellError(shell, `it was built for ${pin.system}; this runner's Nix is ${system}`);
  return pin;
}

export interface UseDevShellOptions {
  shell: string;
  pin: PublishedPin;
  system: string;
  /** Realises the path by substitution only; throws when no cache has it. */
  realise(path: string): Promise<void>;
  workspace: string;
  /** Lasts for the job (under RUNNER_TEMP). */
  jobDir: string;
  job: JobEnvironment;
  log: Logger;
  /** Prints the shellHook's output as data (never as workflow commands). */
  printOutput(text: string): void;
}

export async function useDevShell(o: UseDevShellOptions): Promise<EnteredShell> {
  try {
    await o.realise(o.pin.path);
  } catch (error) {
    throw new DevShellError(o.shell, `${o.pin.path} is not in any configured cache (${error instanceof Error ? error.message : String(error)})`);
  }
  o.log.info(`dev shell ${o.shell}: ${o.pin.path}, entering it in ${o.workspace}`);
  let entered: EnteredShell;
  try {
    const env = readBuildEnvironment(o.pin.path);
    const built = environmentSystem(env);
    if (built !== null && built !== o.system) throw new Error(`it was built for ${built}; this runner's Nix is ${o.system}`);
    entered = await enterDevShell(env, { envPath: o.pin.path, cwd: o.workspace, jobDir: o.jobDir, env: commandEnv() });
  } catch (error) {
    throw new DevShellError(o.shell, error instanceof Error ? error.message : String(error));
  }
  if (entered.output.trim()) o.printOutput(entered.output);
  applyExports(o.shell, entered, o.job, o.log);
  return entered;
}

function applyExports(shell: string, entered: EnteredShell, job: JobEnvironment, log: Logger): void {
  const { variables, path, leftOut, unset } = entered.exports;
  for (const [name, value] of variables) job.exportVariable(name, value);
  // Each GITHUB_PATH entry goes before the ones added earlier: add the last first.
  for (const dir of [...path].reverse()) job.addPath(dir);
  log.info(
    `dev shell ${shell}: ${variables.size} variable(s) and ${path.length} PATH entr${path.length === 1 ? 'y' : 'ies'} exported to later steps` +
      (entered.functions + entered.arrays > 0 ? `; ${entered.functions} bash function(s) and ${entered.arrays} array(s) stay in the shell (they cannot cross steps)` : ''),
  );
  for (const [name, why] of leftOut) log.debug(`dev shell ${shell}: not exported: ${name} (${why})`);
  if (unset.length > 0) log.debug(`dev shell ${shell}: the shell unsets ${unset.join(', ')}, but later steps keep them (a step cannot unset a job variable)`);
}
