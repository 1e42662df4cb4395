// The main step's part for `dev-shell: NAME` (with `pins-from`): realise the published environment
// from the caches this job configured, enter it once, export what it sets to later steps and set
// the `dev-shell` output. Returns the names of the shell's closure (post's rebuild report).
import * as core from '@actions/core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readNixSettings } from '../configure/nix-settings.ts';
import { Outputs } from '../constants.ts';
import { redactUrl } from '../http.ts';
import type { Logger } from '../log.ts';
import { baseName } from '../nix/path-info.ts';
import type { PinSet } from '../pins/format.ts';
import { localClosure, realiseByPath } from '../pins/store.ts';
import { pickDevShell, useDevShell } from './consume.ts';

const log: Logger = { info: core.info, warning: core.warning, debug: core.debug };

/** The shell's own output goes to the log as data: workflow commands in it are not run. */
function printVerbatim(text: string): void {
  const token = `dev-shell-${crypto.randomUUID()}`;
  core.info(`::stop-commands::${token}`);
  core.info(text.replace(/\n$/, ''));
  core.info(`::${token}::`);
}

export async function enterDevShellStep(shell: string, set: PinSet, from: string, workDir: string): Promise<string[]> {
  const system = String((await readNixSettings())['system'] ?? '');
  const pin = pickDevShell(shell, set.pins, `the pin set at ${redactUrl(from)}`, system);
  // GC root and structured-attrs files for the rest of the job (RUNNER_TEMP is emptied after it).
  const jobDir = join(workDir, 'dev-shell');
  mkdirSync(jobDir, { recursive: true });
  await useDevShell({
    shell,
    pin,
    system,
    async realise(path) {
      const r = await realiseByPath([path], join(jobDir, 'env'));
      if (!r.ok) throw new Error(`Nix said: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`);
    },
    workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
    jobDir,
    job: { exportVariable: core.exportVariable, addPath: core.addPath },
    log,
    printOutput: printVerbatim,
  });
  core.setOutput(Outputs.DevShell, pin.path);
  return [...new Set((await localClosure([pin.path])).map((p) => baseName(p).slice(33)))].sort();
}
