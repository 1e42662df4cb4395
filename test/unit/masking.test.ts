// Every form of a secret is masked, and none reaches a command line: a token given as a URL's user
// part, the credentials of a push-to URL that goes through `nix copy` (they go to a 0600 netrc the
// command is pointed at), and the passwords of the netrc entries the job's netrc carries over.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseNetrc, renderNetrc, withoutCredentials } from '../../src/configure/netrc.ts';
import { urlSecretForms } from '../../src/inputs.ts';
import { NixCopyTarget } from '../../src/push/nix-copy.ts';

const TOKEN = 'tok-0123456789abcdef';

test('a token as the user part of a URL is masked, with its Basic auth form', () => {
  const forms = urlSecretForms(`https://${TOKEN}@cache.example/x`);
  assert.ok(forms.includes(TOKEN));
  assert.ok(forms.includes(Buffer.from(`${TOKEN}:`).toString('base64')));
  // A user name of an ssh store is not a secret.
  assert.deepEqual(urlSecretForms('ssh://builder@host'), []);
});

test('nix copy gets the URL without credentials; they sit in a 0600 netrc removed after the push', async () => {
  const root = mkdtempSync(join(tmpdir(), 'nixcopy-'));
  try {
    const target = new NixCopyTarget(`http://ci:${TOKEN}@127.0.0.1:9/c?compression=xz`, { signingKey: null, tempRoot: root });
    const { url, options } = await target.storeArgs();
    assert.doesNotMatch([url, ...options].join(' '), new RegExp(TOKEN));
    assert.equal(url, 'http://127.0.0.1:9/c?compression=xz');
    const netrc = options[options.indexOf('netrc-file') + 1]!;
    assert.equal(readFileSync(netrc, 'utf8'), `machine 127.0.0.1 login ci password ${TOKEN}\n`);
    assert.equal(statSync(netrc).mode & 0o777, 0o600);
    await target.dispose();
    assert.equal(existsSync(netrc), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('netrc: `default` entries are kept (last), a lone token is a login without an empty password word', () => {
  const parsed = parseNetrc('default login anon password x\nmachine a.example password p\n');
  assert.equal(renderNetrc(parsed), 'machine a.example password p\ndefault login anon password x\n');
  const { netrc } = withoutCredentials(`https://${TOKEN}@h.example/x`);
  assert.equal(renderNetrc(netrc), `machine h.example login ${TOKEN}\n`);
  // macdef bodies are not read as entries.
  assert.deepEqual(parseNetrc('macdef init\nmachine evil password x\n\nmachine a password p\n').map((e) => e.machine), ['a']);
});
