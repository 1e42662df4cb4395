// The action's private working directories.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh private directory under RUNNER_TEMP (removed by the runner when the job ends). */
export function workRoot(): string {
  const base = process.env.RUNNER_TEMP || tmpdir();
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, 'nix-substitute-action-'));
}
