// Secret masking for the inputs: every secret, and the forms derived from it, is masked with
// core.setSecret before anything else can print. Also the word-splitting rule of list inputs, which
// both masking and the settings schema (config.ts) use.
import * as core from '@actions/core';
import { Inputs, SecretEnvFallbacks, SecretInputs, type InputName } from './constants.ts';

/** Space- or newline-separated list; `#` starts a comment on multi-line inputs. */
export function words(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, ''))
    .join(' ')
    .split(/\s+/)
    .filter(Boolean);
}

/** Values a secret can show up as in a log: itself, trimmed, its lines, and its base64 forms. */
export function secretForms(value: string): string[] {
  const v = value.trim();
  if (v === '') return [];
  const forms = new Set([value, v, ...v.split('\n').map((l) => l.trim()).filter((l) => l.length >= 4)]);
  // A key pasted across lines is read without its whitespace (the cachix client does the same).
  const compact = v.replace(/\s+/g, '');
  const body = compact.includes(':') ? compact.slice(compact.indexOf(':') + 1) : compact;
  forms.add(compact);
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

/**
 * Passwords in cache URLs (`https://user:password@host/…`), a user part standing alone
 * (`https://TOKEN@host`), and the Basic auth value made from them.
 */
export function urlSecretForms(text: string): string[] {
  const forms: string[] = [];
  for (const word of words(text)) {
    const url = URL.parse(word);
    if (!url) continue;
    // `https://TOKEN@host`: a user part without a password is a token (an ssh user name is not).
    const loneToken = !url.password && url.username !== '' && /^https?:$/.test(url.protocol);
    if (!url.password && !loneToken) continue;
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    forms.push(url.password, password, Buffer.from(`${user}:${password}`).toString('base64'));
    if (loneToken) forms.push(url.username, user);
  }
  return forms.filter((f) => f.length >= 4);
}

/** Masks every secret input's forms, and the token variables even when their backend is not configured. */
export function maskSecrets(raw: Partial<Record<InputName, string>>, env: NodeJS.ProcessEnv = {}): void {
  for (const name of SecretInputs) for (const form of secretForms(raw[name] ?? '')) core.setSecret(form);
  for (const name of [Inputs.Substituters, Inputs.PushTo, Inputs.PinsTo, Inputs.PinsFrom]) for (const form of urlSecretForms(raw[name] ?? '')) core.setSecret(form);
  for (const variable of Object.values(SecretEnvFallbacks)) for (const form of secretForms(env[variable] ?? '')) core.setSecret(form);
}
