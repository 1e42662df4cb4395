// narinfo text: our render/parse round trip, narinfos written by the real `nix copy --to file://`,
// and a narinfo we render that the real Nix must accept (`nix store verify` reads NAR and signature).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NIX_COMMAND, run } from '../../src/nix/command.ts';
import { Sha256 } from '../../src/nix/hash.ts';
import { parseSecretKey } from '../../src/nix/keys.ts';
import { parseNarInfo, renderNarInfo, type NarInfo } from '../../src/nix/narinfo.ts';
import { fingerprint, hashPart, parsePathInfoJson, type PathInfo } from '../../src/nix/path-info.ts';

const S = '/nix/store';
const H1 = Sha256.parse('sha256-U12SyG7yxuqQjTJ7/FCDOgAB9bkBa4GU/VIdJLeHtuo=');
const H2 = Sha256.parse('sha256-myxGrMRjPnN1bv8maNvwpn7rr77Fc/pLFSinTRkg+zE=');

const SAMPLES: NarInfo[] = [
  {
    storePath: `${S}/fhvl4vj517vfmnh3plnv66r5681af2kz-hello-fixture`,
    url: `nar/${H1.nix32.slice(7)}.nar.zst`,
    compression: 'zstd',
    fileHash: H1,
    fileSize: 300,
    narHash: H2,
    narSize: 584,
    references: [`${S}/w0ih0z2czxpp9zw6gk5s6l59lwnfws1a-note.txt`, `${S}/9sfrim3wkn09gpq71kvl29d1k20g0fls-greeting.txt`],
    deriver: `${S}/vgwrdfzrj5q6smj27fjv2zpdbjgkyysp-hello-fixture.drv`,
    sigs: ['a-1:AAAA', 'b-2:BBBB'],
    ca: null,
  },
  {
    storePath: `${S}/9sfrim3wkn09gpq71kvl29d1k20g0fls-greeting.txt`,
    url: 'nar/x.nar',
    compression: 'none',
    narHash: H1,
    narSize: 144,
    references: [],
    deriver: null,
    sigs: [],
    ca: 'fixed:r:sha256:1smnhyvj87ajzna82sq1p7sh201shd8gqyrjin8fmipjdv494pak',
  },
];

test('render → parse gives back what went in (references sorted)', () => {
  for (const n of SAMPLES) {
    const back = parseNarInfo(renderNarInfo(n));
    assert.deepEqual({ ...back, references: [...back.references] }, { ...n, references: [...n.references].sort() });
  }
});

test('renders the fields Nix expects, in its order, references as base names', () => {
  const text = renderNarInfo(SAMPLES[0] as NarInfo);
  assert.deepEqual(
    text.split('\n').map((l) => l.split(':')[0]),
    ['StorePath', 'URL', 'Compression', 'FileHash', 'FileSize', 'NarHash', 'NarSize', 'References', 'Deriver', 'Sig', 'Sig', ''],
  );
  assert.match(text, /^References: 9sfrim3wkn09gpq71kvl29d1k20g0fls-greeting.txt w0ih0z2czxpp9zw6gk5s6l59lwnfws1a-note.txt$/m);
  assert.match(text, /^NarHash: sha256:[0-9a-z]{52}$/m);
  assert.match(text, /^Deriver: vgwrdfzrj5q6smj27fjv2zpdbjgkyysp-hello-fixture.drv$/m);
});

test('parse: defaults and oddities', () => {
  const base = `StorePath: ${S}/9sfrim3wkn09gpq71kvl29d1k20g0fls-greeting.txt\nURL: nar/x.nar.bz2\nNarHash: ${H1.nix32}\nNarSize: 144\n`;
  const n = parseNarInfo(`${base}Deriver: unknown-deriver\n`);
  assert.equal(n.compression, 'bzip2'); // Nix's default when the field is missing
  assert.equal(n.deriver, null);
  assert.deepEqual(n.references, []);
  assert.deepEqual(parseNarInfo(`${base}References: \n`).references, []);
  assert.equal(parseNarInfo(base.replace(H1.nix32, H1.sri)).narHash.hex, H1.hex);
  assert.throws(() => parseNarInfo(base.replace(/^StorePath.*\n/, '')), /StorePath/);
  assert.throws(() => parseNarInfo(base.replace(/^NarHash.*\n/m, '')), /NarHash/);
  assert.throws(() => parseNarInfo(base.replace(H1.nix32, 'sha256:nope')), /hash/);
});

let dir = '';
let env: NodeJS.ProcessEnv = {};
let hello: PathInfo;
let greeting: PathInfo;
const NO_SUBST = ['--option', 'substituters', ''];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'narinfo-'));
  env = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') };
  const salt = `${process.pid}-${Date.now()}-${Math.random()}`;
  await writeFile(join(dir, 'greeting'), `greeting ${salt}\n`);
  const added = (await run('nix-store', ['--add', join(dir, 'greeting')], { env })).stdout.trim();
  await writeFile(
    join(dir, 'drv.nix'),
    `derivation { name = "narinfo-test"; system = builtins.currentSystem; builder = "/bin/sh";
      dep = builtins.storePath "${added}"; args = [ "-c" "echo $dep > $out" ]; }`,
  );
  const built = (await run('nix-build', [join(dir, 'drv.nix'), '--no-out-link', ...NO_SUBST], { env })).stdout.trim();
  const json = await run('nix', [...NIX_COMMAND, 'path-info', '--json', built, added], { env });
  const infos = parsePathInfoJson(json.stdout);
  const find = (p: string) => infos.find((i) => i.path === p) ?? assert.fail(`no path-info for ${p}`);
  hello = find(built);
  greeting = find(added);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('live: parses what `nix copy --to file://` wrote, and renders it back byte for byte', async () => {
  const cache = join(dir, 'copied');
  await run('nix', [...NIX_COMMAND, 'copy', '--to', `file://${cache}`, hello.path, ...NO_SUBST], { env });
  for (const info of [hello, greeting]) {
    const text = await readFile(join(cache, `${hashPart(info.path)}.narinfo`), 'utf8');
    const n = parseNarInfo(text);
    assert.equal(n.storePath, info.path);
    assert.ok(n.narHash.equals(info.narHash));
    assert.equal(n.narSize, info.narSize);
    assert.deepEqual(n.references, info.references);
    assert.equal(n.deriver, info.deriver);
    assert.equal(n.ca, info.ca);
    assert.deepEqual(n.sigs, []);
    const file = await readFile(join(cache, n.url));
    assert.equal(n.fileSize, file.length);
    assert.equal(n.fileHash?.hex, createHash('sha256').update(file).digest('hex'));
    assert.equal(renderNarInfo(n), text);
  }
  assert.deepEqual(hello.references, [greeting.path]);
  assert.notEqual(hello.deriver, null);
  assert.notEqual(greeting.ca, null);
});

test('live: Nix accepts a cache whose narinfo we rendered and signed', async () => {
  await run('nix-store', ['--generate-binary-cache-key', 'narinfo-test-1', join(dir, 'sk'), join(dir, 'pk')]);
  const sk = parseSecretKey(await readFile(join(dir, 'sk'), 'utf8'));
  const cache = join(dir, 'ours');
  await mkdir(join(cache, 'nar'), { recursive: true });
  await writeFile(join(cache, 'nix-cache-info'), 'StoreDir: /nix/store\n');
  const publish = async (info: PathInfo, sig: string) => {
    const bytes = execFileSync('nix-store', ['--dump', info.path], { env }); // a NAR is binary: keep a Buffer
    const narinfo: NarInfo = {
      storePath: info.path,
      url: `nar/${hashPart(info.path)}.nar`,
      compression: 'none',
      fileHash: Sha256.fromBytes(createHash('sha256').update(bytes).digest()),
      fileSize: bytes.length,
      narHash: info.narHash,
      narSize: info.narSize,
      references: [...info.references],
      deriver: info.deriver,
      sigs: [sig],
      ca: info.ca,
    };
    await writeFile(join(cache, narinfo.url), bytes);
    await writeFile(join(cache, `${hashPart(info.path)}.narinfo`), renderNarInfo(narinfo));
  };
  const verify = async () => {
    const args = [...NIX_COMMAND, 'store', 'verify', '--store', `file://${cache}`, '--sigs-needed', '1', '-r', hello.path];
    const key = (await readFile(join(dir, 'pk'), 'utf8')).trim();
    return run('nix', [...args, '--option', 'trusted-public-keys', key], { env, allowFailure: true });
  };
  await publish(greeting, sk.sign(fingerprint(greeting)));
  await publish(hello, sk.sign(fingerprint(hello)));
  const good = await verify();
  assert.equal(good.code, 0, good.stderr);
  // The same cache with a signature over the wrong size must fail: the test can tell.
  await publish(hello, sk.sign(fingerprint({ ...hello, narSize: hello.narSize + 1 })));
  const bad = await verify();
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, new RegExp(`'${hello.path}' is untrusted`));
  assert.ok((await readdir(join(cache, 'nar'))).length === 2);
});
