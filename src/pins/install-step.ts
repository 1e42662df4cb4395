// The main step's part for consumers (`pins-from` + `install`): realise, put on PATH, set
// the `installed` output. Returns the names the caches serve, for post's rebuild report.
import * as core from '@actions/core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../config.ts';
import { Outputs } from '../constants.ts';
import { installPins } from './consumer.ts';
import type { PinSet } from './format.ts';
import { publicUrl } from './producer.ts';

/** `configured`: the substituter URLs this job applied (its own inputs: the only trust there is). */
export async function installFromSettings(settings: Settings, set: PinSet, configured: readonly string[], workDir: string): Promise<string[]> {
  const from = settings.pinsFrom as string;
  const rootDir = join(workDir, 'pins'); // GC roots for the job; RUNNER_TEMP is emptied after it
  mkdirSync(rootDir, { recursive: true });
  const done = await installPins(set, settings.install, from, configured.map(publicUrl), rootDir);
  // addPath prepends: add in reverse so the first name asked for comes first on PATH.
  for (const dir of [...done.binDirs].reverse()) core.addPath(dir);
  core.setOutput(Outputs.Installed, done.paths.map((p) => p.path).join('\n'));
  for (const p of done.paths) core.info(`install: ${p.name} → ${p.path}`);
  return done.servedNames;
}
