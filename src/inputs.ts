// Reads the action's inputs once and masks every secret, and the forms derived from it, before
// anything else can print.
import * as runner from './runner.ts';
import { Inputs, type InputName, SecretInputs } from './constants.ts';
import { parseSettings, withEnvFallbacks, words, type RawInputs, type Settings } from './config.ts';

export function readRawInputs(): RawInputs {
  const raw: RawInputs = {};
  for (const name of Object.values(Inputs)) raw[name] = runner.getInput(name);
  return raw;
}

/** Values a secret can show up as in a log: itself, trimmed, its lines, and its base64 forms. */
export function secretForms(value: string): string[] {
  const v = value.trim();
  if (v === '') return [];
  const forms = new Set([value, v, ...v.split('\n').map((l) => l.trim()).filter((l) => l.length >= 4)]);
  const body = v.includes(':') ? v.slice(v.indexOf(':') + 1) : v;
  forms.add(body);
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
    const bytes = Buffer.from(body, 'base64');
    forms.add(bytes.toString('base64url'));
    forms.add(bytes.toString('hex'));
  }
  // HTTP Basic auth headers built from a token (netrc: empty login, token as password).
  forms.add(Buffer.from(`:${v}`).toString('base64'));
  return [...forms].filter((f) => f.length >= 4);
}

/** Passwords in cache URLs (`https://user:password@host/…`) and the Basic auth value made from them. */
export function urlSecretForms(text: string): string[] {
  const forms: string[] = [];
  for (const word of words(text)) {
    let url: URL;
    try {
      url = new URL(word);
    } catch {
      continue;
    }
    if (!url.password) continue;
    const password = decodeURIComponent(url.password);
    forms.push(url.password, password, Buffer.from(`${decodeURIComponent(url.username)}:${password}`).toString('base64'));
  }
  return forms.filter((f) => f.length >= 4);
}

export function maskSecrets(raw: RawInputs): void {
  for (const name of SecretInputs) for (const form of secretForms(raw[name] ?? '')) runner.setSecret(form);
  for (const name of [Inputs.Substituters, Inputs.PushTo]) for (const form of urlSecretForms(raw[name] ?? '')) runner.setSecret(form);
}

/** Inputs → settings, masking first. Throws ConfigError naming each bad input. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const raw = withEnvFallbacks(readRawInputs(), env);
  maskSecrets(raw);
  return parseSettings(raw);
}

export type { InputName };
