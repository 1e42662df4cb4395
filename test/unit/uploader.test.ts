// The uploader's scheduling: a target whose query costs a request per path (a plain binary cache)
// is asked about each path in that path's upload slot — no separate phase of queries first — and a
// target that cannot answer stops the push as a failed batch query does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Sha256 } from '../../src/nix/hash.ts';
import type { PathInfo } from '../../src/nix/path-info.ts';
import type { PushContext, PushTarget } from '../../src/push/target.ts';
import { pushToTarget } from '../../src/push/uploader.ts';

function info(name: string, refs: string[] = []): PathInfo {
  const p = (n: string) => `/nix/store/${n.padEnd(32, '0')}-${n}`;
  return { path: p(name), narHash: Sha256.fromBytes(Buffer.alloc(32, 1)), narSize: 1, references: refs.map(p).sort(), deriver: null, sigs: [], ca: null };
}

const ctx: PushContext = { signal: new AbortController().signal, log: { info: () => undefined, warning: () => undefined, debug: () => undefined } };

/** A cache holding `present`, answering one path per query, recording what it was asked and sent. */
function perPathCache(present: readonly PathInfo[], failQueryOf: PathInfo | null = null): PushTarget & { calls: string[] } {
  const held = new Set(present.map((i) => i.path));
  const calls: string[] = [];
  const name = (p: string) => p.slice(44);
  return {
    label: 'cache',
    perPathQueries: 1,
    calls,
    async missing(paths) {
      assert.equal(paths.length, 1, 'asked one path at a time');
      const [one] = paths as [PathInfo];
      calls.push(`ask ${name(one.path)}`);
      if (one.path === failQueryOf?.path) throw new Error('cache down');
      return new Set(held.has(one.path) ? [] : [one.path]);
    },
    async upload(path) {
      calls.push(`put ${name(path.path)}`);
      held.add(path.path);
      return { bytes: 1 };
    },
  };
}

test('a per-path target is asked about each path while earlier ones upload, not all first; what it holds is not sent', async () => {
  const [a, b, c, d] = [info('a'), info('b', ['a']), info('c', ['b']), info('d', ['c'])] as [PathInfo, PathInfo, PathInfo, PathInfo];
  const cache = perPathCache([b]);
  const report = await pushToTarget(cache, [a, b, c, d], { jobs: 1, ctx });
  assert.deepEqual([...cache.calls].sort(), ['ask a', 'ask b', 'ask c', 'ask d', 'put a', 'put c', 'put d']);
  for (const p of ['a', 'c', 'd']) assert.ok(cache.calls.indexOf(`ask ${p}`) < cache.calls.indexOf(`put ${p}`), `${p} asked before it is sent`);
  // No phase of questions first: the first upload starts before the last question.
  assert.ok(cache.calls.indexOf('put a') < cache.calls.indexOf('ask d'), cache.calls.join(', '));
  assert.deepEqual([report.uploaded, report.alreadyPresent, report.error, report.failed, report.blocked], [3, 1, null, [], 0]);
});

test('a per-path query that fails is the target failing: nothing more is tried', async () => {
  const [a, b, c, d] = [info('a'), info('b'), info('c'), info('d')] as [PathInfo, PathInfo, PathInfo, PathInfo];
  const cache = perPathCache([], b);
  const report = await pushToTarget(cache, [a, b, c, d], { jobs: 1, ctx });
  assert.ok(!cache.calls.includes('ask d') && !cache.calls.includes('put c') && !cache.calls.includes('put d'), cache.calls.join(', '));
  assert.equal(report.error, 'cache down');
  assert.deepEqual([report.failed, report.blocked], [[], 0]);
});
