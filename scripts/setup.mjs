#!/usr/bin/env node
// One-time set-up of a fresh Debian machine for the tests and the local demo. Plain JavaScript
// so that any Node (the machine's Node 20 included) can run it before Node 24 is installed.
// Installs: Nix (Debian's nix-bin, single-user as root), nginx-light, sudo, and mmdebstrap (builds
// the test matrix's Debian chroots with newer Nix, scripts/nix-matrix); then the npm dependencies,
// which include Node 24 itself (the `node` package) for running the tests.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: 'inherit', ...opts });
const has = (bin) => {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const needed = [
  ['nix-build', 'nix-bin'],
  ['nginx', 'nginx-light'],
  ['sudo', 'sudo'],
  ['mmdebstrap', 'mmdebstrap'],
].filter(([bin]) => !has(bin) && !existsSync(`/usr/sbin/${bin}`));
if (needed.length > 0) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  sh('apt-get', ['update', '-qq'], { env });
  sh('apt-get', ['install', '-y', '-qq', ...needed.map(([, pkg]) => pkg)], { env });
}

// Tests run Nix single-user as root; Debian's build sandbox does not work in containers.
const conf = '/etc/nix/nix.conf';
const text = existsSync(conf) ? readFileSync(conf, 'utf8') : '';
if (!/^\s*sandbox\s*=\s*false/m.test(text)) writeFileSync(conf, `${text.replace(/\n*$/, '\n')}sandbox = false\n`);

sh('npm', ['ci', '--no-audit', '--no-fund'], { cwd: new URL('..', import.meta.url).pathname });
const node = new URL('../node_modules/.bin/node', import.meta.url).pathname;
console.log(`set-up done: ${execFileSync(node, ['--version']).toString().trim()} and ${execFileSync('nix', ['--version']).toString().trim()}`);
