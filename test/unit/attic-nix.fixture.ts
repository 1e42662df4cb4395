// Real Nix store paths for the attic tests (the shared harness may replace this later): tiny
// derivations built by nix-build with /bin/sh, and path info read back from the store.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NIX_COMMAND, run } from '../../src/nix/command.ts';
import { parsePathInfoJson, type PathInfo } from '../../src/nix/path-info.ts';

const SH = (name: string, script: string) =>
  `derivation { name = "${name}"; system = builtins.currentSystem; builder = "/bin/sh"; PATH = "/usr/bin:/bin"; args = [ "-c" ${JSON.stringify(script)} ]; }`;

/** `top` references `dep`; `big` references 30 files with long names, so its attic info JSON exceeds 4 KiB. */
const EXPRESSION = (salt: string) => {
  const refs = Array.from({ length: 30 }, (_, i) => `(builtins.toFile "attic-preamble-ref-${i}-${'x'.repeat(150)}" "ref ${i} ${salt}")`);
  return `let
  dep = ${SH(`attic-test-dep`, `echo dep ${salt} > $out`)};
  top = derivation { name = "attic-test-top"; system = builtins.currentSystem; builder = "/bin/sh"; PATH = "/usr/bin:/bin"; inherit dep;
    args = [ "-c" "mkdir $out; echo $dep > $out/ref; echo ${salt} > $out/file; head -c 3000 /dev/zero > $out/zeros" ]; };
  big = derivation { name = "attic-test-big"; system = builtins.currentSystem; builder = "/bin/sh"; PATH = "/usr/bin:/bin";
    refs = [ ${refs.join(' ')} ];
    args = [ "-c" "echo $refs > $out" ]; };
in { inherit dep top big; }`;
};

export interface Fixture {
  dep: PathInfo;
  top: PathInfo;
  big: PathInfo;
  /** Path infos of everything in top's closure, references first. */
  topClosure: PathInfo[];
  bigClosure: PathInfo[];
}

export async function pathInfos(paths: readonly string[]): Promise<PathInfo[]> {
  const { stdout } = await run('nix', [...NIX_COMMAND, 'path-info', '--json', ...paths]);
  return parsePathInfoJson(stdout);
}

/** Closure in dependency order (references before referrers), as `nix-store -qR` prints it. */
export async function closure(path: string): Promise<PathInfo[]> {
  const { stdout } = await run('nix-store', ['-qR', path]);
  const order = stdout.trim().split('\n');
  const infos = new Map((await pathInfos(order)).map((i) => [i.path, i]));
  return order.map((p) => {
    const info = infos.get(p);
    if (!info) throw new Error(`no path info for ${p}`);
    return info;
  });
}

/** Builds the fixture derivations (salted, so a test can ask for paths no cache has seen). */
export async function buildFixture(salt = 'attic-v1'): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'attic-fixture-'));
  try {
    const file = join(dir, 'default.nix');
    await writeFile(file, EXPRESSION(salt));
    const built: string[] = [];
    for (const attr of ['dep', 'top', 'big']) {
      const { stdout } = await run('nix-build', [file, '-A', attr, '--no-out-link', '--option', 'substituters', '']);
      built.push(stdout.trim());
    }
    const [dep, top, big] = await pathInfos(built);
    if (!dep || !top || !big) throw new Error('nix path-info returned fewer paths than built');
    const byPath = new Map([dep, top, big].map((i) => [i.path, i]));
    const ordered = built.map((p) => byPath.get(p) as PathInfo);
    return {
      dep: ordered[0] as PathInfo,
      top: ordered[1] as PathInfo,
      big: ordered[2] as PathInfo,
      topClosure: await closure(built[1] as string),
      bigClosure: await closure(built[2] as string),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
