// Every `nix path-info --json` shape (fixtures/path-info/README.md says where each comes from) must
// parse to the same PathInfo; the live tests run the installed Nix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NIX_COMMAND, run } from '../../src/nix/command.ts';
import { fingerprint, parseNixVersion, parsePathInfoJson, pathInfoArgs, type PathInfo } from '../../src/nix/path-info.ts';
import { parsePublicKey, verifySignature } from '../../src/nix/keys.ts';

const FIXTURES = new URL('fixtures/path-info/', import.meta.url);
const S = '/nix/store';
const HELLO = `${S}/fhvl4vj517vfmnh3plnv66r5681af2kz-hello-fixture`;
const GREETING = `${S}/9sfrim3wkn09gpq71kvl29d1k20g0fls-greeting.txt`;
const NOTE = `${S}/w0ih0z2czxpp9zw6gk5s6l59lwnfws1a-note.txt`;
// The keys that signed HELLO in the recorded sample (`nix store sign` with Nix 2.8).
const KEYS = ['fixture-key-1:/e5nq27Ef1bVGH5ObzgfjPIJavKItrxiTtnhoSl3op4=', 'second-key-2:tDkVsq6IN1BKeenCepgQTzwj0SLggb/JFCaHB/2NGdQ='].map(parsePublicKey);

interface Plain {
  path: string;
  narHash: string;
  narSize: number;
  references: readonly string[];
  deriver: string | null;
  sigs: readonly string[];
  ca: string | null;
}
const plain = (i: PathInfo): Plain => ({ ...i, narHash: i.narHash.sri });

// What Nix 2.8 printed for these paths (nix-2.8.json), in PathInfo's terms.
const EXPECTED: Plain[] = [
  {
    path: GREETING,
    narHash: 'sha256-U12SyG7yxuqQjTJ7/FCDOgAB9bkBa4GU/VIdJLeHtuo=',
    narSize: 144,
    references: [],
    deriver: null,
    sigs: [],
    ca: 'fixed:r:sha256:1smnhyvj87ajzna82sq1p7sh201shd8gqyrjin8fmipjdv494pak',
  },
  {
    path: HELLO,
    narHash: 'sha256-myxGrMRjPnN1bv8maNvwpn7rr77Fc/pLFSinTRkg+zE=',
    narSize: 584,
    references: [GREETING, NOTE],
    deriver: `${S}/vgwrdfzrj5q6smj27fjv2zpdbjgkyysp-hello-fixture.drv`,
    sigs: [
      'fixture-key-1:tPrLxwKeC5O4qcehB87VlS89QgS12LheuO5MgKyn69jIlsjgUER8ALgwzSCrWvJCjphCaK1DjVgE0HN43jejDg==',
      'second-key-2:uWRusuhLC2kiYabQnHYfVhaIUqKjrcdVjk+D+f/eMCC1KyP+Bd654KshMF+3tc3P4VT9GL+4K6I+VOSnXpUCAA==',
    ],
    ca: null,
  },
  {
    path: NOTE,
    narHash: 'sha256-AqtfFGsbDtkOVJFXUa4KBU0l800NqpHUbrQ23fXrh8M=',
    narSize: 136,
    references: [],
    deriver: null,
    sigs: [],
    ca: 'text:sha256:0sib11hn2wdnfj6sc5idcyvhxxhs7dz347rfmxfcl2rs8zjcfbvc',
  },
];

const fixtures = (await readdir(FIXTURES)).filter((f) => f.endsWith('.json')).sort();

test('there is a sample for every known shape', () => {
  assert.deepEqual(fixtures, [
    'lix-2.95.json',
    'nix-2.18.json',
    'nix-2.19.json',
    'nix-2.24.json',
    'nix-2.33-format-1.json',
    'nix-2.33-format-2.json',
    'nix-2.35-format-3.json',
    'nix-2.8.json',
  ]);
});

for (const file of fixtures) {
  test(`${file} parses to the recorded values, invalid path left out`, async () => {
    const infos = parsePathInfoJson(await readFile(new URL(file, FIXTURES), 'utf8'));
    const byPath = (a: Plain, b: Plain) => a.path.localeCompare(b.path);
    assert.deepEqual(infos.map(plain).sort(byPath), EXPECTED);
  });

  test(`${file}: the signatures verify over our fingerprint`, async () => {
    const hello = parsePathInfoJson(await readFile(new URL(file, FIXTURES), 'utf8')).find((i) => i.path === HELLO);
    assert.ok(hello);
    assert.equal(hello.sigs.length, KEYS.length);
    for (const [n, key] of KEYS.entries()) assert.ok(verifySignature(key, fingerprint(hello), hello.sigs[n] ?? ''), key.name);
  });
}

test('format 2+ content addresses of every method render as Nix text', () => {
  const hash = 'sha256-U12SyG7yxuqQjTJ7/FCDOgAB9bkBa4GU/VIdJLeHtuo=';
  const n32 = '1smnhyvj87ajzna82sq1p7sh201shd8gqyrjin8fmipjdv494pak';
  const cases: Array<[unknown, string]> = [
    [{ method: 'nar', hash }, `fixed:r:sha256:${n32}`],
    [{ method: 'flat', hash }, `fixed:sha256:${n32}`],
    [{ method: 'text', hash }, `text:sha256:${n32}`],
    [{ method: 'git', hash: 'sha1-qUqP5cyxm6YcTAhz05Hph5gvu9M=' }, 'fixed:git:sha1:sfxjz647x68x6wq89hfad6xirkjqyjm9'],
    // Unreleased 2.33 previews spelled hashes as objects.
    [{ method: 'nar', hash: { algorithm: 'sha256', format: 'base16', hash: Buffer.from(hash.slice(7), 'base64').toString('hex') } }, `fixed:r:sha256:${n32}`],
    [{ method: 'nar', hash: { algorithm: 'sha256', format: 'base64', hash: hash.slice(7) } }, `fixed:r:sha256:${n32}`],
    ['fixed:sha256:whatever-nix-says', 'fixed:sha256:whatever-nix-says'],
  ];
  for (const [ca, text] of cases) {
    const doc = { version: 2, storeDir: S, info: { [GREETING.slice(S.length + 1)]: { narHash: hash, narSize: 1, references: [], ca } } };
    assert.equal(parsePathInfoJson(JSON.stringify(doc))[0]?.ca, text, JSON.stringify(ca));
  }
});

test('the wrapper storeDir makes full paths for keys, references and deriver', () => {
  const doc = {
    version: 2,
    storeDir: '/tmp/other-store',
    info: { 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x': { narHash: EXPECTED[0]?.narHash, narSize: 1, references: ['bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-y'], deriver: 'cccccccccccccccccccccccccccccccc-x.drv' } },
  };
  const [info] = parsePathInfoJson(JSON.stringify(doc));
  assert.equal(info?.path, '/tmp/other-store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x');
  assert.deepEqual(info?.references, ['/tmp/other-store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-y']);
  assert.equal(info?.deriver, '/tmp/other-store/cccccccccccccccccccccccccccccccc-x.drv');
});

test('references come out sorted whatever order Nix printed', () => {
  const doc = { [HELLO]: { narHash: EXPECTED[0]?.narHash, narSize: 1, references: [NOTE, HELLO, GREETING] } };
  assert.deepEqual(parsePathInfoJson(JSON.stringify(doc))[0]?.references, [GREETING, HELLO, NOTE]);
});

test('malformed documents are errors, not silently empty', () => {
  const good = { narHash: EXPECTED[0]?.narHash, narSize: 1, references: [] };
  const bad: unknown[] = [
    '"just a string"',
    [{ ...good }], // array entry without path
    { [HELLO]: { ...good, narHash: 'md5-1B2M2Y8AsgTpgAmY7PhCfg==' } },
    { [HELLO]: { ...good, narHash: 'sha256:tooshort' } },
    { [HELLO]: { ...good, narSize: -1 } },
    { [HELLO]: { ...good, ca: { method: 'unheard-of', hash: EXPECTED[0]?.narHash } } },
    { version: 2, info: { x: good } }, // wrapper without storeDir
  ];
  for (const doc of bad) assert.throws(() => parsePathInfoJson(typeof doc === 'string' ? doc : JSON.stringify(doc)), JSON.stringify(doc));
  assert.throws(() => parsePathInfoJson('not json'));
});

test('parseNixVersion reads every flavour of `nix --version`', () => {
  const cases: Array<[string, ReturnType<typeof parseNixVersion>]> = [
    ['nix (Nix) 2.8.0\n', { flavor: 'nix', major: 2, minor: 8, patch: 0, pre: false }],
    ['nix (Nix) 2.33.0pre20251201_abcdef0', { flavor: 'nix', major: 2, minor: 33, patch: 0, pre: true }],
    ['nix (Lix, like Nix) 2.91.1', { flavor: 'lix', major: 2, minor: 91, patch: 1, pre: false }],
    ['nix (Determinate Nix 3.15.0) 2.33.0', { flavor: 'determinate', major: 2, minor: 33, patch: 0, pre: false }],
    ['nix-env (Nix) 2.24', { flavor: 'nix', major: 2, minor: 24, patch: 0, pre: false }],
    ['2.35.1', { flavor: 'nix', major: 2, minor: 35, patch: 1, pre: false }],
    ['bash: nix: command not found', null],
    ['', null],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseNixVersion(text), want, text);
});

test('pathInfoArgs asks for --json-format only where Nix knows it', () => {
  const F = ['--json-format', '2'];
  const cases: Array<[string, string[]]> = [
    ['nix (Nix) 2.8.0', []],
    ['nix (Nix) 2.18.9', []],
    ['nix (Nix) 2.32.4', []],
    ['nix (Nix) 2.33.0pre20251120_0123abc', []], // may predate the flag
    ['nix (Nix) 2.33.0', F],
    ['nix (Nix) 2.35.2', F],
    ['nix (Nix) 3.0.0', F],
    ['nix (Lix, like Nix) 2.95.3', []], // Lix has no --json-format
    ['nix (Determinate Nix 3.13.1) 2.32.4', []],
    ['nix (Determinate Nix 3.15.0) 2.33.0', F],
    ['something unexpected', []],
  ];
  for (const [text, want] of cases) assert.deepEqual(pathInfoArgs(text), want, text);
});

test('live: the installed Nix accepts our flags and its output parses to what nix-store reports', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'path-info-'));
  try {
    await writeFile(join(dir, 'a'), `path-info test ${process.pid} ${Date.now()}\n`);
    await writeFile(join(dir, 'b'), `flat file ${process.pid} ${Date.now()}\n`);
    const { stdout: a } = await run('nix-store', ['--add', join(dir, 'a')]);
    const { stdout: b } = await run('nix', [...NIX_COMMAND, 'store', 'add-file', join(dir, 'b')]);
    const paths = [a.trim(), b.trim()];
    const version = (await run('nix', ['--version'])).stdout;
    const { stdout } = await run('nix', [...NIX_COMMAND, 'path-info', '--json', ...pathInfoArgs(version), ...paths]);
    const infos = parsePathInfoJson(stdout);
    assert.deepEqual(infos.map((i) => i.path).sort(), [...paths].sort());
    for (const info of infos) {
      const q = async (flag: string) => (await run('nix-store', ['-q', flag, info.path])).stdout.trim();
      assert.equal(info.narHash.nix32, await q('--hash'));
      assert.equal(String(info.narSize), await q('--size'));
      assert.deepEqual(info.references, []);
    }
    // Nix 2.8 prints `nix-store --add` as NAR-hashed and `store add-file` as flat content addresses.
    assert.match(infos.find((i) => i.path === a.trim())?.ca ?? '', /^fixed:r:sha256:[0-9a-z]{52}$/);
    assert.match(infos.find((i) => i.path === b.trim())?.ca ?? '', /^fixed:sha256:[0-9a-z]{52}$/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('live: a path Nix does not have is left out, not an error', async () => {
  const missing = `${S}/00000000000000000000000000000000-not-there`;
  const version = (await run('nix', ['--version'])).stdout;
  const { stdout } = await run('nix', [...NIX_COMMAND, 'path-info', '--json', ...pathInfoArgs(version), missing, '--option', 'substituters', '']);
  assert.match(stdout, /not-there/); // Nix did mention it …
  assert.deepEqual(parsePathInfoJson(stdout), []); // … as invalid
});
