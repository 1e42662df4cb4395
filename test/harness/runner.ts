// Runs the bundled action (dist/main.js, dist/post.js) and build steps the way GitHub's runner does:
// INPUT_* / STATE_* / GITHUB_* variables, fresh file-command files per step, GITHUB_ENV and
// GITHUB_PATH carried to later steps (post included), workflow commands parsed from the logs.
//
//   const job = new Job({ inputs: { 'cachix-name': 'x' } });
//   try {
//     const main = await job.main();              // configure step
//     await job.shell('nix-build f.nix');          // the user's build, sees main's GITHUB_ENV
//     const post = await job.post();               // push step, sees STATE_* from main
//   } finally { job.dispose(); }
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { evaluateDefault, readActionInputs } from './action-yml.ts';
import { parseFileCommands, parsePathFile, parseWorkflowCommands, type WorkflowCommand } from './commands.ts';
import { DEFAULT_TIMEOUT_MS, runProcess } from './process.ts';

/** The repository root (where action.yml and dist/ live), independent of the test's cwd. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

export interface JobOptions {
  /** Action inputs by their action.yml name (`with:`); used by main and post. */
  inputs?: Record<string, string>;
  /** Job-level env (`env:`), seen by every step. Secrets given as env go here. */
  env?: Record<string, string>;
  /** GITHUB_REF. Default 'refs/heads/main'. */
  ref?: string;
  /** GITHUB_EVENT_NAME. Default 'push'. */
  eventName?: string;
  /** Event payload, written to the file in GITHUB_EVENT_PATH. Default {}. */
  event?: object;
  /** GITHUB_REPOSITORY. Default 'owner/repo'. */
  repository?: string;
  /** Directory holding action.yml and dist/. Default REPO_ROOT (a fake action in harness tests). */
  actionDir?: string;
  /** Default per-step timeout. Default 120 s. */
  timeoutMs?: number;
  /**
   * nix.conf for the job's Nix, via NIX_CONF_DIR=<job>/nix-conf. Default JOB_NIX_CONF: no
   * substituters (cache.nixos.org is unreachable here and costs ~5 s of retries per Nix call), so
   * steps see only what the action configures. `false`: use the machine's /etc/nix/nix.conf.
   */
  nixConf?: string | false;
  /**
   * Run every step as this (non-root) user, as a runner service account would (needs root: the
   * job dir is chowned to the user and steps start through `setpriv`, which keeps the env).
   */
  user?: string;
}

/** Default job nix.conf: the machine's settings minus substituters/keys. */
export const JOB_NIX_CONF = `substituters =
trusted-public-keys =
sandbox = false
experimental-features = nix-command
`;

export interface StepOptions {
  /** Kill the step (whole process group) after this long; the result then has timedOut=true. */
  timeoutMs?: number;
  /** Step-level `env:`; wins over job env and GITHUB_ENV exports. */
  env?: Record<string, string>;
  /** Working directory. Default the job's workspace (GITHUB_WORKSPACE). */
  cwd?: string;
  /** Written to the step's stdin. */
  input?: string;
  /** Called with the step's pid once it started (to signal it as the runner does on cancel). */
  onSpawn?: (pid: number) => void;
}

export interface StepResult {
  /** Exit code; null when killed (see timedOut). */
  code: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** What the step wrote to GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** Raw GITHUB_STEP_SUMMARY Markdown. */
  summary: string;
  /** What the step wrote to GITHUB_STATE. */
  state: Record<string, string>;
  /** What the step wrote to GITHUB_ENV. */
  exported: Record<string, string>;
  /** Directories the step wrote to GITHUB_PATH. */
  addedPath: string[];
  /** Values from `::add-mask::` (stdout, then stderr; the runner reads both). */
  masks: string[];
  /** Messages of `::warning…::` / `::error…::` commands. */
  warnings: string[];
  errors: string[];
  /** Every workflow command, for anything not covered above (notice, debug, group…). */
  commands: WorkflowCommand[];
  durationMs: number;
}

// Variables of the test process that would make a step see another job's (or the test runner's) state.
const STRIPPED =
  /^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_|XDG_)|^(NIX_CONFIG|NIX_CONF_DIR|NIX_USER_CONF_FILES|NIX_REMOTE|NODE_TEST_CONTEXT|NODE_OPTIONS)$/;

const FILE_COMMANDS = {
  GITHUB_ENV: 'set_env',
  GITHUB_STATE: 'save_state',
  GITHUB_OUTPUT: 'set_output',
  GITHUB_STEP_SUMMARY: 'step_summary',
  GITHUB_PATH: 'add_path',
} as const;
type FileCommand = keyof typeof FILE_COMMANDS;

export class Job {
  /** Per-job temp dir; everything below is removed by dispose(). */
  readonly dir: string;
  readonly runnerTemp: string;
  readonly workspace: string;
  /** HOME of every step: keeps ~/.config/nix, ~/.cache/nix, netrc… out of the real home. */
  readonly home: string;
  readonly eventPath: string;
  /** NIX_CONF_DIR of every step (holds nix.conf), or null with `nixConf: false`. */
  readonly nixConfDir: string | null;
  readonly inputs: Record<string, string>;
  /** GITHUB_ENV exports so far (seen by later steps, post included). */
  readonly exported: Record<string, string> = {};
  /** GITHUB_PATH entries so far, most recent first (prepended to PATH of later steps). */
  readonly path: string[] = [];
  /** State saved by the last main step (becomes STATE_* of post). */
  mainState: Record<string, string> | null = null;

  private readonly options: JobOptions;
  private step = 0;
  private mainInputs: Record<string, string> = {};

  constructor(options: JobOptions = {}) {
    this.options = options;
    this.inputs = { ...options.inputs };
    this.dir = mkdtempSync(path.join(tmpdir(), 'e2e-job-'));
    this.runnerTemp = path.join(this.dir, 'runner-temp');
    this.workspace = path.join(this.dir, 'workspace');
    this.home = path.join(this.dir, 'home');
    this.eventPath = path.join(this.dir, '_github_workflow', 'event.json');
    for (const d of [this.runnerTemp, this.workspace, this.home, path.dirname(this.eventPath), this.fileCommandDir]) {
      mkdirSync(d, { recursive: true });
    }
    writeFileSync(this.eventPath, JSON.stringify(options.event ?? {}));
    this.nixConfDir = options.nixConf === false ? null : path.join(this.dir, 'nix-conf');
    if (this.nixConfDir !== null) {
      mkdirSync(this.nixConfDir);
      writeFileSync(path.join(this.nixConfDir, 'nix.conf'), typeof options.nixConf === 'string' ? options.nixConf : JOB_NIX_CONF);
    }
    if (options.user !== undefined) {
      const id = (flag: string): number => Number(execFileSync('id', [flag, options.user as string], { encoding: 'utf8' }).trim());
      this.owner = { uid: id('-u'), gid: id('-g') };
      execFileSync('chown', ['-R', `${this.owner.uid}:${this.owner.gid}`, this.dir]);
    }
  }

  /** uid/gid of JobOptions.user, or null when steps run as the test process's user. */
  private readonly owner: { uid: number; gid: number } | null = null;

  private get fileCommandDir(): string {
    return path.join(this.dir, '_runner_file_commands');
  }

  /** Runs dist/main.js as the action's main step. `inputs` are merged over the job's inputs. */
  async main(inputs?: Record<string, string>, options: StepOptions = {}): Promise<StepResult> {
    this.mainInputs = { ...this.inputs, ...inputs };
    const result = await this.runStep(process.execPath, [this.distFile('main.js')], this.inputEnv(this.mainInputs), options);
    this.mainState = result.state;
    return result;
  }

  /** Runs dist/post.js with main's inputs (merged with `inputs`) and STATE_* from main's GITHUB_STATE. */
  async post(inputs?: Record<string, string>, options: StepOptions = {}): Promise<StepResult> {
    if (this.mainState === null) throw new Error('post() before main(): the runner registers post only after main ran');
    const state: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.mainState)) state[`STATE_${k}`] = v;
    const env = { ...this.inputEnv({ ...this.mainInputs, ...inputs }), ...state };
    return this.runStep(process.execPath, [this.distFile('post.js')], env, options);
  }

  /** Runs a program as a build step (`run:`), with the env and PATH accumulated so far. */
  exec(command: string, args: readonly string[] = [], options: StepOptions = {}): Promise<StepResult> {
    return this.runStep(command, args, {}, options);
  }

  /** Runs a bash script as a `run:` step does (`bash -e {0}`). */
  shell(script: string, options: StepOptions = {}): Promise<StepResult> {
    return this.runStep('/bin/bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', script], {}, options);
  }

  /** The environment the next step would get (without per-step file-command variables). */
  stepEnv(stepEnv: Record<string, string> = {}): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !STRIPPED.test(k)) env[k] = v;
    Object.assign(env, {
      HOME: this.home,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_REF: this.options.ref ?? 'refs/heads/main',
      GITHUB_EVENT_NAME: this.options.eventName ?? 'push',
      GITHUB_EVENT_PATH: this.eventPath,
      GITHUB_REPOSITORY: this.options.repository ?? 'owner/repo',
      GITHUB_REPOSITORY_OWNER: (this.options.repository ?? 'owner/repo').split('/')[0] ?? '',
      GITHUB_WORKSPACE: this.workspace,
      GITHUB_SHA: '0000000000000000000000000000000000000000',
      GITHUB_RUN_ID: '1',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: 'e2e',
      GITHUB_WORKFLOW: 'e2e',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: 'https://api.github.com',
      RUNNER_TEMP: this.runnerTemp,
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: process.arch === 'arm64' ? 'ARM64' : 'X64',
      // Retries keep the cachix client's shape but wait 1/100 of its times (src/retry.ts), so a
      // cache that stays down costs a test about a second, not 90.
      NIX_SUBSTITUTE_ACTION_TEST_RETRY_SCALE: '0.01',
    });
    if (this.nixConfDir !== null) env['NIX_CONF_DIR'] = this.nixConfDir;
    Object.assign(env, this.options.env, this.exported, stepEnv);
    if (this.path.length > 0) env['PATH'] = [...this.path, env['PATH'] ?? ''].join(path.delimiter);
    return env;
  }

  /** Every file under the job dir (absolute paths, sorted): RUNNER_TEMP, HOME, workspace, file commands. */
  leftoverFiles(): string[] {
    return readdirSync(this.dir, { recursive: true, withFileTypes: true })
      .filter((e) => !e.isDirectory())
      .map((e) => path.join(e.parentPath, e.name))
      .sort();
  }

  /** Removes the job dir. Safe to call twice. */
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private distFile(name: string): string {
    return path.join(this.options.actionDir ?? REPO_ROOT, 'dist', name);
  }

  // INPUT_<NAME> for every declared input (given value, else default, else ''), plus undeclared given ones.
  private inputEnv(inputs: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = {};
    const key = (name: string): string => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
    const declared = readActionInputs(this.options.actionDir ?? REPO_ROOT) ?? [];
    const ctx = { ...this.options.env, ...this.exported };
    for (const d of declared) env[key(d.name)] = inputs[d.name] ?? evaluateDefault(d.default ?? '', ctx);
    for (const [name, value] of Object.entries(inputs)) env[key(name)] = value;
    return env;
  }

  private async runStep(command: string, args: readonly string[], extraEnv: Record<string, string>, options: StepOptions): Promise<StepResult> {
    const n = ++this.step;
    const files = {} as Record<FileCommand, string>;
    for (const [variable, prefix] of Object.entries(FILE_COMMANDS) as [FileCommand, string][]) {
      files[variable] = path.join(this.fileCommandDir, `${prefix}_${n}`);
      writeFileSync(files[variable], '');
      if (this.owner) chownSync(files[variable], this.owner.uid, this.owner.gid);
    }
    const env = { ...this.stepEnv(options.env), ...extraEnv, ...files };
    if (this.owner) {
      // setpriv (util-linux) switches user and groups but, unlike su/runuser, leaves the env alone.
      args = ['--reuid', String(this.owner.uid), '--regid', String(this.owner.gid), '--init-groups', '--', command, ...args];
      command = 'setpriv';
    }
    const proc = await runProcess(command, args, {
      env,
      cwd: options.cwd ?? this.workspace,
      timeoutMs: options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(options.input !== undefined ? { input: options.input } : {}),
      ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
    });
    const read = (v: FileCommand): string => readFileSync(files[v], 'utf8');
    const exported = parseFileCommands(read('GITHUB_ENV'));
    const addedPath = parsePathFile(read('GITHUB_PATH'));
    Object.assign(this.exported, exported);
    this.path.unshift(...[...addedPath].reverse());
    const commands = [...parseWorkflowCommands(proc.stdout), ...parseWorkflowCommands(proc.stderr)];
    const messages = (c: string): string[] => commands.filter((x) => x.command === c).map((x) => x.message);
    return {
      code: proc.code,
      timedOut: proc.timedOut,
      stdout: proc.stdout,
      stderr: proc.stderr,
      outputs: parseFileCommands(read('GITHUB_OUTPUT')),
      summary: read('GITHUB_STEP_SUMMARY'),
      state: parseFileCommands(read('GITHUB_STATE')),
      exported,
      addedPath,
      masks: messages('add-mask'),
      warnings: messages('warning'),
      errors: messages('error'),
      commands,
      durationMs: proc.durationMs,
    };
  }
}
