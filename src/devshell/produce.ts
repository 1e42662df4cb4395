// The producer's side: each `dev-shells` line NAME=INSTALLABLE becomes the `…-env` store path Nix
// built for it in this job (`nix print-dev-env --profile P` leaves P pointing there). That path is
// recorded as built — it holds the build's temp dir, core count and Nix version, so no consumer
// could recompute it — pushed with its closure, and published as a dev shell with its system.
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../nix/command.ts';
import { installableArgs, NIX_FLAGS } from '../nix/installable.ts';
import { isStorePath } from '../pins/format.ts';
import { readBuildEnvironment } from './enter.ts';
import { environmentSystem } from './environment.ts';

export interface DevShellSpec {
  name: string;
  installable: string;
}

export interface DevShellPin {
  name: string;
  /** The `…-env` store path. */
  path: string;
  /** The platform it was built for (`system` in the environment). */
  system: string;
}

async function devShellPin(spec: DevShellSpec, profile: string): Promise<DevShellPin> {
  const args = [...NIX_FLAGS, 'print-dev-env', '--profile', profile, ...installableArgs(spec.installable)];
  const result = await run('nix', args, { allowFailure: true });
  if (result.code !== 0) throw new Error(`nix print-dev-env failed: ${result.stderr.trim().split('\n').slice(-3).join('\n')}`);
  const path = realpathSync(profile);
  if (!isStorePath(path) || !path.endsWith('-env')) throw new Error(`nix print-dev-env left ${path}, not a …-env store path`);
  // Every derivation has `system`; Nix itself would fall back to the local one.
  const system = environmentSystem(readBuildEnvironment(path));
  if (system === null) throw new Error(`${path} names no system`);
  return { name: spec.name, path, system };
}

/** The environment of every shell; profiles in `dir` are the paths' GC roots until the push is done. */
export async function devShellPins(specs: readonly DevShellSpec[], dir: string): Promise<DevShellPin[]> {
  const pins: DevShellPin[] = [];
  for (const [i, spec] of specs.entries()) {
    try {
      pins.push(await devShellPin(spec, join(dir, `dev-shell-${i}`)));
    } catch (error) {
      throw new Error(`dev-shells: ${spec.name} (${spec.installable}): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return pins;
}

/** What post found for `dev-shells`: the pins to publish, or why none can be. */
export interface ProducedShells {
  pins: DevShellPin[];
  error: string | null;
}

/** Fills `into` and returns the paths to push; a shell that fails is recorded, not thrown. */
export async function produceDevShells(specs: readonly DevShellSpec[], dir: string, into: ProducedShells): Promise<string[]> {
  if (specs.length === 0) return [];
  try {
    into.pins = await devShellPins(specs, dir);
  } catch (error) {
    into.error = error instanceof Error ? error.message : String(error);
  }
  return into.pins.map((p) => p.path);
}
