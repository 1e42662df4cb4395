// The least any main step can do, for reference in bench/main-step.ts: no validation library, no
// logging, no Nix: read two inputs, write NIX_CONFIG, the output and the state (with the snapshot
// moment) like the action. Plain JavaScript so nothing is compiled at its start.
import { appendFileSync } from 'node:fs';

const snapshotAt = Date.now();
const words = (name) => (process.env[`INPUT_${name}`] ?? '').split(/\s+/).filter(Boolean);
const substituters = words('SUBSTITUTERS');
const keys = words('TRUSTED-PUBLIC-KEYS');
for (const k of keys) if (Buffer.from(k.slice(k.indexOf(':') + 1), 'base64').length !== 32) throw new Error(`bad key ${k}`);
const conf = `extra-substituters = ${substituters.join(' ')}\nextra-trusted-public-keys = ${keys.join(' ')}\nfallback = true\n`;
const record = (file, name, value) => {
  const delimiter = `ghadelimiter_${Math.random().toString(36).slice(2)}`;
  appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
};
record(process.env.GITHUB_ENV, 'NIX_CONFIG', conf);
record(process.env.GITHUB_OUTPUT, 'substituters', substituters.join(' '));
record(process.env.GITHUB_STATE, 'main', JSON.stringify({ snapshotAt }));
