// What to push: the closures of the chosen roots, minus what upstream caches already serve
// (decided locally from signatures: nothing is sent for those paths), in dependency order.
import { signatureKeyName } from '../nix/keys.ts';
import type { PathInfo } from '../nix/path-info.ts';

export interface RootFilter {
  include: readonly RegExp[];
  exclude: readonly RegExp[];
}

/**
 * include/exclude choose roots only: a dependency of a chosen root is pushed even if excluded,
 * because a consumer cannot substitute a path whose references are missing.
 */
export function selectRoots(paths: readonly string[], filter: RootFilter): string[] {
  return paths.filter(
    (p) => (filter.include.length === 0 || filter.include.some((r) => r.test(p))) && !filter.exclude.some((r) => r.test(p)),
  );
}

export function isUpstream(info: PathInfo, upstreamKeys: ReadonlySet<string>): boolean {
  return info.sigs.some((s) => upstreamKeys.has(signatureKeyName(s)));
}

export interface Plan {
  /** Closure members to push, dependencies before the paths that refer to them. */
  toPush: PathInfo[];
  /** Closure members dropped because an upstream key signed them. */
  upstream: PathInfo[];
}

export function planPush(closure: readonly PathInfo[], upstreamKeys: Iterable<string>): Plan {
  const keys = new Set(upstreamKeys);
  const upstream = closure.filter((i) => isUpstream(i, keys));
  const rest = closure.filter((i) => !isUpstream(i, keys));
  return { toPush: topoSort(rest), upstream };
}

/** Orders paths so that every path comes after the paths it refers to (within the set). */
export function topoSort(infos: readonly PathInfo[]): PathInfo[] {
  const byPath = new Map(infos.map((i) => [i.path, i]));
  const done = new Set<string>();
  const out: PathInfo[] = [];
  // Iterative DFS: closures of thousands of paths would overflow a recursive one.
  for (const start of [...infos].sort((a, b) => a.path.localeCompare(b.path))) {
    if (done.has(start.path)) continue;
    const stack: Array<{ info: PathInfo; next: number }> = [{ info: start, next: 0 }];
    const onStack = new Set([start.path]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { info: PathInfo; next: number };
      const ref = top.info.references[top.next++];
      if (ref === undefined) {
        stack.pop();
        onStack.delete(top.info.path);
        done.add(top.info.path);
        out.push(top.info);
        continue;
      }
      const dep = byPath.get(ref);
      // Self-references and references outside the set need no ordering; cycles cannot occur in a store.
      if (!dep || done.has(ref) || onStack.has(ref)) continue;
      onStack.add(ref);
      stack.push({ info: dep, next: 0 });
    }
  }
  return out;
}
