// What the pin features tell the user: the publish result, and — in a consumer's post step — the
// derivations this job built although its caches were expected to serve them (a silent cache miss:
// the build succeeds, only slower, unless someone looks).
import * as core from '@actions/core';
import type { PathInfo } from '../nix/path-info.ts';
import { baseName } from '../nix/path-info.ts';
import { text } from '../report.ts';
import type { PinPublishReport } from './producer.ts';


/** `wasm-bindgen-cli-0.2.92` → `wasm-bindgen-cli`: the part a rebuild keeps when its hash changes. */
export function packageName(name: string): string {
  return name.replace(/-[0-9].*$/, '');
}

/** Store path → its name (`/nix/store/<hash>-name` → `name`). */
export function storeName(path: string): string {
  return baseName(path).slice(33);
}

/**
 * Paths the job built itself (no signature: substituted paths carry their cache's) whose package
 * name is one the caches were expected to serve. `.drv` files are instantiated, not built.
 */
export function unexpectedBuilds(newPaths: readonly PathInfo[], expectedNames: readonly string[]): string[] {
  const expected = new Set(expectedNames.map(packageName));
  return newPaths
    .filter((i) => !i.path.endsWith('.drv') && i.sigs.length === 0 && expected.has(packageName(storeName(i.path))))
    .map((i) => i.path)
    .sort();
}

export function addRebuildSummary(paths: readonly string[]): void {
  core.summary
    .addHeading('Built locally, expected from a cache', 3)
    .addRaw(
      'These have the names of paths the configured caches serve (installed pins, their closures, require-substituted), yet this job built them: the caches held a different version or build of them.',
      true,
    )
    .addList(paths.map((p) => `<code>${text(p)}</code>`));
}

export function addPinPublishSummary(r: PinPublishReport): void {
  core.summary.addHeading('Pin set', 3).addRaw(`Status: <b>${r.status}</b> (${text(r.url)})${r.reason ? ` — ${text(r.reason)}` : ''}`, true);
  const names = Object.keys(r.pins).sort();
  if (r.status === 'published' && names.length > 0) {
    core.summary.addTable([
      [{ data: 'name', header: true }, { data: 'store path', header: true }],
      ...names.map((n) => [text(n), `<code>${text(r.pins[n] ?? '')}</code>`]),
    ]);
  }
}
