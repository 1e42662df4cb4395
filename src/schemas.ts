// Schemas for every value from outside (inputs, Cachix and attic answers, netrc entries) that can
// end up in nix.conf, NIX_CONFIG, a file command or a netrc. Nix reads those files line by line and
// word by word: a newline in a server's `uri` would add any setting (`post-build-hook = …`, run as
// root by the daemon), a space in a token would add a netrc word. So a value is checked where it
// enters, and one that fails is never written anywhere. Public keys are checked by nix/keys.ts
// (parsePublicKey rebuilds each key from its 32 bytes), cache names by config.ts.
import * as z from 'zod';
import { serverText } from './server-text.ts';

/** Whitespace, C0/C1 control characters and DEL: none of them belongs in a URL, key or token. */
const UNSAFE_CHARS = /[\s\u0000-\u001f\u007f-\u009f]/;

export function hasUnsafeChars(text: string): boolean {
  return UNSAFE_CHARS.test(text);
}

/** A string without whitespace or control characters. */
export const Word = z.string().refine((s) => s !== '' && !hasUnsafeChars(s), { error: 'must be one word, without whitespace or control characters', abort: true });

/** The value as a message shows it: quoted, on one line, shortened (it may come from a server). */
const shown = (issue: { input?: unknown }) => `"${serverText(String(issue.input), 100)}"`;

/** A URL with one of `schemes` (`'https:'` …), no whitespace or control characters; trailing slashes dropped. */
export function urlWith(schemes: readonly string[]) {
  return z
    .string()
    .refine((s) => s !== '' && !hasUnsafeChars(s), { error: (issue) => `${shown(issue)} must not contain whitespace or control characters`, abort: true })
    .refine((s) => URL.canParse(s), { error: (issue) => `${shown(issue)} is not a URL`, abort: true })
    .refine((s) => schemes.includes(new URL(s).protocol), { error: (issue) => `${shown(issue)} must be an ${schemes.map((p) => `${p}//`).join(' or ')} URL` })
    .transform((s) => s.replace(/\/+$/, ''));
}

/** An http:// or https:// URL, safe to write into nix.conf or a netrc host. */
export const HttpUrl = urlWith(['http:', 'https:']);

/**
 * A netrc word (host, login, password). curl and Nix split netrc on whitespace and, depending on the
 * version, read quotes, backslashes and `#`: a value holding any of them is refused, not quoted.
 */
export const NetrcWord = Word.refine((s) => !/["'\\#]/.test(s), { error: 'must not contain quotes, backslashes or "#"' });

/** The first problem of a failed parse, for messages. */
export function firstProblem(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'invalid';
}

/** `schema`'s value for `text`, or the first problem. */
export function check<T>(schema: z.ZodType<T, unknown>, text: unknown): { ok: true; value: T } | { ok: false; problem: string } {
  const r = schema.safeParse(text);
  return r.success ? { ok: true, value: r.data } : { ok: false, problem: firstProblem(r.error) };
}
