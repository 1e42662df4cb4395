// The push plan and the push gate: pure decisions, table-driven.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Sha256 } from '../../src/nix/hash.ts';
import type { PathInfo } from '../../src/nix/path-info.ts';
import { branchMatches, decidePush } from '../../src/push/gate.ts';
import { planPush, selectRoots, topoSort } from '../../src/push/plan.ts';
import type { RunContext } from '../../src/github.ts';

const HASH = Sha256.fromBytes(Buffer.alloc(32, 1));
function info(name: string, refs: string[] = [], sigs: string[] = []): PathInfo {
  const p = (n: string) => `/nix/store/${n.padEnd(32, '0')}-${n}`;
  return { path: p(name), narHash: HASH, narSize: 1, references: refs.map(p).sort(), deriver: null, sigs, ca: null };
}

test('topoSort puts references first, ignores self-references and outside paths', () => {
  const toolchain = info('toolchain');
  const src = info('source');
  const tool = info('tool', ['toolchain', 'source', 'tool', 'outside']);
  const app = info('app', ['tool', 'toolchain']);
  const order = topoSort([app, tool, src, toolchain]).map((i) => i.path);
  for (const [dep, user] of [[toolchain, tool], [src, tool], [tool, app], [toolchain, app]] as const) {
    assert.ok(order.indexOf(dep.path) < order.indexOf(user.path), `${dep.path} before ${user.path}`);
  }
  assert.equal(order.length, 4);
});

test('topoSort handles a deep chain without recursion limits', () => {
  const chain = Array.from({ length: 20_000 }, (_, i) => info(`p${i}`, i > 0 ? [`p${i - 1}`] : []));
  const order = topoSort([...chain].reverse());
  assert.equal(order[0]?.path, chain[0]?.path);
  assert.equal(order.at(-1)?.path, chain.at(-1)?.path);
});

test('planPush drops paths signed by upstream keys, keeps locally built ones', () => {
  const glibc = info('glibc', [], ['cache.nixos.org-1:abc']);
  const other = info('othersig', [], ['mycache-1:abc']);
  const tool = info('tool', ['glibc', 'othersig']);
  const plan = planPush([tool, glibc, other], ['cache.nixos.org-1']);
  assert.deepEqual(plan.upstream.map((i) => i.path), [glibc.path]);
  assert.deepEqual(plan.toPush.map((i) => i.path), [other.path, tool.path]);
  assert.equal(planPush([tool, glibc, other], ['cache.nixos.org-1', 'mycache-1']).toPush.length, 1);
});

test('selectRoots applies include and exclude to roots', () => {
  const paths = ['/nix/store/a-wasm-bindgen-cli-0.2', '/nix/store/b-source', '/nix/store/c-rust-1.80'];
  assert.deepEqual(selectRoots(paths, { include: [], exclude: [] }), paths);
  assert.deepEqual(selectRoots(paths, { include: [/wasm|rust/], exclude: [] }), [paths[0], paths[2]]);
  assert.deepEqual(selectRoots(paths, { include: [], exclude: [/-source$/] }), [paths[0], paths[2]]);
  assert.deepEqual(selectRoots(paths, { include: [/rust/], exclude: [/rust/] }), []);
});

const branch = (b: string, defaultBranch: string | null = null): RunContext => ({ eventName: 'push', ref: `refs/heads/${b}`, branch: b, isPullRequest: false, isFork: false, defaultBranch });
const pr: RunContext = { eventName: 'pull_request', ref: 'refs/pull/7/merge', branch: null, isPullRequest: true, isFork: false, defaultBranch: 'main' };
const forkPr: RunContext = { ...pr, isFork: true };
const tag: RunContext = { eventName: 'push', ref: 'refs/tags/v1', branch: null, isPullRequest: false, isFork: false, defaultBranch: 'main' };

const gates: Array<[string, Parameters<typeof decidePush>, boolean, RegExp?]> = [
  ['auto on main', ['auto', ['main'], branch('main'), 1], true],
  ['auto on another branch', ['auto', ['main'], branch('feature'), 1], false, /does not match/],
  ['auto on a listed glob', ['auto', ['main', 'release/*'], branch('release/1.2'), 1], true],
  ['auto on a pull request', ['auto', ['main'], pr, 1], false, /pull requests/],
  ['auto on a tag', ['auto', ['main'], tag, 1], false, /not a branch/],
  ['auto without credentials', ['auto', ['main'], branch('main'), 0], false, /credentials/],
  ['true on a branch', ['true', ['main'], branch('feature'), 1], true],
  ['true on a tag', ['true', ['main'], tag, 1], true],
  ['true on a same-repo pull request', ['true', ['main'], pr, 1], true],
  ['true on a fork pull request', ['true', ['main'], forkPr, 1], false, /forks/],
  ['false on main', ['false', ['main'], branch('main'), 1], false, /push is false/],
  // push-branches empty: the default branch the event names, main only when it names none.
  ['auto, no push-branches, default branch master, on master', ['auto', [], branch('master', 'master'), 1], true],
  ['auto, no push-branches, default branch master, on main', ['auto', [], branch('main', 'master'), 1], false, /does not match push-branches \(master\)/],
  ['auto, no push-branches, payload silent, on main', ['auto', [], branch('main'), 1], true],
  ['auto, no push-branches, payload silent, on master', ['auto', [], branch('master'), 1], false, /main/],
  ['auto, explicit main on a master-default repo', ['auto', ['main'], branch('main', 'master'), 1], true],
  ['auto, explicit main on master', ['auto', ['main'], branch('master', 'master'), 1], false, /does not match/],
  ['auto, no push-branches, on a tag', ['auto', [], tag, 1], false, /not a branch/],
  ['auto on workflow_dispatch', ['auto', ['main'], { ...branch('main'), eventName: 'workflow_dispatch' }, 1], true],
  ['auto on schedule', ['auto', ['main'], { ...branch('main'), eventName: 'schedule' }, 1], true],
  ['auto on workflow_run (runs after a fork\'s run)', ['auto', ['main'], { ...branch('main'), eventName: 'workflow_run' }, 1], false, /event workflow_run/],
  ['auto on issue_comment', ['auto', ['main'], { ...branch('main'), eventName: 'issue_comment' }, 1], false, /event issue_comment/],
  ['auto on merge_group', ['auto', ['main'], { ...branch('main'), eventName: 'merge_group' }, 1], false, /event merge_group/],
  ['true on workflow_run (explicit opt-in)', ['true', ['main'], { ...branch('main'), eventName: 'workflow_run' }, 1], true],
];
for (const [name, args, pushes, reason] of gates) {
  test(`gate: ${name}`, () => {
    const d = decidePush(...args);
    assert.equal(d.push, pushes);
    if (!d.push && reason) assert.match(d.reason, reason);
  });
}

test('branch globs', () => {
  assert.ok(branchMatches('main', 'main'));
  assert.ok(!branchMatches('main2', 'main'));
  assert.ok(branchMatches('release/1', 'release/*'));
  assert.ok(!branchMatches('release/1/x', 'release/*'));
  assert.ok(branchMatches('release/1/x', 'release/**'));
  assert.ok(branchMatches('v1.2', 'v?.?'));
  assert.ok(!branchMatches('v1x2', 'v1.2'));
});
