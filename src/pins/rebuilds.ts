// Post step, consumer side: which of the paths this job added were built here although the caches
// were expected to serve them (names recorded by main: installed pins and their closures, the pin
// set, require-substituted). Costs a store scan, so it runs only when main recorded such names.
import { newEntries } from '../nix/snapshot.ts';
import { queryPathInfo, validPaths } from '../nix/store.ts';
import type { MainState } from '../state.ts';
import { unexpectedBuilds } from './report.ts';

export async function findRebuilds(state: MainState): Promise<string[]> {
  const expected = state.expectedNames ?? [];
  if (expected.length === 0 || state.snapshotAt === null) return [];
  const added = (await validPaths(await newEntries(state.snapshotAt))).filter((p) => !p.endsWith('.drv'));
  return unexpectedBuilds(await queryPathInfo(added), expected);
}
