// The GitHub Actions cache double against the real client (@actions/cache 6 and the Azure SDK it
// uploads with): what a client does right passes, what the real service refuses is refused.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BlockBlobClient } from '@azure/storage-blob';
import * as cache from '@actions/cache';
import { READ, WRITE, startGitHubCache, type GitHubCacheDouble } from '../doubles/github-cache.ts';

let svc: GitHubCacheDouble;
let work: string;
const saved = { ...process.env };

function useEnv(env: Record<string, string>): void {
  for (const k of Object.keys(process.env)) if (/^(ACTIONS_|GITHUB_WORKSPACE$|RUNNER_TEMP$)/.test(k)) delete process.env[k];
  Object.assign(process.env, env);
}

/** A workspace holding `dir/file` with `text`, cwd there (paths are relative to it). */
function workspace(text: string | null): string {
  const ws = mkdtempSync(join(work, 'ws-'));
  if (text !== null) {
    mkdirSync(join(ws, 'dir'));
    writeFileSync(join(ws, 'dir', 'file'), text);
  }
  process.env.GITHUB_WORKSPACE = ws;
  process.env.RUNNER_TEMP = join(ws, '..');
  process.chdir(ws);
  return ws;
}

const main = [{ scope: 'refs/heads/main', permission: READ | WRITE }];
const pr = [{ scope: 'refs/pull/7/merge', permission: READ | WRITE }, { scope: 'refs/heads/main', permission: READ }];

describe('GitHub Actions cache double', () => {
  before(async () => {
    svc = await startGitHubCache();
    work = mkdtempSync(join(tmpdir(), 'gha-double-'));
  });
  after(async () => {
    process.chdir(tmpdir());
    process.env = saved;
    await svc.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('saves and restores through @actions/cache; the key is immutable', async () => {
    useEnv(svc.env(main));
    workspace('hello');
    assert.ok((await cache.saveCache(['dir'], 'k-1')) > 0);
    assert.equal(await cache.saveCache(['dir'], 'k-1'), -1, 'a second save of one key is refused');
    assert.equal(svc.requests.at(-1)?.status, 409);
    const ws = workspace(null);
    assert.equal(await cache.restoreCache(['dir'], 'nope', ['k-']), 'k-1');
    assert.equal(readFileSync(join(ws, 'dir', 'file'), 'utf8'), 'hello');
    assert.equal(await cache.restoreCache(['other'], 'k-1'), undefined, 'another path list is another version');
  });

  it('pull requests read their own scope, then the base branch; the branch never sees theirs', async () => {
    useEnv(svc.env(pr));
    workspace('from pr');
    assert.ok((await cache.saveCache(['dir'], 'pr-1')) > 0);
    assert.equal(svc.entries.at(-1)?.scope, 'refs/pull/7/merge');
    workspace(null);
    assert.equal(await cache.restoreCache(['dir'], 'x', ['k-']), 'k-1');
    useEnv(svc.env(main));
    workspace(null);
    assert.equal(await cache.restoreCache(['dir'], 'x', ['pr-']), undefined);
  });

  it('a read-only token cannot write', async () => {
    useEnv(svc.env([{ scope: 'refs/heads/main', permission: READ }]));
    workspace('x');
    assert.equal(await cache.saveCache(['dir'], 'ro-1'), -1);
    assert.deepEqual(svc.requests.at(-1)?.status, 200);
    assert.ok(!svc.entries.some((e) => e.key === 'ro-1'));
  });

  it('refuses a forged token and throttles with Retry-After', async () => {
    useEnv({ ...svc.env(main), ACTIONS_RUNTIME_TOKEN: `${svc.env(main).ACTIONS_RUNTIME_TOKEN}x` });
    workspace(null);
    assert.equal(await cache.restoreCache(['dir'], 'k-1'), undefined);
    assert.equal(svc.requests.at(-1)?.status, 401);
    useEnv(svc.env(main));
    svc.throttle(30);
    try {
      assert.equal(await cache.restoreCache(['dir'], 'k-1'), undefined);
      assert.equal(svc.requests.at(-1)?.status, 429);
    } finally {
      svc.throttle(null);
    }
  });

  it('takes large uploads as blocks and a block list, and refuses bad SAS and unstaged blocks', async () => {
    useEnv(svc.env(main));
    const res = await fetch(new URL(`/twirp/github.actions.results.api.v1.CacheService/CreateCacheEntry`, svc.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.ACTIONS_RUNTIME_TOKEN}` },
      body: JSON.stringify({ key: 'blocks-1', version: 'a'.repeat(64) }),
    });
    const { signed_upload_url: url } = (await res.json()) as { signed_upload_url: string };
    const data = Buffer.alloc(3 * 1024 * 1024 + 5, 7);
    await new BlockBlobClient(url).uploadData(data, { blockSize: 1024 * 1024, maxSingleShotSize: 1024 * 1024, concurrency: 2 });
    const blob = svc.blobs.blobs.get(svc.entries.at(-1)!.blob)!;
    assert.deepEqual(blob.committed, data);
    assert.deepEqual([...new Set(svc.blobs.requests.slice(-5).map((r) => r.kind))].sort(), ['block', 'blocklist']);
    const forged = url.replace(/sig=[^&]+/, 'sig=AAAA');
    await assert.rejects(new BlockBlobClient(forged).uploadData(Buffer.from('x')), /AuthenticationFailed|403/);
    const put = await fetch(`${url}&comp=blocklist`, { method: 'PUT', body: '<?xml version="1.0" encoding="utf-8"?><BlockList><Latest>bm9wZQ==</Latest></BlockList>' });
    assert.equal(put.status, 400);
  });
});
