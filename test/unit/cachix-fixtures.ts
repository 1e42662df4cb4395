// Real store paths for the Cachix tests: a tiny one and an 11 MB incompressible one that refers to
// it, so its NAR spans three parts of S3's minimum 5 MiB (the double refuses smaller ones but the
// last). Built with nix-build; builder /bin/sh, no network.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NIX_COMMAND, run } from '../../src/nix/command.ts';
import { parsePathInfoJson, type PathInfo } from '../../src/nix/path-info.ts';
import { SH_DERIVATION } from '../harness/nix.ts';

export interface Fixture {
  small: PathInfo;
  big: PathInfo;
  /** big's closure, references first. */
  closure: PathInfo[];
}

const EXPR = `
let
  ${SH_DERIVATION}
  small = mk "cachix-test-small" "echo small > $out";
  big = mk "cachix-test-big" ''
    mkdir $out
    echo ${'$'}{small} > $out/ref
    head -c 11000000 /dev/urandom > $out/data
  '';
in { inherit small big; }
`;

export async function buildFixture(): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'cachix-fixture-'));
  try {
    const file = join(dir, 'default.nix');
    await writeFile(file, EXPR);
    const built = await run('nix-build', ['--no-out-link', file, '-A', 'small', '-A', 'big']);
    const [smallPath, bigPath] = built.stdout.trim().split('\n');
    if (!smallPath || !bigPath) throw new Error(`nix-build printed ${built.stdout}`);
    const closure = await pathInfos([smallPath, bigPath]);
    const small = closure.find((p) => p.path === smallPath);
    const big = closure.find((p) => p.path === bigPath);
    if (!small || !big) throw new Error('path-info lacks the built paths');
    return { small, big, closure: [small, big] };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function pathInfos(paths: string[]): Promise<PathInfo[]> {
  const { stdout } = await run('nix', [...NIX_COMMAND, 'path-info', '--json', ...paths]);
  return parsePathInfoJson(stdout);
}

/** A separate chroot store that substitutes `path` from `url` only; returns the exit code and stderr. */
export async function coldSubstitute(path: string, url: string, key: string, extra: string[] = []): Promise<{ code: number | null; stderr: string; store: string }> {
  const store = await mkdtemp(join(tmpdir(), 'cachix-cold-'));
  const result = await run(
    'nix-store',
    ['--store', store, '-r', path, '--option', 'substituters', url, '--option', 'trusted-public-keys', key, '--option', 'narinfo-cache-negative-ttl', '0', ...extra],
    { allowFailure: true },
  );
  return { code: result.code, stderr: result.stderr, store };
}

export async function removeStore(store: string): Promise<void> {
  await run('chmod', ['-R', 'u+w', store], { allowFailure: true });
  await rm(store, { recursive: true, force: true });
}
